"""The port to the probabilistic linkage engine.

`Linker` scores candidate pairs of identity records with a fixed, versioned model; the
Splink + DuckDB implementation is `shibei.resolve.splink_linker.SplinkLinker` (engine
imports stay inside that module), and tests use a rule-based fake.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from shibei.resolve.model import PersonRecord, ScoredPair


class Linker(Protocol):
    """Scores pairs of records that a blocking rule puts together.

    Pairs where both records carry a valid ID number are never returned (the deterministic
    stage decides those); every returned pair has `left < right` (record indices) and
    `match_probability >= min_probability`.
    """

    model_version: str

    def score(
        self,
        records: Sequence[PersonRecord],
        *,
        prior: float,
        min_probability: float,
    ) -> list[ScoredPair]:
        """`prior` is the probability two random records match (set per run: it depends
        on how many records there are, the rest of the model does not)."""
        ...
