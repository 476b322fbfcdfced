"""The port to the probabilistic linkage engine.

`Linker` scores candidate pairs of identity records with a fixed, versioned model; the
Splink + DuckDB implementation is `shibei.resolve.splink_linker.SplinkLinker` (engine
imports stay inside that module), and tests use a rule-based fake.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from shibei.resolve.model import ScoredPairs


class Linker(Protocol):
    """Scores pairs of records that a blocking rule puts together.

    Pairs where both records carry a valid ID number are never returned (the deterministic
    stage decides those); every returned pair has `left < right` (record indices) and
    `match_probability >= min_probability`.
    """

    model_version: str

    def score(
        self,
        records: Any,
        *,
        prior: float,
        min_probability: float,
        population: Mapping[tuple[str, str], tuple[int, int]] | None = None,
    ) -> ScoredPairs:
        """`records` is an Arrow table: `unique_id` (0, 1, … in row order) and the
        identity tuple (`model.PersonRecord`'s fields; `model.records_from_arrow` turns it
        into records). `prior` is the probability two random records match;
        `population` counts, per level whose chance agreement depends on the population
        (`person_model.POPULATION_LEVELS`), (agreeing pairs, pairs) in the run's records,
        from which the level's u is set (`person_model.with_population`): both per run;
        the rest of the model is fixed."""
        ...
