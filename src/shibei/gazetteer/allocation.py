"""Splitting a whole number into parts by weight."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def allocate(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """Split `total` into integers proportional to `weights`, each at least `minimum`
    (largest remainder; ties go to the earlier item, so the result is deterministic)."""
    base = minimum * len(weights)
    if total < base:
        raise ValueError(f"cannot give {len(weights)} items {minimum} each out of {total}")
    w = np.asarray(weights, dtype=np.float64)
    shares = (total - base) * w / w.sum()
    counts = np.floor(shares).astype(np.int64)
    remainders = shares - counts
    extra = total - base - int(counts.sum())
    for i in np.argsort(-remainders, kind="stable")[:extra]:
        counts[i] += 1
    return [int(c) + minimum for c in counts]
