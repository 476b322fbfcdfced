"""Benchmarks: `shibei bench NAME [--scale S]`.

Each benchmark is a module here with `run(scale: float, progress: Progress) -> dict`;
progress goes to stderr and the returned figures are printed as one flat JSON object,
the last line of stdout (DESIGN.md, Interfaces). Modules are imported only when run.
"""

from __future__ import annotations

BENCHMARKS: dict[str, str] = {
    "generate": "shibei.bench.generate",
    "foundation": "shibei.bench.foundation",
    "address": "shibei.bench.address",
    "resolve": "shibei.bench.resolve",
    "web": "shibei.bench.web",
    "scale": "shibei.bench.scale",
    "incremental": "shibei.bench.incremental",
    "intake": "shibei.bench.intake",
    "risk": "shibei.bench.risk",
    "workorders": "shibei.bench.workorders",
    "readers": "shibei.bench.readers",
    "volume": "shibei.bench.volume",
}
"""Benchmark name → module holding its `run`."""
