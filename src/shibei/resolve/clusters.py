"""Clustering scored pairs under cannot-link constraints.

Records start in their deterministic groups. Pairs are taken best first; two components
join unless that would put two different valid ID numbers in one person — so a leftover
mention joins at most one ID-number person, the one it matches best.
"""

from __future__ import annotations

from collections.abc import Mapping

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

    def moved(self) -> dict[int, int]:
        """Every record this structure knows (seeded or joined) → its root now."""
        known = set(self._parent) | set(self._parent.values()) | set(self._labels)
        return {i: self.find(i) for i in sorted(known)}


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
