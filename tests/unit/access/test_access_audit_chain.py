"""The audit log's hash chain detects edited, deleted and truncated entries."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from shibei.access.audit import GENESIS, AuditEntry, AuditRecord, chain, verify_chain


def _log(n: int) -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    prev = GENESIS
    for seq in range(1, n + 1):
        record = AuditRecord(
            datetime(2025, 1, 1, 8, 0, seq),
            "admin",
            "district_admin",
            "127.0.0.1",
            "person.view",
            f"P{seq}",
            "allowed",
        )
        entry = chain(seq, record, prev)
        entries.append(entry)
        prev = entry.hash
    return entries


def test_an_intact_log_verifies() -> None:
    log = _log(5)
    assert verify_chain(log, (5, log[-1].hash)) == []


def test_an_empty_log_verifies() -> None:
    assert verify_chain([], (0, GENESIS)) == []


def test_an_edited_entry_is_detected() -> None:
    log = _log(5)
    edited = dataclasses.replace(log[2].record, target="P999")
    log[2] = dataclasses.replace(log[2], record=edited)
    assert verify_chain(log, (5, log[-1].hash)) == ["第 3 条审计记录的内容与哈希不符（被修改）"]


def test_a_deleted_entry_is_detected() -> None:
    log = _log(5)
    del log[1]
    problems = verify_chain(log, (5, log[-1].hash))
    assert problems == [
        "第 2 条至第 2 条审计记录缺失（被删除）",
        "第 3 条审计记录的前序哈希不符（前一条被修改或删除）",
    ]


def test_deleting_the_last_entries_is_detected_by_the_head() -> None:
    log = _log(5)
    head = (5, log[-1].hash)
    assert verify_chain(log[:3], head) == [
        "审计日志应有 5 条，实际最后一条为第 3 条（末尾记录被删除或修改）"
    ]


def test_a_rehashed_edit_still_breaks_the_next_link() -> None:
    log = _log(4)
    edited = dataclasses.replace(log[1].record, result="denied")
    log[1] = chain(2, edited, log[0].hash)
    assert verify_chain(log, (4, log[-1].hash)) == [
        "第 3 条审计记录的前序哈希不符（前一条被修改或删除）"
    ]
