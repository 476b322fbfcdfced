"""Accounts as the access layer sees them, and the login-throttling rule (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from shibei.access.resources import Actor
from shibei.access.roles import Role

THROTTLE_WINDOW: Final = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT: Final = 5
MAX_FAILURES_PER_IP: Final = 20
SESSION_LIFETIME: Final = timedelta(hours=8)


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    username: str
    display_name: str
    role: Role
    unit_code: str
    person_id: str | None
    password_hash: str
    active: bool
    created_at: datetime

    def actor(self) -> Actor:
        return Actor(self.id, self.username, self.role, self.unit_code, self.person_id)


@dataclass(frozen=True, slots=True)
class NewAccount:
    username: str
    display_name: str
    role: Role
    unit_code: str
    person_id: str | None = None


def throttled(failures_for_account: int, failures_for_ip: int) -> bool:
    """True when a login must be refused without checking the password."""
    return (
        failures_for_account >= MAX_FAILURES_PER_ACCOUNT or failures_for_ip >= MAX_FAILURES_PER_IP
    )
