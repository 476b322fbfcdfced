"""Clustering scored pairs under cannot-link constraints.

Records start in their deterministic groups. Pairs are taken best first; two components
join unless that would put two different valid ID numbers in one person — so a leftover
mention joins at most one ID-number person, the one it matches best.

`cluster_pairs` gives the answer of taking every pair in turn (`accept_pairs` on
`ConstrainedClusters`) component by component: where the pairs connect at most one ID
label, no join is ever refused and taking pairs best first is Kruskal's algorithm, so
the pairs that join are the minimum spanning forest with each pair weighing its place in
the order (distinct weights: exactly one forest), found by scipy over arrays. Only the
few components that connect two labels or more (at the whole district 604 of 319,774,
with 2,668 of 729,117 pairs) are walked pair by pair.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shibei.resolve.model import ScoredPairs


class ConstrainedClusters:
    """Union-find over records that only stores what changed: a record not mentioned is
    its own root until it is joined. Each root keeps the set of ID labels in its
    component. `groups` seeds it with deterministic groups: record → (its group's first
    record, the group's label)."""

    def __init__(self, groups: Mapping[int, tuple[int, str | None]] | None = None) -> None:
        self._parent: dict[int, int] = {}
        self._labels: dict[int, frozenset[str]] = {}
        for record, (root, label) in (groups or {}).items():
            if record != root:
                self._parent[record] = root
            if label is not None:
                self._labels[root] = frozenset((label,))

    def find(self, i: int) -> int:
        parent = self._parent
        root = i
        while root in parent:
            root = parent[root]
        while i in parent and parent[i] != root:
            parent[i], i = root, parent[i]
        return root

    def union(self, a: int, b: int, *, force: bool = False) -> bool:
        """Join the components of a and b; refused (False) when both carry different
        labels, unless `force`."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        merged = self._labels.get(ra, frozenset()) | self._labels.get(rb, frozenset())
        if len(merged) > 1 and not force:
            return False
        low, high = (ra, rb) if ra < rb else (rb, ra)
        self._parent[high] = low
        self._labels[low] = merged
        return True

    def labelled(self, i: int) -> bool:
        """Whether the component of i holds an ID label."""
        return bool(self._labels.get(self.find(i)))


def accept_pairs(clusters: ConstrainedClusters, pairs: ScoredPairs, threshold: float) -> list[int]:
    """Join pairs at or above `threshold`, best first (weight, then the records); returns
    the indices of the pairs that joined two components (the evidence of the links)."""
    import numpy as np

    ok = np.flatnonzero(pairs.match_probability >= threshold)
    order = ok[np.lexsort((pairs.right[ok], pairs.left[ok], -pairs.match_weight[ok]))]
    accepted: list[int] = []
    find, union = clusters.find, clusters.union
    for i, a, b in zip(
        order.tolist(), pairs.left[order].tolist(), pairs.right[order].tolist(), strict=True
    ):
        if find(a) != find(b) and union(a, b):
            accepted.append(i)
    return accepted


@dataclass(frozen=True, slots=True)
class Clustering:
    """What `cluster_pairs` decided, as arrays: the pairs that joined two components
    (indices into the pairs, best first), and for each group root the pairs touch
    (`nodes`) the root of its component afterwards (its smallest record) and whether that
    component holds an ID label."""

    accepted: Any  # int64
    nodes: Any  # int64
    roots: Any  # int64
    labelled: Any  # bool


def cluster_pairs(
    group_root: Any, labelled: Any, pairs: ScoredPairs, threshold: float
) -> Clustering:
    """`accept_pairs` over records seeded with their deterministic groups — `group_root`
    (each record's group's first record) and `labelled` (whether the group holds an ID
    label), arrays indexed by record — computed component by component (module doc)."""
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components, minimum_spanning_tree

    ok = np.flatnonzero(pairs.match_probability >= threshold)
    order = ok[np.lexsort((pairs.right[ok], pairs.left[ok], -pairs.match_weight[ok]))]
    a, b = group_root[pairs.left[order]], group_root[pairs.right[order]]
    between = a != b  # a pair inside one group never joins anything
    order, a, b = order[between], a[between], b[between]
    if not len(order):
        none = np.zeros(0, np.int64)
        return Clustering(none, none, none, np.zeros(0, bool))
    nodes, index = np.unique(np.concatenate([a, b]), return_inverse=True)
    ia, ib, n = index[: len(a)], index[len(a) :], len(nodes)
    count, component = connected_components(
        coo_matrix((np.ones(len(ia)), (ia, ib)), shape=(n, n)), directed=False
    )
    labels = np.bincount(component, weights=labelled[nodes], minlength=count)
    walked = labels[component[ia]] >= 2  # pairs of components that may refuse a join
    # the rest: minimum spanning forest, each pair weighing its place in the order (+1:
    # scipy reads 0 as no edge); of repeated node pairs only the first can join
    place = np.flatnonzero(~walked)
    low, high = np.minimum(ia[place], ib[place]), np.maximum(ia[place], ib[place])
    _, first = np.unique(low * n + high, return_index=True)
    place, low, high = place[first], low[first], high[first]
    forest = minimum_spanning_tree(
        coo_matrix(((place + 1).astype(np.float64), (low, high)), shape=(n, n)).tocsr()
    ).tocoo()
    taken = [forest.data.astype(np.int64) - 1]
    smallest = np.full(count, np.iinfo(np.int64).max)
    np.minimum.at(smallest, component, nodes)
    roots, joined_labelled = smallest[component], labels[component] >= 1
    hard = np.flatnonzero(walked)
    if len(hard):
        records = np.union1d(pairs.left[order[hard]], pairs.right[order[hard]])
        clusters = ConstrainedClusters({
            int(r): (int(g), str(g) if labelled[g] else None)
            for r, g in zip(records.tolist(), group_root[records].tolist(), strict=True)
        })  # fmt: skip
        taken.append(hard[accept_pairs(clusters, pairs.take(order[hard]), threshold)])
        for i in np.flatnonzero(labels[component] >= 2).tolist():
            roots[i] = clusters.find(int(nodes[i]))
            joined_labelled[i] = clusters.labelled(int(roots[i]))
    return Clustering(order[np.sort(np.concatenate(taken))], nodes, roots, joined_labelled)
