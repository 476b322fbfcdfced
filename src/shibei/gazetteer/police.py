"""The police tree: 市北分局 → 派出所 → 社区警务区 (DESIGN.md: access has two trees).

One household-registration station per street, named after it (the stations' names are
inferred from the street names); the bureau's population brigade (人口大队) is the "+1"
of "22+1户助" and covers no street of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from shibei.gazetteer.facilities import SEAT_STREET, FacilityKind, FacilityPlacer
from shibei.gazetteer.model import Community, Facility, PoliceDistrict, PoliceStation, Street

BUREAU_CODE: Final = "370203P"
BUREAU_NAME: Final = "青岛市公安局市北分局"
POPULATION_BRIGADE_CODE: Final = "370203P90"
POPULATION_BRIGADE_NAME: Final = "市北分局人口大队"
STATION = "派出所"
BRIGADE = "人口大队"


def build_police(
    streets: Sequence[Street], communities: Sequence[Community], placer: FacilityPlacer
) -> tuple[list[PoliceStation], PoliceStation, list[PoliceDistrict]]:
    """Stations (one per street), the population brigade and the community police
    districts (one per community), each with its office placed as a Facility."""
    stations: list[PoliceStation] = []
    for number, street in enumerate(streets, start=1):
        code = f"{BUREAU_CODE}{number:02d}"
        name = street.name.removesuffix("街道") + STATION
        office = _office(placer, FacilityKind.POLICE_STATION, name, code, street, communities)
        stations.append(
            PoliceStation(code, name, STATION, (street.code,), office.code, office.lat, office.lon)
        )
    seat = next(s for s in streets if s.code == SEAT_STREET)
    office = _office(
        placer,
        FacilityKind.POPULATION_BRIGADE,
        POPULATION_BRIGADE_NAME,
        POPULATION_BRIGADE_CODE,
        seat,
        communities,
    )
    brigade = PoliceStation(
        POPULATION_BRIGADE_CODE,
        POPULATION_BRIGADE_NAME,
        BRIGADE,
        (),
        office.code,
        office.lat,
        office.lon,
    )
    station_of_street = {street: s.code for s in stations for street in s.street_codes}
    districts = []
    for community in communities:
        code = community.code + "J"
        office = placer.place(
            FacilityKind.COMMUNITY_POLICE_OFFICE,
            community.name + "警务室",
            community.code,
            {"police_district_code": code},
        )
        station = station_of_street[community.street_code]
        name = community.name + "警务区"
        districts.append(PoliceDistrict(code, name, community.code, station, office.code))
    return stations, brigade, districts


def _office(
    placer: FacilityPlacer,
    kind: FacilityKind,
    name: str,
    station_code: str,
    street: Street,
    communities: Sequence[Community],
) -> Facility:
    """The unit's office, in one of its street's communities."""
    candidates = [c.code for c in communities if c.street_code == street.code]
    community = candidates[int(placer.rng.integers(len(candidates)))]
    return placer.place(kind, name, community, {"station_code": station_code})
