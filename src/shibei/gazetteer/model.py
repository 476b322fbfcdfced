"""The district's spatial skeleton: divisions, grids, roads, compounds, buildings, houses,
facilities. Plain frozen dataclasses; codes are `str` (STYLE.md), never `int`.

Code scheme (docs/address-codes.md):

    street      370203005                       9 digits (official)
    community   370203005001                    12 digits (official)
    grid        370203005001 + 003              15 digits
    road        370203005 + R + 012             a road segment under a street
    door        road code + 0123                door number on that road
    police station  370203P + 01                派出所 (370203P90: 人口大队)
    police district community code + J          社区警务区, one per community
    compound    370203005001 + Q + 004          小区 within a community
    building    grid code + 0012                19 digits
    house       building code + 02 + 04 + 01    unit, floor, room-on-floor: 25 digits

A house's room number as people write it is floor * 100 + room-on-floor (401, 1203).
"""

from __future__ import annotations

from dataclasses import dataclass, field

DISTRICT_CODE = "370203"
DISTRICT_NAME = "市北区"
CITY_NAME = "青岛市"
PROVINCE_NAME = "山东省"


@dataclass(frozen=True, slots=True)
class Street:
    """街道."""

    code: str
    name: str  # official, e.g. 辽宁路街道
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Community:
    """社区 (居委会)."""

    code: str
    name: str  # as people say it, e.g. 科技街社区
    official_name: str  # as NBS lists it, e.g. 科技街社区居委会
    street_code: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Grid:
    """网格: a partition of one community."""

    code: str
    name: str  # e.g. 科技街社区第3网格
    community_code: str
    lat: float
    lon: float
    grid_workers: int = 0  # 网格员 assigned to this grid (2,458 in the district)


@dataclass(frozen=True, slots=True)
class Road:
    """A road's segment within one street (a road crosses streets: one segment each)."""

    code: str
    name: str
    street_code: str
    real: bool  # True: a road name from the public reference; False: generated


@dataclass(frozen=True, slots=True)
class Compound:
    """小区."""

    code: str
    name: str
    community_code: str
    road_code: str
    door_number: int  # the compound's main gate, on its road
    old_open: bool  # one of the 275 old open compounds (老旧开放式小区)
    smart_security: bool  # fitted out as a smart-security compound
    lat: float
    lon: float
    aliases: tuple[str, ...] = ()  # other names people use for it


@dataclass(frozen=True, slots=True)
class Building:
    """楼栋."""

    code: str
    grid_code: str
    compound_code: str | None  # None: a building directly on the road
    road_code: str
    door_number: int
    number: int  # 楼号 within its compound (or 1 for a building on the road)
    floors: int
    units: int
    rooms_per_floor: int  # per unit
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class House:
    """户 / 房屋: one dwelling (or shop) with a standard address."""

    code: str
    building_code: str
    unit: int
    floor: int
    room: int  # as written on the door: floor * 100 + room-on-floor
    area_m2: float
    use: str  # 住宅 | 商铺


@dataclass(frozen=True, slots=True)
class Facility:
    """A public facility with a location (AED, health institution, police station…)."""

    code: str
    kind: str  # a FacilityKind value, see gazetteer.facilities
    name: str
    community_code: str
    lat: float
    lon: float
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StandardAddress:
    """A house's standard address (标准地址), element model after GB/T 35639 / GA/T 2000.32.

    `elements` holds the structured parts (keys: district, street, community, road,
    roadno, compound, building, unit, floor, room); `text` is the canonical form, e.g.
    山东省青岛市市北区辽宁路街道科技街社区辽宁路123号华阳小区3号楼2单元401室.
    """

    code: str
    text: str
    elements: dict[str, str | int]
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class PoliceStation:
    """派出所 under the district bureau (市北分局), or the bureau's 人口大队.

    Both handle household registration ("22+1": 22 stations + 1 population brigade).
    """

    code: str  # 370203P01 … 370203P22; the population brigade is 370203P90
    name: str  # e.g. 辽宁路派出所
    kind: str  # 派出所 | 人口大队
    street_codes: tuple[str, ...]  # streets it covers; () for the population brigade
    facility_code: str  # its office, a Facility
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class PoliceDistrict:
    """社区警务区: one per community, one community officer and one auxiliary."""

    code: str  # community code + J
    name: str  # e.g. 科技街社区警务区
    community_code: str
    station_code: str
    facility_code: str  # its community police office (社区警务室), a Facility
    officers: int = 1
    auxiliaries: int = 1
