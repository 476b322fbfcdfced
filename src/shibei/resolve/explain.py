"""Why two mentions are one person: the evidence chain from `explanations.parquet`."""

from __future__ import annotations

import json
from collections import defaultdict, deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shibei.resolve.lake import read_table


@dataclass(frozen=True, slots=True)
class Explanation:
    """One link on the chain: the two mentions, the match weight and probability, and the
    evidence (field → {"level", "weight"})."""

    left_mention_id: str
    right_mention_id: str
    match_weight: float | None
    match_probability: float
    evidence: dict[str, Any]


def explain(lake_dir: Path, left_mention_id: str, right_mention_id: str) -> list[Explanation]:
    """The links that join the two mentions, in order from left to right; [] when they
    are not linked. A direct pair gives one link; mentions linked through others give the
    shortest chain (e.g. a typo'd ID → its phone match → the ID-number person).

    Each `explanations` row is one such link: a valid ID number shared with the group's
    first mention, an identical identity tuple, or a probabilistic pair with its per-field
    comparison levels and weights."""
    rows = read_table(lake_dir / "resolve" / "explanations.parquet")
    graph: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        graph[row["left_mention_id"]].append(row)
        graph[row["right_mention_id"]].append(row)
    came: dict[str, dict[str, Any] | None] = {left_mention_id: None}
    queue = deque([left_mention_id])
    while queue:
        node = queue.popleft()
        if node == right_mention_id:
            break
        for row in graph[node]:
            other = (
                row["right_mention_id"]
                if row["left_mention_id"] == node
                else row["left_mention_id"]
            )
            if other not in came:
                came[other] = row
                queue.append(other)
    if right_mention_id not in came or left_mention_id == right_mention_id:
        return []
    chain: list[Explanation] = []
    node = right_mention_id
    while (step := came[node]) is not None:
        row = step
        chain.append(
            Explanation(
                row["left_mention_id"],
                row["right_mention_id"],
                row["match_weight"],
                row["match_probability"],
                json.loads(row["evidence"]),
            )
        )
        node = row["right_mention_id"] if row["left_mention_id"] == node else row["left_mention_id"]
    return list(reversed(chain))
