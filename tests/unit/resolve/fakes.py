"""A rule-based `Linker` for unit tests: no engine."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shibei.resolve.model import Evidence, ScoredPair, ScoredPairs, records_from_arrow


class FakeLinker:
    """Scores a pair 0.9999 when the pinyin names agree and the phone or birth date
    agrees; 0.6 when only the names agree; otherwise not at all."""

    model_version = "fake"

    def __init__(self) -> None:
        self.calls = 0

    def score(
        self,
        table: Any,
        *,
        prior: float,
        min_probability: float,
        population: Mapping[tuple[str, str], tuple[int, int]] | None = None,
    ) -> ScoredPairs:
        self.calls += 1
        records = records_from_arrow(table)
        out = []
        for i, a in enumerate(records):
            for j in range(i + 1, len(records)):
                b = records[j]
                if (a.id_valid and b.id_valid) or not a.name_key or a.name_key != b.name_key:
                    continue
                strong = (a.phone_std and a.phone_std == b.phone_std) or (
                    a.birth_date and a.birth_date == b.birth_date
                )
                p = 0.9999 if strong else 0.6
                if p >= min_probability:
                    out.append(ScoredPair(i, j, 13.0 if strong else 0.5, p,
                                          {"name": Evidence("pinyin exact", 9.0)}))  # fmt: skip
        return ScoredPairs.of(out)
