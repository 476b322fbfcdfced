"""Standardization of a chunk's identifiers, names, phones and addresses through
`shibei.standardize.batch`, each distinct value once: feeds repeat names and addresses,
and address matching is the costly part, so results are cached across chunks and feeds."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from shibei.gazetteer.gazetteer import Gazetteer
from shibei.standardize import batch as std
from shibei.standardize.address_match import AddressMatcher

T = TypeVar("T")
CACHE_LIMIT = 2_000_000  # entries per cache; cleared (not evicted one by one) past it


@dataclass(frozen=True, slots=True)
class IdCheck:
    value: str | None  # normalized 18 characters when valid, else None
    problem: str | None  # '|'-joined codes when invalid
    garbage: bool  # not even shaped like one (length, characters)


@dataclass(frozen=True, slots=True)
class AddressResult:
    house_code: str | None
    code: str | None
    level: str
    confidence: float


def _mapped(
    values: Sequence[str | None], cache: dict[Any, T], compute: Callable[[list[str]], list[T]]
) -> list[T | None]:
    todo = _todo(values, cache)
    if todo:
        cache.update(zip(todo, compute(todo), strict=True))
    return [None if v is None else cache[v] for v in values]


def _todo(keys: Sequence[Any], cache: dict[Any, Any]) -> list[Any]:
    """The distinct keys to compute. Past `CACHE_LIMIT` the cache is emptied first, and
    then every key of this batch is to compute (the ones it held are gone too)."""
    todo = list(dict.fromkeys(k for k in keys if k is not None and k not in cache))
    if todo and len(cache) + len(todo) > CACHE_LIMIT:
        cache.clear()
        todo = list(dict.fromkeys(k for k in keys if k is not None))
    return todo


class Standardizer:
    """Holds the address matcher and the caches; one per ingest run."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.matcher = AddressMatcher(gazetteer)
        self.street_codes: dict[str, str] = {}
        for s in gazetteer.streets:
            self.street_codes[s.code] = s.code
            self.street_codes[s.name] = s.code
            self.street_codes[s.name.removesuffix("街道")] = s.code
        self._ids: dict[str, IdCheck] = {}
        self._usccs: dict[str, IdCheck] = {}
        self._names: dict[str, tuple[str | None, str | None]] = {}
        self._orgs: dict[str, str | None] = {}
        self._phones: dict[str, str | None] = {}
        self._addresses: dict[tuple[str, str | None], AddressResult] = {}

    def id_numbers(self, values: Sequence[str | None]) -> list[IdCheck | None]:
        return _mapped(values, self._ids, lambda todo: _checks(std.check_id_numbers(todo)))

    def usccs(self, values: Sequence[str | None]) -> list[IdCheck | None]:
        return _mapped(values, self._usccs, lambda todo: _checks(std.check_usccs(todo)))

    def person_names(self, values: Sequence[str | None]) -> list[tuple[str | None, str | None]]:
        def compute(todo: list[str]) -> list[tuple[str | None, str | None]]:
            t = std.normalize_person_names(todo)
            names, keys = t.column("name").to_pylist(), t.column("key").to_pylist()
            return [(n or None, k or None) for n, k in zip(names, keys, strict=True)]

        return [r or (None, None) for r in _mapped(values, self._names, compute)]

    def org_name_keys(self, values: Sequence[str | None]) -> list[str | None]:
        def compute(todo: list[str]) -> list[str | None]:
            return [k or None for k in std.organization_name_keys(todo).column("key").to_pylist()]

        return _mapped(values, self._orgs, compute)

    def phones(self, values: Sequence[str | None]) -> list[str | None]:
        def compute(todo: list[str]) -> list[str | None]:
            t = std.normalize_phones(todo)
            kinds, vals = t.column("kind").to_pylist(), t.column("value").to_pylist()
            return [v if k != "invalid" else None for v, k in zip(vals, kinds, strict=True)]

        return _mapped(values, self._phones, compute)

    def street_code(self, value: str | None) -> str | None:
        return None if value is None else self.street_codes.get(value.strip())

    def addresses(
        self, texts: Sequence[str | None], hints: Sequence[str | None]
    ) -> list[AddressResult | None]:
        """Match each (text, street hint) pair once; the batch matcher does the rest."""
        keys = [None if t is None else (t, h) for t, h in zip(texts, hints, strict=True)]
        cache = self._addresses
        todo = _todo(keys, cache)
        if todo:
            t = std.match_addresses([k[0] for k in todo], self.matcher, [k[1] for k in todo])
            codes, levels = t.column("code").to_pylist(), t.column("level").to_pylist()
            confidences = t.column("confidence").to_pylist()
            for k, code, level, conf in zip(todo, codes, levels, confidences, strict=True):
                house = code if level == "house" else None
                cache[k] = AddressResult(house, code, level, float(conf))
        return [None if k is None else cache[k] for k in keys]


def _checks(table: Any) -> list[IdCheck]:
    values = table.column("value").to_pylist()
    valid = table.column("valid").to_pylist()
    problems = table.column("problems").to_pylist()
    transpositions = table.column("transposition").to_pylist()
    out = []
    for v, ok, p, tr in zip(values, valid, problems, transpositions, strict=True):
        if ok:
            out.append(IdCheck(v, None, False))
            continue
        codes = (p or "invalid").split("|")
        if tr is not None and "transposition" not in codes:
            codes.append("transposition")
        garbage = "length" in codes or "characters" in codes
        out.append(IdCheck(None, "|".join(codes), garbage))
    return out
