"""work orders, their events and order numbers (shibei.workflow)

Revision ID: 0003_workorders
Revises: 0002_grid_worker_roster

Each table is created only when absent: a database whose `alembic_version` was reset
(tests do this) while these tables survived migrates again without error.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_workorders"
down_revision = "0002_grid_worker_roster"

TABLES = ("workorder_events", "workorder_numbers", "workorders")


def _exists(name: str) -> bool:
    return bool(sa.inspect(op.get_bind()).has_table(name))


def upgrade() -> None:
    if not _exists("workorders"):
        op.create_table(
            "workorders",
            sa.Column("id", sa.String(32), primary_key=True),
            sa.Column("kind", sa.String(32), nullable=False),
            sa.Column("matter_code", sa.String(64), nullable=False),
            sa.Column("title", sa.String(200), nullable=False),
            sa.Column("state", sa.String(32), nullable=False),
            sa.Column("version", sa.Integer, nullable=False),
            sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Column("updated_at", sa.DateTime, nullable=False),
            sa.Column("applicant_name", sa.String(64), nullable=False),
            sa.Column("applicant_phone", sa.String(32), nullable=False),
            sa.Column("applicant_person_id", sa.String(32), nullable=True),
            sa.Column("house_code", sa.String(32), nullable=True),
            sa.Column("division_code", sa.String(32), nullable=False),
            sa.Column("channel", sa.String(16), nullable=False),
            sa.Column("lead_unit", sa.String(32), nullable=True),
            sa.Column("assist_units", sa.JSON, nullable=False),
            sa.Column("handler", sa.String(64), nullable=True),
            sa.Column("consulting", sa.JSON, nullable=False),
            sa.Column("idempotency_key", sa.String(128), nullable=True, unique=True),
            sa.Column("due_at", sa.DateTime, nullable=True),
            sa.Column("paused_at", sa.DateTime, nullable=True),
            sa.Column("resume_to", sa.String(32), nullable=True),
            sa.Column("requested_days", sa.Integer, nullable=False),
            sa.Column("extensions", sa.Integer, nullable=False),
            sa.Column("overdue", sa.Boolean, nullable=False),
            sa.Column("escalation", sa.Integer, nullable=False),
            sa.Column("supervisor_unit", sa.String(32), nullable=True),
            sa.Column("reply", sa.Text, nullable=False),
            sa.Column("rating", sa.Integer, nullable=True),
            sa.Column("merged_into", sa.String(32), nullable=True),
            sa.Column("replied_at", sa.DateTime, nullable=True),
            sa.Column("closed_at", sa.DateTime, nullable=True),
            sa.Column("payload", sa.JSON, nullable=False),
            sa.Column("attachments", sa.JSON, nullable=False),
            sa.Column("flags", sa.JSON, nullable=False),
        )
        for column in (
            "state",
            "created_at",
            "applicant_person_id",
            "division_code",
            "lead_unit",
            "due_at",
        ):
            op.create_index(f"ix_workorders_{column}", "workorders", [column])
    if not _exists("workorder_events"):
        op.create_table(
            "workorder_events",
            sa.Column(
                "order_id",
                sa.String(32),
                sa.ForeignKey("workorders.id", ondelete="CASCADE"),
                primary_key=True,
            ),
            sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("action", sa.String(32), nullable=False),
            sa.Column("from_state", sa.String(32), nullable=True),
            sa.Column("to_state", sa.String(32), nullable=False),
            sa.Column("actor_username", sa.String(64), nullable=False),
            sa.Column("actor_role", sa.String(32), nullable=False),
            sa.Column("actor_unit", sa.String(32), nullable=False),
            sa.Column("at", sa.DateTime, nullable=False),
            sa.Column("note", sa.Text, nullable=False),
            sa.Column("visibility", sa.String(16), nullable=False),
            sa.Column("data", sa.JSON, nullable=False),
        )
    if not _exists("workorder_numbers"):
        op.create_table(
            "workorder_numbers",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        )


def downgrade() -> None:
    for table in TABLES:
        if _exists(table):
            op.drop_table(table)
