"""Survivorship: the golden record of a person from its mentions.

Each attribute takes the value of the most authoritative source (`authority.py`), the
freshest observation (`observed_on`) breaking ties between equally ranked sources, then the
mention id. Each golden attribute carries `<attr>_source` (the mention it came from:
``source:batch:row``) and `<attr>_why` (Chinese, for people). Every attribute with more
than one distinct value among a person's mentions is listed as a conflict, value by value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from shibei.resolve.authority import RESIDENCE_AUTHORITY, SOURCE_AUTHORITY, label, rank
from shibei.resolve.model import PersonMention, PersonRecord
from shibei.resolve.records import record_of

GOLDEN_ATTRIBUTES = (
    "name", "id_number", "birth_date", "sex", "phones", "house_code", "hukou_house_code",
    "is_migrant",
)  # fmt: skip
CONFLICT_ATTRIBUTES = ("name", "id_number", "birth_date", "sex")


@dataclass(frozen=True, slots=True)
class Conflict:
    person_id: str
    attribute: str
    value: str
    source: str
    batch: str
    row: int


def _provenance(m: PersonMention) -> str:
    return f"{m.source}:{m.batch}:{m.row}"


def _order(order: tuple[str, ...]) -> Callable[[PersonMention], tuple[Any, ...]]:
    def key(m: PersonMention) -> tuple[Any, ...]:
        fresh = -(m.observed_on or date.min).toordinal()
        return (rank(m.source, order), fresh, m.mention_id)

    return key


def _why(chosen: PersonMention, others: Sequence[PersonMention], order: tuple[str, ...]) -> str:
    same_rank = [
        m for m in others if m is not chosen and rank(m.source, order) == rank(chosen.source, order)
    ]
    rank_text = f"来源权威优先：{label(chosen.source)}（第{rank(chosen.source, order) + 1}位）"
    if not same_rank:
        return rank_text + ("" if others else "，唯一来源")
    when = chosen.observed_on.isoformat() if chosen.observed_on else "未知日期"
    return f"{rank_text}；同级来源中最新（{when}）"


def golden_person(
    person_id: str,
    mentions: Sequence[PersonMention],
    records: Sequence[PersonRecord] | None = None,
) -> dict[str, Any]:
    """The `persons.parquet` row of one person (`records`: each mention's identity
    record, computed when not given)."""
    row: dict[str, Any] = {"person_id": person_id}
    recs = _records(mentions, records)
    # mentions (with their records) in source-authority order, computed once
    key = _order(SOURCE_AUTHORITY)
    ranked = sorted(zip(mentions, recs, strict=True), key=lambda mr: key(mr[0]))
    for attr in ("name", "id_number", "birth_date", "sex"):
        chosen: tuple[PersonMention, Any] | None = None
        second: PersonMention | None = None
        for m, r in ranked:
            value = _golden_value(m, r, attr)
            if value is None:
                continue
            if chosen is None:
                chosen = (m, value)
            else:
                second = m
                break
        _set(row, attr, chosen, second, SOURCE_AUTHORITY)
    with_phone = [m for m, _ in ranked if m.phone_std]
    row["phones"] = list(dict.fromkeys(m.phone_std for m in with_phone if m.phone_std))
    row["phones_source"] = _provenance(with_phone[0]) if with_phone else None
    row["phones_why"] = (
        f"全部号码，按来源权威排序；首个来自{label(with_phone[0].source)}" if with_phone else None
    )
    residence = [m for m in mentions if m.house_code and m.source != "police_household_registry"]
    _pick(row, "house_code", residence, lambda m: m.house_code, RESIDENCE_AUTHORITY)
    hukou = [m for m in mentions if m.house_code and m.source == "police_household_registry"]
    _pick(row, "hukou_house_code", hukou, lambda m: m.house_code, SOURCE_AUTHORITY)
    migrant = [m for m in mentions if m.source == "migrant_registration" or m.role == "migrant"]
    if hukou or not migrant:
        row["is_migrant"] = False
        row["is_migrant_source"] = _provenance(hukou[0]) if hukou else None
        row["is_migrant_why"] = "有公安户籍记录" if hukou else "无流动人口登记"
    else:
        first = min(migrant, key=_order(SOURCE_AUTHORITY))
        row["is_migrant"] = True
        row["is_migrant_source"] = _provenance(first)
        row["is_migrant_why"] = "有流动人口登记，无公安户籍记录"
    return row


def _golden_value(m: PersonMention, r: PersonRecord, attr: str) -> Any:
    if attr == "name":
        return m.name_std
    if attr == "id_number":
        return m.id_number_std
    if attr == "birth_date":
        return _birth(m, r.birth_date)
    return r.sex


def _set(
    row: dict[str, Any],
    attr: str,
    chosen: tuple[PersonMention, Any] | None,
    second: PersonMention | None,
    order: tuple[str, ...],
) -> None:
    """`_pick` when the candidates are already in order: `chosen` (mention, value) is the
    first, `second` the next candidate if any."""
    if chosen is None:
        row[attr] = row[f"{attr}_source"] = row[f"{attr}_why"] = None
        return
    m, value = chosen
    row[attr] = value
    row[f"{attr}_source"] = _provenance(m)
    row[f"{attr}_why"] = _why_ranked(m, second, order)


def _why_ranked(chosen: PersonMention, second: PersonMention | None, order: tuple[str, ...]) -> str:
    """`_why` for sorted candidates: another one of the same rank exists iff the next one
    has the chosen one's rank."""
    position = rank(chosen.source, order)
    rank_text = f"来源权威优先：{label(chosen.source)}（第{position + 1}位）"
    if second is None or rank(second.source, order) != position:
        return rank_text
    when = chosen.observed_on.isoformat() if chosen.observed_on else "未知日期"
    return f"{rank_text}；同级来源中最新（{when}）"


def _birth(m: PersonMention, from_record: str | None) -> date | None:
    if m.birth_date:
        return m.birth_date
    return date.fromisoformat(from_record) if from_record else None


def _pick(
    row: dict[str, Any],
    attr: str,
    candidates: Sequence[PersonMention],
    get: Callable[[PersonMention], Any],
    order: tuple[str, ...],
) -> None:
    if not candidates:
        row[attr] = row[f"{attr}_source"] = row[f"{attr}_why"] = None
        return
    chosen = min(candidates, key=_order(order))
    row[attr] = get(chosen)
    row[f"{attr}_source"] = _provenance(chosen)
    row[f"{attr}_why"] = _why(chosen, candidates, order)


def conflicts(
    person_id: str,
    mentions: Sequence[PersonMention],
    records: Sequence[PersonRecord] | None = None,
) -> list[Conflict]:
    """One row per mention value of an attribute that has several distinct values."""
    out: list[Conflict] = []
    if len(mentions) < 2:
        return out
    recs = _records(mentions, records)
    for attr in CONFLICT_ATTRIBUTES:
        found: list[tuple[str, PersonMention]] = []
        for m, r in zip(mentions, recs, strict=True):
            value = _value(m, r, attr)
            if value is not None:
                found.append((value, m))
        if len({v for v, _ in found}) > 1:
            out += [Conflict(person_id, attr, v, m.source, m.batch, m.row) for v, m in found]
    return out


def _value(m: PersonMention, record: PersonRecord, attr: str) -> str | None:
    if attr == "name":
        return m.name_std
    if attr == "id_number":
        return m.id_number_std
    return record.birth_date if attr == "birth_date" else record.sex


def _records(
    mentions: Sequence[PersonMention], records: Sequence[PersonRecord] | None
) -> Sequence[PersonRecord]:
    return records if records is not None else [record_of(m) for m in mentions]


class GoldenBuilder:
    """`golden_person` for many persons of one run, faster: each mention's ordering keys,
    ranks and provenance are computed once, not once per attribute. Gives exactly the
    rows `golden_person` gives (tested)."""

    def __init__(self, mentions: Sequence[PersonMention], records: Sequence[PersonRecord]):
        self._m = mentions
        self._r = records
        fresh = [-(m.observed_on or date.min).toordinal() for m in mentions]
        self._rank = [rank(m.source) for m in mentions]
        self._rank_res = [rank(m.source, RESIDENCE_AUTHORITY) for m in mentions]
        self._key = [(self._rank[i], fresh[i], m.mention_id) for i, m in enumerate(mentions)]
        self._key_res = [(self._rank_res[i], fresh[i], m.mention_id)
                         for i, m in enumerate(mentions)]  # fmt: skip
        self._prov = [_provenance(m) for m in mentions]

    def row(self, person_id: str, members: Sequence[int]) -> dict[str, Any]:
        """The `persons.parquet` row of the person made of mentions `members`."""
        ms, rs = self._m, self._r
        row: dict[str, Any] = {"person_id": person_id}
        ranked = sorted(members, key=self._key.__getitem__)
        for attr in ("name", "id_number", "birth_date", "sex"):
            chosen = second = -1
            value: Any = None
            for i in ranked:
                v = _golden_value(ms[i], rs[i], attr)
                if v is None:
                    continue
                if chosen < 0:
                    chosen, value = i, v
                else:
                    second = i
                    break
            if chosen < 0:
                row[attr] = row[f"{attr}_source"] = row[f"{attr}_why"] = None
                continue
            row[attr] = value
            row[f"{attr}_source"] = self._prov[chosen]
            same = second >= 0 and self._rank[second] == self._rank[chosen]
            row[f"{attr}_why"] = self._why(chosen, same, self._rank[chosen])
        with_phone = [i for i in ranked if ms[i].phone_std]
        row["phones"] = list(dict.fromkeys(ms[i].phone_std for i in with_phone))
        row["phones_source"] = self._prov[with_phone[0]] if with_phone else None
        row["phones_why"] = (
            f"全部号码，按来源权威排序；首个来自{label(ms[with_phone[0]].source)}"
            if with_phone
            else None
        )
        police = "police_household_registry"
        residence = [i for i in members if ms[i].house_code and ms[i].source != police]
        self._pick(row, "house_code", residence, self._key_res, self._rank_res)
        hukou = [i for i in members if ms[i].house_code and ms[i].source == police]
        self._pick(row, "hukou_house_code", hukou, self._key, self._rank)
        migrant = [
            i for i in members if ms[i].source == "migrant_registration" or ms[i].role == "migrant"
        ]
        if hukou or not migrant:
            row["is_migrant"] = False
            row["is_migrant_source"] = self._prov[hukou[0]] if hukou else None
            row["is_migrant_why"] = "有公安户籍记录" if hukou else "无流动人口登记"
        else:
            first = min(migrant, key=self._key.__getitem__)
            row["is_migrant"] = True
            row["is_migrant_source"] = self._prov[first]
            row["is_migrant_why"] = "有流动人口登记，无公安户籍记录"
        return row

    def _pick(
        self,
        row: dict[str, Any],
        attr: str,
        candidates: list[int],
        key: list[tuple[int, int, str]],
        ranks: list[int],
    ) -> None:
        if not candidates:
            row[attr] = row[f"{attr}_source"] = row[f"{attr}_why"] = None
            return
        chosen = min(candidates, key=key.__getitem__)
        row[attr] = self._m[chosen].house_code
        row[f"{attr}_source"] = self._prov[chosen]
        same = any(ranks[i] == ranks[chosen] for i in candidates if i != chosen)
        row[f"{attr}_why"] = self._why(chosen, same, ranks[chosen])

    def _why(self, chosen: int, same_rank: bool, position: int) -> str:
        m = self._m[chosen]
        rank_text = f"来源权威优先：{label(m.source)}（第{position + 1}位）"
        if not same_rank:
            return rank_text
        when = m.observed_on.isoformat() if m.observed_on else "未知日期"
        return f"{rank_text}；同级来源中最新（{when}）"
