"""mass-case intake: drafts, immutable reports, link keys, merge proposals, registrations

Revision ID: 0004_mass_cases
Revises: 0003_workorders

Reports are evidence: triggers refuse UPDATE and DELETE on `mass_reports` (SQLite and
PostgreSQL). Tables are created only when absent (as 0003 does), so a database whose
`alembic_version` was reset migrates again without error.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_mass_cases"
down_revision = "0003_workorders"

TABLES = (
    "mass_registrations",
    "mass_proposals",
    "mass_report_keys",
    "mass_reports",
    "mass_report_numbers",
    "mass_drafts",
)

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION mass_reports_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'mass_reports rows are evidence and never change';
END;
$$ LANGUAGE plpgsql
"""


def _exists(name: str) -> bool:
    return bool(sa.inspect(op.get_bind()).has_table(name))


def upgrade() -> None:
    if not _exists("mass_drafts"):
        op.create_table(
            "mass_drafts",
            sa.Column("draft_id", sa.String(32), primary_key=True),
            sa.Column("owner", sa.String(64), nullable=False, unique=True),
            sa.Column("version", sa.Integer, nullable=False),
            sa.Column("started_at", sa.DateTime, nullable=False),
            sa.Column("updated_at", sa.DateTime, nullable=False),
            sa.Column("body", sa.JSON, nullable=False),
        )
    if not _exists("mass_report_numbers"):
        op.create_table(
            "mass_report_numbers",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        )
    if not _exists("mass_reports"):
        op.create_table(
            "mass_reports",
            sa.Column("report_id", sa.String(32), primary_key=True),
            sa.Column("owner", sa.String(64), nullable=False, index=True),
            sa.Column("started_at", sa.DateTime, nullable=False),
            sa.Column("submitted_at", sa.DateTime, nullable=False),
            sa.Column("community_code", sa.String(12), nullable=False),
            sa.Column("org_id", sa.String(32), nullable=True),
            sa.Column("order_id", sa.String(32), nullable=True),
            sa.Column("content_hash", sa.String(64), nullable=False),
            sa.Column("body", sa.JSON, nullable=False),
        )
        dialect = op.get_bind().dialect.name
        if dialect == "sqlite":
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER mass_reports_no_{event.lower()} BEFORE {event} "
                    "ON mass_reports BEGIN "
                    "SELECT RAISE(ABORT, 'mass_reports rows are evidence and never change'); "
                    "END"
                )
        elif dialect == "postgresql":
            op.execute(_PG_FUNCTION)
            op.execute(
                "CREATE TRIGGER mass_reports_immutable BEFORE UPDATE OR DELETE ON mass_reports "
                "FOR EACH ROW EXECUTE FUNCTION mass_reports_immutable()"
            )
    if not _exists("mass_report_keys"):
        op.create_table(
            "mass_report_keys",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column(
                "report_id", sa.String(32), sa.ForeignKey("mass_reports.report_id"), nullable=False
            ),
            sa.Column("kind", sa.String(16), nullable=False),
            sa.Column("value", sa.String(200), nullable=False),
            sa.Column("note", sa.String(200), nullable=False),
            sa.Index("ix_mass_report_keys_kind_value", "kind", "value"),
        )
    if not _exists("mass_proposals"):
        op.create_table(
            "mass_proposals",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column(
                "report_id", sa.String(32), sa.ForeignKey("mass_reports.report_id"), nullable=False
            ),
            sa.Column("target_report_id", sa.String(32), nullable=False),
            sa.Column("reasons", sa.JSON, nullable=False),
            sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Column("status", sa.String(16), nullable=False, index=True),
            sa.Column("decided_by", sa.String(64), nullable=False),
            sa.Column("decided_at", sa.DateTime, nullable=True),
            sa.Column("note", sa.Text, nullable=False),
        )
    if not _exists("mass_registrations"):
        op.create_table(
            "mass_registrations",
            sa.Column(
                "report_id",
                sa.String(32),
                sa.ForeignKey("mass_reports.report_id"),
                primary_key=True,
            ),
            sa.Column("registered_at", sa.DateTime, nullable=False),
            sa.Column("officer", sa.String(64), nullable=False),
            sa.Column("order_id", sa.String(32), nullable=True),
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS mass_reports_immutable ON mass_reports")
        op.execute("DROP FUNCTION IF EXISTS mass_reports_immutable()")
    for name in TABLES:
        if _exists(name):
            op.drop_table(name)
