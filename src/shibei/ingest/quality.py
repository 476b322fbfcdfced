"""The data-quality report of one source: the feedback a big-data bureau sends back to
the department (rows, validity of ID numbers, credit codes and phones, address match
rate by level, duplicate rows, freshness, quarantine reasons). Computed from what the
lake holds for the source, so it is the same however the batches got there."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from shibei.ingest.lake import Lake, LedgerRow
from shibei.ingest.schemas import address_columns
from shibei.ingest.spec import FieldType, SourceSpec, iter_fields
from shibei.standardize.address_match import LEVELS


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _column(table: pa.Table, path: str, column: str | None = None) -> pa.Array:
    """A column of the clean table; `parties.id_number` reaches into a records field
    (one value per nested object)."""
    head, _, sub = path.partition(".")
    if not sub:
        return table.column(column or head).combine_chunks()
    items = pc.list_flatten(table.column(head).combine_chunks())
    return pc.struct_field(items, column or sub)


def _values(table: pa.Table, path: str, suffix: str) -> pa.Array:
    base = path.rpartition(".")[2]
    return _column(table, path, base + suffix)


def _identifier_figures(
    clean: pa.Table, quarantine: pa.Table, path: str, kind: str
) -> dict[str, Any]:
    raw, std = _values(clean, path, ""), _values(clean, path, "_std")
    problems = _values(clean, path, "_problem")
    present = len(raw) - raw.null_count
    valid = len(std) - std.null_count
    counts: Counter[str] = Counter()
    for p in problems.drop_null().to_pylist():
        counts.update(p.split("|"))
    quarantined = quarantine.filter(pc.equal(quarantine.column("field"), path))
    for code in quarantined.column("reason_code").to_pylist():
        if code.startswith(kind):
            counts[code.removeprefix(kind + "_")] += 1
            present += 1
    out: dict[str, Any] = {"present": present, "valid": valid, "validity": _rate(valid, present)}
    if kind == "id_number":
        lengths = pc.utf8_length(pc.utf8_trim_whitespace(raw))
        upgraded = pc.sum(pc.and_(pc.equal(lengths, 15), pc.is_valid(std))).as_py() or 0
        out["upgraded_from_15"] = upgraded
    out["problems"] = dict(sorted(counts.items()))
    return out


def _phone_figures(clean: pa.Table, path: str) -> dict[str, Any]:
    raw, std = _values(clean, path, ""), _values(clean, path, "_std")
    present, valid = len(raw) - raw.null_count, len(std) - std.null_count
    return {"present": present, "valid": valid, "validity": _rate(valid, present)}


def _address_figures(clean: pa.Table, path: str) -> dict[str, Any]:
    base = path.rpartition(".")[2]
    level_column = address_columns(base)[2]
    levels = _column(clean, path, level_column).drop_null().to_pylist()
    by_level = Counter(levels)
    present = len(levels)
    matched = present - by_level.get("none", 0)
    return {
        "present": present,
        "matched": matched,
        "match_rate": _rate(matched, present),
        "house_rate": _rate(by_level.get("house", 0), present),
        "by_level": {level: by_level.get(level, 0) for level in LEVELS},
    }


def _duplicates(clean: pa.Table, quarantine: pa.Table) -> int:
    hashes = pa.chunked_array(
        [clean.column("row_hash").combine_chunks(), quarantine.column("row_hash").combine_chunks()]
    ).drop_null()
    return len(hashes) - len(pc.unique(hashes))


def quality_report(lake_dir: Path, spec: SourceSpec) -> dict[str, Any]:
    """The report for `spec.source` over every batch the ledger lists for it (read only:
    takes no lock, so it can run beside an ingest and see the last committed state)."""
    return build_report(Lake(lake_dir), spec)


def _read(lake: Lake, zone: str, row: LedgerRow) -> pa.Table:
    return pq.read_table(lake.batch_path(zone, row.source, row.batch))


def build_report(lake: Lake, spec: SourceSpec) -> dict[str, Any]:
    batches = lake.batches_of(spec.source)
    cleans = [_read(lake, "clean", b) for b in batches]
    quarantines = [_read(lake, "quarantine", b) for b in batches]
    duplicates = sum(_duplicates(c, q) for c, q in zip(cleans, quarantines, strict=True))
    clean = pa.concat_tables(cleans) if cleans else None
    quarantine = pa.concat_tables(quarantines) if quarantines else None
    report: dict[str, Any] = {
        "source": spec.source,
        "title": spec.title,
        "department": spec.department,
        "level": spec.level,
        "spec_version": spec.spec_version,
        "batches": [
            {
                "batch": b.batch,
                "file": b.file,
                "rows_in": b.rows_in,
                "rows_clean": b.rows_clean,
                "rows_quarantined": b.rows_quarantined,
            }
            for b in batches
        ],
        "rows": {
            "in": sum(b.rows_in for b in batches),
            "clean": sum(b.rows_clean for b in batches),
            "quarantined": sum(b.rows_quarantined for b in batches),
            "duplicate": duplicates,
        },
        "id_numbers": {},
        "usccs": {},
        "phones": {},
        "addresses": {},
        "freshness": None,
        "quarantine_reasons": [],
    }
    if clean is None or quarantine is None:
        return report
    for path, f in iter_fields(spec):
        if f.type is FieldType.id_number:
            report["id_numbers"][path] = _identifier_figures(clean, quarantine, path, "id_number")
        elif f.type is FieldType.uscc:
            report["usccs"][path] = _identifier_figures(clean, quarantine, path, "uscc")
        elif f.type is FieldType.phone:
            report["phones"][path] = _phone_figures(clean, path)
        elif f.type is FieldType.address:
            report["addresses"][path] = _address_figures(clean, path)
    if spec.observed_on is not None:
        observed = clean.column(spec.observed_on)
        low, high = pc.min(observed).as_py(), pc.max(observed).as_py()
        report["freshness"] = {
            "field": spec.observed_on,
            "earliest": None if low is None else low.isoformat(),
            "latest": None if high is None else high.isoformat(),
        }
    reasons: Counter[tuple[str, str | None, str]] = Counter(
        zip(
            quarantine.column("reason_code").to_pylist(),
            quarantine.column("field").to_pylist(),
            quarantine.column("reason").to_pylist(),
            strict=True,
        )
    )
    report["quarantine_reasons"] = [
        {"reason_code": code, "field": field, "reason": reason, "rows": n}
        for (code, field, reason), n in sorted(reasons.items(), key=lambda x: (-x[1], x[0][0]))
    ]
    return report
