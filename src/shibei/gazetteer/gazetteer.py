"""`Gazetteer`: the district's spatial skeleton, read only, with lookups by code."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Literal, TypeVar

import shapely
from shapely.geometry import mapping

from shibei.gazetteer.geometry import Area
from shibei.gazetteer.model import (
    CITY_NAME,
    DISTRICT_CODE,
    DISTRICT_NAME,
    PROVINCE_NAME,
    Building,
    Community,
    Compound,
    Facility,
    Grid,
    House,
    PoliceDistrict,
    PoliceStation,
    Road,
    StandardAddress,
    Street,
)

Level = Literal["street", "community", "grid"]
_T = TypeVar("_T", Street, Community, Grid, Road, Compound, Building, Facility, PoliceDistrict)
_AFTER_DIGITS = ":"  # sorts right after "9": code + ":" bounds every code starting with code


class Gazetteer:
    """Streets, communities, grids, roads, compounds, buildings, houses, facilities and
    the police tree of one generated (or loaded) district, each tuple sorted by code.

    Build one with `build_gazetteer`, store it with `write_gazetteer`/`read_gazetteer`.
    Lookups by code raise KeyError for an unknown code.
    """

    __slots__ = (
        "_building_codes",
        "_by_code",
        "_house_codes",
        "_polygons",
        "_station_of_community",
        "aliases",
        "buildings",
        "communities",
        "compounds",
        "facilities",
        "grids",
        "houses",
        "police_districts",
        "police_stations",
        "population_brigade",
        "roads",
        "scale",
        "seed",
        "streets",
    )

    def __init__(
        self,
        *,
        scale: float,
        seed: int,
        streets: Iterable[Street],
        communities: Iterable[Community],
        grids: Iterable[Grid],
        roads: Iterable[Road],
        compounds: Iterable[Compound],
        buildings: Iterable[Building],
        houses: Iterable[House],
        facilities: Iterable[Facility],
        police_stations: Iterable[PoliceStation],
        population_brigade: PoliceStation,
        police_districts: Iterable[PoliceDistrict],
        aliases: Mapping[str, str],
        polygons: Mapping[str, Area],
    ) -> None:
        self.scale = scale
        self.seed = seed
        self.streets = _sorted(streets)
        self.communities = _sorted(communities)
        self.grids = _sorted(grids)
        self.roads = _sorted(roads)
        self.compounds = _sorted(compounds)
        self.buildings = _sorted(buildings)
        self.houses: tuple[House, ...] = tuple(sorted(houses, key=lambda h: h.code))
        self.facilities = _sorted(facilities)
        self.police_stations: tuple[PoliceStation, ...] = tuple(
            sorted(police_stations, key=lambda s: s.code)
        )
        self.population_brigade = population_brigade
        self.police_districts = _sorted(police_districts)
        self.aliases: Mapping[str, str] = MappingProxyType(dict(sorted(aliases.items())))
        self._polygons: Mapping[str, Area] = MappingProxyType(dict(polygons))
        self._house_codes = [h.code for h in self.houses]
        self._building_codes = [b.code for b in self.buildings]
        self._by_code: dict[str, Any] = {}
        for table in (self.streets, self.communities, self.grids, self.roads, self.compounds):
            self._by_code.update((item.code, item) for item in table)
        self._by_code.update((b.code, b) for b in self.buildings)
        stations = {s.code: s for s in self.police_stations}
        self._station_of_community = {
            d.community_code: stations[d.station_code] for d in self.police_districts
        }

    # Lookups by code -------------------------------------------------------------------

    def street(self, code: str) -> Street:
        return self._get(code, Street)

    def community(self, code: str) -> Community:
        return self._get(code, Community)

    def grid(self, code: str) -> Grid:
        return self._get(code, Grid)

    def road(self, code: str) -> Road:
        return self._get(code, Road)

    def compound(self, code: str) -> Compound:
        return self._get(code, Compound)

    def building(self, code: str) -> Building:
        return self._get(code, Building)

    def house(self, code: str) -> House:
        i = bisect_left(self._house_codes, code)
        if i == len(self._house_codes) or self._house_codes[i] != code:
            raise KeyError(code)
        return self.houses[i]

    def polygon(self, code: str) -> Area:
        """The polygon of a street, community or grid (WGS84, x = lon, y = lat)."""
        return self._polygons[code]

    def station_of(self, community_code: str) -> PoliceStation:
        """The police station whose area holds the community."""
        return self._station_of_community[community_code]

    @property
    def household_registration_units(self) -> tuple[PoliceStation, ...]:
        """The 22 stations and the population brigade ("22+1户助")."""
        return (*self.police_stations, self.population_brigade)

    # Levels ----------------------------------------------------------------------------

    def communities_of(self, street_code: str) -> tuple[Community, ...]:
        return tuple(c for c in self.communities if c.street_code == street_code)

    def grids_of(self, community_code: str) -> tuple[Grid, ...]:
        return tuple(g for g in self.grids if g.community_code == community_code)

    def roads_of(self, street_code: str) -> tuple[Road, ...]:
        return tuple(r for r in self.roads if r.street_code == street_code)

    def facilities_of(self, kind: str) -> tuple[Facility, ...]:
        return tuple(f for f in self.facilities if f.kind == kind)

    def houses_of(self, division_code: str) -> Sequence[House]:
        """Houses of a street, community, grid or building, by code prefix (KeyError if
        the code is none of these)."""
        if division_code not in self._by_code or isinstance(
            self._by_code[division_code], Road | Compound
        ):
            raise KeyError(division_code)
        start = bisect_left(self._house_codes, division_code)
        end = bisect_left(self._house_codes, division_code + _AFTER_DIGITS, lo=start)
        return self.houses[start:end]

    def buildings_of(self, division_code: str) -> tuple[Building, ...]:
        """Buildings of a street, community or grid, or of a compound."""
        if "Q" in division_code:
            self.compound(division_code)
            return tuple(b for b in self.buildings if b.compound_code == division_code)
        codes = self._building_codes
        start = bisect_left(codes, division_code)
        return self.buildings[start : bisect_left(codes, division_code + _AFTER_DIGITS, lo=start)]

    # Standard address and maps ---------------------------------------------------------

    def address(self, house_code: str) -> StandardAddress:
        """The house's standard address; `text` is the canonical form
        山东省青岛市市北区{street}{community}{road}{roadno}号{compound}{building}号楼{unit}单元{room}室
        (no compound for a building directly on a road)."""
        house = self.house(house_code)
        building = self.building(house.building_code)
        grid = self.grid(building.grid_code)
        community = self.community(grid.community_code)
        street = self.street(community.street_code)
        road = self.road(building.road_code)
        elements: dict[str, str | int] = {
            "district": DISTRICT_NAME,
            "street": street.name,
            "community": community.name,
            "road": road.name,
            "roadno": building.door_number,
        }
        compound = ""
        if building.compound_code is not None:
            compound = self.compound(building.compound_code).name
            elements["compound"] = compound
        elements |= {
            "building": building.number,
            "unit": house.unit,
            "floor": house.floor,
            "room": house.room,
        }
        text = (
            f"{PROVINCE_NAME}{CITY_NAME}{DISTRICT_NAME}{street.name}{community.name}"
            f"{road.name}{building.door_number}号{compound}{building.number}号楼"
            f"{house.unit}单元{house.room}室"
        )
        return StandardAddress(house.code, text, elements, building.lat, building.lon)

    def geojson(self, level: Level) -> dict[str, Any]:
        """A FeatureCollection of one level's polygons; properties code, name, parent_code."""
        rows: list[tuple[str, str, str]]
        if level == "street":
            rows = [(s.code, s.name, DISTRICT_CODE) for s in self.streets]
        elif level == "community":
            rows = [(c.code, c.name, c.street_code) for c in self.communities]
        elif level == "grid":
            rows = [(g.code, g.name, g.community_code) for g in self.grids]
        else:
            raise ValueError(f"unknown level {level!r}")
        features = [
            {
                "type": "Feature",
                "properties": {"code": code, "name": name, "parent_code": parent},
                "geometry": _lists(mapping(self._polygons[code])),
            }
            for code, name, parent in rows
        ]
        return {"type": "FeatureCollection", "features": features}

    # Equality and helpers --------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Gazetteer):
            return NotImplemented
        return self._key() == other._key() and self._polygons.keys() == other._polygons.keys()

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its constructor's arguments (ingest's worker processes receive it)."""
        return _rebuild, (
            {
                "scale": self.scale, "seed": self.seed, "streets": self.streets,
                "communities": self.communities, "grids": self.grids, "roads": self.roads,
                "compounds": self.compounds, "buildings": self.buildings,
                "houses": self.houses, "facilities": self.facilities,
                "police_stations": self.police_stations,
                "population_brigade": self.population_brigade,
                "police_districts": self.police_districts, "aliases": dict(self.aliases),
                "polygons": dict(self._polygons),
            },
        )  # fmt: skip

    def __repr__(self) -> str:
        return (
            f"Gazetteer(scale={self.scale}, seed={self.seed}, streets={len(self.streets)}, "
            f"grids={len(self.grids)}, buildings={len(self.buildings)}, "
            f"houses={len(self.houses)})"
        )

    def _key(self) -> tuple[object, ...]:
        polygons = tuple(
            (code, shapely.to_wkb(self._polygons[code])) for code in sorted(self._polygons)
        )
        return (
            self.scale, self.seed, self.streets, self.communities, self.grids, self.roads,
            self.compounds, self.buildings, self.houses, self.facilities, self.police_stations,
            self.population_brigade, self.police_districts, dict(self.aliases), polygons,
        )  # fmt: skip

    def _get(self, code: str, kind: type[_T]) -> _T:
        item = self._by_code.get(code)
        if not isinstance(item, kind):
            raise KeyError(code)
        return item


def _sorted(items: Iterable[_T]) -> tuple[_T, ...]:
    return tuple(sorted(items, key=lambda item: item.code))


def _lists(value: Any) -> Any:
    """GeoJSON coordinates as lists (shapely's mapping() gives tuples), as json gives back."""
    if isinstance(value, tuple | list):
        return [_lists(v) for v in value]
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    return value


def _rebuild(arguments: dict[str, Any]) -> Gazetteer:
    return Gazetteer(**arguments)
