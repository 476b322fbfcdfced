"""Chinese address parsing: free text → labelled elements, for any address in China.

>>> p = parse_address("青岛市北区辽宁路123号华阳小区3号楼2单元401室")
>>> p.elements_dict()
{'city': '青岛', 'district': '市北区', 'road': '辽宁路', 'roadno': 123, 'poi': '华阳小区', \
'houseno': 3, 'cellno': 2, 'roomno': 401}
>>> p.canonical
{'city': '青岛市', 'district': '市北区'}

Labels are those of the Chinese address-parsing data set (docs/standardization.md):
country, prov, city, district, devzone, town, community, road, subroad, roadno,
subroadno, poi, subpoi, houseno, cellno, floorno, roomno, assist, and in `elements` also
person (a tenant named after a floor or room, 张先生) and redundant (a repeat, a dash, a
lead-in, a delivery note; left out of `elements_dict` and the JSON). A 直辖市 is a city.
`elements` hold only what the text says, as written after normalization (numbers as
int); today's official names go in `canonical` (四方区 → 市北区); levels inferred from
the division table go in `inferred` and only when asked for (`infer=True`).

Division names are believed only where they are divisions: 辽宁路, 南京路, 内蒙古路,
福州北路, 黑龙江南路 and 台东一路 are roads, whatever the prefix spells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from shibei.standardize.address_parse import NUMBER_LABELS as NUMBER_LABELS
from shibei.standardize.address_parse import AddressElement as AddressElement
from shibei.standardize.address_parse import parse_normalized
from shibei.standardize.text import normalize_text, normalize_with_offsets

# every label of the scheme (the order of the data set's label list), `otherinfo` included
# though the parser never gives it
ADDRESS_LABELS = (
    "country", "prov", "city", "district", "devzone", "town", "community", "road",
    "subroad", "roadno", "subroadno", "poi", "subpoi", "houseno", "cellno", "floorno",
    "roomno", "person", "assist", "redundant", "otherinfo",
)  # fmt: skip
# the labels `elements_dict`, the JSON and the batch columns carry: all but `redundant`
OUTPUT_LABELS = tuple(label for label in ADDRESS_LABELS if label != "redundant")
STRUCTURAL_LABELS = (
    "prov", "city", "district", "town", "community", "road", "roadno", "houseno", "cellno",
    "floorno", "roomno",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ParsedAddress:
    """The result of `parse_address`."""

    text: str
    normalized: str
    elements: tuple[AddressElement, ...]
    canonical: dict[str, str] = field(default_factory=dict)
    inferred: dict[str, str] = field(default_factory=dict)
    division_code: str | None = None  # deepest division the text names, resolved
    confidence: float = 0.0

    def get(self, label: str) -> AddressElement | None:
        """The first element with `label`, or None."""
        for e in self.elements:
            if e.label == label:
                return e
        return None

    def value(self, label: str) -> str | int | None:
        e = self.get(label)
        return None if e is None else e.value

    def elements_dict(self) -> dict[str, str | int]:
        """Label → value, first element per label; `redundant` text (a repeat, a dash, a
        lead-in, a delivery note) is left out: it says nothing."""
        out: dict[str, str | int] = {}
        for e in self.elements:
            if e.label != "redundant":
                out.setdefault(e.label, e.value)
        return out

    def original_spans(self) -> list[tuple[str, int, int]]:
        """(label, start, end) per element, as indices into the original `text`."""
        norm, offsets = normalize_with_offsets(self.text)
        if len(norm) != len(self.normalized):  # should not happen: prepare is char for char
            offsets = list(range(len(self.normalized) + 1))
        return [(e.label, offsets[e.start], offsets[e.end]) for e in self.elements]

    def to_json(self) -> dict[str, Any]:
        """The Address JSON of DESIGN.md (Interfaces)."""
        return {
            "text": self.text,
            "normalized": self.normalized,
            "elements": self.elements_dict(),
            "spans": {
                label: [s, e] for label, s, e in self.original_spans() if label != "redundant"
            },
            "canonical": dict(self.canonical),
            "inferred": dict(self.inferred),
            "division_code": self.division_code,
            "confidence": round(self.confidence, 3),
        }


def prepare_address_text(text: str) -> str:
    """`normalize_text` plus what holds for addresses only, character for character:
    ASCII letters upper-cased and ``#`` after a digit read as 号 (3#楼 → 3号楼)."""
    norm = normalize_text(text)
    if "#" in norm:
        norm = "".join(
            "号" if c == "#" and i > 0 and norm[i - 1].isdigit() else c for i, c in enumerate(norm)
        )
    return norm.translate(_ASCII_UPPER) if _ASCII_LOWER.search(norm) else norm


_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_ASCII_LOWER = re.compile("[a-z]")


def parse_address(text: str, *, infer: bool = False) -> ParsedAddress:
    """Parse one free-text address. Never raises on a str; empty text gives no elements.

    With `infer=True`, levels above the deepest named division that the text leaves out
    are filled in `inferred` (市北区 → 山东省, 青岛市); `elements` never change.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    norm = prepare_address_text(text)
    raw = parse_normalized(norm, infer=infer)
    elements = tuple(raw.elements)
    return ParsedAddress(
        text=text,
        normalized=norm,
        elements=elements,
        canonical=raw.canonical,
        inferred=raw.inferred,
        division_code=raw.division_code,
        confidence=raw.confidence,
    )
