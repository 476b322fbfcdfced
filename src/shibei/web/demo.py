"""Demo accounts: one per role, each scoped to a real street, community and grid."""

from __future__ import annotations

from shibei.access import Role
from shibei.access.accounts import NewAccount
from shibei.foundation.reader import FoundationReader
from shibei.gazetteer import Gazetteer


def unit_codes(gazetteer: Gazetteer) -> set[str]:
    """Every unit an account may belong to: divisions and police units."""
    codes = {"370203", "370203P"}
    for table in (gazetteer.streets, gazetteer.communities, gazetteer.grids):
        codes.update(item.code for item in table)
    codes.update(s.code for s in gazetteer.household_registration_units)
    return codes


def demo_accounts(gazetteer: Gazetteer, reader: FoundationReader | None) -> list[NewAccount]:
    """The first street and, in it, the first community and grid that have residents."""
    street = gazetteer.streets[0]
    community = gazetteer.communities_of(street.code)[0]
    grid = gazetteer.grids_of(community.code)[0]
    resident = None
    if reader is not None:
        for candidate in gazetteer.grids_of(community.code):
            found = reader.search_persons(within=candidate.code, limit=1)
            if found:
                grid, resident = candidate, found[0].person_id
                break
    station = gazetteer.station_of(community.code)
    brigade = gazetteer.population_brigade
    accounts = [
        NewAccount("admin", "区级管理员", Role.DISTRICT_ADMIN, "370203"),
        NewAccount("street", f"{street.name}干部", Role.STREET_STAFF, street.code),
        NewAccount("community", f"{community.name}工作者", Role.COMMUNITY_WORKER, community.code),
        NewAccount("grid", f"{grid.name}网格员", Role.GRID_WORKER, grid.code),
        NewAccount("police", f"{station.name}民警", Role.STATION_POLICE, station.code),
        NewAccount("brigade", brigade.name, Role.POPULATION_BRIGADE, brigade.code),
        NewAccount("mediator", f"{street.name}调解员", Role.MEDIATOR, street.code),
        NewAccount("chamber", f"{street.name}商会联络员", Role.CHAMBER_LIAISON, street.code),
    ]
    if resident is not None:
        accounts.append(NewAccount("resident", "群众（演示）", Role.RESIDENT, "", resident))
    return accounts
