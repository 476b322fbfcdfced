"""Matching parsed addresses to the gazetteer's standard addresses.

>>> matcher = AddressMatcher(gazetteer)                                  # doctest: +SKIP
>>> m = matcher.match("辽宁路123号华阳小区3-2-401")                        # doctest: +SKIP
>>> m.level, m.code, m.reason                                            # doctest: +SKIP
('house', '3702030050010010001020401', '门牌+楼栋+单元+室唯一')

The matcher answers at the deepest level that is certain — house, building, door (road
code + 4-digit door number), compound, road, community, street — and lists ranked
candidates when the text fits several. It never guesses: when what the text says
conflicts (a community that is not the house's, a street hint elsewhere), it stops at the
level both agree on. Compound names, their aliases and old road names resolve through
`Gazetteer.aliases`; `extra_aliases` extends that table.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from shibei.gazetteer.gazetteer import Gazetteer
from shibei.gazetteer.model import DISTRICT_CODE, Building
from shibei.standardize.address import NUMBER_LABELS, ParsedAddress, parse_address

_OUR_DISTRICT = "市北区"
_OUR_CITY = "青岛市"

LEVELS = ("house", "building", "door", "compound", "road", "community", "street", "none")


@dataclass(frozen=True, slots=True)
class Candidate:
    code: str
    level: str
    score: float


@dataclass(frozen=True, slots=True)
class AddressMatch:
    """The standard address an address text denotes, as far as it is certain."""

    code: str | None
    level: str  # one of LEVELS
    confidence: float
    reason: str
    candidates: tuple[Candidate, ...] = ()
    parsed: ParsedAddress | None = field(default=None, compare=False)

    @property
    def house_code(self) -> str | None:
        return self.code if self.level == "house" else None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = self.parsed.to_json() if self.parsed is not None else {}
        out |= {
            "code": self.code,
            "level": self.level,
            "match_confidence": round(self.confidence, 3),
            "reason": self.reason,
            "candidates": [
                {"code": c.code, "level": c.level, "score": round(c.score, 3)}
                for c in self.candidates
            ],
        }
        return out


class _Found(NamedTuple):
    """What the steps find: an `AddressMatch` without its parse, which `match_parsed`
    adds (so each match builds one frozen dataclass, not two)."""

    code: str | None
    level: str
    confidence: float
    reason: str
    candidates: tuple[Candidate, ...] = ()


class AddressMatcher:
    """Indexes one gazetteer for matching; build once, match many."""

    def __init__(self, gazetteer: Gazetteer, extra_aliases: Mapping[str, str] | None = None):
        self.gazetteer = gazetteer
        self.street_by_name = {s.name: s.code for s in gazetteer.streets}
        self.community_by_name: dict[str, list[str]] = defaultdict(list)
        for c in gazetteer.communities:
            for name in {c.name, c.official_name, c.name.removesuffix("社区")}:
                if len(name) >= 2:
                    self.community_by_name[name].append(c.code)
        self.roads_by_name: dict[str, list[str]] = defaultdict(list)
        for r in gazetteer.roads:
            self.roads_by_name[r.name].append(r.code)
        self.compound_by_name: dict[str, str] = {}
        for q in gazetteer.compounds:
            self.compound_by_name[self._compound_name(q.name, q.road_code, q.door_number)] = q.code
            for alias in q.aliases:
                self.compound_by_name.setdefault(alias, q.code)
        aliases = dict(gazetteer.aliases) | dict(extra_aliases or {})
        for alias, code in aliases.items():
            if "Q" in code:
                self.compound_by_name.setdefault(alias, code)
            elif "R" in code:
                self.roads_by_name[alias].append(code)
        self._compound_first: dict[str, list[str]] = defaultdict(list)
        for name in self.compound_by_name:
            self._compound_first[name[:2]].append(name)
        for names in self._compound_first.values():
            names.sort(key=len, reverse=True)
        # where a compound name may start: `_compound_at` looks only there
        firsts = "".join(sorted({k[0] for k in self._compound_first if k}))
        self._compound_start = re.compile(f"[{re.escape(firsts)}]" if firsts else "(?!)")
        self.buildings_at_door: dict[tuple[str, int], list[Building]] = defaultdict(list)
        self.buildings_in_compound: dict[tuple[str, int], list[Building]] = defaultdict(list)
        for b in gazetteer.buildings:
            self.buildings_at_door[(b.road_code, b.door_number)].append(b)
            if b.compound_code is not None:
                self.buildings_in_compound[(b.compound_code, b.number)].append(b)
        self.house_at: dict[tuple[str, int, int], str] = {
            (h.building_code, h.unit, h.room): h.code for h in gazetteer.houses
        }

    def _compound_name(self, name: str, road_code: str, door: int) -> str:
        if "{road}" in name:
            return name.replace("{road}", f"{self.gazetteer.road(road_code).name}{door}")
        return name

    def match(self, text: str, *, street_hint: str | None = None) -> AddressMatch:
        """Match one address text; `street_hint` is the 9-digit street code of a street-level
        source. Never raises on a str."""
        return self.match_parsed(parse_address(text), street_hint=street_hint)

    def match_many(
        self, texts: Sequence[str], street_hints: Sequence[str | None] | None = None
    ) -> list[AddressMatch]:
        """`match` for each text (and its street hint), in order. Identical (text, hint)
        pairs are matched once: feeds repeat addresses, and a match is a pure function of
        the pair. Repeats share one (immutable) `AddressMatch`."""
        hints: Sequence[str | None] = (
            street_hints if street_hints is not None else [None] * len(texts)
        )
        if len(hints) != len(texts):
            raise ValueError("street_hints must be as long as texts")
        done: dict[tuple[str, str | None], AddressMatch] = {}
        out: list[AddressMatch] = []
        for text, hint in zip(texts, hints, strict=True):
            key = (text, hint)
            found = done.get(key)
            if found is None:
                found = done[key] = self.match(text, street_hint=hint)
            out.append(found)
        return out

    def match_parsed(
        self, parsed: ParsedAddress, *, street_hint: str | None = None
    ) -> AddressMatch:
        code, level, confidence, reason, candidates = self._match(parsed, street_hint)
        return AddressMatch(code, level, confidence, reason, candidates, parsed)

    # -- the steps ------------------------------------------------------------------------

    def _match(self, p: ParsedAddress, street_hint: str | None) -> _Found:
        """`_locate`, and what the text says about the place found: a door with a
        sub-number is not a standard door; a place given relative to a door (对面, 附近,
        东侧50米) is near that building, not in it — kept (an incident there still
        belongs to the building's grid) at a lower confidence, the reason saying so."""
        v = p.elements_dict()
        found = self._locate(p, v, street_hint)
        if found.code is None:
            return found
        door = v.get("roadno")
        if isinstance(door, str):  # 47甲号, 甲47号: never door 47's building
            return found._replace(reason=f"{found.reason}；门牌{door}号不在标准门牌中")
        if "assist" in v and found.level in _NUMBERED and (where := _relative(p)):
            return found._replace(
                confidence=round(0.8 * found.confidence, 3),
                reason=f"{found.reason}；相对位置「{where}」：在其附近，非其本身",
            )
        return found

    def _locate(
        self, p: ParsedAddress, v: Mapping[str, str | int], street_hint: str | None
    ) -> _Found:
        if self._elsewhere(p, v):
            return _Found(None, "none", 1.0, "不在本区")
        named_street = self._named_street(v)
        street = named_street or street_hint
        communities = self._communities(v, street)
        roads = self.roads_by_name.get(str(v.get("road") or ""), [])
        compound = self._compound(p, v)
        roadno = _int(v.get("roadno"))
        houseno = _int(v.get("houseno"))
        unit = _int(v.get("cellno"))
        floor = _int(v.get("floorno"))
        room = _int(v.get("roomno"))
        if room is not None and floor is not None and room < 100:
            room = floor * 100 + room

        buildings = self._buildings(roads, roadno, compound, houseno)
        # What the text says about community and street, then the source's street, only
        # narrow a choice: they never empty it (a stale hint must not hide the house).
        if len(buildings) > 1:
            for keep in (
                (lambda b: communities is None or b.grid_code[:12] in communities),
                (lambda b: named_street is None or b.grid_code[:9] == named_street),
                (lambda b: street_hint is None or b.grid_code[:9] == street_hint),
            ):
                if len(buildings) > 1:
                    buildings = [b for b in buildings if keep(b)] or buildings
        if buildings:
            return self._deepen(buildings, unit, room, p)
        if street is not None:
            roads = [c for c in roads if c.startswith(street)] or roads
        return self._shallow(p, roads, roadno, compound, communities, street)

    def _elsewhere(self, p: ParsedAddress, v: Mapping[str, str | int]) -> bool:
        """True when the text names a division outside the district — unless that name is
        the start of one of our compounds (青海苑, 金华雅居 are compounds here)."""
        district = p.canonical.get("district") or v.get("district")
        city = p.canonical.get("city")
        outside = (district is not None and district != _OUR_DISTRICT) or (
            city is not None and city != _OUR_CITY
        )
        if p.division_code is not None and not (
            p.division_code.startswith(DISTRICT_CODE) or DISTRICT_CODE.startswith(p.division_code)
        ):
            outside = True
        if not outside:
            return False
        found = self._compound_at(p.normalized)
        if found is None:
            return True
        start = found[1]
        divisions = [e for e in p.elements if e.label in ("prov", "city", "district")]
        return not any(e.start <= start < e.end or e.start == start for e in divisions)

    def _named_street(self, v: Mapping[str, str | int]) -> str | None:
        town = v.get("town")
        if not isinstance(town, str):
            return None
        return self.street_by_name.get(town) or self.street_by_name.get(town + "街道")

    def _communities(self, v: Mapping[str, str | int], street: str | None) -> set[str] | None:
        name = v.get("community")
        if not isinstance(name, str):
            return None
        codes = self.community_by_name.get(name)
        if not codes:
            return None
        return {c for c in codes if street is None or c.startswith(street)} or set(codes)

    def _compound(self, p: ParsedAddress, v: Mapping[str, str | int]) -> str | None:
        for label in ("poi", "subpoi", "community"):
            name = v.get(label)
            if isinstance(name, str) and name in self.compound_by_name:
                return self.compound_by_name[name]
        found = self._compound_at(p.normalized)
        return None if found is None else found[0]

    def _compound_at(self, text: str) -> tuple[str, int] | None:
        """The first (longest) compound name or alias in the text: (code, start)."""
        for m in self._compound_start.finditer(text, 0, len(text) - 1):
            i = m.start()
            for name in self._compound_first.get(text[i : i + 2], ()):
                if text.startswith(name, i):
                    return self.compound_by_name[name], i
        return None

    def _buildings(
        self, roads: Iterable[str], roadno: int | None, compound: str | None, houseno: int | None
    ) -> list[Building]:
        at_door: list[Building] = []
        if roadno is not None:
            for road in roads:
                at_door.extend(self.buildings_at_door.get((road, roadno), ()))
        if compound is not None and houseno is not None:
            inside = self.buildings_in_compound.get((compound, houseno), [])
            if at_door:
                both = [b for b in inside if b in at_door]
                return both or inside
            return list(inside)
        if compound is not None and at_door:
            at_door = [b for b in at_door if b.compound_code == compound] or at_door
        if houseno is not None:
            return [b for b in at_door if b.number == houseno]
        if len(at_door) == 1 or (at_door and len({b.number for b in at_door}) == 1):
            return at_door if len(at_door) == 1 else []
        return []

    def _deepen(
        self, buildings: list[Building], unit: int | None, room: int | None, p: ParsedAddress
    ) -> _Found:
        if room is not None:
            houses = []
            for b in buildings:
                units = [unit] if unit is not None else ([1] if b.units == 1 else [])
                for u in units:
                    code = self.house_at.get((b.code, u, room))
                    if code is not None:
                        houses.append(code)
            if len(houses) == 1:
                return _Found(houses[0], "house", 0.98 * _trust(p), "门牌/小区+楼栋+单元+室唯一")
            if len(houses) > 1:
                return _Found(
                    None, "none", 0.5, "多个房屋相符",
                    tuple(Candidate(h, "house", 1 / len(houses)) for h in houses),
                )  # fmt: skip
        if len(buildings) == 1:
            reason = "楼栋唯一，未找到该室" if room is not None else "楼栋唯一"
            return _Found(buildings[0].code, "building", 0.95 * _trust(p), reason)
        return _Found(
            None, "none", 0.4, "多个楼栋相符",
            tuple(Candidate(b.code, "building", 1 / len(buildings)) for b in buildings),
        )  # fmt: skip

    def _shallow(
        self,
        p: ParsedAddress,
        roads: list[str],
        roadno: int | None,
        compound: str | None,
        communities: set[str] | None,
        street: str | None,
    ) -> _Found:
        if roadno is not None:  # the door, when one segment of the road has it (太清路13号)
            at = [r for r in roads if (r, roadno) in self.buildings_at_door]
            if len(at) == 1:
                return _Found(f"{at[0]}{roadno:04d}", "door", 0.9, "门牌唯一")
        if compound is not None:
            return _Found(compound, "compound", 0.9, "小区唯一")
        if len(roads) == 1:
            return _Found(roads[0], "road", 0.85, "道路唯一")
        if len(roads) > 1:
            return _Found(
                None, "none", 0.3, "道路跨多个街道",
                tuple(Candidate(r, "road", 1 / len(roads)) for r in roads),
            )  # fmt: skip
        if communities is not None and len(communities) == 1:
            return _Found(next(iter(communities)), "community", 0.85, "社区唯一")
        if street is not None:
            return _Found(street, "street", 0.8, "街道唯一")
        return _Found(None, "none", 0.0, "无法定位")


_NUMBERED = frozenset({"house", "building", "door"})
_AT_THE_PLACE = frozenset({"内", "里面", "门口", "楼下"})
"""Place words after a number that still say the place itself (院内, 门口)."""


def _relative(p: ParsedAddress) -> str | None:
    """The place word after the last number when it puts the place beside, across from
    or some way off that number (对面, 附近, 东侧, 北100米), else None."""
    after, word = -1, None
    for e in p.elements:  # (in text order)
        if e.label in NUMBER_LABELS:
            after, word = e.end, None
        elif word is None and after >= 0 and e.label == "assist" and e.text not in _AT_THE_PLACE:
            word = e.text
    return word


def _int(value: str | int | None) -> int | None:
    return value if isinstance(value, int) else None


def _trust(p: ParsedAddress) -> float:
    return 0.9 + 0.1 * p.confidence
