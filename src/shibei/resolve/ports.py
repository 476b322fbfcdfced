"""The port to the probabilistic linkage engine.

`Linker` scores candidate pairs of identity records with a fixed, versioned model; the
Splink + DuckDB implementation is `shibei.resolve.splink_linker.SplinkLinker` (engine
imports stay inside that module), and tests use a rule-based fake.
"""

from __future__ import annotations

from typing import Any, Protocol

from shibei.resolve.model import ScoredPair


class Linker(Protocol):
    """Scores pairs of records that a blocking rule puts together.

    Pairs where both records carry a valid ID number are never returned (the deterministic
    stage decides those); every returned pair has `left < right` (record indices) and
    `match_probability >= min_probability`.
    """

    model_version: str

    def score(self, records: Any, *, prior: float, min_probability: float) -> list[ScoredPair]:
        """`records` is an Arrow table: `unique_id` (0, 1, … in row order) and the
        identity tuple (`model.PersonRecord`'s fields; `model.records_from_arrow` turns it
        into records). `prior` is the probability two random records match (set per run:
        it depends on how many records there are, the rest of the model does not)."""
        ...
