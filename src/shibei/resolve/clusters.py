"""Clustering scored pairs under cannot-link constraints.

Records start in their deterministic groups. Pairs are taken best first; two components
join unless that would put two different valid ID numbers in one person — so a leftover
mention joins at most one ID-number person, the one it matches best.
"""

from __future__ import annotations

from collections.abc import Sequence

from shibei.resolve.model import ScoredPair


class ConstrainedClusters:
    """Union-find over records; each root keeps the set of ID labels in its component."""

    def __init__(self, size: int) -> None:
        self._parent = list(range(size))
        self._labels: list[frozenset[str]] = [frozenset()] * size

    @classmethod
    def grouped(cls, roots: Sequence[int], labels: Sequence[str | None]) -> ConstrainedClusters:
        """Records already joined in groups: `roots[i]` is the smallest record of i's
        group (itself when alone) and `labels[i]` the group's ID label, if any."""
        clusters = cls(0)
        clusters._parent = list(roots)
        clusters._labels = [frozenset()] * len(roots)
        for i, label in enumerate(labels):
            if label is not None:
                clusters._labels[roots[i]] = frozenset((label,))
        return clusters

    def find(self, i: int) -> int:
        root = i
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[i] != root:
            self._parent[i], i = root, self._parent[i]
        return root

    def union(self, a: int, b: int, *, force: bool = False) -> bool:
        """Join the components of a and b; refused (False) when both carry different
        labels, unless `force`."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        merged = self._labels[ra] | self._labels[rb]
        if len(merged) > 1 and not force:
            return False
        low, high = (ra, rb) if ra < rb else (rb, ra)
        self._parent[high] = low
        self._labels[low] = merged
        return True

    def labelled(self, i: int) -> bool:
        """Whether the component of i holds an ID label."""
        return bool(self._labels[self.find(i)])

    def components(self) -> list[int]:
        return [self.find(i) for i in range(len(self._parent))]


def accept_pairs(
    clusters: ConstrainedClusters, pairs: Sequence[ScoredPair], threshold: float
) -> list[ScoredPair]:
    """Join pairs at or above `threshold`, best first; returns the pairs that joined
    two components (the evidence of the links)."""
    accepted: list[ScoredPair] = []
    ordered = sorted(pairs, key=lambda p: (-p.match_weight, p.left, p.right))
    for p in ordered:
        if p.match_probability < threshold:
            continue
        if clusters.find(p.left) == clusters.find(p.right):
            continue
        if clusters.union(p.left, p.right):
            accepted.append(p)
    return accepted
