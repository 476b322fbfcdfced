"""`shibei audit verify` and `shibei accounts import` on a SQLite store in a tmp dir."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import text
from typer.testing import CliRunner

from shibei.access.audit import AuditRecord
from shibei.cli.main import app
from shibei.store.sql_store import SqlStore, sql_engine

RUNNER = CliRunner()


def _store(tmp_path: Path, rows: int) -> SqlStore:
    store = SqlStore(sql_engine(f"sqlite:///{tmp_path / 'app.db'}"))
    store.migrate()
    for n in range(1, rows + 1):
        store.append_audit(
            AuditRecord(
                datetime(2025, 1, 1, 8, 0, n),
                "admin",
                "district_admin",
                "127.0.0.1",
                "person.view",
                f"P{n}",
                "ok",
            )
        )
    return store


def test_audit_verify_passes_an_intact_log(tmp_path: Path) -> None:
    _store(tmp_path, 3).engine.dispose()
    result = RUNNER.invoke(app, ["audit", "verify", "--data", str(tmp_path)])
    assert result.exit_code == 0
    assert result.output.strip() == "审计日志完整：共 3 条，哈希链校验通过"


def test_audit_verify_detects_an_edited_row(tmp_path: Path) -> None:
    store = _store(tmp_path, 3)
    with store.engine.begin() as c:
        c.execute(text("UPDATE audit_log SET result = 'denied' WHERE seq = 2"))
    store.engine.dispose()
    result = RUNNER.invoke(app, ["audit", "verify", "--data", str(tmp_path)])
    assert result.exit_code == 1
    assert "第 2 条审计记录的内容与哈希不符（被修改）" in result.output


def test_audit_verify_detects_a_deleted_row(tmp_path: Path) -> None:
    store = _store(tmp_path, 3)
    with store.engine.begin() as c:
        c.execute(text("DELETE FROM audit_log WHERE seq = 3"))
    store.engine.dispose()
    result = RUNNER.invoke(app, ["audit", "verify", "--data", str(tmp_path)])
    assert result.exit_code == 1
    assert "末尾记录被删除或修改" in result.output


def _accounts_file(path: Path, rows: list[list[str]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["用户名", "姓名", "角色", "单位代码", "人员编号", "初始密码"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_account_import_with_errors_imports_nothing_unless_asked(tmp_path: Path) -> None:
    from shibei.gazetteer import build_gazetteer, write_gazetteer

    write_gazetteer(build_gazetteer(0.001, 1), tmp_path / "gazetteer")
    xlsx = _accounts_file(
        tmp_path / "a.xlsx",
        [
            ["s1", "街道甲", "街道干部", "370203005", "", "password-123"],
            ["s2", "街道乙", "街道干部", "999999999", "", "password-123"],
            ["g1", "网格甲", "网格员", "370203005001001", "", "short"],
        ],
    )
    report = tmp_path / "errors.xlsx"
    refused = RUNNER.invoke(
        app, ["accounts", "import", str(xlsx), "--data", str(tmp_path), "--report", str(report)]
    )
    assert refused.exit_code == 1
    assert "第 3 行：单位代码“999999999”不存在" in refused.output
    assert "第 4 行：初始密码至少 8 位" in refused.output
    assert "未导入任何账号" in refused.output and report.exists()
    partial = RUNNER.invoke(
        app, ["accounts", "import", str(xlsx), "--data", str(tmp_path), "--valid-only"]
    )
    assert partial.exit_code == 0
    assert "已导入 1 个账号，跳过 2 行" in partial.output
