"""Where a code sits in the two trees, from the gazetteer's divisions and police areas.

Division and house codes are hierarchical (a house code starts with its grid's code,
which starts with its community's, …), so the administrative path is read off the code;
the police path goes community → 社区警务区 → 派出所 → 分局.
"""

from __future__ import annotations

from collections.abc import Mapping

from shibei.access.resources import Place, Resource
from shibei.gazetteer import Gazetteer

DISTRICT = "370203"
BUREAU = "370203P"
_LENGTHS = (6, 9, 12, 15)


class PlaceIndex:
    """Places of division and house codes. Build with `from_gazetteer`, or directly from
    community → station and station → streets maps in tests."""

    def __init__(self, station_of_community: Mapping[str, str], names: Mapping[str, str]) -> None:
        self._station = dict(station_of_community)
        self.names = dict(names)
        streets: dict[str, list[str]] = {}
        for community, station in self._station.items():
            streets.setdefault(station, [])
            if community[:9] not in streets[station]:
                streets[station].append(community[:9])
        self.streets_of_station: dict[str, tuple[str, ...]] = {
            k: tuple(sorted(v)) for k, v in streets.items()
        }

    @classmethod
    def from_gazetteer(cls, gazetteer: Gazetteer) -> PlaceIndex:
        station = {d.community_code: d.station_code for d in gazetteer.police_districts}
        names: dict[str, str] = {DISTRICT: "市北区", BUREAU: "市北分局"}
        for table in (gazetteer.streets, gazetteer.communities, gazetteer.grids):
            names.update((item.code, item.name) for item in table)
        names.update((s.code, s.name) for s in gazetteer.household_registration_units)
        names.update((d.code, d.name) for d in gazetteer.police_districts)
        return cls(station, names)

    def place(self, code: str | None) -> Place | None:
        """The place of a district, street, community, grid or house code."""
        if not code or not code.startswith(DISTRICT):
            return None
        admin = tuple(code[:n] for n in _LENGTHS if len(code) >= n)
        police: tuple[str, ...] = (BUREAU,)
        station = self._station.get(code[:12]) if len(code) >= 12 else None
        if station is not None:
            police = (BUREAU, station, code[:12] + "J")
        elif len(code) == 9:
            police = (BUREAU, *self._stations_of_street(code))
        return Place(admin, police)

    def _stations_of_street(self, street: str) -> tuple[str, ...]:
        found = [s for s, streets in self.streets_of_station.items() if street in streets]
        return tuple(found[:1])

    def resource(
        self, kind: str, id: str, codes: tuple[str | None, ...], subjects: frozenset[str]
    ) -> Resource:
        places = tuple(p for p in (self.place(c) for c in dict.fromkeys(codes)) if p)
        return Resource(kind, id, places, subjects)

    def name(self, code: str) -> str:
        return self.names.get(code, code)
