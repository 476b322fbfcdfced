"""All 16 feeds of a generated scale-0.002 district ingest (truth/ is never read)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from shibei.gazetteer import read_gazetteer
from shibei.ingest import IngestReport, ingest_feeds
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
