"""The audit log's policy: what an entry holds and how entries are hash-chained.

Each entry's `hash` is sha256 over the previous entry's hash and the entry's own fields,
so editing or deleting a row breaks the chain from that row on (`verify_chain`). The
store keeps a head (last sequence number and hash) beside the log, so deleting the last
rows is detected too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """What happened, before it is chained (no sequence number or hash yet)."""

    at: datetime
    account: str
    role: str
    ip: str
    action: str
    target: str
    result: str  # allowed | denied | ok | failed | …
    reason: str = ""


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    record: AuditRecord
    prev_hash: str
    hash: str


def entry_hash(seq: int, record: AuditRecord, prev_hash: str) -> str:
    payload = json.dumps(
        [
            seq,
            record.at.isoformat(timespec="microseconds"),
            record.account,
            record.role,
            record.ip,
            record.action,
            record.target,
            record.result,
            record.reason,
            prev_hash,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def chain(seq: int, record: AuditRecord, prev_hash: str) -> AuditEntry:
    """The entry that follows `prev_hash` at position `seq`."""
    return AuditEntry(seq, record, prev_hash, entry_hash(seq, record, prev_hash))


def verify_chain(entries: Iterable[AuditEntry], head: tuple[int, str] | None = None) -> list[str]:
    """Problems found in a log read in sequence order (Chinese, one per break); [] when
    intact. `head` is the stored (last seq, last hash), if any."""
    problems: list[str] = []
    expected_seq, prev = 1, GENESIS
    for entry in entries:
        if entry.seq != expected_seq:
            problems.append(f"第 {expected_seq} 条至第 {entry.seq - 1} 条审计记录缺失（被删除）")
        if entry.prev_hash != prev:
            problems.append(f"第 {entry.seq} 条审计记录的前序哈希不符（前一条被修改或删除）")
        if entry_hash(entry.seq, entry.record, entry.prev_hash) != entry.hash:
            problems.append(f"第 {entry.seq} 条审计记录的内容与哈希不符（被修改）")
        expected_seq, prev = entry.seq + 1, entry.hash
    if head is not None:
        last_seq, last_hash = head
        if last_seq != expected_seq - 1 or (last_seq > 0 and last_hash != prev):
            problems.append(
                f"审计日志应有 {last_seq} 条，实际最后一条为第 {expected_seq - 1} 条"
                "（末尾记录被删除或修改）"
            )
    return problems
