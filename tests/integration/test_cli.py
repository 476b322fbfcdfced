"""The `shibei` command: generate, summary, bench."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from shibei.cli.main import app

runner = CliRunner()


def test_generate_then_summary_describes_the_district(tmp_path: Path) -> None:
    result = runner.invoke(app, ["generate", "--scale", "0.001", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "feeds" / "manifest.json").is_file()
    assert (tmp_path / "gazetteer").is_dir()
    summary = runner.invoke(app, ["summary", "--data", str(tmp_path)])
    assert summary.exit_code == 0, summary.output
    assert "街道 22 · 社区 137 · 网格 940 · 网格员 2,458" in summary.output
    assert "常住人口户籍信息" in summary.output


def test_summary_without_generated_data_says_what_to_do(tmp_path: Path) -> None:
    result = runner.invoke(app, ["summary", "--data", str(tmp_path)])
    assert result.exit_code == 1
    assert "请先运行 shibei generate" in result.output


def test_bench_generate_prints_figures_as_the_last_json_line() -> None:
    result = runner.invoke(app, ["bench", "generate", "--scale", "0.001"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["feed_rows"] > 0
    assert figures["seconds"] > 0
    assert figures["peak_rss_mb"] > 0
    assert figures["scale"] == 0.001


def test_bench_readers_reads_every_feed_row_and_times_the_xlsx_baseline() -> None:
    result = runner.invoke(app, ["bench", "readers", "--scale", "0.001"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    formats = ("csv", "jsonl", "parquet", "xlsx")
    assert figures["feed_rows"] == sum(figures[f"{f}_rows"] for f in formats) > 0
    assert figures["openpyxl_xlsx_rows_per_second"] > 0
    assert figures["xlsx_speedup_vs_openpyxl"] > 0


def test_unknown_benchmark_is_refused_with_the_list() -> None:
    result = runner.invoke(app, ["bench", "nosuch"])
    assert result.exit_code == 2
    assert "generate" in result.output


def test_bench_foundation_scores_the_pipeline_against_truth() -> None:
    result = runner.invoke(app, ["bench", "foundation", "--scale", "0.002"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["person_precision"] > 0.99
    assert figures["person_f1"] > 0.95
    assert 0.9 < figures["house_link_accuracy"] <= 1.0
    assert figures["ingest_seconds"] > 0
    parts = ("records", "population", "score", "cluster", "rare_names")
    link_parts = [figures[f"link_persons_{p}_seconds"] for p in parts]
    assert all(seconds >= 0 for seconds in link_parts)
    assert sum(link_parts) <= figures["resolve_link_persons_seconds"]


def test_bench_volume_builds_the_same_district_delivered_thirteen_times() -> None:
    result = runner.invoke(app, ["bench", "volume", "--scale", "0.001"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["many_feed_rows"] == 13 * figures["one_feed_rows"] > 0
    assert figures["rows_vs_one_delivery"] == 13.0
    # more rows about the same people: mentions grow 13×, persons only by changed phones
    assert figures["many_person_mentions"] == 13 * figures["one_person_mentions"]
    assert figures["one_persons"] <= figures["many_persons"] < 1.1 * figures["one_persons"]
    assert figures["many_seconds"] > 0 and figures["growth_exponent_total"] is not None
