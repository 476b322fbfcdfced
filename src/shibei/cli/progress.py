"""A rich progress bar on stderr implementing `shibei.progress.Progress`."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


class _RichStep:
    def __init__(self, bar: Progress, task: TaskID) -> None:
        self._bar = bar
        self._task = task

    def advance(self, n: int = 1) -> None:
        self._bar.advance(self._task, n)


class RichProgress:
    """Progress bars on the given (stderr) console."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        )
        self._last: TaskID | None = None

    def __enter__(self) -> RichProgress:
        self._bar.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._finish_last()
        self._bar.stop()

    def _finish_last(self) -> None:
        if self._last is not None:
            task = self._bar.tasks[self._last]
            total = task.total if task.total is not None else 1
            self._bar.update(self._last, total=total, completed=total)
            self._bar.stop_task(self._last)

    def step(self, description: str, total: int | None = None) -> _RichStep:
        self._finish_last()
        self._last = self._bar.add_task(description, total=total)
        return _RichStep(self._bar, self._last)

    def log(self, message: str) -> None:
        self._console.log(message)
