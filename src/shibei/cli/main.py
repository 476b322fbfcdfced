"""The `shibei` command. Thin: parse, call a handler, print."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from shibei.bench import BENCHMARKS
from shibei.cli.address import address_app
from shibei.cli.progress import RichProgress
from shibei.cli.web import register_web
from shibei.cli.workorders import workorders_app
from shibei.config import Settings
from shibei.errors import ShibeiError

app = typer.Typer(help="市北区数据底座与治理应用平台", no_args_is_help=True, add_completion=False)
err = Console(stderr=True)
app.add_typer(address_app, name="address")
app.add_typer(workorders_app, name="workorders")
register_web(app)


@app.command()
def generate(
    scale: Annotated[
        float, typer.Option(help="1.0 = the whole district (1,096,879 residents)")
    ] = 0.1,
    out: Annotated[
        Path | None, typer.Option(help="data directory (default SHIBEI_DATA_DIR)")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="random seed of the reference district")] = None,
) -> None:
    """Generate the reference district: gazetteer, departmental feeds, ground truth."""
    from shibei.synth.generate import generate_district

    settings = Settings()
    data_dir = out or settings.data_dir
    with RichProgress(err) as progress:
        manifest = generate_district(
            data_dir,
            scale=scale,
            seed=settings.seed if seed is None else seed,
            boundaries=settings.boundaries,
            progress=progress,
        )
    err.print(f"[green]已生成[/] {data_dir}: {manifest['feed_rows']:,} 条部门数据行")


def _settings(data: Path | None, engine: str | None) -> Settings:
    """Settings for a data directory and an engine given on the command line."""
    settings = Settings() if data is None else Settings(data_dir=data)
    if engine is None:
        return settings
    if engine not in ("duckdb", "spark"):
        err.print(f"[red]未知的引擎 {engine}[/]；可选：duckdb、spark")
        raise typer.Exit(2)
    return settings.model_copy(update={"engine": engine})


@app.command()
def build(
    data: Annotated[
        Path | None, typer.Option(help="data directory (default SHIBEI_DATA_DIR)")
    ] = None,
    engine: Annotated[
        str | None,
        typer.Option(help="duckdb (default) or spark (SHIBEI_ENGINE; docs/scale.md)"),
    ] = None,
) -> None:
    """Build the data foundation: ingest → standardize → resolve → foundation."""
    from shibei.bootstrap import build as run_build

    settings = _settings(data, engine)
    try:
        with RichProgress(err) as progress:
            report = run_build(settings, progress)
    except ShibeiError as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    for line in _build_summary(report):
        typer.echo(line)


@app.command()
def update(
    delta: Annotated[Path, typer.Argument(help="a daily delta: feed files + retractions.csv")],
    data: Annotated[
        Path | None, typer.Option(help="data directory (default SHIBEI_DATA_DIR)")
    ] = None,
    engine: Annotated[
        str | None,
        typer.Option(help="duckdb (default) or spark (SHIBEI_ENGINE; docs/scale.md)"),
    ] = None,
) -> None:
    """Apply one daily delta to a built foundation incrementally (docs/scale.md)."""
    from shibei.bootstrap import apply_delta

    settings = _settings(data, engine)
    if not delta.is_dir():
        err.print(f"[red]增量目录不存在：{delta}[/]")
        raise typer.Exit(2)
    try:
        with RichProgress(err) as progress:
            report = apply_delta(settings, delta, progress)
    except ShibeiError as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    r = report["resolve"]
    typer.echo(
        f"增量已应用：新导入 {report['ingest'].rows_in:,} 行，撤回 {report['retracted']:,} 行，"
        f"人员 {r.persons:,}，合并 {r.merges}，拆分 {r.splits}"
    )
    for line in _build_summary(report):
        typer.echo(line)


def _build_summary(report: dict[str, Any]) -> list[str]:
    seconds = report["seconds"]
    lines = ["数据底座已建立（" + "，".join(f"{k} {v:.1f} 秒" for k, v in seconds.items()) + "）"]
    lines += [f"  {table}: {count:,} 行" for table, count in report["foundation"].items()]
    return lines


@app.command()
def summary(
    data: Annotated[
        Path | None, typer.Option(help="data directory (default SHIBEI_DATA_DIR)")
    ] = None,
) -> None:
    """Print what a generated data directory holds (from its manifest)."""
    from shibei.synth.manifest import read_manifest, summary_lines

    try:
        manifest = read_manifest((data or Settings().data_dir) / "feeds")
    except ShibeiError as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    for line in summary_lines(manifest):
        typer.echo(line)


@app.command()
def bench(
    name: Annotated[str, typer.Argument(help="benchmark: " + ", ".join(BENCHMARKS))],
    scale: Annotated[float, typer.Option(help="district scale")] = 0.01,
) -> None:
    """Run a benchmark: progress on stderr, one JSON object as the last line of stdout."""
    if name not in BENCHMARKS:
        err.print(f"[red]没有名为 {name} 的基准测试[/]；可选：{', '.join(BENCHMARKS)}")
        raise typer.Exit(2)
    module = importlib.import_module(BENCHMARKS[name])
    with RichProgress(err) as progress:
        figures = module.run(scale=scale, progress=progress)
    sys.stdout.write(json.dumps(figures, ensure_ascii=False) + "\n")


def main() -> None:
    app()
