"""All 16 feeds of a generated scale-0.002 district ingest (truth/ is never read), the
same lake whether chunks are standardized in this process or by worker processes, and a
file that cannot be read costs only its own batch."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from functools import partial
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from shibei.gazetteer import read_gazetteer
from shibei.ingest import IngestReport, Lake, Standardizer, ingest_feeds
from shibei.ingest.pipeline import PendingBatch, load_batches
from shibei.ingest.readers import FeedError, RawChunk, read_file
from shibei.ingest.runners import in_process, process_pool
from shibei.ingest.spec import SourceSpec, load_specs
from shibei.progress import NullProgress
from shibei.synth.generate import generate_district
from shibei.synth.manifest import read_manifest


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, IngestReport]:
    data = tmp_path_factory.mktemp("district")
    generate_district(data, scale=0.002, seed=7)
    report = ingest_feeds(data / "feeds", data / "lake", read_gazetteer(data / "gazetteer"))
    return data, report


def _mentions(lake: Path, kind: str, source: str) -> pa.Table:
    return pa.concat_tables(
        pq.read_table(p) for p in sorted((lake / "mentions" / kind / source).glob("*.parquet"))
    )


def test_all_sixteen_feeds_ingest_with_every_row_accounted_for(
    ingested: tuple[Path, IngestReport],
) -> None:
    data, report = ingested
    manifest = read_manifest(data / "feeds")
    assert report.errors == []
    assert report.unmatched_files == []
    assert sorted(report.sources) == sorted(manifest["feeds"])
    for name, feed in manifest["feeds"].items():
        s = report.sources[name]
        assert s.batches_loaded == 1, name
        assert s.rows_in == feed["rows"], name
        assert s.rows_in == s.rows_clean + s.rows_quarantined, name
        assert s.rows_quarantined <= 0.02 * s.rows_in, name
        assert (data / "lake" / "quality" / f"{name}.json").exists()


def test_household_registry_mentions_carry_the_house_code(
    ingested: tuple[Path, IngestReport],
) -> None:
    data, _ = ingested
    persons = _mentions(data / "lake", "persons", "police_household_registry")
    assert set(persons.column("role").to_pylist()) == {"hukou"}
    with_house = persons.num_rows - persons.column("house_code").null_count
    assert with_house >= 0.95 * persons.num_rows
    valid_ids = pc.sum(pc.is_valid(persons.column("id_number_std"))).as_py()
    assert valid_ids >= 0.95 * persons.num_rows


def test_employees_carry_their_employers_credit_code(
    ingested: tuple[Path, IngestReport],
) -> None:
    data, _ = ingested
    persons = _mentions(data / "lake", "persons", "social_security")
    orgs = _mentions(data / "lake", "organizations", "social_security")
    assert persons.num_rows == orgs.num_rows
    assert persons.column("uscc_std").null_count <= 0.05 * persons.num_rows
    registry = _mentions(data / "lake", "organizations", "company_registry")
    assert set(registry.column("role").to_pylist()) == {"registry"}


def _lake_files(lake: Path) -> dict[str, object]:
    """Every file of a lake: Parquet as its table, the ledger without `loaded_at` (a
    wall-clock time), quality reports as text."""
    out: dict[str, object] = {}
    for path in sorted(lake.rglob("*")):
        name = str(path.relative_to(lake))
        if path.suffix == ".parquet":
            table = pq.read_table(path)
            out[name] = table.drop_columns(["loaded_at"]) if name == "batches.parquet" else table
        elif path.suffix == ".json":
            out[name] = path.read_text("utf-8")
    return out


def test_worker_processes_write_the_very_lake_one_process_writes(
    ingested: tuple[Path, IngestReport], tmp_path: Path
) -> None:
    data, _ = ingested
    gazetteer = read_gazetteer(data / "gazetteer")
    lakes = {}
    for workers in (1, 2):  # small chunks: batches of several chunks, spread over workers
        lake = tmp_path / f"w{workers}"
        report = ingest_feeds(data / "feeds", lake, gazetteer, chunk_rows=700, workers=workers)
        assert report.errors == [] and report.rows_in > 10_000
        lakes[workers] = _lake_files(lake)
    assert sum(name.startswith("clean/") for name in lakes[1]) == 16
    assert lakes[2].keys() == lakes[1].keys()
    for name, content in lakes[1].items():
        assert lakes[2][name] == content, name


def test_a_file_that_cannot_be_read_is_reported_and_the_others_still_load(
    ingested: tuple[Path, IngestReport], tmp_path: Path
) -> None:
    data, _ = ingested
    feeds = tmp_path / "feeds"
    shutil.copytree(data / "feeds", feeds)
    (feeds / "migrant_registration.xlsx").write_bytes(b"not a workbook")
    report = ingest_feeds(feeds, tmp_path / "lake", read_gazetteer(data / "gazetteer"),
                          chunk_rows=700, workers=2)  # fmt: skip
    assert len(report.errors) == 1 and "migrant_registration.xlsx" in report.errors[0]
    assert report.sources["migrant_registration"].batches_loaded == 0
    ledger = pq.read_table(tmp_path / "lake" / "batches.parquet").column("source").to_pylist()
    assert sorted(ledger) == sorted(set(report.sources) - {"migrant_registration"})
    assert not list((tmp_path / "lake").glob(".staging/*"))


def _failing_after_one_chunk(path: Path, spec: SourceSpec) -> Iterator[RawChunk]:
    yield next(read_file(path, spec, 300))
    raise FeedError("第 301 行之后文件损坏")


@pytest.mark.parametrize("workers", [1, 2])
def test_a_batch_whose_file_breaks_part_way_is_discarded_whole(
    ingested: tuple[Path, IngestReport], tmp_path: Path, workers: int
) -> None:
    data, _ = ingested
    gazetteer = read_gazetteer(data / "gazetteer")
    spec = load_specs()["disputes"]
    good = PendingBatch(
        spec,
        "b-good",
        "disputes.jsonl",
        partial(read_file, data / "feeds" / "disputes.jsonl", spec, 300),
    )
    broken = PendingBatch(spec, "b-broken", "disputes.jsonl",
                          partial(_failing_after_one_chunk, data / "feeds" / "disputes.jsonl",
                                  spec))  # fmt: skip
    with ExitStack() as stack:
        lake = stack.enter_context(Lake(tmp_path / "lake"))
        runner = (stack.enter_context(process_pool(gazetteer, workers)) if workers > 1
                  else in_process(Standardizer(gazetteer)))  # fmt: skip
        loaded, failed = load_batches(lake, [broken, good], runner, NullProgress())
        assert [b.batch for b in loaded] == ["b-good"]
        assert [(p.batch, str(e)) for p, e in failed] == [("b-broken", "第 301 行之后文件损坏")]
        assert [r.batch for r in lake.ledger()] == ["b-good"]
    assert not list((tmp_path / "lake").glob("**/b-broken*"))


_IN_A_DAEMON = """
import multiprocessing, sys
from pathlib import Path

def run(feeds, lake, gazetteer):
    from shibei.gazetteer import read_gazetteer
    from shibei.ingest import ingest_feeds
    report = ingest_feeds(Path(feeds), Path(lake), read_gazetteer(Path(gazetteer)), workers=2)
    return report.rows_in, report.errors

if __name__ == "__main__":
    with multiprocessing.get_context("spawn").Pool(1) as pool:  # its worker is daemonic
        print(pool.apply(run, sys.argv[1:4]))
"""


def test_a_daemonic_process_ingests_in_itself_instead_of_starting_workers(
    ingested: tuple[Path, IngestReport], tmp_path: Path
) -> None:
    data, report = ingested
    script = tmp_path / "daemon.py"
    script.write_text(_IN_A_DAEMON, "utf-8")
    args = [str(data / "feeds"), str(tmp_path / "lake"), str(data / "gazetteer")]
    done = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True,
                          timeout=300, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == f"({report.rows_in}, [])"


def test_later_deliveries_in_subdirectories_load_as_batches_of_their_feed(
    tmp_path: Path,
) -> None:
    data = tmp_path / "district"
    manifest = generate_district(data, scale=0.001, seed=7, deliveries=3)
    (data / "feeds" / "delivery-02" / "notes.txt").write_text("交付说明", encoding="utf-8")
    gazetteer = read_gazetteer(data / "gazetteer")
    report = ingest_feeds(data / "feeds", data / "lake", gazetteer)
    assert report.errors == []
    assert report.unmatched_files == ["delivery-02/notes.txt"]
    assert manifest["feed_rows"] == 3 * sum(f["rows"] for f in manifest["feeds"].values())
    for name, feed in manifest["feeds"].items():
        s = report.sources[name]
        assert s.batches_loaded == 3, name
        assert s.rows_in == 3 * feed["rows"], name
        with Lake(data / "lake") as lake:
            files = sorted(row.file for row in lake.batches_of(name))
        assert files == sorted(
            [feed["file"], f"delivery-02/{feed['file']}", f"delivery-03/{feed['file']}"]
        ), name
    again = ingest_feeds(data / "feeds", data / "lake", gazetteer)
    assert all(s.batches_loaded == 0 and s.batches_skipped == 3 for s in again.sources.values())
