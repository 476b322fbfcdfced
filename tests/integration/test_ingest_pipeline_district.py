"""The whole pipeline (`shibei build`: ingest → resolve → foundation) on a generated
scale-0.002 district: thematic libraries, roster staff linked to their units, rollups
that add up across levels, ids stable across a rebuild and a reload of the same feeds."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from shibei.bootstrap import build
from shibei.config import Settings
from shibei.foundation.build_sql import LIBRARIES_DIR
from shibei.foundation.libraries import THEMATIC_LIBRARIES, ThematicLibrary
from shibei.synth.generate import generate_district


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("district")
    generate_district(data, scale=0.002, seed=7)
    build(Settings(data_dir=data))
    return data / "lake"


def _count(path: Path) -> int:
    return int(pq.read_metadata(path).num_rows) if path.is_file() else sum(
        pq.read_metadata(p).num_rows for p in path.glob("**/*.parquet")
    )  # fmt: skip


def test_every_thematic_library_is_built_and_named_in_the_catalog(built: Path) -> None:
    libraries = built / "foundation" / LIBRARIES_DIR
    with duckdb.connect(str(built / "foundation.duckdb"), read_only=True) as con:
        views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views()").fetchall()}
        for library in THEMATIC_LIBRARIES:
            assert (libraries / f"{library.name}.parquet").exists(), library.name
            assert library.name in views, library.name
        incidents = con.execute(
            "SELECT count(*), count(person_id), count(grid_code) FROM incidents"
        ).fetchall()[0]
    assert incidents[0] > 0 and 0 < incidents[1] < incidents[0] and incidents[2] > 0


@pytest.mark.parametrize(
    "library", [lib for lib in THEMATIC_LIBRARIES if lib.sources and lib.name != "staff"],
    ids=lambda lib: lib.name,
)  # fmt: skip
def test_a_feed_library_holds_every_clean_row_of_its_feeds(
    built: Path, library: ThematicLibrary
) -> None:
    clean = sum(_count(built / "clean" / s) for s in library.sources)
    assert _count(built / "foundation" / LIBRARIES_DIR / f"{library.name}.parquet") == clean


def test_roster_staff_are_persons_linked_to_their_units(built: Path) -> None:
    staff = pq.read_table(built / "foundation" / LIBRARIES_DIR / "staff.parquet").to_pylist()
    persons = set(pq.read_table(built / "foundation" / "persons.parquet").column("person_id")
                  .to_pylist())  # fmt: skip
    grids = {
        r["code"]
        for r in pq.read_table(built / "foundation" / "divisions.parquet").to_pylist()
        if r["level"] == "grid"
    }
    workers = [s for s in staff if s["role"] == "grid_worker"]
    police = [s for s in staff if s["role"] in ("police_officer", "auxiliary_police")]
    assert len(workers) == _count(built / "clean" / "grid_workers")
    assert police and all(s["unit_kind"] == "police_district" and s["station"] for s in police)
    assert all(s["person_id"] in persons for s in staff)
    assert all(s["unit_kind"] == "grid" and s["unit_code"] in grids for s in workers)


def test_derived_libraries_follow_the_base_libraries(built: Path) -> None:
    persons = pq.read_table(built / "foundation" / "persons.parquet").to_pylist()
    houses = pq.read_table(built / "foundation" / "houses.parquet").to_pylist()
    libraries = built / "foundation" / LIBRARIES_DIR
    migrants = pq.read_table(libraries / "migrants.parquet").column("person_id").to_pylist()
    rented = pq.read_table(libraries / "rented_houses.parquet").column("house_code").to_pylist()
    assert migrants and sorted(migrants) == sorted(p["person_id"] for p in persons
                                                   if p["is_migrant"])  # fmt: skip
    assert sorted(rented) == sorted(h["house_code"] for h in houses if h["status"] == "出租")


def test_rollups_add_up_from_grid_to_district(built: Path) -> None:
    rows = pq.read_table(built / "foundation" / "rollups.parquet").to_pylist()
    divisions = {r["code"]: r for r in pq.read_table(
        built / "foundation" / "divisions.parquet").to_pylist()}  # fmt: skip
    figures = ("persons", "hukou_persons", "migrants", "houses", "houses_rented", "organizations")
    by_code = {r["code"]: r for r in rows}
    for level, child in (("district", "street"), ("street", "community"), ("community", "grid")):
        for parent in (r for r in rows if r["level"] == level):
            children = [r for r in rows if r["level"] == child
                        and divisions[r["code"]]["parent_code"] == parent["code"]]  # fmt: skip
            for f in figures:
                assert sum(c[f] for c in children) == by_code[parent["code"]][f], (parent, f)
    district = next(r for r in rows if r["level"] == "district")
    assert district["persons"] > 0 and district["persons"] == (
        district["hukou_persons"] + district["migrants"]
    )


def test_a_rebuild_of_the_same_feeds_keeps_every_id(built: Path) -> None:
    data = built.parent

    def ids() -> tuple[dict[str, str], dict[str, str]]:
        persons = pq.read_table(built / "resolve" / "person_links.parquet").to_pylist()
        orgs = pq.read_table(built / "resolve" / "org_links.parquet").to_pylist()
        return ({r["mention_id"]: r["person_id"] for r in persons},
                {r["mention_id"]: r["org_id"] for r in orgs})  # fmt: skip

    before = ids()
    batches = _count(built / "batches.parquet")
    build(Settings(data_dir=data))  # same feeds: ingest skips every batch, resolve reruns
    assert _count(built / "batches.parquet") == batches
    assert ids() == before
    events = pq.read_table(built / "resolve" / "entity_events.parquet")
    assert events.num_rows == 0
