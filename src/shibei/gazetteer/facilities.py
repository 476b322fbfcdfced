"""Public facilities with a place: the rosters the seed counts, fixed at every scale."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Final

import numpy as np

from shibei.gazetteer.allocation import allocate
from shibei.gazetteer.geometry import Area, random_points
from shibei.gazetteer.model import Community, Facility, Street
from shibei.gazetteer.tables import word_list


class FacilityKind(StrEnum):
    AED = "aed"
    FITNESS_VENUE = "fitness_venue"  # 健身场馆
    NATIONAL_MEDICAL_HALL = "national_medical_hall"  # 国医馆
    TCM_HALL = "tcm_hall"  # 中医馆
    TCM_CLINIC = "tcm_clinic"  # 中医诊所
    COMMUNITY_HEALTH = "community_health"  # 社区卫生服务中心/站
    STREET_CULTURE_STATION = "street_culture_station"  # 街道综合文化站
    DISTRICT_LIBRARY = "district_library"  # 区图书馆
    CITY_BOOK_ROOM = "city_book_room"  # 城市书房
    CULTURE_POST = "culture_post"  # 文化驿站
    ART_CLASSROOM = "art_classroom"  # 艺术教室
    COURTYARD_STAGE = "courtyard_stage"  # 院落舞台
    CULTURE_SQUARE = "culture_square"  # 社区文化广场
    CHAMBER = "chamber"  # 商会
    FUNDRAISING_WORKSTATION = "fundraising_workstation"  # 防范非法集资工作站
    COMMUNITY_POLICE_OFFICE = "community_police_office"  # 社区警务室
    POLICE_STATION = "police_station"  # 派出所 (household registration)
    POPULATION_BRIGADE = "population_brigade"  # 人口大队


FACILITY_LABELS: Final[Mapping[FacilityKind, str]] = {
    FacilityKind.AED: "AED",
    FacilityKind.FITNESS_VENUE: "健身场馆",
    FacilityKind.NATIONAL_MEDICAL_HALL: "国医馆",
    FacilityKind.TCM_HALL: "中医馆",
    FacilityKind.TCM_CLINIC: "中医诊所",
    FacilityKind.COMMUNITY_HEALTH: "社区卫生服务机构",
    FacilityKind.STREET_CULTURE_STATION: "街道综合文化站",
    FacilityKind.DISTRICT_LIBRARY: "区图书馆",
    FacilityKind.CITY_BOOK_ROOM: "城市书房",
    FacilityKind.CULTURE_POST: "文化驿站",
    FacilityKind.ART_CLASSROOM: "美育课堂",
    FacilityKind.COURTYARD_STAGE: "庭院演艺空间",
    FacilityKind.CULTURE_SQUARE: "社区文化广场",
    FacilityKind.CHAMBER: "商会",
    FacilityKind.FUNDRAISING_WORKSTATION: "防非阳光工作站",
    FacilityKind.COMMUNITY_POLICE_OFFICE: "社区警务室",
    FacilityKind.POLICE_STATION: "派出所",
    FacilityKind.POPULATION_BRIGADE: "人口大队",
}
"""What people call each kind (the seed's words where it has them)."""

ATTRIBUTE_LABELS: Final[Mapping[str, str]] = {
    "round_the_clock": "24小时",
    "level": "级别",
    "family_doctor_teams": "家庭医生团队",
    "closes": "闭馆时间",
}

FACILITY_COUNTS: Final[Mapping[FacilityKind, int]] = {
    # All from the seed page (seed/), as DESIGN.md lists them.
    FacilityKind.AED: 380,
    FacilityKind.FITNESS_VENUE: 30,
    FacilityKind.NATIONAL_MEDICAL_HALL: 39,
    FacilityKind.TCM_HALL: 55,
    FacilityKind.TCM_CLINIC: 90,
    FacilityKind.COMMUNITY_HEALTH: 92,
    FacilityKind.STREET_CULTURE_STATION: 21,
    FacilityKind.DISTRICT_LIBRARY: 1,
    FacilityKind.CITY_BOOK_ROOM: 3,
    FacilityKind.CULTURE_POST: 5,
    FacilityKind.ART_CLASSROOM: 10,
    FacilityKind.COURTYARD_STAGE: 10,
    FacilityKind.CULTURE_SQUARE: 10,
    FacilityKind.CHAMBER: 36,
    FacilityKind.FUNDRAISING_WORKSTATION: 8,
    FacilityKind.COMMUNITY_POLICE_OFFICE: 137,
    FacilityKind.POLICE_STATION: 22,
    FacilityKind.POPULATION_BRIGADE: 1,
}
ROUND_THE_CLOCK_AEDS: Final = 3  # seed: 3 round-the-clock AED platforms
FAMILY_DOCTOR_TEAMS: Final = 281  # seed: 281 family-doctor teams in the 92 institutions
HEALTH_CENTERS: Final = 22  # one community health service centre per street; the rest 站
LIBRARY_CLOSES: Final = "20:00"  # seed: the district library is open to 20:00
SEAT_STREET: Final = "370203014"  # 敦化路街道: the district government, 延吉路80号


class FacilityPlacer:
    """Codes and points for facilities: code = community code + F + 3 digits."""

    def __init__(self, community_areas: Mapping[str, Area], rng: np.random.Generator) -> None:
        self.areas = community_areas
        self.rng = rng
        self.counts: dict[str, int] = {}
        self.placed: list[Facility] = []

    def place(
        self, kind: FacilityKind, name: str, community: str, attributes: dict[str, str] | None
    ) -> Facility:
        self.counts[community] = self.counts.get(community, 0) + 1
        lon, lat = random_points(self.areas[community], 1, self.rng)[0]
        facility = Facility(
            code=f"{community}F{self.counts[community]:03d}",
            kind=kind.value,
            name=name,
            community_code=community,
            lat=float(lat),
            lon=float(lon),
            attributes=attributes or {},
        )
        self.placed.append(facility)
        return facility


def build_facilities(
    streets: Sequence[Street],
    communities: Sequence[Community],
    weights: Mapping[str, float],
    placer: FacilityPlacer,
) -> None:
    """Every facility kind except the police ones (gazetteer.police), into `placer`."""
    rng = placer.rng
    stem = {c.code: c.name.removesuffix("社区") for c in communities}
    of_street = {s.code: [c.code for c in communities if c.street_code == s.code] for s in streets}
    p = np.array([weights[c.code] for c in communities])
    p /= p.sum()

    def pick(n: int) -> list[str]:
        return [communities[i].code for i in sorted(rng.choice(len(communities), n, False, p))]

    def one_of(street: str) -> str:
        return of_street[street][int(rng.integers(len(of_street[street])))]

    def word(key: str) -> str:
        words = word_list(key)
        return words[int(rng.integers(len(words)))]

    k = FacilityKind
    counts = _aed_counts(weights, communities)
    aeds = [c.code for c, n in zip(communities, counts, strict=True) for _ in range(n)]
    clock = set(rng.choice(len(aeds), ROUND_THE_CLOCK_AEDS, replace=False).tolist())
    for i, code in enumerate(aeds):
        attributes = {"round_the_clock": "true" if i in clock else "false"}
        placer.place(k.AED, f"{stem[code]}{word('aed_sites')}AED", code, attributes)
    for code in pick(FACILITY_COUNTS[k.FITNESS_VENUE]):
        placer.place(k.FITNESS_VENUE, f"{stem[code]}全民健身中心", code, None)
    for kind, label in ((k.NATIONAL_MEDICAL_HALL, "国医馆"), (k.TCM_HALL, "中医馆")):
        for code in pick(FACILITY_COUNTS[kind]):
            placer.place(kind, f"{stem[code]}{word('tcm_names')}{label}", code, None)
    for code in pick(FACILITY_COUNTS[k.TCM_CLINIC]):
        placer.place(k.TCM_CLINIC, f"{stem[code]}{word('tcm_names')}中医诊所", code, None)

    teams = _family_doctor_teams(rng)
    health = [(s.name + "社区卫生服务中心", one_of(s.code), "中心") for s in streets]
    stations = pick(FACILITY_COUNTS[k.COMMUNITY_HEALTH] - HEALTH_CENTERS)
    health += [(stem[code] + "社区卫生服务站", code, "站") for code in stations]
    for (name, code, level), n in zip(health, teams, strict=True):
        attributes = {"level": level, "family_doctor_teams": str(n)}
        placer.place(k.COMMUNITY_HEALTH, name, code, attributes)

    skipped = int(rng.integers(len(streets)))  # 21 stations for 22 streets
    for i, street in enumerate(streets):
        if i != skipped:
            name = street.name + "综合文化站"
            placer.place(k.STREET_CULTURE_STATION, name, one_of(street.code), None)
    attributes = {"closes": LIBRARY_CLOSES}
    placer.place(k.DISTRICT_LIBRARY, "市北区图书馆", one_of(SEAT_STREET), attributes)
    for kind, label in (
        (k.CITY_BOOK_ROOM, "城市书房"),
        (k.CULTURE_POST, "文化驿站"),
        (k.ART_CLASSROOM, "艺术教室"),
        (k.COURTYARD_STAGE, "院落舞台"),
        (k.CULTURE_SQUARE, "社区文化广场"),
    ):
        for code in pick(FACILITY_COUNTS[kind]):
            placer.place(kind, stem[code] + label, code, None)

    chambers = [f"青岛市市北区{o}商会" for o in word_list("chamber_origins")]
    chambers += [f"青岛市市北区{t}商会" for t in word_list("chamber_trades")]
    for name, code in zip(chambers, pick(FACILITY_COUNTS[k.CHAMBER]), strict=True):
        placer.place(k.CHAMBER, name, code, None)
    n = FACILITY_COUNTS[k.FUNDRAISING_WORKSTATION]
    for i in sorted(rng.choice(len(streets), n, replace=False).tolist()):
        name = streets[i].name + "防范非法集资工作站"
        placer.place(k.FUNDRAISING_WORKSTATION, name, one_of(streets[i].code), None)


def _aed_counts(weights: Mapping[str, float], communities: Sequence[Community]) -> list[int]:
    """At least one AED per community, the rest by community size."""
    return allocate(FACILITY_COUNTS[FacilityKind.AED], [weights[c.code] for c in communities], 1)


def _family_doctor_teams(rng: np.random.Generator) -> list[int]:
    """Teams per institution, centres first: 5 per centre, 2 or 3 per station, 281 in all."""
    stations = FACILITY_COUNTS[FacilityKind.COMMUNITY_HEALTH] - HEALTH_CENTERS
    teams = [5] * HEALTH_CENTERS + [2] * stations
    extra = FAMILY_DOCTOR_TEAMS - sum(teams)
    for i in rng.choice(stations, extra, replace=False).tolist():
        teams[HEALTH_CENTERS + i] += 1
    return teams
