"""Vectorized entry points over Arrow arrays (the pipeline's batches).

Each function takes a `pyarrow.Array` / `ChunkedArray` of strings (or any sequence of
str | None) and returns a `pyarrow.Table` with one row per input, nulls in, nulls out.
pyarrow is imported only when called.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from shibei.standardize.address import (
    NUMBER_LABELS,
    OUTPUT_LABELS,
    ParsedAddress,
    parse_address,
)
from shibei.standardize.address_match import AddressMatcher
from shibei.standardize.id_number import check_id_number
from shibei.standardize.name import normalize_person_name, organization_name_key, person_name_key
from shibei.standardize.phone import normalize_phone
from shibei.standardize.uscc import check_uscc


def _values(column: Any) -> list[str | None]:
    if hasattr(column, "to_pylist"):
        values: Iterable[Any] = column.to_pylist()
    else:
        values = column
    return [None if v is None else str(v) for v in values]


def _table(columns: dict[str, list[Any]]) -> Any:
    import pyarrow as pa

    return pa.table(columns)


def parse_addresses(column: Any) -> Any:
    """One column per address label but `redundant` (`OUTPUT_LABELS`: person and
    otherinfo included; numbers as int64), plus division_code, confidence."""
    labels = OUTPUT_LABELS
    out: dict[str, list[Any]] = {label: [] for label in labels}
    out["division_code"], out["confidence"] = [], []
    seen: dict[str, ParsedAddress] = {}  # feeds repeat addresses: parse each text once
    for text in _values(column):
        if text is None:
            for values in out.values():
                values.append(None)
            continue
        p = seen.get(text)
        if p is None:
            p = seen[text] = parse_address(text)
        found = p.elements_dict()
        for label in labels:
            v = found.get(label)
            if label in NUMBER_LABELS and not isinstance(v, int):
                v = None
            out[label].append(v if v is None or label in NUMBER_LABELS else str(v))
        out["division_code"].append(p.division_code)
        out["confidence"].append(p.confidence)
    return _table(out)


def match_addresses(column: Any, matcher: AddressMatcher, street_hints: Any | None = None) -> Any:
    """Columns code, level, confidence, reason, candidates (codes joined by '|').
    Identical (text, hint) pairs are matched once (`AddressMatcher.match_many`)."""
    texts = _values(column)
    hints = _values(street_hints) if street_hints is not None else [None] * len(texts)
    out: dict[str, list[Any]] = {k: [] for k in ("code", "level", "confidence", "reason")}
    out["candidates"] = []
    if len(hints) != len(texts):
        raise ValueError("street_hints must be as long as the address column")
    present = [i for i, text in enumerate(texts) if text is not None]
    matches = iter(
        matcher.match_many([texts[i] or "" for i in present], [hints[i] for i in present])
    )
    for text in texts:
        if text is None:
            for values in out.values():
                values.append(None)
            continue
        m = next(matches)
        out["code"].append(m.code)
        out["level"].append(m.level)
        out["confidence"].append(m.confidence)
        out["reason"].append(m.reason)
        out["candidates"].append("|".join(c.code for c in m.candidates) or None)
    return _table(out)


def check_id_numbers(column: Any) -> Any:
    """Columns value, valid, problems ('|'-joined), birth_date, sex, region_code,
    transposition."""
    keys = ("value", "valid", "problems", "birth_date", "sex", "region_code", "transposition")
    out: dict[str, list[Any]] = {k: [] for k in keys}
    for raw in _values(column):
        if raw is None:
            for values in out.values():
                values.append(None)
            continue
        c = check_id_number(raw)
        row = (c.value, c.valid, "|".join(c.problems) or None, c.birth_date, c.sex,
               c.region_code, c.transposition)  # fmt: skip
        for k, v in zip(keys, row, strict=True):
            out[k].append(v)
    return _table(out)


def check_usccs(column: Any) -> Any:
    """Columns value, valid, problems, region_code, transposition."""
    keys = ("value", "valid", "problems", "region_code", "transposition")
    out: dict[str, list[Any]] = {k: [] for k in keys}
    for raw in _values(column):
        if raw is None:
            for values in out.values():
                values.append(None)
            continue
        c = check_uscc(raw)
        row = (c.value, c.valid, "|".join(c.problems) or None, c.region_code, c.transposition)
        for k, v in zip(keys, row, strict=True):
            out[k].append(v)
    return _table(out)


def normalize_phones(column: Any) -> Any:
    """Columns value, kind, extension, assumed_area."""
    keys = ("value", "kind", "extension", "assumed_area")
    out: dict[str, list[Any]] = {k: [] for k in keys}
    for raw in _values(column):
        if raw is None:
            for values in out.values():
                values.append(None)
            continue
        p = normalize_phone(raw)
        for k, v in zip(keys, (p.value, p.kind, p.extension, p.assumed_area), strict=True):
            out[k].append(v)
    return _table(out)


def normalize_person_names(column: Any) -> Any:
    """Columns name, key (pinyin)."""
    names, keys = [], []
    for raw in _values(column):
        names.append(None if raw is None else normalize_person_name(raw))
        keys.append(None if raw is None else person_name_key(raw))
    return _table({"name": names, "key": keys})


def organization_name_keys(column: Any) -> Any:
    """Column key."""
    return _table(
        {"key": [None if v is None else organization_name_key(v) for v in _values(column)]}
    )
