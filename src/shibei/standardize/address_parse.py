"""The address parser's engine (the public face is `shibei.standardize.address`).

Two passes over normalized text, both dict lookups and a few compiled regexes:

1. **Divisions** from the left: the longest province/city/district name (full, short or
   former) that is consistent with what came before, then towns under the district.
   A name is refused when a road suffix follows it (辽宁路, 福州北路, 台东一路) or, for a
   short name, a place word (浙江大学): it is then not a division at all. 青岛市北区 is
   青岛 + 市北区 (the 市 is shared).
2. **The rest**, token by token: words split into town, community, road, poi by their
   suffixes; numbers labelled by their unit (号, 号楼, 单元, 层, 室…) and, without one,
   by what came before (辽宁路12 → roadno; 华阳小区3-2-401 → houseno, cellno, roomno).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shibei.standardize.divisions import (
    LEVEL_RANK,
    Division,
    DivisionTable,
    NameEntry,
    division_table,
)

RawElement = tuple[str, str, str | int, int, int]  # label, text, value, start, end

_ROAD_SUFFIX = r"(?:支路|路(?!口)|大道|大街|街(?!道)|道(?!办)|巷|胡同|公路|环路)"
_ROAD_AFTER = re.compile(rf"[东西南北中]?[一二三四五六七八九十0-9]{{0,3}}{_ROAD_SUFFIX}")
_GUARD_AFTER = re.compile(
    r"大厦|饭店|宾馆|酒店|大学|学院|银行|中学|小学|医院|公司|商城|商场|广场|花园|小区|公寓|新村"
    r"|大楼|大院|市场|工业园|剧院|影院|体育|火车站|站|港|湾|机场|码头|路口|里|村|庄|屯|湖|山"
    r"|街道|社区|镇|乡|苑|园|府|邸|阁"
)
_ROAD = re.compile(
    rf"[^\s0-9]{{1,12}}?[东西南北中]?[一二三四五六七八九十0-9]{{0,3}}{_ROAD_SUFFIX}|"
    r"[^\s0-9]{1,6}?[一二三四五六七八九十]组"
)
_ROAD_FULL = re.compile(rf"(?:{_ROAD.pattern})$")
_TOWN = re.compile(r"[^\s0-9路街巷道号区村]{2,6}?(?:街道办事处|街道|镇|乡)(?![路街道巷])")
_DEVZONE = re.compile(
    r"[^\s0-9路街巷]{2,10}?(?:经济技术开发区|经济开发区|技术开发区|高新技术产业开发区|高新区"
    r"|开发区|工业园区|工业区|保税区|产业园区|科技园区)"
)
_DEVZONE_DIVISION = ("开发区", "园区", "示范区", "管理区", "试验区", "实验区", "高新区")
_COMMUNITY = re.compile(
    r"[^\s0-9]{1,10}?(?:社区居民委员会|社区居委会|社区|居民委员会|居委会|村民委员会|村委会)"
)
_VILLAGE = re.compile(r"[^\s0-9]{1,6}?村(?![路街道巷口信镇乡庄])")
_POI_END = re.compile(
    r"小区|花园|公寓|大厦|广场|家园|新村|山庄|中心|大楼|商城|市场|公司|医院|学校|宾馆|酒店"
    r"|饭店|公园|苑|园|庭|府|城|院"
)
_POI_ONLY = re.compile(rf"(?:{_POI_END.pattern})$")
_ASSIST = re.compile(
    r"斜对面|对面|旁边|附近|隔壁|交叉口|路口|东侧|西侧|南侧|北侧|往东|往西|往南|往北|东面|西面"
    r"|南面|北面|后面|前面"
)
_SEPARATORS = frozenset(" ,.;:()[]/\\_-+*'\"&|!?<>{}=~^`@$%")
_TOKEN = re.compile(
    r"(?P<num>[A-Z]?[0-9]+[A-Z]?(?:-[A-Z]?[0-9]+[A-Z]?)*)"
    r"(?P<unit>号楼|号院|号|栋|幢|座|单元|层|楼|室|户|房|弄|巷|区|期|排|组|门)?"
    r"|(?P<sep>[\s,.;:()\[\]/\\_\-+*'\"&|!?<>{}=~^`@$%]+)"
    r"|(?P<word>[^\s0-9,.;:()\[\]/\\_\-+*'\"&|!?<>{}=~^`@$%]+)"
)
_DIGITS = re.compile(r"[0-9]+")
_UNIT_LABEL = {
    "号楼": "houseno", "栋": "houseno", "幢": "houseno", "座": "houseno", "排": "houseno",
    "单元": "cellno", "门": "cellno", "层": "floorno", "室": "roomno", "户": "roomno",
    "房": "roomno",
}  # fmt: skip
_HOUSE_ORDER = ("houseno", "cellno", "roomno")
_AFTER_BUILDING = frozenset({None, "单元", "门", "室", "户", "号", "房"})


@dataclass(slots=True)
class RawParse:
    elements: list[RawElement] = field(default_factory=list)
    canonical: dict[str, str] = field(default_factory=dict)
    inferred: dict[str, str] = field(default_factory=dict)
    division_code: str | None = None
    confidence: float = 0.0


@dataclass(slots=True)
class _State:
    text: str
    table: DivisionTable
    elements: list[RawElement] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    last: str | None = None
    chain: list[Division] = field(default_factory=list)  # resolved divisions, shallow first
    canonical: dict[str, str] = field(default_factory=dict)
    ambiguous: bool = False

    def add(self, label: str, start: int, end: int, value: str | int | None = None) -> None:
        text = self.text[start:end]
        self.elements.append((label, text, text if value is None else value, start, end))
        self.seen.add(label)
        self.last = label

    @property
    def deepest(self) -> Division | None:
        return self.chain[-1] if self.chain else None


def parse_normalized(text: str, *, infer: bool = False) -> RawParse:
    """Parse text already passed through `prepare_address_text`."""
    if not text:
        return RawParse()
    state = _State(text, division_table())
    pos = _parse_divisions(state)
    _parse_rest(state, pos)
    out = RawParse(elements=state.elements, canonical=state.canonical)
    if state.chain:
        out.division_code = state.chain[-1].code
    if infer and out.division_code is not None:
        for d in state.table.path(out.division_code):
            label = _division_label(d)
            if label not in state.seen:
                out.inferred[label] = d.name
    out.confidence = _confidence(state)
    return out


def _division_label(d: Division) -> str:
    if d.level == "district" and d.name.endswith(_DEVZONE_DIVISION):
        return "devzone"
    return d.level


# -- pass 1: divisions -------------------------------------------------------------------


def _parse_divisions(state: _State) -> int:
    s, n = state.text, len(state.text)
    pos = 0
    while pos < n:
        while pos < n and s[pos] in _SEPARATORS:
            pos += 1
        if pos >= n:
            break
        for country in ("中华人民共和国", "中国"):
            if s.startswith(country, pos) and not _ROAD_AFTER.match(s, pos + len(country)):
                state.add("country", pos, pos + len(country))
                pos += len(country)
                break
        else:
            found = _match_division(state, pos)
            if found is None:
                break
            length, entry = found
            if entry is None:  # a repeat of a division already named: skip it
                pos += length
                continue
            pos = _accept_division(state, pos, length, entry)
            if pos < 0:
                break
    return max(pos, 0) if pos >= 0 else 0


def _match_division(state: _State, pos: int) -> tuple[int, NameEntry | None] | None:
    s, table = state.text, state.table
    deepest = state.deepest
    kids = table.child_names.get(deepest.code, {}) if deepest is not None else {}
    top = min(table.name_prefix.get(s[pos : pos + 2], 0), len(s) - pos)
    for length in range(top, 1, -1):
        name = s[pos : pos + length]
        if name not in kids and name not in table.names:
            continue
        entries = kids.get(name, []) + table.names.get(name, [])
        if deepest is not None and not _ROAD_AFTER.match(s, pos + length):
            if any(e.division.code == d.code for e in entries for d in state.chain):
                return length, None
            consistent = [
                e
                for e in entries
                if e.division.code.startswith(deepest.code)
                and LEVEL_RANK[e.division.level] > LEVEL_RANK[deepest.level]
            ]
            if not consistent:
                return None
            entries = consistent
        else:
            # a short district name alone is too weak a sign (西湖, 市中, 中山)
            entries = [e for e in entries if e.kind != "short" or e.division.level != "district"]
            entries = [e for e in entries if e.division.level != "town" or e.kind != "short"]
            if not entries:
                continue
        after = pos + length
        if _ROAD_AFTER.match(s, after):  # 辽宁路, 山东路: a road, whatever came before
            return None
        entry = min(entries, key=_entry_rank)
        if entry.kind == "short" and _GUARD_AFTER.match(s, after):
            return None
        if (
            entry.division.level == "town"
            and entry.kind == "short"
            and after < len(s)
            and not (s[after] in _SEPARATORS or s[after].isdigit())
        ):
            continue
        if deepest is None and entry.kind != "short":
            same_name = [e for e in entries if e.division.level == entry.division.level]
            if len(same_name) > 1:
                state.ambiguous = True
                return length, NameEntry(
                    Division("", entry.division.name, entry.division.level, None), "ambiguous"
                )
        return length, entry
    return None


def _entry_rank(e: NameEntry) -> tuple[int, int]:
    return ({"full": 0, "former": 1, "short": 2}.get(e.kind, 3), LEVEL_RANK[e.division.level])


def _accept_division(state: _State, pos: int, length: int, entry: NameEntry) -> int:
    s, table = state.text, state.table
    d = entry.division
    end = pos + length
    # 青岛市北区 = 青岛 + 市北区: the city's 市 begins its child's name.
    if s[end - 1] == "市" and d.code and entry.kind == "full" and end < len(s):
        kids = table.child_names.get(d.code, {})
        if not any(s[end : end + k] in kids for k in range(2, 8)):
            for k in range(7, 2, -1):
                child = kids.get(s[end - 1 : end - 1 + k])
                if child:
                    _add_division(state, pos, end - 1, entry)
                    return _accept_division(state, end - 1, k, child[0])
    _add_division(state, pos, end, entry)
    return end


def _add_division(state: _State, start: int, end: int, entry: NameEntry) -> None:
    d = entry.division
    label = _division_label(d)
    if label in state.seen:  # a second district after one: a devzone named like one
        label = "devzone" if label == "district" else label
    state.add(label, start, end)
    if d.code:
        state.chain.append(d)
        state.canonical[label] = d.name
    else:
        state.canonical[label] = d.name


# -- pass 2: the rest --------------------------------------------------------------------


def _parse_rest(state: _State, pos: int) -> None:
    tokens = [(_kind(m), m.start(), m.end(), m) for m in _TOKEN.finditer(state.text, pos)]
    for i, (kind, start, end, m) in enumerate(tokens):
        if kind == "word":
            _parse_word(state, start, end)
        elif kind == "num":
            nxt = next((t for t in tokens[i + 1 :] if t[0] != "sep"), None)
            _parse_number(state, m, nxt[3] if nxt is not None else None, nxt is None)


def _kind(m: re.Match[str]) -> str:
    if m.group("num") is not None:
        return "num"
    return "sep" if m.group("sep") is not None else "word"


def _parse_word(state: _State, start: int, end: int) -> None:
    s, seen = state.text, state.seen
    p = start
    while p < end:
        if state.last is not None and (m := _ASSIST.match(s, p, end)):
            state.add("assist", p, m.end())
            p = m.end()
            continue
        if not seen & {"road", "poi", "community", "town", "roadno"}:
            town_end = _match_town(state, p, end)
            if town_end:
                p = town_end
                continue
        if not seen & {"road", "poi", "devzone", "roadno"} and (m := _DEVZONE.match(s, p, end)):
            state.add("devzone", p, m.end())
            p = m.end()
            continue
        if (
            not seen & {"community", "poi", "roadno"}
            and (m := _COMMUNITY.match(s, p, end) or _VILLAGE.match(s, p, end))
            and not s[p : m.end()].endswith("新村")  # 新村 is a compound
        ):
            state.add("community", p, m.end())
            p = m.end()
            continue
        if m := _ROAD.match(s, p, end):
            poi_end = _poi_before_road(s, p, m.end())
            if poi_end:
                state.add("subpoi" if "poi" in seen else "poi", p, poi_end)
                p = poi_end
                continue
            rest = s[m.end() : end]
            if not rest or not _POI_ONLY.match(rest):
                state.add("subroad" if "road" in seen else "road", p, m.end())
                p = m.end()
                continue
        # a poi, unless a road follows a poi word inside it (…有限公司山阴路)
        split = end
        for pm in _POI_END.finditer(s, p, end):
            if pm.end() < end and _ROAD_FULL.match(s, pm.end(), end):
                split = pm.end()
                break
        state.add("subpoi" if "poi" in seen else "poi", p, split)
        p = split


def _poi_before_road(s: str, start: int, end: int) -> int:
    """The end of a poi name that a road follows inside one word (…有限公司山阴路), or 0."""
    for pm in _POI_END.finditer(s, start, end):
        if pm.end() - start >= 4 and _ROAD_FULL.match(s, pm.end(), end):
            return pm.end()
    return 0


def _match_town(state: _State, p: int, end: int) -> int:
    s, table = state.text, state.table
    deepest = state.deepest
    if deepest is not None and deepest.level == "district":
        kids = table.child_names.get(deepest.code, {})
        for length in range(min(table.name_prefix.get(s[p : p + 2], 0), end - p), 1, -1):
            entries = kids.get(s[p : p + length])
            if entries:
                e = min(entries, key=_entry_rank)
                after = p + length
                if e.kind == "short" and after < end and _ROAD_AFTER.match(s, after):
                    continue
                state.add("town", p, after)
                state.chain.append(e.division)
                state.canonical["town"] = e.division.name
                return after
    for length in range(min(table.town_prefix.get(s[p : p + 2], 0), end - p), 2, -1):
        towns = table.town_names.get(s[p : p + length])
        if towns:
            if deepest is not None:
                towns = [t for t in towns if t.code.startswith(deepest.code)] or towns
            state.add("town", p, p + length)
            if len(towns) == 1 and (deepest is None or towns[0].code.startswith(deepest.code)):
                state.chain.append(towns[0])
                state.canonical["town"] = towns[0].name
            return p + length
    m = _TOWN.match(s, p, end)
    if m:
        state.add("town", p, m.end())
        return m.end()
    return 0


def _number_value(part: str) -> str | int:
    m = _DIGITS.search(part)
    return int(m.group()) if m else part


def _parse_number(
    state: _State, m: re.Match[str], nxt: re.Match[str] | None, is_last: bool
) -> None:
    unit = m.group("unit")
    parts: list[tuple[int, int]] = []
    p = m.start("num")
    for chunk in m.group("num").split("-"):
        parts.append((p, p + len(chunk)))
        p += len(chunk) + 1
    labels = _number_labels(state, unit, len(parts), nxt, is_last, m.group("num"))
    for (start, stop), label in zip(parts, labels, strict=False):
        if label is None:
            continue
        state.add(label, start, stop, _number_value(state.text[start:stop]))
    if unit and labels and labels[-1] is not None:  # the unit belongs to the last part
        label, _, value, start, _ = state.elements[-1]
        state.elements[-1] = (label, state.text[start : m.end()], value, start, m.end())


def _number_labels(
    state: _State,
    unit: str | None,
    n: int,
    nxt: re.Match[str] | None,
    is_last: bool,
    digits: str,
) -> list[str | None]:
    seen, last = state.seen, state.last
    on_road = last in ("road", "subroad") and (
        "roadno" not in seen if last == "road" else "subroadno" not in seen
    )
    door = ("roadno" if last == "road" else "subroadno") if on_road else None
    if unit in ("区", "期"):
        return ["subpoi" if "poi" in seen else "poi"] + [None] * (n - 1)
    if unit in ("弄", "巷", "组"):
        if unit == "弄" and door == "roadno":
            return ["roadno"] + [None] * (n - 1)
        return ["subroad" if "road" in seen else "road"] + [None] * (n - 1)
    if unit in ("号", "号院"):
        if door is not None:
            return [door, *_fill(seen, n - 1)]
        return _fill(seen, n)
    if unit == "楼":
        if seen & {"houseno", "cellno"}:
            target = "floorno"
        elif nxt is not None and _kind(nxt) == "num" and nxt.group("unit") in _AFTER_BUILDING:
            target = "houseno"
        else:
            target = "floorno"
        return _before(seen, target, n)
    if unit is not None and unit in _UNIT_LABEL:
        return _before(seen, _UNIT_LABEL[unit], n)
    # a bare number
    if door is not None:
        return [door, *_fill(seen, n - 1)]
    if n == 1:
        if "houseno" not in seen:
            long_tail = is_last and len(digits) >= 3 and bool(seen & {"poi", "subpoi", "roadno"})
            if long_tail and seen & {"poi", "subpoi"}:
                return ["roomno"]
            return ["houseno"]
        if seen & {"cellno", "floorno"} or is_last:
            return ["roomno"] if "roomno" not in seen else [None]
        return ["cellno"]
    return _fill(seen, n)


def _fill(seen: set[str], n: int) -> list[str | None]:
    """Labels for n numbers in a row: 3-2-401 → houseno, cellno, roomno; 9-1336 → houseno,
    roomno."""
    if n <= 0:
        return []
    avail = [label for label in _HOUSE_ORDER if label not in seen]
    if not avail:
        return [None] * n
    if n == 1:
        return [avail[0]]
    if n == 2 and len(avail) == 3:
        return ["houseno", "roomno"]
    out: list[str | None] = list(avail[:n])
    return out + [None] * (n - len(out))


def _before(seen: set[str], target: str, n: int) -> list[str | None]:
    """Labels for n numbers whose last has a unit naming `target`."""
    if n == 1:
        return [target]
    order = [*_HOUSE_ORDER[: _HOUSE_ORDER.index(target)]] if target in _HOUSE_ORDER else []
    if target == "floorno":
        order = ["houseno", "cellno"]
    avail = [label for label in order if label not in seen]
    head: list[str | None] = list(avail[: n - 1])
    return head + [None] * (n - 1 - len(head)) + [target]


def _confidence(state: _State) -> float:
    if not state.elements:
        return 0.0
    covered = sum(e[4] - e[3] for e in state.elements if e[0] not in ("poi", "subpoi"))
    covered += sum((e[4] - e[3]) // 2 for e in state.elements if e[0] in ("poi", "subpoi"))
    letters = sum(1 for c in state.text if c not in _SEPARATORS)
    score = 0.3 + 0.7 * min(1.0, covered / max(letters, 1))
    if state.ambiguous:
        score -= 0.2
    return max(0.0, min(1.0, score))
