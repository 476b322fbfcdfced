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


class TimedProgress:
    """Wraps a Progress and records how long each step took (for benchmarks)."""

    def __init__(self, inner: Progress) -> None:
        import time

        self._clock = time.perf_counter
        self._inner = inner
        self._current: str | None = None
        self._started = 0.0
        self.seconds: dict[str, float] = {}

    def _close(self) -> None:
        if self._current is not None:
            self.seconds[self._current] = round(self._clock() - self._started, 3)
            self._current = None

    def step(self, description: str, total: int | None = None) -> Step:
        self._close()
        self._current, self._started = description, self._clock()
        return self._inner.step(description, total)

    def log(self, message: str) -> None:
        self._inner.log(message)

    def finish(self) -> dict[str, float]:
        self._close()
        return self.seconds
