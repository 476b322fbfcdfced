"""The 地址库 part of the foundation, straight from the gazetteer: one record per house
with its canonical address and divisions, and the division tree with names."""

from __future__ import annotations

from typing import Any

from shibei.gazetteer import Gazetteer
from shibei.gazetteer.model import DISTRICT_CODE, DISTRICT_NAME


def address_records(gazetteer: Gazetteer) -> list[dict[str, Any]]:
    """Every house: code, canonical address text, use, area, divisions, coordinates."""
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
