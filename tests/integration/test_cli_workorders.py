"""`shibei workorders sweep`: the cron entry point of the deadline ladder."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from typer.testing import CliRunner

from shibei.access import Actor, Role
from shibei.bootstrap import workorder_repository
from shibei.cli.main import app
from shibei.config import Settings
from shibei.workflow import NewOrder, WorkflowService

ADMIN = Actor(1, "admin", Role.DISTRICT_ADMIN, "370203")


def _order_filed_on(data: Path, at: datetime) -> str:
    repo = workorder_repository(Settings(data_dir=data))
    service = WorkflowService(repo, clock=lambda: at)
    new = NewOrder("grid_event", "default", "楼道堆物", division_code="370203005001")
    return service.intake(new, ADMIN).order.id


def _sweep(data: Path, now: str) -> dict[str, int]:
    result = CliRunner().invoke(app, ["workorders", "sweep", "--data", str(data), "--now", now])
    assert result.exit_code == 0, result.output
    counts: dict[str, int] = json.loads(result.stdout.strip().splitlines()[-1])
    return counts


def test_an_overdue_order_is_urged_and_supervised_once(tmp_path: Path) -> None:
    order_id = _order_filed_on(tmp_path, datetime(2025, 3, 3, 9))
    assert _sweep(tmp_path, "2025-06-02T09:00") == {"steps": 2, "urge": 1, "supervise": 1}
    assert _sweep(tmp_path, "2025-06-03T09:00") == {"steps": 0}  # already escalated
    events = workorder_repository(Settings(data_dir=tmp_path)).events(order_id)
    assert [e.action for e in events][-2:] == ["urge", "supervise"]


def test_a_bad_time_is_refused_in_chinese(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["workorders", "sweep", "--data", str(tmp_path), "--now", "昨天"]
    )
    assert result.exit_code == 2
    assert "时间格式不正确" in result.output
