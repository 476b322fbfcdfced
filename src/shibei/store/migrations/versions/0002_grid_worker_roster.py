"""grid-worker roster imported from Excel

Revision ID: 0002_grid_worker_roster
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_grid_worker_roster"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "grid_worker_roster",
        sa.Column("id_number", sa.String(18), primary_key=True),
        sa.Column("grid_code", sa.String(15), nullable=False, index=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("sex", sa.String(1), nullable=False),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("address", sa.Text, nullable=False),
        sa.Column("address_code", sa.String(32), nullable=True),
        sa.Column("since", sa.Date, nullable=True),
        sa.Column("imported_at", sa.DateTime, nullable=False),
        sa.Column("imported_by", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("grid_worker_roster")
