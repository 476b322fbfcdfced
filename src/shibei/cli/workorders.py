"""`shibei workorders sweep`: record the deadline steps now due (预警, 催办, 督办) on every
open work order. Run it from cron (e.g. every 15 minutes); it is idempotent: a step
already recorded is not recorded again."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

workorders_app = typer.Typer(help="工单引擎：时限预警、催办、督办", no_args_is_help=True)


@workorders_app.command()
def sweep(
    data: Annotated[
        Path | None, typer.Option(help="data directory (default SHIBEI_DATA_DIR)")
    ] = None,
    now: Annotated[
        str | None, typer.Option(help="as of this time (ISO 8601; default: now)")
    ] = None,
) -> None:
    """Record every due warning and escalation; print one JSON object with the counts."""
    from shibei.bootstrap import workorder_repository
    from shibei.config import Settings
    from shibei.workflow import WorkflowService

    settings = Settings() if data is None else Settings(data_dir=data)
    try:
        at = datetime.fromisoformat(now) if now else None
    except ValueError as exc:
        typer.echo(f"时间格式不正确：{now}（应为 ISO 8601，如 2025-03-01T09:00）", err=True)
        raise typer.Exit(2) from exc
    steps = WorkflowService(workorder_repository(settings)).sweep(at)
    levels = Counter(step.level for step in steps)
    typer.echo(json.dumps({"steps": len(steps), **levels}, ensure_ascii=False))
