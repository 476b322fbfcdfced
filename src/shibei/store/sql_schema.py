"""Tables of the operational store (accounts, sessions, API tokens, login throttling,
audit log), as SQLAlchemy Core metadata. The schema itself is created and changed only
by the Alembic migrations in `store/migrations/`; this module mirrors the latest one."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(64), nullable=False),
    Column("role", String(32), nullable=False),
    Column("unit_code", String(32), nullable=False),
    Column("person_id", String(32), nullable=True),
    Column("password_hash", String(255), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("ip", String(64), nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
)

login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(128), nullable=False, index=True),
    Column("at", DateTime, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", DateTime, nullable=False),
    Column("account", String(64), nullable=False),
    Column("role", String(32), nullable=False),
    Column("ip", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target", Text, nullable=False),
    Column("result", String(32), nullable=False),
    Column("reason", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)

grid_worker_roster = Table(
    "grid_worker_roster",
    metadata,
    Column("id_number", String(18), primary_key=True),
    Column("grid_code", String(15), nullable=False, index=True),
    Column("name", String(64), nullable=False),
    Column("sex", String(1), nullable=False),
    Column("phone", String(32), nullable=False),
    Column("address", Text, nullable=False),
    Column("address_code", String(32), nullable=True),
    Column("since", Date, nullable=True),
    Column("imported_at", DateTime, nullable=False),
    Column("imported_by", String(64), nullable=False),
)
"""The grid-worker roster (专职网格员花名册) as the district imports it from Excel."""

# The work-order engine (shibei.workflow; migration 0003_workorders) ---------------------

workorders = Table(
    "workorders",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("matter_code", String(64), nullable=False),
    Column("title", String(200), nullable=False),
    Column("state", String(32), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime, nullable=False, index=True),
    Column("updated_at", DateTime, nullable=False),
    Column("applicant_name", String(64), nullable=False),
    Column("applicant_phone", String(32), nullable=False),
    Column("applicant_person_id", String(32), nullable=True, index=True),
    Column("house_code", String(32), nullable=True),
    Column("division_code", String(32), nullable=False, index=True),
    Column("channel", String(16), nullable=False),
    Column("lead_unit", String(32), nullable=True, index=True),
    Column("assist_units", JSON, nullable=False),
    Column("handler", String(64), nullable=True),
    Column("consulting", JSON, nullable=False),
    Column("idempotency_key", String(128), nullable=True, unique=True),
    Column("due_at", DateTime, nullable=True, index=True),
    Column("paused_at", DateTime, nullable=True),
    Column("resume_to", String(32), nullable=True),
    Column("requested_days", Integer, nullable=False),
    Column("extensions", Integer, nullable=False),
    Column("overdue", Boolean, nullable=False),
    Column("escalation", Integer, nullable=False),
    Column("supervisor_unit", String(32), nullable=True),
    Column("reply", Text, nullable=False),
    Column("rating", Integer, nullable=True),
    Column("merged_into", String(32), nullable=True),
    Column("replied_at", DateTime, nullable=True),
    Column("closed_at", DateTime, nullable=True),
    Column("payload", JSON, nullable=False),
    Column("attachments", JSON, nullable=False),
    Column("flags", JSON, nullable=False),
)
"""Work orders (工单), one row per order; `version` is the optimistic lock."""

workorder_events = Table(
    "workorder_events",
    metadata,
    Column(
        "order_id",
        String(32),
        ForeignKey("workorders.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("action", String(32), nullable=False),
    Column("from_state", String(32), nullable=True),
    Column("to_state", String(32), nullable=False),
    Column("actor_username", String(64), nullable=False),
    Column("actor_role", String(32), nullable=False),
    Column("actor_unit", String(32), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("note", Text, nullable=False),
    Column("visibility", String(16), nullable=False),
    Column("data", JSON, nullable=False),
)
"""Every transition of every order: actor, time, note and who may read the note."""

workorder_numbers = Table(
    "workorder_numbers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
)
"""Hands out the sequence part of readable order numbers (gaps allowed)."""

# -- mass-case intake (migration 0004_mass_cases; shibei.store.mass_cases) ---------------

mass_drafts = Table(
    "mass_drafts",
    metadata,
    Column("draft_id", String(32), primary_key=True),
    Column("owner", String(64), nullable=False, unique=True),
    Column("version", Integer, nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("body", JSON, nullable=False),
)
"""One open draft per resident account (the JSON of `shibei.apps.mass_cases.Draft`)."""

mass_report_numbers = Table(
    "mass_report_numbers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
)
"""Hands out the sequence part of report numbers (BA + date + sequence)."""

mass_reports = Table(
    "mass_reports",
    metadata,
    Column("report_id", String(32), primary_key=True),
    Column("owner", String(64), nullable=False, index=True),
    Column("started_at", DateTime, nullable=False),
    Column("submitted_at", DateTime, nullable=False),
    Column("community_code", String(12), nullable=False),
    Column("org_id", String(32), nullable=True),
    Column("order_id", String(32), nullable=True),
    Column("content_hash", String(64), nullable=False),
    Column("body", JSON, nullable=False),
)
"""Submitted reports: evidence, insert-only (triggers refuse UPDATE and DELETE)."""

mass_report_keys = Table(
    "mass_report_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("report_id", String(32), ForeignKey("mass_reports.report_id"), nullable=False),
    Column("kind", String(16), nullable=False),  # indexed with value (the migration)
    Column("value", String(200), nullable=False),
    Column("note", String(200), nullable=False),
)
"""Link keys of each report (credit code, 法人库 org, name key, account, phone, platform)."""

mass_proposals = Table(
    "mass_proposals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("report_id", String(32), ForeignKey("mass_reports.report_id"), nullable=False),
    Column("target_report_id", String(32), nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("decided_by", String(64), nullable=False),
    Column("decided_at", DateTime, nullable=True),
    Column("note", Text, nullable=False),
)
"""Proposed merges of a report into a cluster; officers confirm or reject each once."""

mass_registrations = Table(
    "mass_registrations",
    metadata,
    Column("report_id", String(32), ForeignKey("mass_reports.report_id"), primary_key=True),
    Column("registered_at", DateTime, nullable=False),
    Column("officer", String(64), nullable=False),
    Column("order_id", String(32), nullable=True),
)
"""受理登记 of a report: the end of intake for its victim (intake time is measured to it)."""
