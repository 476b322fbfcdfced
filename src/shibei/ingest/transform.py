"""One chunk of raw rows → clean rows, quarantined rows (each with a reason) and the
person and organization mentions of the clean rows (docs/pipeline.md).

Rows are checked field by field in spec order; the first problem a row has is its
reason. `rows in = clean + quarantined` holds for every chunk (checked, not assumed).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pyarrow as pa

from shibei.ingest.readers import RawChunk
from shibei.ingest.schemas import QUARANTINE_SCHEMA, address_columns, clean_schema
from shibei.ingest.spec import FieldSpec, FieldType, OnInvalid, SourceSpec
from shibei.ingest.standardizer import IdCheck, Standardizer
from shibei.ingest.values import parse_date, parse_datetime, parse_decimal, parse_integer, parse_sex

REASONS = {
    "bad_record": "行结构错误，无法解析",
    "encoding_error": "含无法解码的字符",
    "missing_required": "必填字段为空",
    "missing_identity": "身份信息缺失",
    "bad_date": "日期无法解析",
    "bad_number": "数值无法解析",
    "bad_value": "取值不在允许范围内",
    "id_number_garbage": "证件号码无法识别",
    "id_number_invalid": "公民身份号码校验不通过",
    "uscc_garbage": "统一社会信用代码无法识别",
    "uscc_invalid": "统一社会信用代码校验不通过",
}
"""Quarantine reason codes and their Chinese descriptions (the `reason` column adds the
field)."""


class CountMismatchError(RuntimeError):
    """rows in ≠ clean + quarantined: a defect in ingestion, never a data problem."""


@dataclass(slots=True)
class Problem:
    code: str
    field: str
    label: str
    value: str | None

    @property
    def reason(self) -> str:
        return f"{REASONS[self.code]}：{self.label}"


@dataclass(slots=True)
class ChunkResult:
    clean: pa.Table
    quarantine: pa.Table
    persons: pa.Table
    organizations: pa.Table
    rows_in: int = 0


@dataclass(slots=True)
class _Columns:
    """Evaluated fields of all rows: name → values, plus the first problem per row."""

    n: int
    values: dict[str, list[Any]] = field(default_factory=dict)
    problems: list[Problem | None] = field(default_factory=list)

    def flag(self, i: int, problem: Problem) -> None:
        if self.problems[i] is None:
            self.problems[i] = problem


def _raw_field(f: FieldSpec, columns: dict[str, list[Any]], n: int) -> list[Any]:
    if f.column is not None:
        return columns[f.column]
    parts = [columns[c] for c in f.source_columns]
    out: list[Any] = []
    for i in range(n):
        found = [str(p[i]) for p in parts if p[i] is not None]
        out.append(f.separator.join(found) if found else None)
    return out


def _evaluate(
    name: str,
    f: FieldSpec,
    raw: list[Any],
    cols: _Columns,
    owner: list[int],
    std: Standardizer,
    hints: list[str | None] | None = None,
) -> None:
    """Typed value + standardized columns of one field into `cols.values`; problems go to
    row `owner[i]` (nested values belong to their parent row)."""
    label = f.display(name)
    values: list[Any] = [None if isinstance(v, list) else v for v in raw]
    t = f.type

    def flag(i: int, code: str) -> None:
        cols.flag(owner[i], Problem(code, name, label, None if raw[i] is None else str(raw[i])))

    for i, v in enumerate(values):
        if v is None:
            if f.required:
                flag(i, "missing_required")
        elif f.allowed is not None and v not in f.allowed:
            flag(i, "bad_value")
    if t in (FieldType.date, FieldType.datetime):
        parse = parse_date if t is FieldType.date else parse_datetime
        formats = tuple(f.formats or ())
        seen: dict[str, date | datetime | None] = {}
        out: list[Any] = []
        for i, v in enumerate(values):
            if v is None:
                out.append(None)
                continue
            if v not in seen:
                seen[v] = parse(v, formats)
            parsed = seen[v]
            if parsed is None:
                flag(i, "bad_date")
            out.append(parsed)
        values = out
    elif t in (FieldType.integer, FieldType.decimal):
        number = parse_integer if t is FieldType.integer else parse_decimal
        out = []
        for i, v in enumerate(values):
            parsed_number = None if v is None else number(v)
            if v is not None and parsed_number is None:
                flag(i, "bad_number")
            out.append(parsed_number)
        values = out
    elif t is FieldType.sex:
        values = [None if v is None else parse_sex(v) for v in values]
    elif t in (FieldType.id_number, FieldType.uscc):
        checks = std.id_numbers(values) if t is FieldType.id_number else std.usccs(values)
        kind = "id_number" if t is FieldType.id_number else "uscc"
        for i, c in enumerate(checks):
            if c is None or c.value is not None:
                continue
            if c.garbage and f.on_invalid is not OnInvalid.keep:
                flag(i, f"{kind}_garbage")
            elif f.on_invalid is OnInvalid.quarantine:
                flag(i, f"{kind}_invalid")
        cols.values[f"{name}_std"] = [_id_value(c) for c in checks]
        cols.values[f"{name}_problem"] = [None if c is None else c.problem for c in checks]
    elif t is FieldType.person_name:
        pairs = std.person_names(values)
        cols.values[f"{name}_std"] = [p[0] for p in pairs]
        cols.values[f"{name}_key"] = [p[1] for p in pairs]
    elif t is FieldType.org_name:
        cols.values[f"{name}_key"] = std.org_name_keys(values)
    elif t is FieldType.phone:
        cols.values[f"{name}_std"] = std.phones(values)
    elif t is FieldType.address:
        matches = std.addresses(values, hints or [None] * len(values))
        base = name.rpartition(".")[2]
        prefix = name.removesuffix(base)
        house, code, level, confidence = (prefix + c for c in address_columns(base))
        cols.values[house] = [None if m is None else m.house_code for m in matches]
        cols.values[code] = [None if m is None else m.code for m in matches]
        cols.values[level] = [None if m is None else m.level for m in matches]
        cols.values[confidence] = [None if m is None else m.confidence for m in matches]
    cols.values[name] = values


def _id_value(c: IdCheck | None) -> str | None:
    return None if c is None else c.value


def _evaluate_records(
    name: str, f: FieldSpec, raw: list[Any], cols: _Columns, std: Standardizer
) -> None:
    """A nested list: its objects' fields evaluated flat, then regrouped per row."""
    owner: list[int] = []
    flat: dict[str, list[Any]] = {sub: [] for sub in f.fields or {}}
    counts: list[int | None] = []
    for i, items in enumerate(raw):
        if not isinstance(items, list):
            counts.append(None)
            if items is not None:  # a scalar where a list belongs
                cols.flag(i, Problem("bad_value", name, f.display(name), str(items)))
            elif f.required:
                cols.flag(i, Problem("missing_required", name, f.display(name), None))
            continue
        counts.append(len(items))
        for item in items:
            owner.append(i)
            for sub, g in (f.fields or {}).items():
                v = item.get(g.column) if isinstance(item, dict) else None
                flat[sub].append(v if v is None or isinstance(v, str) else str(v))
    sub_cols = _Columns(len(owner), problems=cols.problems)
    for sub, g in (f.fields or {}).items():
        raw_sub = [None if v is None else (v.strip() or None) for v in flat[sub]]
        _evaluate(f"{name}.{sub}", g, raw_sub, sub_cols, owner, std)
    keys = [k.removeprefix(name + ".") for k in sub_cols.values]
    lists: list[list[dict[str, Any]] | None] = []
    j = 0
    for count in counts:
        if count is None:
            lists.append(None)
            continue
        lists.append(
            [{k: sub_cols.values[f"{name}.{k}"][j + m] for k in keys} for m in range(count)]
        )
        j += count
    cols.values[name] = lists


def evaluate_chunk(chunk: RawChunk, spec: SourceSpec, std: Standardizer) -> _Columns:
    """Every field of every (parsed) row, typed and standardized, with its first problem."""
    n = len(chunk.rows)
    cols = _Columns(n, problems=[None] * n)
    raw = {name: _raw_field(f, chunk.columns, n) for name, f in spec.fields.items()}
    for name, f in spec.fields.items():
        if f.when is not None:
            gate, allowed = raw[f.when.field], set(f.when.in_)
            raw[name] = [v if gate[i] in allowed else None for i, v in enumerate(raw[name])]
    owner = list(range(n))
    for name, f in spec.fields.items():
        if f.type is FieldType.records:
            _evaluate_records(name, f, raw[name], cols, std)
            continue
        hints = None
        if f.street_hint is not None:
            hints = [std.street_code(v) for v in raw[f.street_hint]]
        _evaluate(name, f, raw[name], cols, owner, std, hints)
    for group in spec.rules.require_any:
        labels = "、".join(_label(spec, ref) for ref in group)
        for i in range(n):
            if all(_present(cols.values, ref, i) is False for ref in group):
                cols.flag(i, Problem("missing_identity", "|".join(group), labels, None))
    return cols


def _label(spec: SourceSpec, ref: str) -> str:
    head, _, sub = ref.partition(".")
    f = spec.fields[head]
    if sub and f.fields:
        return f.fields[sub].display(sub)
    return f.display(head)


def _present(values: dict[str, list[Any]], ref: str, i: int) -> bool:
    head, _, sub = ref.partition(".")
    v = values[head][i]
    if sub:
        return bool(v) and any(item.get(sub) is not None for item in v)
    return v is not None and v != []


def process_chunk(chunk: RawChunk, spec: SourceSpec, batch: str, std: Standardizer) -> ChunkResult:
    """Clean, quarantine and mention tables of one chunk."""
    from shibei.ingest.mentions import organization_mentions, person_mentions

    cols = evaluate_chunk(chunk, spec, std)
    keep = [i for i, p in enumerate(cols.problems) if p is None]
    clean_values: dict[str, list[Any]] = {
        "source": [spec.source] * len(keep),
        "batch": [batch] * len(keep),
        "row": [chunk.rows[i] for i in keep],
        "row_hash": [chunk.hashes[i] for i in keep],
    }
    for name, values in cols.values.items():
        clean_values[name] = [values[i] for i in keep]
    schema = clean_schema(spec)
    clean = pa.table({c: pa.array(clean_values[c], type=schema.field(c).type)
                      for c in schema.names}, schema=schema)  # fmt: skip
    quarantine = _quarantine(chunk, spec, batch, cols.problems)
    result = ChunkResult(
        clean,
        quarantine,
        person_mentions(spec, batch, clean_values),
        organization_mentions(spec, batch, clean_values),
        len(chunk),
    )
    if result.rows_in != clean.num_rows + quarantine.num_rows:
        raise CountMismatchError(
            f"{spec.source} 批次 {batch}: 读入 {result.rows_in} 行，"
            f"清洗 {clean.num_rows} + 隔离 {quarantine.num_rows} 行"
        )
    return result


def _quarantine(
    chunk: RawChunk, spec: SourceSpec, batch: str, problems: Sequence[Problem | None]
) -> pa.Table:
    rows: list[dict[str, Any]] = []
    names = list(chunk.columns)
    for i, p in enumerate(problems):
        if p is None:
            continue
        record = {c: chunk.columns[c][i] for c in names}
        rows.append(
            {
                "source": spec.source,
                "batch": batch,
                "row": chunk.rows[i],
                "row_hash": chunk.hashes[i],
                "reason_code": p.code,
                "reason": p.reason,
                "field": p.field,
                "value": p.value,
                "raw": json.dumps(record, ensure_ascii=False),
            }
        )
    for b in chunk.broken:
        rows.append(
            {
                "source": spec.source,
                "batch": batch,
                "row": b.row,
                "row_hash": None,
                "reason_code": b.reason_code,
                "reason": f"{REASONS[b.reason_code]}：{b.reason}",
                "field": None,
                "value": None,
                "raw": b.raw,
            }
        )
    rows.sort(key=lambda r: int(r["row"]))
    return pa.Table.from_pylist(rows, schema=QUARANTINE_SCHEMA)
