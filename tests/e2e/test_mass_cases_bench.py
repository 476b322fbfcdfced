"""`shibei bench intake` at a small scale: every victim is registered through the real
intake code, the last stdout line is the JSON the issue asks for, and officers
reviewing the proposals never end up joining two different schemes."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from shibei.cli.main import app


def test_bench_intake_prints_both_medians_last() -> None:
    result = CliRunner().invoke(app, ["bench", "intake", "--scale", "0.001"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["victims"] == 60 == figures["reports_registered"]
    assert figures["median_intake_minutes"] > 0
    assert figures["baseline_median_intake_minutes"] > 0
    assert figures["false_joins_after_review"] == 0
    assert figures["pair_recall"] >= 0.9
    assert list(figures)[-2:] == ["median_intake_minutes", "baseline_median_intake_minutes"]
