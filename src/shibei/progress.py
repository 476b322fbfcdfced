"""Progress reporting port for long work (generation, builds, benchmarks).

Domain code reports through `Progress`; the CLI plugs in a rich progress bar on stderr,
tests use `NullProgress`.
"""

from __future__ import annotations

from typing import Protocol


class Step(Protocol):
    def advance(self, n: int = 1) -> None: ...


class Progress(Protocol):
    def step(self, description: str, total: int | None = None) -> Step:
        """Start a step; call `advance` on it as work is done."""
        ...

    def log(self, message: str) -> None: ...


class _NullStep:
    def advance(self, n: int = 1) -> None:
        pass


class NullProgress:
    """Reports nothing."""

    def step(self, description: str, total: int | None = None) -> _NullStep:
        return _NullStep()

    def log(self, message: str) -> None:
        pass
