"""Where feed chunks are standardized: the `ChunkRunner`s of ingestion.

The ingest driver (`pipeline.py`) reads every pending batch's raw chunks in order and
hands them to a runner as a stream of `ChunkJob`s, each batch closed by a `BatchEnd`
marker. A runner yields, in the same order, `(batch number, ChunkResult)` for each job
and every marker unchanged, so results arrive batch after batch and the driver writes and
commits one batch at a time, whatever ran them:

- `in_process`: `process_chunk` in this process (small inputs, tests);
- `process_pool`: local worker processes, one `Standardizer` each, at most
  `IN_FLIGHT_PER_WORKER` chunks per worker in flight, so reading, standardizing and
  writing overlap and memory stays bounded;
- Spark executors (`spark_ingest.spark_runner`).

Every runner calls the same pure `process_chunk`, so the lake is the same files whichever
ran (`tests/integration/test_ingest_workers.py`, the Spark equivalence test).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from shibei.gazetteer.gazetteer import Gazetteer
from shibei.ingest.readers import RawChunk
from shibei.ingest.spec import SourceSpec
from shibei.ingest.standardizer import Standardizer
from shibei.ingest.transform import ChunkResult, process_chunk


@dataclass(frozen=True, slots=True)
class ChunkJob:
    """One raw chunk of pending batch number `n`."""

    n: int
    spec: SourceSpec
    batch: str
    chunk: RawChunk


@dataclass(frozen=True, slots=True)
class BatchEnd:
    """Follows the last chunk of batch `n`; `error` when reading it failed part-way (the
    batch is then discarded, never committed)."""

    n: int
    error: Exception | None = None


Item = ChunkJob | BatchEnd
Output = tuple[int, ChunkResult] | BatchEnd
ChunkRunner = Callable[[Iterable[Item]], Iterator[Output]]

IN_FLIGHT_PER_WORKER = 2
"""Chunks (of up to `readers.CHUNK_ROWS` rows) queued or running per worker process."""


def in_process(std: Standardizer) -> ChunkRunner:
    def run(items: Iterable[Item]) -> Iterator[Output]:
        for item in items:
            if isinstance(item, BatchEnd):
                yield item
            else:
                yield item.n, process_chunk(item.chunk, item.spec, item.batch, std)

    return run


_worker_standardizer: Standardizer | None = None


def _start_worker(gazetteer: Gazetteer) -> None:
    global _worker_standardizer
    _worker_standardizer = Standardizer(gazetteer)
    parent = multiprocessing.parent_process()
    if parent is not None:  # a killed build must not leave its workers behind
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: Any) -> None:
    parent.join()
    os._exit(1)


def _standardize(job: ChunkJob) -> ChunkResult:
    assert _worker_standardizer is not None, "worker started without its standardizer"
    return process_chunk(job.chunk, job.spec, job.batch, _worker_standardizer)


@contextmanager
def process_pool(gazetteer: Gazetteer, workers: int) -> Iterator[ChunkRunner]:
    """A runner over `workers` local processes (started fresh, `spawn`: the parent may
    hold DuckDB or Arrow threads). Leaving the context stops them, queued work cancelled."""
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(gazetteer,)
    )
    limit = workers * IN_FLIGHT_PER_WORKER

    def run(items: Iterable[Item]) -> Iterator[Output]:
        window: deque[tuple[int, Future[ChunkResult]] | BatchEnd] = deque()
        in_flight = 0
        for item in items:
            if isinstance(item, BatchEnd):
                window.append(item)
                continue
            window.append((item.n, pool.submit(_standardize, item)))
            in_flight += 1
            while in_flight > limit:
                out = window.popleft()
                if not isinstance(out, BatchEnd):
                    in_flight -= 1
                yield _done(out)
        while window:
            yield _done(window.popleft())

    try:
        yield run
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _done(out: tuple[int, Future[ChunkResult]] | BatchEnd) -> Output:
    if isinstance(out, BatchEnd):
        return out
    n, future = out
    return n, future.result()
