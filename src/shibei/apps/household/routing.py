""" "22+1" routing: which household-registration unit handles an application.

A station-level matter goes to the 派出所 of the applicant's hukou house or residence
house (the matter says which), looked up in the foundation; a district-level matter goes
to the population brigade (人口大队). When the foundation knows no house in the district
for the applicant, the brigade takes it and hands it on (stations may hand over to each
other, and the brigade to any station).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from shibei.apps.household.catalogue import Matter, Route
from shibei.errors import ShibeiError
from shibei.foundation.reader import PersonView
from shibei.gazetteer import Gazetteer


@dataclass(frozen=True, slots=True)
class Unit:
    code: str  # 370203P01 … 370203P22, 370203P90
    name: str
    brigade: bool


@dataclass(frozen=True, slots=True)
class Routing:
    """Where an application goes and why (shown to staff and the applicant)."""

    unit: Unit
    why: str
    house_code: str | None  # the house the decision rests on, if any


class HandOverRefused(ShibeiError):
    pass


class Router:
    """Routes by the community part of a house code (house codes start with their
    community's 12-digit code)."""

    def __init__(
        self, station_of_community: Mapping[str, str], units: Mapping[str, Unit], brigade: str
    ) -> None:
        self._station = dict(station_of_community)
        self.units = dict(units)
        self.brigade = self.units[brigade]

    @classmethod
    def from_gazetteer(cls, gazetteer: Gazetteer) -> Router:
        stations = {d.community_code: d.station_code for d in gazetteer.police_districts}
        units = {
            s.code: Unit(s.code, s.name, s.code == gazetteer.population_brigade.code)
            for s in gazetteer.household_registration_units
        }
        return cls(stations, units, gazetteer.population_brigade.code)

    @property
    def stations(self) -> list[Unit]:
        """The 22 stations, then the brigade."""
        return sorted(self.units.values(), key=lambda u: (u.brigade, u.code))

    def station_of_house(self, house_code: str | None) -> Unit | None:
        if not house_code or len(house_code) < 12:
            return None
        code = self._station.get(house_code[:12])
        return self.units[code] if code else None

    def route(
        self, matter: Matter, person: PersonView | None, target_house: str | None = None
    ) -> Routing:
        """The unit for `matter` applied for by `person` (None: unknown to the foundation);
        `target_house` is the house a move or residence registration names, if known."""
        if matter.route is Route.BRIGADE:
            return Routing(self.brigade, "区级审批事项，由人口大队办理", None)
        hukou = person.hukou_house_code if person else None
        home = person.house_code if person else None
        if matter.route is Route.HUKOU:
            order = [(hukou, "户籍所在地"), (home, "居住地"), (target_house, "申请地址")]
        else:
            order = [(target_house, "申请地址"), (home, "居住地"), (hukou, "户籍所在地")]
        for house, label in order:
            unit = self.station_of_house(house)
            if unit is not None:
                return Routing(unit, f"按{label}派出所受理（22+1 就近分派）", house)
        return Routing(self.brigade, "人口库中未找到本区住址，由人口大队受理后分派", None)

    def check_hand_over(self, from_code: str, to_code: str) -> Unit:
        """The unit an order may be handed over to; raises HandOverRefused otherwise."""
        if to_code not in self.units:
            raise HandOverRefused("转交目标不是本区户政单位")
        if to_code == from_code:
            raise HandOverRefused("不能转交给本单位")
        return self.units[to_code]
