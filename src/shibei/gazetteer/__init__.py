"""The district's spatial skeleton as data: streets, communities, grids, roads, compounds,
buildings, houses with standard addresses, facilities and the police tree.

>>> gazetteer = build_gazetteer(scale=0.01, seed=1)        # doctest: +SKIP
>>> gazetteer.address(gazetteer.houses[0].code).text        # doctest: +SKIP
'山东省青岛市市北区辽宁路街道科技街社区…号…号楼1单元101室'
"""

from shibei.gazetteer.build import build_gazetteer
from shibei.gazetteer.facilities import FACILITY_COUNTS, FacilityKind
from shibei.gazetteer.facts import house_target
from shibei.gazetteer.gazetteer import Gazetteer
from shibei.gazetteer.storage import read_gazetteer, write_gazetteer

__all__ = [
    "FACILITY_COUNTS",
    "FacilityKind",
    "Gazetteer",
    "build_gazetteer",
    "house_target",
    "read_gazetteer",
    "write_gazetteer",
]
