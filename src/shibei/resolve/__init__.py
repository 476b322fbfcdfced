"""Entity resolution: person and organization mentions → entities with stable ids,
golden records, conflicts and explanations (docs/resolve.md).

Engine-free except `splink_linker`, which imports Splink and DuckDB inside its functions.
"""

from __future__ import annotations

from shibei.resolve.evaluation import evaluate_person_links
from shibei.resolve.explain import Explanation, explain
from shibei.resolve.pipeline import ResolveReport, resolve
from shibei.resolve.ports import Linker
from shibei.resolve.splink_linker import baseline_splink_dedupe

__all__ = [
    "Explanation",
    "Linker",
    "ResolveReport",
    "baseline_splink_dedupe",
    "evaluate_person_links",
    "explain",
    "resolve",
]
