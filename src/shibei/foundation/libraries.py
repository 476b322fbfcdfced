"""The 地址库 part of the foundation, straight from the gazetteer: one record per house
with its canonical address and divisions, and the division tree with names; and the list
of thematic libraries (专题库) the build writes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shibei.gazetteer import Gazetteer
from shibei.gazetteer.model import DISTRICT_CODE, DISTRICT_NAME


def address_records(gazetteer: Gazetteer) -> list[dict[str, Any]]:
    """Every house: code, canonical address text, use, area, its building, door (road code
    + 4-digit door number, as `AddressMatcher` codes a door) and compound, divisions,
    coordinates."""
    buildings = {b.code: b for b in gazetteer.buildings}
    records = []
    for house in gazetteer.houses:
        building = buildings[house.building_code]
        address = gazetteer.address(house.code)
        records.append(
            {
                "house_code": house.code,
                "address": address.text,
                "use": house.use,
                "area_m2": house.area_m2,
                "building_code": building.code,
                "door_code": f"{building.road_code}{building.door_number:04d}",
                "compound_code": building.compound_code,
                "grid_code": building.grid_code,
                "community_code": building.grid_code[:12],
                "street_code": building.grid_code[:9],
                "lat": address.lat,
                "lon": address.lon,
            }
        )
    return records


def division_records(gazetteer: Gazetteer) -> list[dict[str, Any]]:
    """district → streets → communities → grids, with names and parents."""
    records: list[dict[str, Any]] = [
        {"level": "district", "code": DISTRICT_CODE, "name": DISTRICT_NAME, "parent_code": None}
    ]
    records += [
        {"level": "street", "code": s.code, "name": s.name, "parent_code": DISTRICT_CODE}
        for s in gazetteer.streets
    ]
    records += [
        {"level": "community", "code": c.code, "name": c.name, "parent_code": c.street_code}
        for c in gazetteer.communities
    ]
    records += [
        {"level": "grid", "code": g.code, "name": g.name, "parent_code": g.community_code}
        for g in gazetteer.grids
    ]
    return records


@dataclass(frozen=True, slots=True)
class ThematicLibrary:
    """A 专题库: a named table of the foundation built from some feeds' clean rows (each row
    with the persons and organizations its mentions resolved to and its grid), or derived
    from the base libraries. Written to lake/foundation/libraries/<name>.parquet and a view
    of that name in the catalog lake/foundation.duckdb."""

    name: str
    title: str
    sources: tuple[str, ...]  # feeds whose clean rows it holds; () for a derived library
    description: str


THEMATIC_LIBRARIES: tuple[ThematicLibrary, ...] = (
    ThematicLibrary("org_registrations", "企业注册注销", ("company_registry", "company_changes"),
                    "市场监管登记与变更（含注销、吊销）的每一行，附法人编号"),
    ThematicLibrary("social_security", "社保", ("social_security",),
                    "社保参保记录，附人员与参保单位编号"),
    ThematicLibrary("provident_fund", "公积金", ("housing_provident_fund",),
                    "公积金缴存记录，附人员与缴存单位编号"),
    ThematicLibrary("annual_reports", "年报", ("company_annual_reports",),
                    "企业年报，附法人编号"),
    ThematicLibrary("incidents", "警情", ("incidents_110",),
                    "110 警情，附报警人人员编号与发生地网格"),
    ThematicLibrary("disputes", "纠纷", ("disputes",),
                    "矛盾纠纷调解登记，附当事人人员编号（person_ids）与涉及单位"),
    ThematicLibrary("access_events", "门禁", ("access_control",),
                    "智慧小区门禁通行记录，附人员编号"),
    ThematicLibrary("facilities", "设施", ("facilities",), "公共设施，附所在网格"),
    ThematicLibrary("service_requests", "12345 诉求", ("service_requests",),
                    "12345 热线诉求，附诉求人人员编号与网格"),
    ThematicLibrary("staff", "网格员与社区警力", ("grid_workers", "community_police"),
                    "网格员花名册与社区民警辅警配置：每人一行，附人员编号与所在单位"
                    "（网格或社区警务区）"),
    ThematicLibrary("migrants", "流动人口", (),
                    "人口库中无户籍记录、有流动人口登记的人员，附居住房屋与网格"),
    ThematicLibrary("rented_houses", "出租房屋", (),
                    "房屋库中状态为出租的房屋，附产权人与居住人员"),
)  # fmt: skip
"""The thematic libraries, in build order (derived ones read the base libraries)."""
