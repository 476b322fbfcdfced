"""Splink's predictions become column-wise scored pairs: `left < right`, one evidence
dict per distinct combination of comparison weights, and the pair clustering over them
(component by component, the same answer as taking the pairs one by one)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from shibei.resolve.clusters import ConstrainedClusters, accept_pairs, cluster_pairs
from shibei.resolve.model import Evidence, ScoredPair, ScoredPairs
from shibei.resolve.splink_linker import scored_pairs

LEVELS = {"name": [("exact", 9.0), ("pinyin", 6.0)], "phone": [("exact", 7.0)]}


def _predictions() -> pa.Table:
    return pa.table({
        "unique_id_l": pa.array([3, 1, 2, 5], pa.int64()),
        "unique_id_r": pa.array([1, 4, 6, 0], pa.int64()),
        "match_weight": [16.0, 6.0, 16.0, 9.5],
        "match_probability": [0.9999, 0.98, 0.9999, 0.995],
        "mw_name": [9.0, 6.0, 9.0, 9.0],
        "mw_phone": [7.0, None, 7.0, 0.0],
        "mw_tf_adj_phone": [None, None, None, 0.5],
    })  # fmt: skip


def test_pairs_are_ordered_and_equal_weights_share_one_evidence() -> None:
    pairs = scored_pairs(_predictions(), LEVELS)
    assert list(zip(pairs.left.tolist(), pairs.right.tolist(), strict=True)) == [
        (1, 3), (1, 4), (2, 6), (0, 5)]  # fmt: skip
    first, second, third, fourth = (pairs.pair(i) for i in range(4))
    assert first.evidence is third.evidence
    assert first.evidence == {"name": Evidence("exact", 9.0), "phone": Evidence("exact", 7.0)}
    assert second.evidence == {"name": Evidence("pinyin", 6.0)}  # no phone: left out
    assert fourth.evidence["phone"] == Evidence("null", 0.5)  # weight 0 + tf adjustment
    assert len(pairs.evidence) == 3
    assert (first.match_weight, first.match_probability) == (16.0, 0.9999)


def test_no_predictions_no_pairs() -> None:
    pairs = scored_pairs(_predictions().slice(0, 0), LEVELS)
    assert len(pairs) == 0 and pairs.evidence == []


def test_pairs_join_best_first_and_ties_go_to_the_smaller_records() -> None:
    clusters = ConstrainedClusters({0: (0, "A"), 1: (1, "B")})
    pairs = ScoredPairs.of([
        ScoredPair(1, 2, 10.0, 0.999),
        ScoredPair(0, 2, 10.0, 0.999),  # same weight: (0, 2) sorts first and wins
        ScoredPair(2, 3, 12.0, 0.9999),
        ScoredPair(3, 4, 20.0, 0.5),  # below the threshold
    ])  # fmt: skip
    assert accept_pairs(clusters, pairs, 0.99) == [2, 1]
    assert clusters.find(3) == clusters.find(0) != clusters.find(1)
    assert clusters.find(4) == 4


def _one_by_one(groups: list[int], labelled: list[bool], pairs: ScoredPairs) -> tuple[Any, ...]:
    """`accept_pairs` over every record seeded with its group: the reference answer."""
    clusters = ConstrainedClusters({
        r: (g, f"L{g}" if labelled[g] else None) for r, g in enumerate(groups)})  # fmt: skip
    accepted = accept_pairs(clusters, pairs, 0.99)
    roots = {g: (clusters.find(g), clusters.labelled(g)) for g in set(groups)}
    return accepted, roots


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_clustering_by_component_gives_the_answer_of_taking_pairs_one_by_one(data: Any) -> None:
    n = data.draw(st.integers(2, 14))
    # a record's group is itself or an earlier group's first record (a group's root is its
    # smallest record); a group holds an ID label or not
    groups: list[int] = []
    for r in range(n):
        roots = sorted({g for g in groups} | {r})
        groups.append(data.draw(st.sampled_from(roots)))
    labelled = [data.draw(st.booleans()) for _ in range(n)]
    drawn = data.draw(st.lists(
        st.tuples(st.integers(0, n - 1), st.integers(0, n - 1),
                  st.sampled_from([5.0, 8.0, 12.0]), st.sampled_from([0.5, 0.995, 0.9999])),
        max_size=30))  # fmt: skip
    pairs = ScoredPairs.of([ScoredPair(min(a, b), max(a, b), w, p)
                            for a, b, w, p in drawn if a != b])  # fmt: skip
    accepted, roots = _one_by_one(groups, labelled, pairs)
    got = cluster_pairs(np.array(groups, np.int64), np.array(labelled, bool), pairs, 0.99)
    assert got.accepted.tolist() == accepted
    for node, root, holds in zip(got.nodes.tolist(), got.roots.tolist(),
                                 got.labelled.tolist(), strict=True):  # fmt: skip
        assert (root, holds) == roots[node]
    untouched = set(groups) - set(got.nodes.tolist())
    assert all(roots[g] == (g, labelled[g]) for g in untouched)
