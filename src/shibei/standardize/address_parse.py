"""The address parser's engine (the public face is `shibei.standardize.address`).

Two passes over normalized text, both dict lookups and a few compiled regexes:

1. **Divisions** from the left: the longest province/city/district name (full, short or
   former) that is consistent with what came before, then towns under the district.
   A name is refused when a road suffix follows it (辽宁路, 福州北路, 台东一路; a full
   name under the division before it is kept: 浙江省杭州市中山北路) or, for a short name,
   a place word (浙江大学): it is then not a division at all. 青岛市北区 is 青岛 + 市北区
   (the 市 is shared). A division named again is `redundant` (written more fully the
   second time, the first writing is: 北京 北京市); so is a lead-in before the first
   province or city (收货地址浙江省…) and what lies between a chain and its repeat.
2. **The rest**, token by token: words split into town, community, road, poi by their
   suffixes; numbers labelled by their unit (号, 号楼, 单元, 层, 室…) and, without one,
   by what came before (辽宁路12 → roadno; 华阳小区3-2-401 → houseno, cellno, roomno).
   A number with a road suffix after it is part of a road (东风3路, 18号大街); one with
   米 after it is a distance (往东50米, assist); 负1楼, 地下2层 and -1层 are floors.
   Punctuation between elements (the dashes of 3-2-401) and a delivery note ending the
   text (电联) are `redundant`; a name after a floor or room is a tenant (`person`).

Labels follow the scheme of the Chinese address-parsing data set (Li et al., NAACL 2019):
a 直辖市 is a `city`; `redundant` elements never change `last`/`seen`, so the rules that
look back do not see them.

The words and patterns are in `shibei.standardize.address_words`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from shibei.standardize.address_words import (
    ASSIST,
    ASSIST_FIRST,
    ASSIST_TAIL,
    ASSIST_TAIL_LAST,
    COMMUNITY,
    COMMUNITY_LETTERS,
    COMPOUND_END,
    DEVZONE,
    DEVZONE_DIVISION,
    DEVZONE_LETTER,
    DIRECTION_TAIL,
    DISTANCE_AFTER,
    FACILITY,
    GUARD_AFTER,
    HOUSE_WORD,
    HOUSE_WORD_FIRST,
    NATURAL_VILLAGE,
    NEW_AREA,
    NEW_AREA_FIRST,
    NOTE_TAIL,
    NOTE_TAIL_LAST,
    NUMBERED_ROAD,
    PERSON_TAIL,
    PERSON_TAIL_LAST,
    PLACE_HEAD,
    PLACE_REST,
    PLACE_REST_LAST,
    POI_END,
    POI_HEAD,
    POI_ONLY,
    ROAD,
    ROAD_AFTER,
    ROAD_AFTER_FIRST,
    ROAD_FULL,
    ROAD_JOIN,
    ROAD_LETTERS,
    SECTION,
    SUBPOI_TAIL,
    SUBPOI_TAIL_LAST,
    TOWN,
    VILLAGE,
)
from shibei.standardize.divisions import (
    LEVEL_RANK,
    Division,
    DivisionTable,
    NameEntry,
    division_table,
    village_names,
)
from shibei.standardize.text import chinese_numeral_value


class AddressElement(NamedTuple):
    """One labelled part of an address; `start`/`end` index the normalized text.

    Immutable; a named tuple because a parse makes a dozen of them and a frozen
    dataclass's constructor costs several times as much. The parser makes them with
    ``tuple.__new__``, which skips the named tuple's Python-level ``__new__``."""

    label: str
    text: str  # as written after normalization, unit included: 123号
    value: str | int  # int for number labels when the text has digits, else the text
    start: int
    end: int


_SEPARATORS = frozenset(" ,.;:()[]/\\_-+*'\"&|!?<>{}=~^`@$%")
_ANY_SEPARATOR = re.compile("[" + re.escape("".join(sorted(_SEPARATORS))) + "]")
_TOKEN = re.compile(
    r"(?P<num>[A-Z]?[0-9]+[A-Z]?(?:-[A-Z]?[0-9]+[A-Z]?)*|[A-Z](?=号楼|栋|幢|座|单元|楼|层|室|区))"
    r"(?P<unit>号楼|号院|号房间|号房|号室|号|栋|幢|座|单元|层|楼|室|户|房间|房|弄|巷|区|期|排"
    r"|组|队|门|梯)?"
    r"|(?P<sep>[\s,.;:()\[\]/\\_\-+*'\"&|!?<>{}=~^`@$%]+)"
    # (the inner + lets a run of letters go in one step, not one loop per character)
    r"|(?P<word>(?:[^\sA-Z0-9,.;:()\[\]/\\_\-+*'\"&|!?<>{}=~^`@$%]+"
    r"|[A-Z](?![0-9]|号楼|栋|幢|座|单元|楼|层|室|区))+)"
)
NUMBER_LABELS = frozenset({"roadno", "subroadno", "houseno", "cellno", "floorno", "roomno"})
"""The labels whose value is a number (an integer where the text has digits); a number
read as another label (万科城 + 三期, 新塘村 + 5组) keeps its text."""
_DIGITS = re.compile(r"[0-9]+")
_PHONE = re.compile(r"1[3-9][0-9]{9}|0[1-9][0-9]{1,2}-?[0-9]{7,8}")  # mobile, area code + line
_FLOOR_F = re.compile(r"F[0-9]{1,2}|[0-9]{1,2}F")
_UNIT_LABEL = {
    "号楼": "houseno", "栋": "houseno", "幢": "houseno", "座": "houseno", "排": "houseno",
    "单元": "cellno", "门": "cellno", "梯": "cellno", "层": "floorno", "室": "roomno",
    "户": "roomno", "房": "roomno", "房间": "roomno", "号房": "roomno", "号房间": "roomno",
    "号室": "roomno",
}  # fmt: skip
_HOUSE_ORDER = ("houseno", "cellno", "roomno")
_AFTER_BUILDING = frozenset(
    {None, "单元", "门", "梯", "室", "户", "房", "房间", "号房", "号房间", "号室"}
)


@dataclass(slots=True)
class RawParse:
    elements: list[AddressElement] = field(default_factory=list)
    canonical: dict[str, str] = field(default_factory=dict)
    inferred: dict[str, str] = field(default_factory=dict)
    division_code: str | None = None
    confidence: float = 0.0


@dataclass(slots=True)
class _State:
    text: str
    table: DivisionTable
    elements: list[AddressElement] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    last: str | None = None
    chain: list[Division] = field(default_factory=list)  # resolved divisions, shallow first
    canonical: dict[str, str] = field(default_factory=dict)
    ambiguous: bool = False

    def add(self, label: str, start: int, end: int, value: str | int | None = None) -> None:
        text = self.text[start:end]
        if value is None:
            value = text
        self.elements.append(tuple.__new__(AddressElement, (label, text, value, start, end)))
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
    pos = _parse_head(state)
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


@dataclass(frozen=True, slots=True)
class _Head:
    """The state after pass 1 and the first word of pass 2, for `_HEAD_CACHE`."""

    elements: tuple[AddressElement, ...]
    seen: frozenset[str]
    last: str | None
    chain: tuple[Division, ...]
    canonical: tuple[tuple[str, str], ...]
    ambiguous: bool


# Addresses of one feed share their head (山东省青岛市市北区镇江路街道海泊河社区镇江路):
# the parse of the first word, when a number follows it, depends only on that word (no
# division name has a digit; lookaheads stop at the word's end, save a road suffix after
# the digits: the key records that). Bounded: cleared when full.
_HEAD_CACHE: dict[tuple[str, bool], _Head] = {}
_HEAD_CACHE_SIZE = 16384


# a word ending so is read with the number after it (a basement floor, an ordinal, a
# direction before a distance): no head cache
_BEFORE_NUMBER_READ = frozenset("负下第东西南北甲乙丙丁")


def _parse_head(state: _State) -> int:
    """Pass 1 and, when a number follows the first word, the rest of that word; returns
    where pass 2 goes on."""
    s = state.text
    first = _TOKEN.match(s)
    k = first.end() if first is not None and first.lastgroup == "word" else 0
    if (
        k == 0
        or k == len(s)
        or not s[k].isdigit()
        or s[k - 1] in _BEFORE_NUMBER_READ  # 负1楼, 第3幢, 文三路东 + 50米: read in pass 2
        or NUMBERED_ROAD.match(s, k)
    ):
        return _parse_divisions(state)
    key = (s[:k], _road_after(s, k))
    head = _HEAD_CACHE.get(key)
    if head is not None:
        state.elements = list(head.elements)
        state.seen = set(head.seen)
        state.last = head.last
        state.chain = list(head.chain)
        state.canonical = dict(head.canonical)
        state.ambiguous = head.ambiguous
        return k
    pos = _parse_divisions(state)
    if pos > k:  # cannot happen (a digit ends pass 1); be safe rather than fast
        return pos
    if pos < k:
        _parse_word(state, pos, k)
    if len(_HEAD_CACHE) >= _HEAD_CACHE_SIZE:
        _HEAD_CACHE.clear()
    _HEAD_CACHE[key] = _Head(
        tuple(state.elements), frozenset(state.seen), state.last, tuple(state.chain),
        tuple(state.canonical.items()), state.ambiguous,
    )  # fmt: skip
    return k


def _division_label(d: Division) -> str:
    if d.level in ("district", "town") and d.name.endswith(DEVZONE_DIVISION):
        return "devzone"
    if d.level == "prov" and d.code in _MUNICIPALITIES:
        return "city"  # 北京市, 上海市: in the labelling scheme a 直辖市 is a city
    return d.level


# 北京, 天津, 上海, 重庆: provincial in the codes, a city in the labels (the scheme's
# "city" is 地级市、直辖市、地区、自治州; their 市辖区 placeholder is never written)
_MUNICIPALITIES = frozenset({"11", "12", "31", "50"})


def _add_redundant(state: _State, start: int, end: int) -> None:
    """Text that adds nothing (a repeat, a dash): `redundant`. It leaves `last` and
    `seen` alone: the rules that look back skip it."""
    text = state.text[start:end]
    state.elements.append(tuple.__new__(AddressElement, ("redundant", text, text, start, end)))


def _element(label: str, text: str, start: int, end: int) -> AddressElement:
    """An element whose value is its text."""
    return tuple.__new__(AddressElement, (label, text, text, start, end))


# punctuation between elements (3-2-401, 六和路----东信大道, 小区/3栋) is `redundant` in the
# labelling scheme (normalization makes every dash "-"); spaces are not
_REDUNDANT_MARK = re.compile(r"[-_~,;:/|*!?]+")


def _add_marks(state: _State, start: int, end: int) -> None:
    """The punctuation in separators between two elements, as `redundant`."""
    for m in _REDUNDANT_MARK.finditer(state.text, start, end):
        _add_redundant(state, m.start(), m.end())


def _add_repeat(state: _State, start: int, end: int, label: str, renamed: dict[str, int]) -> None:
    """A division named again (浙江省杭州市浙江省杭州市…) is `redundant`. When the second
    writing is the fuller one (北京 北京市, 浙江杭州 浙江省杭州市), the chain starts again
    there: the first writing, from that division on, is the redundant one, and the
    divisions it named take their labels where they are written again (`renamed`: the
    labels still to be named again and where their first writing is, kept by the caller
    over one text; `_restore_unnamed` gives those never written again their labels
    back)."""
    s, elements = state.text, state.elements
    if label in renamed:  # a division of the restarted chain, written again
        del renamed[label]
        elements.append(_element(label, s[start:end], start, end))
        return
    for j in range(len(elements) - 1, -1, -1):
        if elements[j].label == label:
            if end - start > len(elements[j].text):  # written more fully: start again
                renamed.clear()
                for i in range(j, len(elements)):
                    old, text, _, p, e = elements[i]
                    if old in _DIVISION_LABELS:
                        elements[i] = _element("redundant", text, p, e)
                        renamed[old] = i
                renamed.pop(label, None)
                elements.append(_element(label, s[start:end], start, end))
                return
            break
    _add_redundant(state, start, end)


_DIVISION_LABELS = frozenset({"prov", "city", "district", "town", "devzone"})
_REPEAT = "repeat"  # a `NameEntry` kind: the name of a division already in the chain


# -- pass 1: divisions -------------------------------------------------------------------


def _parse_divisions(state: _State, pos: int = 0) -> int:
    s, n = state.text, len(state.text)
    renamed: dict[str, int] = {}  # labels a restarted chain has still to name again
    while pos < n:
        if s[pos] in _SEPARATORS:
            gap = pos
            while pos < n and s[pos] in _SEPARATORS:
                pos += 1
            _add_marks(state, gap, pos)
        if pos >= n:
            break
        for country in _COUNTRIES if s[pos] == "中" else ():  # (both start with 中)
            if s.startswith(country, pos) and _country_here(state, pos + len(country)):
                state.add("country", pos, pos + len(country))
                pos += len(country)
                break
        else:
            if s[pos] in NEW_AREA_FIRST and (area := NEW_AREA.match(s, pos)):
                # 青岛市 + 西海岸新区: not a division
                state.add("devzone", pos, area.end())
                pos = area.end()
                continue
            found = _match_division(state, pos)
            if found is None:
                if (end := _foreign_district_end(state, pos)) > pos:
                    state.add("district", pos, end)  # 宁波市 + 萧山区: not in the chain
                    pos = end
                    continue
                first = state.chain[0] if state.chain else None
                if first is not None:  # (a cheap test first: is the chain written again?)
                    if s.find(first.name, pos + 1, pos + _LEAD_MAX + _NAME_ROOM) < 0:
                        break
                elif state.elements:
                    break
                if (skip := _lead_before_division(state, pos, first)) == pos:
                    break
                _add_redundant(state, pos, skip)  # 收货地址 + 浙江省…: a lead-in, no place
                pos = skip
                continue
            length, entry = found
            if entry.kind == _REPEAT:  # a division already named
                _add_repeat(state, pos, pos + length, _division_label(entry.division), renamed)
                pos += length
                continue
            pos = _accept_division(state, pos, length, entry)
            if pos < 0:
                break
    _restore_unnamed(state, renamed)
    return max(pos, 0) if pos >= 0 else 0


def _restore_unnamed(state: _State, renamed: dict[str, int]) -> None:
    """A division of a restarted chain that is not written again keeps its first writing
    (浙江省杭州市西湖区西溪街道 浙江省杭州市西湖区文三路: 西溪街道 is the town)."""
    for label, i in renamed.items():
        _, text, _, p, e = state.elements[i]
        state.elements[i] = _element(label, text, p, e)


def _late_chain(state: _State, at: int) -> bool:
    """Whether a province or city written in full starts a word after text with no
    division (华阳小区 浙江省杭州市…, 收货地址:浙江省…, a phone number then the address):
    the divisions are read from there."""
    if state.chain or not state.seen.isdisjoint(_DIVISION_LABELS):
        return False
    s, table = state.text, state.table
    for length in table.name_lengths.get(s[at : at + 2], ()):
        if (
            at + length <= len(s)
            and s[at : at + length] in table.upper_names
            and not _road_after(s, at + length)
        ):
            return True
    return False


def _lead_in(state: _State) -> None:
    """What came before a late chain, when it is one short word naming no place (收货地址:
    浙江省…), is a lead-in: `redundant`, as when no separator follows it."""
    words = [i for i, e in enumerate(state.elements) if e.label != "redundant"]
    if len(words) != 1:
        return
    label, text, _, p, e = state.elements[words[0]]
    if label == "poi" and len(text) <= _LEAD_MAX and not _names_a_place(text):
        state.elements[words[0]] = _element("redundant", text, p, e)
        state.seen.discard("poi")
        state.last = None


def _foreign_district_end(state: _State, pos: int) -> int:
    """A district written in full under a province or city it is not part of (宁波市 +
    萧山区): the text's district all the same, labelled but kept out of the chain (which
    of the two names is wrong is not known); so is a district the table does not know,
    right after its city (`_UNKNOWN_DISTRICT`). Returns its end, or `pos`."""
    deepest = state.deepest
    if deepest is None or deepest.level not in ("prov", "city") or "district" in state.seen:
        return pos
    s, table = state.text, state.table
    for length in table.name_lengths.get(s[pos : pos + 2], ()):
        if length < 3 or length > len(s) - pos:
            continue
        entries = table.names.get(s[pos : pos + length])
        if (
            entries
            and any(e.kind == "full" and e.division.level == "district" for e in entries)
            and not _road_after(s, pos + length)
        ):
            return pos + length
    m = _UNKNOWN_DISTRICT.match(s, pos)
    if (
        m is not None
        and deepest.level == "city"
        and not _road_after(s, m.end())
        and not DEVZONE.fullmatch(s, pos, m.end())  # 青岛市 + 开发区: a zone
    ):
        return m.end()
    return pos


# a district the table does not know (created since), right after its city: two letters and
# 区 or 县, not a place's area (小区, 园区, 社区, 校区, 景区, 城区 …)
_UNKNOWN_DISTRICT = re.compile(r"[\u4e00-\u9fff][^\s0-9小园社校景城厂街片矿营库工新开业][区县]")


_COUNTRIES = ("中华人民共和国", "中国")
_LEAD_MAX = 8  # the longest lead-in looked through before a division name
_NAME_ROOM = 12  # (room for a province's or city's name after it, for a cheap first test)


def _lead_before_division(state: _State, pos: int, first: Division | None) -> int:
    """Where a province or city written in full (浙江省, 杭州市) starts a few letters into
    a text that starts with no division: what is before it is a lead-in such as 收货地址
    or 我的地址 (`redundant`). Not after a place word (中国银行杭州市分行 is a place), a
    number or a road (解放路杭州市… is no lead-in). After divisions (`first` is the
    first named), only the first one written again in full counts: the chain is written
    twice, with something in between (浙江省杭州市某某 浙江省杭州市西湖区…). Returns `pos`
    when there is none."""
    s, table = state.text, state.table
    if first is not None:
        at = s.find(first.name, pos + 1, pos + _LEAD_MAX + len(first.name))
        if (
            at < 0
            or _road_after(s, at + len(first.name))
            or any(c.isdigit() or c in _SEPARATORS for c in s[pos:at])
        ):
            return pos
        return at
    hint = _LEAD_HINT.match(s, pos + 1)  # a province's or city's last letter before a digit
    if hint is None:
        return pos
    run_m = _LEAD_RUN.match(s, pos)  # a lead-in and the name: no digit, no separator
    run = run_m.end() if run_m is not None else pos
    upper = table.upper_names
    for m in _UPPER_END.finditer(s, hint.start(1), run):  # where a province or city may end
        end = m.end()
        for i in range(max(pos + 1, end - table.max_upper_length), end - 1):
            if s[i:end] in upper and not _road_after(s, end):
                lead = s[pos:i]
                if lead in table.town_names:  # 某某街道 + 浙江省…: a town before its province
                    return i
                if _names_a_place(lead):
                    return pos
                return i if i - pos <= _LEAD_MAX else pos
    return pos


def _names_a_place(text: str) -> bool:
    """Whether text holds a place, road or landmark word: it is then no lead-in."""
    return bool(POI_ONLY.search(text) or ROAD.search(text) or GUARD_AFTER.search(text))


_LEAD_RUN = re.compile("[^0-9" + re.escape("".join(sorted(_SEPARATORS))) + "]*")
# the last letters of a province's or city's full name (浙江省, 杭州市, 延边朝鲜族自治州,
# 锡林郭勒盟, 广西壮族自治区, 阿里地区, 香港特别行政区)
_UPPER_END = re.compile("[省市州盟]|自治区|特别行政区|地区")
_LEAD_HINT = re.compile(
    "[^0-9" + re.escape("".join(sorted(_SEPARATORS))) + "]*?([省市州盟]|自治区|特别行政区|地区)"
)


def _road_after(s: str, at: int) -> bool:
    """Whether a road suffix starts at `at` (辽宁|路, 福州|北路, 台东|一路): the name before
    it is a road's, not a division's."""
    return at < len(s) and s[at] in ROAD_AFTER_FIRST and ROAD_AFTER.match(s, at) is not None


def _country_here(state: _State, after: int) -> bool:
    """中国 is the country before a division, a separator or the end; not in 中国银行,
    中国移动, 中国路."""
    s = state.text
    if after >= len(s) or s[after] in _SEPARATORS:
        return True
    names = state.table.names
    return any(
        s[after : after + length] in names
        for length in state.table.name_lengths.get(s[after : after + 2], ())
    ) and not _road_after(s, after)


def _match_division(state: _State, pos: int) -> tuple[int, NameEntry] | None:
    s, table = state.text, state.table
    lengths = table.name_lengths.get(s[pos : pos + 2])
    if lengths is None:  # no division name starts so
        return None
    chain = state.chain
    deepest = chain[-1] if chain else None
    kids = table.child_names.get(deepest.code) if deepest is not None else None
    names, room = table.names, len(s) - pos
    for length in lengths:
        if length > room:
            continue
        name = s[pos : pos + length]
        own, anywhere = kids.get(name) if kids else None, names.get(name)
        if own is None and anywhere is None:
            continue
        entries = (own or []) + (anywhere or [])
        after = pos + length
        if name[-1] == "市" and s.startswith("场", after):
            continue  # 杭州市场: a market named after the city
        road_after = _road_after(s, after)
        if road_after and deepest is not None and name[-1] in _LEVEL_LAST:
            # 杭州市 + 东大街 after 浙江省: a full name under the division before it is
            # that division (a road keeps a short name: 福州北路, 台东一路)
            road_after = not any(
                e.kind == "full" and e.division.code.startswith(deepest.code) for e in entries
            )
        if deepest is not None and not road_after:
            codes = [d.code for d in chain]
            for e in entries:
                if e.division.code in codes:
                    if e.kind == "short" and (
                        _ONE_LETTER_ROAD.match(s, after)
                        or GUARD_AFTER.match(s, after)
                        or _NAMED_ZONE.match(s, after)
                    ):
                        # a road or place named after the division: 余杭区 + 余杭塘路,
                        # 嘉兴市 + 嘉兴学院, 西湖区 + 西湖科技园区
                        return None
                    return length, NameEntry(e.division, _REPEAT)
            code, rank = deepest.code, LEVEL_RANK[deepest.level]
            consistent = [
                e
                for e in entries
                if e.division.code.startswith(code) and LEVEL_RANK[e.division.level] > rank
            ]
            if not consistent:
                return None
            entries = consistent
        else:
            # a short district name alone is too weak a sign (西湖, 市中, 中山), unless one
            # of its own towns follows (萧山新塘街道) or it opens the text and names one
            # district only (萧山 + …; 西湖 names two); a short town name never is one
            entries = [
                e
                for e in entries
                if e.kind != "short"
                or (
                    e.division.level == "district"
                    and not road_after
                    and (
                        _own_town_follows(table, e.division, s, after)
                        or TOWN.match(s, after)
                        or (
                            len(entries) == 1
                            and not state.elements
                            and not _longer_name_at(state, pos, after)
                        )
                    )
                )
                or e.division.level not in ("district", "town")
            ]
            if not entries:
                continue
        if road_after:  # 辽宁路, 山东路: a road, whatever came before
            return None
        entry = entries[0] if len(entries) == 1 else min(entries, key=_entry_rank)
        if entry.kind == "short" and GUARD_AFTER.match(s, after):
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


def _longer_name_at(state: _State, pos: int, after: int) -> bool:
    """Whether a town, community or village name runs on past a short name at `pos` (浮山
    in 浮山新区街道 or 浮山后社区): the short name is then that name's start."""
    s, table = state.text, state.table
    for length in table.town_lengths.get(s[pos : pos + 2], ()):
        if length > after - pos and s[pos : pos + length] in table.town_names:
            return True
    return bool(COMMUNITY.match(s, pos) or VILLAGE.match(s, pos))


def _own_town_follows(table: DivisionTable, d: Division, s: str, at: int) -> bool:
    """Whether a town of `d` (its full or short name) starts at `at`: 萧山 + 新塘街道."""
    kids = table.child_names.get(d.code)
    if not kids:
        return False
    for length in range(2, min(len(s) - at, 10) + 1):
        entries = kids.get(s[at : at + length])
        if entries and any(e.division.level == "town" for e in entries):
            return True
    return False


_LEVEL_LAST = frozenset("省市区县州盟旗")
_KIND_RANK = {"full": 0, "former": 1, "short": 2}


def _entry_rank(e: NameEntry) -> tuple[int, int]:
    return (_KIND_RANK.get(e.kind, 3), LEVEL_RANK[e.division.level])


def _accept_division(state: _State, pos: int, length: int, entry: NameEntry) -> int:
    s, table = state.text, state.table
    d = entry.division
    end = pos + length
    # 青岛市北区 = 青岛 + 市北区: the city's 市 begins its child's name.
    if (
        s[end - 1] == "市"
        and d.code
        and entry.kind == "full"
        and end < len(s)
        and s[end - 1 : end + 1] in table.name_lengths  # a name starts 市北…: 市 may be shared
    ):
        kids = table.child_names.get(d.code, {})
        if not any(s[end : end + k] in kids for k in range(2, 8)):
            for k in range(min(7, len(s) - end + 1), 2, -1):  # names that fit in the text
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
    # separators only part tokens: the number parser looks at the next real token
    # (`lastgroup` is "num" or "unit" for a number, "sep" or "word" otherwise)
    s, n = state.text, len(state.text)
    tokens = [m for m in _TOKEN.finditer(s, pos) if m.lastgroup != "sep"]
    last = len(tokens) - 1
    below = -1  # where a basement floor's prefix starts (负1楼, 地下2层), or -1
    done = 0  # text before this is parsed already (a numbered road, a distance's 米)
    gap = pos  # where the text after the last token starts
    gaps = _ANY_SEPARATOR.search(s, pos) is not None  # (most texts have no separator)
    ordinal = -1  # where a 第 before the next number starts (第3幢), or -1
    sub_at = -1  # where a sub-number mark before the next number is (甲47号), or -1
    for i, m in enumerate(tokens):
        e = m.end()
        if e <= done:
            continue
        if gaps and m.start() > gap:  # separators before this token: punctuation is redundant
            stop = m.start()
            if s[stop - 1] == "-" and m.lastgroup != "word" and _minus_floor(s, m):
                stop -= 1  # -1层: the minus is the floor's
            _add_marks(state, gap if gap >= done else done, stop)
        gap = e
        after = s[e] if e < n else ""
        if m.lastgroup == "word":
            start = m.start() if m.start() >= done else done
            if start > pos and s[start] in state.table.upper_first and _late_chain(state, start):
                _lead_in(state)
                _parse_rest(state, _parse_divisions(state, start))
                return
            end = e
            nxt = tokens[i + 1] if i < last else None
            if nxt is not None and nxt.start() == end:
                if s[end - 1] == "第" and nxt.group("unit") not in (None, "号"):
                    end = ordinal = end - 1  # 第3幢, 第2单元: 第 is the number's
                elif s[end - 1] in _SUB_MARKS and nxt.group("unit") is not None:
                    end = sub_at = end - 1  # 甲47号: a sub-number of door 47, not door 47
                elif s[end - 1] in "负下":
                    below = _basement_start(s, start, end, nxt)
                    end = end if below < 0 else below
                elif nxt.end() < n and s[nxt.end()] in _AFTER_NUMBER_WORD:
                    if (road_end := _numbered_road_end(s, nxt)) > 0:
                        end = done = road_end  # 东风3路: the number is the road's
                    elif _is_distance(s, nxt) and (d := DIRECTION_TAIL.search(s, start, end)):
                        if d.start() > start:  # 东50米: the direction goes with the distance
                            _parse_word(state, start, d.start())
                        state.add("assist", d.start(), d.end())
                        continue
            if end > start:
                _parse_word(state, start, end)
        elif after in _AFTER_NUMBER_WORD and (road_end := _numbered_road_end(s, m)):
            _parse_word(state, m.start(), road_end)  # 18号大街, (中山路)1支路
            done = road_end
        elif after == "米" and m.group("unit") is None:
            done = e + 1  # 往东50米 (左右, 处)
            if (tail := DISTANCE_AFTER.match(s, done)) is not None:
                done = tail.end()
            _add_distance(state, m.start(), done)
        elif below >= 0 or (s[m.start() - 1] == "-" and _minus_floor(s, m)):
            _parse_basement(state, m, below if below >= 0 else m.start() - 1)
            below = -1
        else:
            k = len(state.elements)
            _parse_number(state, m, tokens[i + 1] if i < last else None, i == last)
            if ordinal >= 0 or sub_at >= 0:  # (rare: the element made is looked at)
                made = k < len(state.elements) and state.elements[k].start == m.start()
                if ordinal >= 0 and ordinal == m.start() - 1:
                    if made:  # 第3幢: the element made starts at 第
                        _extend_start(state, k, ordinal)
                    ordinal = -1
                if sub_at >= 0:
                    if not (made and sub_at == m.start() - 1 and _sub_number(state, k, sub_at, e)):
                        _add_redundant(state, sub_at, sub_at + 1)  # (the mark is kept)
                    sub_at = -1
            elif after in _SUB_NEXT:
                done = gap = max(done, _sub_number_after(state, m))
            if after == "附" and i + 2 <= last and state.last in _DOORS:  # 8号附1号
                done = gap = max(done, _annex_end(state, e, *tokens[i + 1 : i + 3]))
    if gap < n and s[n - 1] in _SEPARATORS:
        _add_marks(state, gap if gap >= done else done, n)


# what, after a number, may make it a road's (3路, 18号大街, 1支路, 104国道) or a distance
# (50米)
_AFTER_NUMBER_WORD = frozenset("支路大街道巷胡公环米国省县")
_DOORS = frozenset({"roadno", "subroadno"})


def _annex_end(state: _State, at: int, word: re.Match[str], num: re.Match[str]) -> int:
    """8号附1号: an annex number (附N号) is part of the door number before it (the labelling
    guideline's "X号附X号"); the door number's element is extended. Returns where parsing
    goes on (`at` if there is no annex)."""
    if (
        state.elements[-1].end != at
        or word.start() != at
        or word.end() != num.start()
        or word.group() != "附"
        or num.group("unit") != "号"
    ):
        return at
    label, _, value, start, _ = state.elements[-1]
    state.elements[-1] = tuple.__new__(
        AddressElement, (label, state.text[start : num.end()], value, start, num.end())
    )
    return num.end()


_SUB_MARKS = frozenset("甲乙丙丁")
_SUB_NEXT = _SUB_MARKS | {"之"}  # what, after a number, may start a sub-number (47甲号, 47号之一)
_SUB_AFTER = re.compile(
    # 甲 with 号 (47甲号), or alone before a digit, a separator or the end (47号甲, 47甲)
    r"(?P<mark>[甲乙丙丁])(?:(?P<unit>号)|(?![^\s0-9,.;:()/\\-]))"
    # 47号之一, 47之一号; not 12号之3幢 (a building)
    r"|(?P<of>之[一二三四五六七八九十0-9]{1,3})(?:(?P<unit2>号)|(?![栋幢座楼层单室户房门梯区期]))"
)


def _sub_number_after(state: _State, m: re.Match[str]) -> int:
    """47甲号, 47号甲: a sub-number mark written after a number (a door added beside door
    47, not door 47 itself) goes into its element (`_sub_number`); 47号之一 is the door's
    second number like 47-1 (之 `redundant`, then houseno 1). Returns where parsing goes on
    (`m.end()` if there is neither)."""
    e = m.end()
    sub = _SUB_AFTER.match(state.text, e)
    if sub is None or not state.elements or state.elements[-1].start != m.start():
        return e
    if not sub.group("of"):
        done = _sub_number(state, len(state.elements) - 1, m.start(), sub.end())
        return sub.end() if done else e
    number = sub.group("of")[1:]
    value = int(number) if number.isdigit() else chinese_numeral_value(number)
    if state.last not in _DOORS or "houseno" in state.seen or value is None:
        return e
    _add_redundant(state, e, e + 1)
    state.add("houseno", e + 1, sub.end(), value)
    return sub.end()


def _sub_number(state: _State, k: int, start: int, end: int) -> bool:
    """Element `k`, a number, written with a sub-number mark (甲乙丙丁) before or after
    it: the element spans `start`–`end` and its value is the number with the mark (47甲,
    甲47) — text, not an integer: it is not number 47, and a match on 47 would be a wrong
    one. False (nothing changed) when the element is no integer number."""
    label, _, value, old_start, old_end = state.elements[k]
    if label not in NUMBER_LABELS or not isinstance(value, int):
        return False
    s = state.text
    before = s[start:old_start]
    after = s[old_end:end].replace("号", "")
    text = s[start:end]
    state.elements[k] = tuple.__new__(
        AddressElement, (label, text, f"{before}{value}{after}", start, end)
    )
    return True


def _extend_start(state: _State, k: int, start: int) -> None:
    """第3幢: the element made at index `k` starts earlier, at 第."""
    label, _, value, _, end = state.elements[k]
    state.elements[k] = tuple.__new__(
        AddressElement, (label, state.text[start:end], value, start, end)
    )


_FLOOR_UNITS = frozenset({"层", "楼"})


def _numbered_road_end(s: str, m: re.Match[str]) -> int:
    """The end of a road named with the number token `m` (3路, 18号大街), or 0."""
    if m.group("unit") not in (None, "号") or m.end() >= len(s):
        return 0
    road = NUMBERED_ROAD.match(s, m.start())
    return road.end() if road is not None else 0


def _is_distance(s: str, m: re.Match[str]) -> bool:
    """A number with 米 after it: 50米."""
    return m.end() < len(s) and s[m.end()] == "米" and m.group("unit") is None


def _add_distance(state: _State, start: int, end: int) -> None:
    """A distance (50米) is a place word: one `assist` with the direction before it."""
    last = state.elements[-1] if state.elements else None
    if last is not None and last.label == "assist" and last.end == start:
        start = state.elements.pop().start
    state.add("assist", start, end)


def _basement_start(s: str, start: int, end: int, nxt: re.Match[str]) -> int:
    """Where 负 or 地下 before a floor number starts (负1楼, 地下2层), or -1."""
    if nxt.group("unit") not in _FLOOR_UNITS or not nxt.group("num").isdigit():
        return -1
    if s[end - 1] == "负":
        return end - 1
    if end - start >= 2 and s[end - 2 : end] == "地下":
        return end - 2
    return -1


# after these, a dash is the dash notation's (3号楼-1层, A-1层), not a minus
_NOT_BEFORE_MINUS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ号楼栋幢座元门室层户")


def _minus_floor(s: str, m: re.Match[str]) -> bool:
    """-1层 alone (not 3-1层, the dash notation)."""
    at = m.start() - 1
    return (
        at >= 0
        and s[at] == "-"
        and m.group("unit") in _FLOOR_UNITS
        and m.group("num").isdigit()
        and (at == 0 or not (s[at - 1].isdigit() or s[at - 1] in _NOT_BEFORE_MINUS))
    )


def _parse_basement(state: _State, m: re.Match[str], start: int) -> None:
    """A floor below ground: 负1楼, 地下2层, -1层 (value negative)."""
    state.add("floorno", start, m.end(), -int(m.group("num")))


def _kind(m: re.Match[str]) -> str:
    if m.group("num") is not None:
        return "num"
    return "sep" if m.group("sep") is not None else "word"


# a direction alone after a road or place (文三路 + 北), or ending a place's name (万达广场 + 北)
_DIRECTION = frozenset("东西南北")
_PLACE_DIRECTION = re.compile(rf"(?:{POI_END.pattern})[东西南北]$")
# what, once seen, stops a word being read as a town, devzone or community
_BEFORE_TOWN = frozenset({"road", "poi", "community", "town", "roadno"})
_BEFORE_DEVZONE = frozenset({"road", "poi", "devzone", "roadno"})
_ZONE_IS_PLACE = frozenset({"town", "community"})
_INDUSTRIAL = ("工业区", "工业园区")
_BEFORE_COMMUNITY = frozenset({"community", "poi", "roadno"})


def _parse_word(state: _State, start: int, end: int) -> None:
    s, seen = state.text, state.seen
    # a road, devzone, community or place word needs one of a few letters: without them
    # in the word, their patterns need not run (a set test is cheaper than a regex)
    letters = frozenset(s[start:end])
    may_road = not ROAD_LETTERS.isdisjoint(letters)
    may_devzone = DEVZONE_LETTER in letters
    may_community = not COMMUNITY_LETTERS.isdisjoint(letters)
    may_assist = not ASSIST_FIRST.isdisjoint(letters)
    p = start
    zone_end = -1
    while p < end:
        if (
            state.last in _IN_HOUSE
            and s[p] in HOUSE_WORD_FIRST
            and (m := HOUSE_WORD.match(s, p, end))
            and m.lastgroup not in seen
        ):
            label = m.lastgroup or "cellno"  # 东单元, 二梯, 东户, 底楼
            stair = m.group("stair")
            value = chinese_numeral_value(stair) if stair else None
            state.add(label, p, m.end(), value)
            p = m.end()
            continue
        if end - p == 1 and s[p] in _DIRECTION and state.last is not None:
            # 文三路 + 北: north of the road; a door number after it is still the road's
            state.elements.append(_element("assist", s[p:end], p, end))
            state.seen.add("assist")
            return
        if state.last == "road" and (m := SECTION.match(s, p, end)):
            state.add("subroad", p, m.end())
            p = m.end()
            continue
        if may_assist and state.last is not None and (m := ASSIST.match(s, p, end)):
            state.add("assist", p, m.end())
            p = m.end()
            continue
        if seen.isdisjoint(_BEFORE_TOWN):
            town_end = _match_town(state, p, end)
            if town_end:
                p = town_end
                continue
        if may_devzone and seen.isdisjoint(_BEFORE_DEVZONE) and (m := DEVZONE.match(s, p, end)):
            # a zone inside a town or village (某某镇 + 某某工业区) and an industrial zone
            # are places; the scheme's devzone is a development zone (开发区, 高新区)
            if state.last in _ZONE_IS_PLACE or s.endswith(_INDUSTRIAL, p, m.end()):
                state.add(_place_label(state), p, m.end())
                zone_end = m.end()  # a village may still follow (某某工业区 + 某某村)
            else:
                state.add("devzone", p, m.end())
            p = m.end()
            continue
        if (
            may_community
            and (m := COMMUNITY.match(s, p, end) or VILLAGE.match(s, p, end))
            and (
                p == zone_end
                or seen.isdisjoint(_BEFORE_COMMUNITY)
                # a natural village in a village: 张家村 + 李家自然村
                or (state.last == "community" and s.endswith(NATURAL_VILLAGE, p, m.end()))
            )
            # 新村 is a compound, save right after a 镇 or 乡 (黄兴镇 + 蓝田新村: a village)
            and (not s.endswith("新村", p, m.end()) or _after_rural_town(state))
        ):
            state.add("community", p, m.end())
            p = m.end()
            continue
        if state.last == "town" and (village_end := _village_at(state, p, end)):
            state.add("community", p, village_end)  # 瓜沥镇 + 东恩 + 航坞路: no 村 written
            p = village_end
            continue
        if may_road:
            joins = s[p] in ROAD_JOIN and state.last in ("road", "subroad")
            if joins and (jm := ROAD.match(s, p + 1, end)) and jm.end() - p > 3:
                state.add("assist", p, p + 1)  # 文三路与古翠路: 与 places at the crossing
                p += 1  # (和平路 after a road is a road: the joined name needs 2 letters)
                continue
            if (
                state.last in _PART_OF
                and (part := _PART_TAIL.match(s, p, end))
                and ROAD.match(s, part.end(), end)
            ):
                state.add("subpoi", p, part.end())  # 科技园 + 南区 + 深南大道: the place's part
                p = part.end()
                continue
            if m := ROAD.match(s, p, end):
                poi_end = _poi_before_road(s, p, m.end())
                if poi_end:
                    state.add(_place_label(state), p, poi_end)
                    p = poi_end
                    continue
                rest = s[m.end() : end]
                if not rest or not (POI_ONLY.match(rest) or FACILITY.match(rest)):
                    state.add("subroad" if "road" in seen else "road", p, m.end())
                    p = m.end()
                    continue
        # a place word inside: 新华书店对面工商银行 → poi, assist, poi
        if may_assist and (m := ASSIST.search(s, p + 2, end)) and m.end() < end:
            _parse_word(state, p, m.start())
            state.add("assist", m.start(), m.end())
            p = m.end()
            continue
        # a poi, unless a road follows a poi word inside it (…有限公司山阴路: needs a road letter)
        split = end
        for pm in POI_END.finditer(s, p, end) if may_road else ():
            if pm.end() < end and ROAD_FULL.match(s, pm.end(), end):
                split = pm.end()
                break
        if split == end:
            _add_poi_tail(state, p, end)
            return
        state.add(_place_label(state), p, split)
        p = split


def _village_at(state: _State, p: int, end: int) -> int:
    """The end of a village or community of the town just read, written without its
    level word (`divisions.village_names`), or 0: when the word ends there or a road
    follows (东恩 + 航坞路), not when a road or place is named after it (东恩路, 东恩花园,
    东恩纺织厂: companies are named after their village)."""
    town = state.deepest
    if town is None or town.level != "town":
        return 0
    s = state.text
    villages = village_names(town.code)
    for length in villages.lengths:
        after = p + length
        if after > end or s[p:after] not in villages.names:
            continue
        if after < end and (
            _road_after(s, after)
            or _ONE_LETTER_ROAD.match(s, after, end)
            or not ROAD.match(s, after, end)
        ):
            return 0
        return after
    return 0


def _after_rural_town(state: _State) -> bool:
    """Whether the element before is a 镇 or 乡 (a rural town: a 新村 there is a village)."""
    last = state.elements[-1] if state.elements else None
    return last is not None and last.label == "town" and last.text.endswith(("镇", "乡"))


# a word after these may name a unit, door or floor (`HOUSE_WORD`: 东单元, 东户, 底楼)
_IN_HOUSE = frozenset({"houseno", "cellno", "floorno"})


# after these a name is a tenant inside the building (its floor, room): in the labelling
# scheme that is `person` (企业、法人、商铺名 inside a building: B座5层 + 某某资本)
_IN_BUILDING = frozenset({"floorno", "roomno"})


def _place_label(state: _State) -> str:
    """The label of a place name: person for a tenant (after a floor or room, or after a
    numbered zone or phase: 5层 + 某某公司, A区 + 某某商行); poi right after a door number
    (a new place on the road) or when no poi came before; else subpoi."""
    last = state.last
    if last in _IN_BUILDING:
        return "person"
    if last == "roadno":
        return "poi"
    if last == "subpoi" and _NUMBERED_ZONE.fullmatch(_last_place(state)):
        return "person"  # 商贸城 + A区 + 某某商行: a tenant of the zone or phase
    return "subpoi" if "poi" in state.seen else "poi"


# a part named by a direction, a lettered phase or a gate (a numbered 区 is the place's own
# name: 朝晖七区; a numbered phase is read as a number: 二期 is 2期 after normalization)
_PART_TAIL = re.compile(r"[东西南北中]区|[东西南北中A-Z]期|[东西南北正后侧]门")
_NUMBERED_ZONE = re.compile(r"[0-9A-Z一二三四五六七八九十]+[区期]")
_PART_OF = frozenset({"poi", "subpoi", "community", "devzone"})
"""Elements a part named by a direction, phase or gate (`_PART_TAIL`) belongs to."""


def _add_poi_tail(state: _State, p: int, end: int) -> None:
    """The rest of a word as poi (or subpoi), a person or place word at its end split off:
    新华书店旁边 → poi 新华书店 + assist 旁边; 浙江大学玉泉校区 → poi + subpoi."""
    s = state.text
    tail: tuple[str, int] | None = None
    final = s[end - 1]  # a tail pattern need not run unless its last letter ends the word
    if final in NOTE_TAIL_LAST and (note := NOTE_TAIL.search(s, p, end)):
        if note.start() > p:  # 张先生 + 电联: what is before the note is read as usual
            _add_poi_tail(state, p, note.start())
        _add_redundant(state, note.start(), end)
        return
    m = PERSON_TAIL.search(s, p, end) if final in PERSON_TAIL_LAST else None
    if m is not None and (m.start() > p or state.last is not None):
        tail = ("person", m.start())
    elif final in _DIRECTION and end - p >= 4 and _PLACE_DIRECTION.search(s, p, end):
        tail = ("assist", end - 1)  # 万达广场 + 北: north of the place
    elif (
        final in ASSIST_TAIL_LAST
        and (m := ASSIST_TAIL.search(s, p, end))
        and (m.start() > p or state.last is not None)
    ):
        tail = ("assist", m.start())  # 超市旁; 12号 + 旁: a place word alone
    stop = end if tail is None else tail[1]
    if stop > p and state.last in _IN_BUILDING:
        state.add("person", p, stop)  # 5层 + 信达科技: a tenant inside the building
    elif stop > p:
        head_end = 0
        if (
            stop - p >= 5
            and s[stop - 1] in SUBPOI_TAIL_LAST
            and (sub := SUBPOI_TAIL.search(s, p + 2, stop))
        ):
            for pm in POI_HEAD.finditer(s, p + 2, sub.start() + 1):
                if pm.end() <= sub.start():
                    head_end = pm.end()
                    break
            if head_end and sub.group("named") and stop - head_end < 3:
                head_end = 0  # 花园酒店, 广场店: one name
        if not head_end and stop - p >= 5 and s[stop - 1] in PLACE_REST_LAST:
            head_end = _named_part_start(s, p, stop)
        if not head_end and stop - p >= 4 and _PART_TAIL.match(s, stop - 2, stop):
            head_end = stop - 2  # 金城 + 东区, 万达 + 南门: a part of the place
        if head_end:
            state.add(_place_label(state), p, head_end)
            state.add("subpoi", head_end, stop)
        else:
            last = state.last  # (_place_label inlined: this is the common path)
            if last == "roadno":
                label = "poi"
            elif last == "subpoi" and _NUMBERED_ZONE.fullmatch(_last_place(state)):
                label = "person"
            else:
                label = "subpoi" if "poi" in state.seen else "poi"
            state.add(label, p, stop)
    if tail is not None:
        state.add(tail[0], tail[1], end)


def _named_part_start(s: str, p: int, stop: int) -> int:
    """Where a named part of a place starts after the place's own name, or 0: a compound
    word (小区, 花园, 大厦, 广场, 大学, 中心…) followed by a named building, gate, office or
    shop (西溪花园 + 蒹葭苑, 金泽大厦 + 收发室, 华星广场 + 某某公司). The part needs two
    letters besides a shop word (花园酒店, 广场店 stay one name)."""
    at = stop - 2 if stop - 2 > p + 4 else p + 4  # (a PLACE_REST word has 2 letters at most)
    rest = PLACE_REST.search(s, at, stop)
    if rest is None:
        return 0
    for pm in PLACE_HEAD.finditer(s, p + 2, rest.start() + 1):
        if pm.end() > rest.start():
            break
        if pm.end() <= stop - 3 or (pm.end() == stop - 2 and s[stop - 1] not in "店馆"):
            return pm.end()
    return 0


def _poi_before_road(s: str, start: int, end: int) -> int:
    """The end of a poi name that a road follows inside one word (…有限公司山阴路), or
    that a part of it and a road follow (科技园 + 南区 + 深南大道), or 0."""
    for pm in POI_END.finditer(s, start, end):
        after = pm.end()
        if after - start >= 4 and ROAD_FULL.match(s, after, end):
            return after
        if (
            after - start >= 3
            and (part := _PART_TAIL.match(s, after, end))
            and ROAD_FULL.match(s, part.end(), end)
        ):
            return after
    return 0


# after a town's short name, a place word or a numbered zone makes the whole a place's name
# (蒋村花园, 朝晖六区); one letter and a road suffix, a road's (留下横街, 余杭塘路)
_PLACE_AFTER_SHORT = re.compile(
    r"花园|小区|公寓|大厦|广场|家园|新村|山庄|大楼|市场|商城|中心|医院|学校|中学|小学"
    r"|[0-9A-Z一二三四五六七八九十]+[区期]|社区|村(?![路街道巷口信镇乡庄民])"  # 佛堂村: a village
)
# a zone named after the place before it (西湖 + 科技园区): the zone's word right after it
_NAMED_ZONE = re.compile(r"[^\s0-9路街巷]{0,2}?(?:开发区|园区|工业区|保税区|高新区|新区)")
_ONE_LETTER_ROAD = re.compile(
    r"[^\s0-9东西南北中]{1}(?:路|街|大街|大道|巷)(?![0-9一二三四五六七八九十])"
)


# a town's level word: the short name of a town written with another one (a 镇 that has
# become a 街道, or the reverse) takes it
_TOWN_SUFFIX = re.compile(r"街道办事处|街道办|街道|镇|乡|苏木")


def _named_child(
    state: _State,
    p: int,
    end: int,
    names: dict[str, list[NameEntry]],
    in_chain: bool,
    *,
    unique: bool = False,
) -> int:
    """A division of `names` (full or short) at `p`, added as an element (and to the
    chain when `in_chain`); returns where it ends, or 0. `unique`: only a name that one
    division carries."""
    s, table = state.text, state.table
    if not names:
        return 0
    for length in table.name_lengths.get(s[p : p + 2], ()):
        if length > end - p:
            continue
        entries = names.get(s[p : p + length])
        if not entries or (unique and len(entries) > 1):
            continue
        e = min(entries, key=_entry_rank)
        after = p + length
        if e.kind == "short" and after < end:
            if _road_after(s, after) or _ONE_LETTER_ROAD.match(s, after, end):
                continue  # 留下 + 横街: a road named after the place
            if e.division.level == "town" and (suffix := _TOWN_SUFFIX.match(s, after, end)):
                after = suffix.end()  # 某某镇 for a town now named 某某街道: one town
            elif _PLACE_AFTER_SHORT.match(s, after, end) or DEVZONE.match(s, after, end):
                continue  # 蒋村 + 花园, 朝晖 + 六区, 钱江 + 经济开发区: named after the town
        label = _division_label(e.division)
        state.add(label, p, after)
        if in_chain:
            state.chain.append(e.division)
            state.canonical[label] = e.division.name
        return after
    return 0


def _match_town(state: _State, p: int, end: int) -> int:
    s, table = state.text, state.table
    deepest = state.deepest
    if deepest is not None and deepest.level == "district":
        after = _named_child(state, p, end, table.child_names.get(deepest.code, {}), True)
        if after:
            return after
    if deepest is not None and deepest.level in ("city", "district"):
        # a town of the city written without its district (杭州市 + 瓜沥 + 航坞路), or under
        # a neighbouring one (districts redrawn): named when only one town of the city has
        # the name; it joins the chain only when no district was written
        city = deepest.code if deepest.level == "city" else table.real_parent(deepest)
        in_city = table.city_towns.get(city, {})
        after = _named_child(state, p, end, in_city, deepest.level == "city", unique=True)
        if after:
            return after
    for length in table.town_lengths.get(s[p : p + 2], ()):
        if length > end - p or length < 3:
            continue
        towns = table.town_names.get(s[p : p + length])
        if towns:
            if deepest is not None:
                towns = [t for t in towns if t.code.startswith(deepest.code)] or towns
            label = _division_label(towns[0])
            state.add(label, p, p + length)
            if len(towns) == 1 and (deepest is None or towns[0].code.startswith(deepest.code)):
                state.chain.append(towns[0])
                state.canonical[label] = towns[0].name
            return p + length
    m = TOWN.match(s, p, end)
    if m:
        state.add("town", p, m.end())
        return m.end()
    return 0


def _number_value(label: str, part: str) -> str | int | None:
    """The value of a number read as `label`: its digits as an integer for the number
    labels (B1 → 1; a letter alone stays), None (the text) for any other label."""
    if label not in NUMBER_LABELS:
        return None
    if part.isdigit():
        return int(part)
    m = _DIGITS.search(part)
    return int(m.group()) if m else part


def _parse_number(
    state: _State, m: re.Match[str], nxt: re.Match[str] | None, is_last: bool
) -> None:
    num, unit = m.group("num", "unit")
    p = m.start()  # where num starts
    if unit is None and len(num) >= 11 and _PHONE.fullmatch(num):
        _add_redundant(state, p, m.end())  # a phone number says nothing of the place
        return
    if "-" not in num:  # one number: its element runs to the unit's end
        # most units name the label (3号楼, 2单元, 401室); 号, 楼 and none take a look around
        label = _UNIT_LABEL.get(unit) or _number_labels(state, unit, 1, nxt, is_last, num)[0]
        if label is None:
            return
        if "F" in num and "floorno" not in state.seen and _FLOOR_F.fullmatch(num):
            label = "floorno"  # F3, 3F: a floor
        digits = num.isdigit() and label in NUMBER_LABELS  # (the common case, inline)
        state.add(label, p, m.end(), int(num) if digits else _number_value(label, num))
        return
    if unit in (None, "号") and _is_door_range(num) and (door := _door_label(state)):
        state.add(door, p, m.end(), int(num.partition("-")[0]))  # 12-14号: a door range
        return
    parts = []
    for chunk in num.split("-"):
        parts.append((p, p + len(chunk)))
        p += len(chunk) + 1
    labels = _number_labels(state, unit, len(parts), nxt, is_last, num)
    text = state.text
    elements = state.elements
    dash = -1
    for (start, stop), label in zip(parts, labels, strict=False):
        if dash >= 0:  # 3-2-401: the dashes say nothing
            elements.append(tuple.__new__(AddressElement, ("redundant", "-", "-", dash, start)))
        dash = stop
        if label is None:
            continue
        chunk = text[start:stop]
        if "F" in chunk and _FLOOR_F.fullmatch(chunk) and "floorno" not in state.seen:
            label = "floorno"  # F3, 3F: a floor
        state.add(label, start, stop, _number_value(label, chunk))
    if unit and labels and labels[-1] is not None:  # the unit belongs to the last part
        label, _, value, start, _ = state.elements[-1]
        whole = text[start : m.end()]
        state.elements[-1] = tuple.__new__(AddressElement, (
            label, whole, value if label in NUMBER_LABELS else whole, start, m.end()))  # fmt: skip


def _last_place(state: _State) -> str:
    """The text of the last element that is not `redundant` (a dash may follow a place)."""
    for e in reversed(state.elements):
        if e.label != "redundant":
            return e.text
    return ""


def _is_door_range(num: str) -> bool:
    """12-14, 101-105: consecutive door numbers on one side (same parity, a few apart)."""
    first, _, second = num.partition("-")
    if not (first.isdigit() and second.isdigit()) or len(first) != len(second):
        return False
    a, b = int(first), int(second)
    return a < b <= a + 10 and (b - a) % 2 == 0


def _door_label(state: _State) -> str | None:
    """roadno (subroadno) when a door number of the last road may come next."""
    if state.last == "road" and "roadno" not in state.seen:
        return "roadno"
    if state.last == "subroad" and "subroadno" not in state.seen:
        return "subroadno"
    return None


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
    if door is None and unit == "号" and last in ("community", "town") and "roadno" not in seen:
        door = "roadno"  # 下宅村12号: a village's door number
    if unit in ("区", "期"):
        return ["subpoi" if "poi" in seen else "poi"] + [None] * (n - 1)
    if unit in ("弄", "巷", "组", "队"):
        if unit == "弄" and door == "roadno":
            return ["roadno"] + [None] * (n - 1)
        return ["subroad" if "road" in seen else "road"] + [None] * (n - 1)
    if unit in ("号", "号院"):
        if door is not None:
            return [door] if n == 1 else [door, *_fill(seen, n - 1)]
        if (
            n == 1
            and last in ("poi", "subpoi")
            and "roadno" not in seen
            and not COMPOUND_END.search(_last_place(state))
        ):
            return ["roadno"]  # 西湾头12号: a place that is no compound takes door numbers
        if n == 1 and "houseno" in seen and "cellno" not in seen and len(digits) >= 3:
            return ["roomno"] if "roomno" not in seen else [None]  # 3幢201号
        return _fill(seen, n, digits)
    if unit == "楼":
        if seen & {"houseno", "cellno"}:
            target = "floorno"
        elif (
            nxt is not None
            and _kind(nxt) == "num"
            and (
                nxt.group("unit") in _AFTER_BUILDING
                # 1楼1-401号: a building; 2楼8号, 2楼201号: a floor and a room
                or (nxt.group("unit") == "号" and "-" in nxt.group("num"))
            )
            and not _room_on_floor(digits, nxt)
        ):
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
        if seen & {"floorno", "cellno"}:  # 2单元301: a building is never after its unit
            return ["roomno"] if "roomno" not in seen else [None]
        if "houseno" not in seen:
            if is_last and len(digits) >= 3 and not seen.isdisjoint(_ROOM_AFTER):
                return ["roomno"]  # 华阳小区1102, 柳营路669弄14号1102: a room
            return ["houseno"]
        if seen & {"cellno", "floorno"} or is_last or len(digits) >= 3:
            return ["roomno"] if "roomno" not in seen else [None]  # 3幢401: cells are short
        return ["cellno"]
    return _fill(seen, n, digits)


_ROOM_AFTER = frozenset({"poi", "subpoi", "subroadno"})


def _room_on_floor(floor: str, nxt: re.Match[str]) -> bool:
    """3楼301, 12楼1203室: a room numbered on the floor before it (the floor is a floor);
    so is a room of four digits or more (9楼1201: a tower's floor, rooms numbered by their
    own floor; a compound's building is followed by a unit or a short room)."""
    room = nxt.group("num")
    return (
        floor.isdigit()
        and room.isdigit()
        and len(room) >= 3
        and (len(room) >= 4 or (room.startswith(floor) and len(room) - len(floor) == 2))
    )


def _fill(seen: set[str], n: int, digits: str = "") -> list[str | None]:
    """Labels for n numbers in a row: 3-2-401 → houseno, cellno, roomno; 9-1336 → houseno,
    roomno; 9-2 → houseno, cellno (a unit number is short, a room's has three digits or
    more). `digits` is the numbers as written."""
    if n <= 0:
        return []
    if "floorno" in seen:  # 15层1501号: after a floor only a room follows
        return ["roomno" if "roomno" not in seen else None] + [None] * (n - 1)
    avail = [label for label in _HOUSE_ORDER if label not in seen]
    if not avail:
        return [None] * n
    if n == 1:
        return [avail[0]]
    if n == 2 and len(avail) == 3:
        first, _, last = digits.partition("-")
        short = first.isdigit() and last.isdigit() and len(last) <= 2  # (F2-3: floor, room)
        return ["houseno", "cellno" if short else "roomno"]
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
    covered = 0
    for label, _, _, start, end in state.elements:
        covered += (end - start) // 2 if label in ("poi", "subpoi") else end - start
    text = state.text
    letters = len(text) - len(_ANY_SEPARATOR.findall(text))
    score = 0.3 + 0.7 * min(1.0, covered / max(letters, 1))
    if state.ambiguous:
        score -= 0.2
    return max(0.0, min(1.0, score))
