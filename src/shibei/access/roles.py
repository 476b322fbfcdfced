"""Roles, actions and scopes declared as data (datasette `default_actions.py` style).

`POLICY[role][action]` is the scope within which a role may take an action; an action a
role does not list is denied everywhere. Scopes follow RuoYi's data-scope convention:
all / own unit and below / own unit only / self.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Literal

Tree = Literal["admin", "police"]
"""Which hierarchy a unit belongs to: 区→街道→社区→网格, or 分局→派出所→社区警务区."""


class Role(StrEnum):
    DISTRICT_ADMIN = "district_admin"
    STREET_STAFF = "street_staff"
    COMMUNITY_WORKER = "community_worker"
    GRID_WORKER = "grid_worker"
    STATION_POLICE = "station_police"
    POPULATION_BRIGADE = "population_brigade"
    MEDIATOR = "mediator"
    CHAMBER_LIAISON = "chamber_liaison"
    RESIDENT = "resident"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: Final[dict[Role, str]] = {
    Role.DISTRICT_ADMIN: "区级管理员",
    Role.STREET_STAFF: "街道干部",
    Role.COMMUNITY_WORKER: "社区工作者",
    Role.GRID_WORKER: "网格员",
    Role.STATION_POLICE: "派出所民警",
    Role.POPULATION_BRIGADE: "人口大队",
    Role.MEDIATOR: "调解员",
    Role.CHAMBER_LIAISON: "商会联络员",
    Role.RESIDENT: "群众",
}


class Scope(StrEnum):
    ALL = "all"  # the whole district (RuoYi 1: 全部数据)
    UNIT_AND_BELOW = "unit_and_below"  # own unit and every unit under it (RuoYi 4)
    UNIT = "unit"  # own unit only, not the units under it (RuoYi 3)
    SELF = "self"  # only what concerns the actor as a person (RuoYi 5)


@dataclass(frozen=True, slots=True)
class ActionSpec:
    name: str
    label: str
    personal: bool  # True: the action reveals personal data (masked, audited)


ACTIONS: Final[dict[str, ActionSpec]] = {
    a.name: a
    for a in (
        ActionSpec("person.view", "查看人员档案", True),
        ActionSpec("person.search", "查询人员", True),
        ActionSpec("person.unmask", "查看完整身份证号和电话", True),
        ActionSpec("house.view", "查看房屋", True),
        ActionSpec("organization.view", "查看单位", False),
        ActionSpec("organization.search", "查询单位", False),
        ActionSpec("division.view", "查看网格和区划", False),
        ActionSpec("stats.view", "查看统计和地图", False),
        ActionSpec("export", "导出 Excel", True),
        ActionSpec("quality.view", "查看数据质量", False),
        ActionSpec("audit.view", "查看审计日志", True),
        ActionSpec("account.manage", "管理账号", True),
        # the work-order engine (shibei.workflow) and the apps on it
        ActionSpec("workorder.apply", "提交申请、跟踪和评价自己的工单", True),
        ActionSpec("workorder.view", "查看工单", True),
        ActionSpec("workorder.handle", "签收、办理、答复、办结工单", True),
        ActionSpec("workorder.dispatch", "派单、改派、审批延期和督办", True),
        ActionSpec("masscase.report", "涉众案件报案", True),
        ActionSpec("masscase.view", "查看涉众案件和案件簇", True),
        ActionSpec("masscase.review", "确认或驳回并案", True),
        ActionSpec("risk.view", "查看涉众型风险预警", False),
        ActionSpec("risk.verify", "发起风险核查工单", False),
    )
}

ROLE_UNIT: Final[dict[Role, tuple[Tree, str]]] = {
    Role.DISTRICT_ADMIN: ("admin", "district"),
    Role.STREET_STAFF: ("admin", "street"),
    Role.COMMUNITY_WORKER: ("admin", "community"),
    Role.GRID_WORKER: ("admin", "grid"),
    Role.STATION_POLICE: ("police", "station"),
    Role.POPULATION_BRIGADE: ("police", "bureau"),
    Role.MEDIATOR: ("admin", "street"),
    Role.CHAMBER_LIAISON: ("admin", "street"),
    Role.RESIDENT: ("admin", "house"),
}
"""The tree and level of the unit an account of each role is attached to."""

_A, _B, _S = Scope.ALL, Scope.UNIT_AND_BELOW, Scope.SELF
_OFFICIAL: Final[dict[str, Scope]] = {
    "person.view": _B,
    "person.search": _B,
    "house.view": _B,
    "organization.view": _B,
    "organization.search": _B,
    "division.view": _B,
    "stats.view": _B,
    "export": _B,
}

_HANDLER: Final[dict[str, Scope]] = {"workorder.view": _B, "workorder.handle": _B}
_DISPATCHER: Final[dict[str, Scope]] = {**_HANDLER, "workorder.dispatch": _B}
_RISK: Final[dict[str, Scope]] = {"masscase.view": _B, "risk.view": _B, "risk.verify": _B}

POLICY: Final[dict[Role, dict[str, Scope]]] = {
    Role.DISTRICT_ADMIN: {name: _A for name in ACTIONS},
    Role.STREET_STAFF: {**_OFFICIAL, **_DISPATCHER, **_RISK},
    Role.COMMUNITY_WORKER: {**_OFFICIAL, **_HANDLER},
    # grid workers work from a phone: no bulk export
    Role.GRID_WORKER: {**{k: v for k, v in _OFFICIAL.items() if k != "export"}, **_HANDLER},
    Role.STATION_POLICE: {
        **_OFFICIAL,
        **_DISPATCHER,
        **_RISK,
        "person.unmask": _B,
        "masscase.review": _B,
    },
    # household registration is district-wide: the brigade sees the whole district
    Role.POPULATION_BRIGADE: {
        **{name: _A for name in (*_OFFICIAL, *_DISPATCHER, *_RISK)},
        "person.unmask": _A,
        "quality.view": _A,
        "masscase.review": _A,
    },
    # mediators see the parties they mediate for, in their street; no search, no export
    Role.MEDIATOR: {"person.view": _B, "division.view": _B, "stats.view": _B, **_HANDLER},
    # chamber liaisons work with organizations, not persons
    Role.CHAMBER_LIAISON: {
        "organization.view": _B,
        "organization.search": _B,
        "division.view": _B,
        "stats.view": _B,
        "export": _B,
        "risk.view": _B,
    },
    Role.RESIDENT: {
        "person.view": _S,
        "house.view": _S,
        "workorder.apply": _S,
        "workorder.view": _S,
        "masscase.report": _S,
    },
}
"""Role → action → scope. The authorization matrix tests restate this table by hand."""

NAMES_IN_FULL: Final[frozenset[Role]] = frozenset(
    {
        Role.DISTRICT_ADMIN,
        Role.STREET_STAFF,
        Role.COMMUNITY_WORKER,
        Role.GRID_WORKER,
        Role.STATION_POLICE,
        Role.POPULATION_BRIGADE,
    }
)
"""Roles that see other persons' names in full; the rest see 张*伟."""
