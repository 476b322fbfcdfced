"""`shibei serve`, `shibei accounts …`, `shibei audit verify`. Thin: parse, call, print."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from shibei.errors import ShibeiError

if TYPE_CHECKING:
    from shibei.config import Settings
    from shibei.store.sql_store import SqlStore

err = Console(stderr=True)
accounts_app = typer.Typer(help="账号管理", no_args_is_help=True)
audit_app = typer.Typer(help="审计日志", no_args_is_help=True)

DataOption = Annotated[Path | None, typer.Option(help="data directory (default SHIBEI_DATA_DIR)")]


def _settings(data: Path | None) -> Settings:
    from shibei.config import Settings

    return Settings() if data is None else Settings(data_dir=data)


def _store(settings: Settings) -> SqlStore:
    from shibei.bootstrap import operational_store

    return operational_store(settings)


def serve(
    port: Annotated[int, typer.Option(help="port on 127.0.0.1")] = 8000,
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    data: DataOption = None,
) -> None:
    """Serve the web platform from the built foundation (data/lake) and data/app.db."""
    import uvicorn

    from shibei.bootstrap import foundation_reader
    from shibei.gazetteer import read_gazetteer
    from shibei.store.risk_signals import DuckDBRiskInputs
    from shibei.web.app import create_app
    from shibei.web.context import build_context

    settings = _settings(data)
    try:
        reader = foundation_reader(settings)
        gazetteer = read_gazetteer(settings.gazetteer_dir)
    except (FileNotFoundError, ShibeiError) as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    ctx = build_context(
        reader,
        gazetteer,
        _store(settings),
        quality_dir=settings.lake_dir / "quality",
        uploads_dir=settings.data_dir / "uploads",
        cookie_secure=settings.cookie_secure,
        risk_inputs=DuckDBRiskInputs(settings.lake_dir),
    )
    err.print(f"市北区数据底座：http://{host}:{port}/")
    uvicorn.run(create_app(ctx), host=host, port=port, log_level="warning")


@accounts_app.command("demo")
def accounts_demo(
    data: DataOption = None,
    password: Annotated[
        str | None, typer.Option(help="one password for all (default random)")
    ] = None,
) -> None:
    """Create one demo account per role, scoped to a real street / community / grid."""
    from shibei.bootstrap import foundation_reader
    from shibei.gazetteer import read_gazetteer
    from shibei.store.sql_store import DuplicateAccount
    from shibei.web.auth import Auth
    from shibei.web.demo import demo_accounts

    settings = _settings(data)
    gazetteer = read_gazetteer(settings.gazetteer_dir)
    try:
        reader = foundation_reader(settings)
    except FileNotFoundError:
        reader = None
    store = _store(settings)
    auth = Auth(store)
    typer.echo("演示账号（每个角色一个）：")
    for new in demo_accounts(gazetteer, reader):
        secret = password or secrets.token_urlsafe(9)
        try:
            auth.create_account(new, secret)
        except DuplicateAccount:
            typer.echo(f"  {new.username:<12} 已存在，未改密码")
            continue
        typer.echo(f"  {new.username:<12} 密码 {secret:<14} {new.display_name}")
    history = settings.data_dir / "history" / "household_orders.jsonl"
    if history.exists():
        from shibei.store.household_history import import_history_file

        added = import_history_file(store.engine, history)
        typer.echo(f"户政业务历史工单（2024-2025）：新导入 {added} 件")


@accounts_app.command("create")
def accounts_create(
    username: str,
    role: Annotated[str, typer.Option(help="role, e.g. street_staff")],
    unit: Annotated[str, typer.Option(help="unit code (division or police unit)")] = "",
    name: Annotated[str, typer.Option(help="display name")] = "",
    person: Annotated[str | None, typer.Option(help="person id (residents)")] = None,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True)] = "",
    data: DataOption = None,
) -> None:
    """Create one account."""
    from shibei.access import Role
    from shibei.access.accounts import NewAccount
    from shibei.web.auth import Auth

    try:
        new = NewAccount(username, name or username, Role(role), unit, person)
        Auth(_store(_settings(data))).create_account(new, password)
    except (ValueError, ShibeiError) as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    typer.echo(f"已创建账号 {username}")


@accounts_app.command("import")
def accounts_import(
    path: Path,
    valid_only: Annotated[
        bool, typer.Option(help="import the valid rows of a file with errors")
    ] = False,
    report: Annotated[
        Path | None, typer.Option(help="write the per-row error report (xlsx)")
    ] = None,
    data: DataOption = None,
) -> None:
    """Import accounts from Excel (用户名、姓名、角色、单位代码、人员编号、初始密码)."""
    from shibei.gazetteer import read_gazetteer
    from shibei.web.account_admin import UnitDirectory
    from shibei.web.auth import Auth
    from shibei.web.imports import check_account_rows, read_account_rows

    settings = _settings(data)
    store = _store(settings)
    try:
        rows = read_account_rows(path)
    except ShibeiError as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    existing = {a.username for a in store.list_accounts()}
    units = UnitDirectory.from_gazetteer(read_gazetteer(settings.gazetteer_dir))
    checked = check_account_rows(rows, units.problem, existing)
    for row, reason in checked.errors:
        typer.echo(f"  第 {row} 行：{reason}")
    if report is not None:
        report.write_bytes(checked.workbook())
    if checked.errors and not valid_only:
        typer.echo(
            f"有 {len(checked.errors)} 行错误，未导入任何账号（--valid-only 只导入正确的行）"
        )
        raise typer.Exit(1)
    auth = Auth(store)
    for _, valid in checked.valid:
        auth.create_account(valid.account, valid.password)
    typer.echo(f"已导入 {len(checked.valid)} 个账号，跳过 {len(checked.errors)} 行")


@audit_app.command("verify")
def audit_verify(data: DataOption = None) -> None:
    """Check the audit log's hash chain: exit 1 if a row was edited or deleted."""
    from shibei.access.audit import verify_chain

    store = _store(_settings(data))
    head = store.audit_head()
    problems = verify_chain(store.iter_audit(), head)
    if problems:
        for line in problems:
            typer.echo(line)
        typer.echo(f"审计日志已被篡改：发现 {len(problems)} 处问题")
        raise typer.Exit(1)
    typer.echo(f"审计日志完整：共 {head[0]} 条，哈希链校验通过")


def register_web(app: typer.Typer) -> None:
    """Add the web platform's commands to the `shibei` command."""
    app.command()(serve)
    app.add_typer(accounts_app, name="accounts")
    app.add_typer(audit_app, name="audit")
