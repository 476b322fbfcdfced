"""Roads: the real names from data/roads.csv, plus generated Qingdao-style names.

A road crossing several streets has one Road segment per street. Real names whose
street is not known (data/roads.csv leaves street_names empty) are placed in the
streets with the fewest real roads: their street is a guess, their name is real.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from shibei.gazetteer.codes import road_code
from shibei.gazetteer.model import Road
from shibei.gazetteer.tables import CommunityRow, RoadRow, StreetRow, word_list

OLD_ROAD_NAMES = 12
"""Generated roads that also carry an old name (旧名), listed in Gazetteer.aliases."""
_VARIANTS = (("支路", 0.35), ("一路", 0.25), ("二路", 0.2))


def build_roads(
    streets: Sequence[StreetRow],
    communities: Sequence[CommunityRow],
    real: Sequence[RoadRow],
    needs: Mapping[str, int],
    rng: np.random.Generator,
) -> tuple[list[Road], dict[str, str]]:
    """Road segments for every street (at least `needs[street]` each) and old road
    names (alias → road code). Real roads are never dropped, even past the need."""
    code_of = {s.name: s.code for s in streets}
    names: dict[str, list[str]] = {s.code: [] for s in streets}
    for row in real:
        for street_name in row.street_names:
            names[code_of[street_name]].append(row.name)
    for row in real:
        if not row.street_names:
            neediest = max(streets, key=lambda s: needs[s.code] - len(names[s.code]))
            names[neediest.code].append(row.name)
    real_names = {row.name for row in real}

    taken = _taken_words(streets, communities, real)
    stems = [s for s in word_list("place_stems") if not any(s in w for w in taken)]
    order = [stems[i] for i in rng.permutation(len(stems))]
    for street in streets:
        street_names = names[street.code]
        while len(street_names) < needs[street.code]:
            stem = order.pop()
            group = [stem + "路"] + [stem + v for v, p in _VARIANTS if rng.random() < p]
            for name in group[: needs[street.code] - len(street_names)]:
                street_names.append(name)

    roads = [
        Road(road_code(street.code, i), name, street.code, name in real_names)
        for street in streets
        for i, name in enumerate(names[street.code], start=1)
    ]
    renamed = [r for r in roads if not r.real]  # generated names: one segment each
    chosen = rng.choice(len(renamed), size=min(OLD_ROAD_NAMES, len(renamed)), replace=False)
    aliases = {order.pop() + "路": renamed[i].code for i in sorted(chosen)}
    return roads, aliases


def _taken_words(
    streets: Sequence[StreetRow], communities: Sequence[CommunityRow], real: Sequence[RoadRow]
) -> set[str]:
    """Names a generated road stem must not be part of (nor contain)."""
    words = {row.name for row in real}
    words |= {s.name.removesuffix("街道") for s in streets}
    words |= {c.name.removesuffix("社区") for c in communities}
    return words
