"""The foundation on DuckDB: building it from the lake (`build_foundation`) and reading
it (`DuckDBFoundationReader`, the FoundationReader port over the foundation's Parquet)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import threading
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from shibei.foundation.build_sql import (
    FOUNDATION_TABLES,
    LIBRARIES_DIR,
    build_statements_sql,
    clean_view_sql,
    derived_library_sql,
    export_sql,
    feed_library_sql,
    input_views_sql,
    staff_sql,
)
from shibei.foundation.libraries import (
    THEMATIC_LIBRARIES,
    address_records,
    division_records,
)
from shibei.foundation.reader import (
    LEVEL_CODE_LENGTH,
    AttributeSource,
    HouseView,
    Level,
    LinkEvidence,
    OrganizationView,
    PersonView,
    Provenance,
    Relation,
    Rollup,
)
from shibei.gazetteer import Gazetteer
from shibei.progress import NullProgress, Progress
from shibei.resolve.pipeline import memory_limit
from shibei.standardize.name import normalize_person_name, person_name_key
from shibei.standardize.phone import normalize_phone

CATALOG = "foundation.duckdb"
IN_MEMORY_MAX_BYTES = 512 * 1024 * 1024
"""Foundations whose Parquet files add up to less than this are loaded into memory by the
reader (a point lookup then costs ~1 ms instead of ~5 ms of Parquet footer reading)."""
LOOKUP_INDEXES: dict[str, tuple[str, ...]] = {
    "persons": ("person_id",),
    "houses": ("house_code",),
    "organizations": ("org_id",),
    "person_house": ("person_id", "house_code"),
    "org_house": ("org_id", "house_code"),
    "person_org": ("person_id", "org_id"),
    "person_conflicts": ("person_id",),
    "person_evidence": ("person_id",),
    "person_mentions_index": ("person_id",),
    "rollups": ("code",),
}
"""Columns the reader looks rows up by: in-memory tables get an ART index on each, so a
lookup stays a few index probes as the district grows (a scan of person_house at 20×
the bench's scale costs ~25 ms of CPU, the index probe ~1 ms)."""


def build_foundation(
    lake: Path, gazetteer: Gazetteer, progress: Progress | None = None
) -> dict[str, int]:
    """Write lake/foundation/*.parquet and the catalog lake/foundation.duckdb; return the
    row count of each table. The old foundation is replaced only once the new one is
    complete (built in a staging directory, then renamed)."""
    progress = progress or NullProgress()
    staging = lake / ".staging-foundation"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    step = progress.step(
        "数据底座：地址库、人口库、法人库、房屋库、关系、汇总", total=len(FOUNDATION_TABLES) + 2
    )
    addresses, divisions = staging / "addresses.parquet", staging / "divisions.parquet"
    pq.write_table(pa.Table.from_pylist(address_records(gazetteer)), addresses)
    pq.write_table(pa.Table.from_pylist(division_records(gazetteer)), divisions)
    step.advance(2)
    counts: dict[str, int] = {}
    spill = lake / ".staging" / "foundation-work"  # beyond the memory limit, DuckDB spills here
    shutil.rmtree(spill, ignore_errors=True)
    spill.mkdir(parents=True)
    config: dict[str, Any] = {"memory_limit": memory_limit(), "temp_directory": str(spill)}
    with contextlib.ExitStack() as cleanup, duckdb.connect(config=config) as con:
        cleanup.callback(shutil.rmtree, spill, ignore_errors=True)
        for sql in input_views_sql(lake, addresses, divisions):
            con.execute(sql)
        for sql in build_statements_sql():
            con.execute(sql)
        for table in FOUNDATION_TABLES:
            con.execute(export_sql(table, staging / f"{table}.parquet"))
            row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
            counts[table] = int(row[0]) if row else 0
            step.advance()
        counts |= _build_libraries(con, lake, staging / LIBRARIES_DIR)
    publish_foundation(lake, staging)
    return counts


def publish_foundation(lake: Path, staging: Path) -> None:
    """Copy the resolver's conflict and explanation tables into a built staging
    directory, swap it in for lake/foundation/ (the old one is kept until the swap is
    done) and rewrite the DuckDB catalog: the last step of a build on either engine."""
    for name in ("person_conflicts", "explanations", "org_conflicts"):
        source = lake / "resolve" / f"{name}.parquet"
        if source.exists():
            shutil.copyfile(source, staging / f"{name}.parquet")
    final, old = lake / "foundation", lake / ".old-foundation"
    if final.exists():
        os.replace(final, old)
    os.replace(staging, final)
    if old.exists():
        shutil.rmtree(old)
    write_catalog(lake)


def _build_libraries(con: duckdb.DuckDBPyConnection, lake: Path, directory: Path) -> dict[str, int]:
    """The thematic libraries (`THEMATIC_LIBRARIES`) whose feeds the lake holds, each to
    `directory/<name>.parquet` (a subdirectory: the reader loads only the base tables)."""
    directory.mkdir(parents=True, exist_ok=True)
    present = {
        source
        for library in THEMATIC_LIBRARIES
        for source in library.sources
        if any((lake / "clean" / source).glob("**/*.parquet"))
    }
    for source in sorted(present):
        con.execute(clean_view_sql(lake, source))
    counts: dict[str, int] = {}
    for library in THEMATIC_LIBRARIES:
        sources = [s for s in library.sources if s in present]
        if library.name == "staff":
            if not sources:
                continue
            sql = staff_sql("grid_workers" in present, "community_police" in present)
        elif library.sources:
            if not sources:
                continue
            columns: set[str] = set()
            for source in sources:
                columns |= {r[0] for r in con.execute(f"DESCRIBE clean_{source}").fetchall()}
            sql = feed_library_sql(library.name, sources, columns)
        else:
            sql = derived_library_sql(library.name)
        con.execute(sql)
        con.execute(export_sql(library.name, directory / f"{library.name}.parquet"))
        row = con.execute(f"SELECT count(*) FROM {library.name}").fetchone()
        counts[f"library:{library.name}"] = int(row[0]) if row else 0
    return counts


def write_catalog(lake: Path) -> None:
    """lake/foundation.duckdb: a view per foundation table and per thematic library
    (lake/foundation/libraries/*.parquet), for analysts' own queries."""
    path = lake / CATALOG
    tmp = lake / f".{CATALOG}.tmp"
    tmp.unlink(missing_ok=True)
    foundation = lake / "foundation"
    with duckdb.connect(str(tmp)) as con:
        for parquet in sorted(foundation.glob("*.parquet")) + sorted(
            (foundation / LIBRARIES_DIR).glob("*.parquet")
        ):
            con.execute(
                f"CREATE VIEW {parquet.stem} AS SELECT * FROM read_parquet('{parquet.resolve()}')"
            )
    os.replace(tmp, path)


class DuckDBFoundationReader:
    """FoundationReader over lake/foundation/*.parquet. Tables are sorted by their key and
    written in small row groups, so a point lookup reads one row group, not the table.

    A foundation smaller than `in_memory_max_bytes` (Parquet on disk) is copied into
    DuckDB's memory when the reader opens; a larger one is read through views. Each
    thread keeps its own cursor (DuckDB cursors are not shared across threads)."""

    def __init__(self, lake: Path, in_memory_max_bytes: int = IN_MEMORY_MAX_BYTES) -> None:
        self._dir = lake / "foundation"
        self._lake = lake
        if not (self._dir / "persons.parquet").exists():
            raise FileNotFoundError(f"数据底座尚未建立：{self._dir}（请先运行 shibei build）")
        self._con = duckdb.connect()
        files = sorted(self._dir.glob("*.parquet"))
        self.in_memory = sum(f.stat().st_size for f in files) <= in_memory_max_bytes
        kind = "TABLE" if self.in_memory else "VIEW"
        for parquet in files:
            self._con.execute(
                f"CREATE {kind} {parquet.stem} AS SELECT * FROM read_parquet('{parquet}')"
            )
            for column in LOOKUP_INDEXES.get(parquet.stem, ()) if self.in_memory else ():
                # an older foundation without this column: its lookups scan instead
                with contextlib.suppress(duckdb.Error):
                    self._con.execute(
                        f"CREATE INDEX {parquet.stem}_{column} ON {parquet.stem} ({column})"
                    )
        self._has_conflicts = (self._dir / "person_conflicts.parquet").exists()
        self._local = threading.local()
        self._trends: dict[str, list[tuple[str, str, int]]] | None = None
        self._trends_lock = threading.Lock()

    def close(self) -> None:
        self._con.close()

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        cursor: duckdb.DuckDBPyConnection | None = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._con.cursor()
            self._local.cursor = cursor
        return cursor

    def _rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        result = self._cursor().execute(sql, params or [])
        names = [d[0] for d in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]

    # -- entities -----------------------------------------------------------------------

    def person(self, person_id: str) -> PersonView | None:
        rows = self._rows("SELECT * FROM persons WHERE person_id = ?", [person_id])
        return self._person(rows[0], with_detail=True) if rows else None

    def _person(self, row: dict[str, Any], with_detail: bool = False) -> PersonView:
        sources: tuple[AttributeSource, ...] = ()
        conflicts: tuple[AttributeSource, ...] = ()
        if with_detail:
            sources = tuple(
                AttributeSource(
                    attr, str(row.get(attr) or ""), str(row[key]), str(row.get(f"{attr}_why") or "")
                )
                for key in row
                if key.endswith("_source") and row[key] is not None
                for attr in [key.removesuffix("_source")]
            )
            conflicts = self._conflicts(str(row["person_id"]))
        phones = row.get("phones") or []
        return PersonView(
            person_id=str(row["person_id"]),
            name=str(row.get("name") or ""),
            id_number=row.get("id_number"),
            birth_date=_date(row.get("birth_date")),
            sex=row.get("sex"),
            phones=tuple(str(p) for p in phones),
            house_code=row.get("house_code"),
            hukou_house_code=row.get("hukou_house_code"),
            is_migrant=bool(row.get("is_migrant")),
            address=row.get("address"),
            grid_code=row.get("grid_code"),
            sources=sources,
            conflicts=conflicts,
            mentions=int(row.get("mentions") or 0),
        )

    def house(self, house_code: str) -> HouseView | None:
        rows = self._rows("SELECT * FROM houses WHERE house_code = ?", [house_code])
        if not rows:
            return None
        r = rows[0]
        return HouseView(
            house_code=str(r["house_code"]),
            address=str(r["address"]),
            use=str(r["use"]),
            area_m2=float(r["area_m2"]),
            status=str(r["status"]),
            owner_person_id=r.get("owner_person_id"),
            owner_org_id=r.get("owner_org_id"),
            occupant_ids=tuple(r.get("occupant_ids") or ()),
            grid_code=str(r["grid_code"]),
            lat=float(r["lat"]),
            lon=float(r["lon"]),
        )

    def organization(self, org_id: str) -> OrganizationView | None:
        rows = self._rows("SELECT * FROM organizations WHERE org_id = ?", [org_id])
        return self._organization(rows[0]) if rows else None

    def _organization(self, r: dict[str, Any]) -> OrganizationView:
        return OrganizationView(
            org_id=str(r["org_id"]),
            uscc=r.get("uscc"),
            name=str(r.get("name") or ""),
            status=str(r.get("status") or ""),
            kind=r.get("kind"),
            industry=r.get("industry"),
            legal_rep_person_id=r.get("legal_rep_person_id"),
            registered_house=r.get("registered_house"),
            operating_house=r.get("operating_house"),
            employees=int(r.get("employees") or 0),
        )

    def _conflicts(self, person_id: str) -> tuple[AttributeSource, ...]:
        # a second simple query beats a (correlated) subquery here: ~1 ms against ~4 ms
        if not self._has_conflicts:
            return ()
        rows = self._rows(
            "SELECT * FROM person_conflicts WHERE person_id = ? ORDER BY attribute, source",
            [person_id],
        )
        return tuple(
            AttributeSource(
                str(r["attribute"]),
                str(r["value"]),
                str(r["source"]),
                f"{r.get('batch')}:{r.get('row')}",
            )
            for r in rows
        )

    # -- search -------------------------------------------------------------------------

    def search_persons(
        self,
        *,
        name: str | None = None,
        id_number: str | None = None,
        phone: str | None = None,
        address: str | None = None,
        within: str | None = None,
        limit: int = 20,
    ) -> list[PersonView]:
        candidates: list[set[str]] = []
        exact_names: set[str] = set()
        if id_number:
            candidates.append(self._keys("id_number", id_number.strip().upper()))
        if phone:
            number = normalize_phone(phone)
            candidates.append(self._keys("phone", number.value) if number.valid else set())
        if name:
            exact_names = self._keys("name", normalize_person_name(name))
            candidates.append(exact_names | self._keys("name_key", person_name_key(name)))
        ids: set[str] | None = set.intersection(*candidates) if candidates else None
        sql = "SELECT * FROM persons WHERE 1 = 1"
        params: list[Any] = []
        if ids is not None:
            if not ids:
                return []
            sql += " AND person_id IN (SELECT unnest(?))"
            params.append(sorted(ids))
        if within:
            sql += " AND starts_with(coalesce(house_code, ''), ?)"
            params.append(within)
        if address:
            sql += " AND contains(coalesce(address, ''), ?)"
            params.append(address)
        sql += " ORDER BY person_id"
        rows = self._rows(sql, params)
        # Exact name matches first, then same-pinyin ones.
        rows.sort(key=lambda r: (r["person_id"] not in exact_names, r["person_id"]))
        return [self._person(r) for r in rows[:limit]]

    def _keys(self, key_type: str, key: str) -> set[str]:
        rows = self._rows(
            "SELECT person_id FROM person_search WHERE key_type = ? AND key = ?", [key_type, key]
        )
        return {str(r["person_id"]) for r in rows}

    def search_organizations(
        self,
        *,
        name: str | None = None,
        uscc: str | None = None,
        within: str | None = None,
        limit: int = 20,
    ) -> list[OrganizationView]:
        sql, params = "SELECT * FROM organizations WHERE 1 = 1", []
        if name:
            sql += " AND contains(name, ?)"
            params.append(name)
        if uscc:
            sql += " AND uscc = ?"
            params.append(uscc.strip().upper())
        if within:
            sql += " AND starts_with(coalesce(registered_house, ''), ?)"
            params.append(within)
        sql += f" ORDER BY org_id LIMIT {int(limit)}"
        return [self._organization(r) for r in self._rows(sql, params)]

    # -- trends -------------------------------------------------------------------------

    def trends(self, within: str) -> list[tuple[str, str, int]]:
        """(series, month 'YYYY-MM', count) of the events in the clean zone whose house
        lies within the division code prefix (rows without a house count for the
        district only). Counted once per reader, then summed per request."""
        counts = self._trend_counts()
        totals: dict[tuple[str, str], int] = {}
        district = within == "370203"
        for grid, rows in counts.items():
            if grid.startswith(within) or (district and grid == ""):
                for series, month, n in rows:
                    totals[(series, month)] = totals.get((series, month), 0) + n
        return [(k[0], k[1], v) for k, v in sorted(totals.items())]

    def _trend_counts(self) -> dict[str, list[tuple[str, str, int]]]:
        with self._trends_lock:
            if self._trends is None:
                by_grid: dict[str, list[tuple[str, str, int]]] = {}
                clean = self._lake / "clean"
                for series, (source, _, _) in TREND_SERIES.items():
                    needs = [source] + (["company_registry"] if source == "company_changes" else [])
                    if not all(any((clean / n).glob("*.parquet")) for n in needs):
                        continue
                    sql = trend_counts_sql(series, clean)
                    try:
                        rows = self._cursor().execute(sql).fetchall()
                    except duckdb.Error:
                        continue  # a feed without the columns this series needs
                    for name, grid, month, n in rows:
                        by_grid.setdefault(str(grid), []).append((str(name), str(month), int(n)))
                self._trends = by_grid
            return self._trends

    # -- relations, rollups, evidence ---------------------------------------------------

    def relations(self, entity_id: str) -> list[Relation]:
        found: dict[tuple[str, str, str], list[Provenance]] = {}
        for r in self._rows(relations_sql(), [entity_id] * 6):
            key = (str(r["relation"]), str(r["l"]), str(r["r"]))
            found.setdefault(key, []).append(
                Provenance(str(r["source"]), str(r["batch"]), int(r["row"]))
            )
        return [Relation(k[0], k[1], k[2], tuple(v)) for k, v in sorted(found.items())]

    def rollup(self, code: str) -> Rollup | None:
        rows = self._rows("SELECT * FROM rollups WHERE code = ?", [code])
        return _rollup(rows[0]) if rows else None

    def rollups(self, level: Level, within: str | None = None) -> list[Rollup]:
        rows = self._rows(
            "SELECT * FROM rollups WHERE level = ? AND starts_with(code, ?) ORDER BY code",
            [level, within or ""],
        )
        return [_rollup(r) for r in rows if len(r["code"]) == LEVEL_CODE_LENGTH[level]]

    def link_evidence(self, person_id: str) -> list[LinkEvidence]:
        """Pairs scored by the probabilistic linker, then rows joined by their ID number
        (each paired with the person's first such row)."""
        rows = self._rows(link_evidence_sql(), [person_id, person_id])
        scored = [r for r in rows if r["kind"] == "scored"]
        by_id = [r for r in rows if r["kind"] == "id_number"]
        evidence = [
            LinkEvidence(
                left=_provenance(str(r["left_mention_id"])),
                right=_provenance(str(r["right_mention_id"])),
                # a scored pair has a Splink weight; a rule's join (unique_name) has none
                method="probabilistic" if r["match_weight"] is not None else "unique_name",
                match_probability=r["match_probability"],
                evidence={k: str(v) for k, v in json.loads(r["evidence"] or "{}").items()},
            )
            for r in scored
        ]
        first = by_id[0] if by_id else None
        for r in by_id[1:]:
            evidence.append(
                LinkEvidence(
                    left=Provenance(str(first["source"]), str(first["batch"]), int(first["row"]))
                    if first
                    else _provenance(""),
                    right=Provenance(str(r["source"]), str(r["batch"]), int(r["row"])),
                    method="id_number",
                    match_probability=1.0,
                    evidence={"id_number": "公民身份号码一致"},
                )
            )
        return evidence


TREND_SERIES: dict[str, tuple[str, str, str]] = {
    # series: (clean-zone source, date column, extra condition)
    "migrant_registrations": ("migrant_registration", "registered_on", "true"),
    "hukou_registrations": ("police_household_registry", "registered_on", "true"),
    "org_registrations": ("company_registry", "established_on", "true"),
    "org_deregistrations": (
        "company_changes",
        "changed_on",
        "item = '状态' AND after LIKE '%注销%'",
    ),
    "incidents": ("incidents_110", "reported_at", "true"),
    "service_requests": ("service_requests", "received_at", "true"),
    "disputes": ("disputes", "registered_on", "true"),
}
"""Event series the dashboard draws over time, counted from the lake's clean zone."""


def trend_counts_sql(series: str, clean: Path) -> str:
    """Distinct clean rows of one series per grid (first 15 characters of the house code,
    '' when the row has no house) and per month. Company changes carry no house: theirs
    is the registered house of the same USCC in the company registry."""
    source, column, condition = TREND_SERIES[series]
    rows = f"read_parquet('{clean / source / '*.parquet'}', union_by_name = true)"
    house = "e.house_code"
    if source == "company_changes":
        registry = f"read_parquet('{clean / 'company_registry' / '*.parquet'}')"
        rows += (
            f" e LEFT JOIN (SELECT uscc_std, min(house_code) AS registered_house FROM {registry}"
            " GROUP BY uscc_std) r USING (uscc_std)"
        )
        house = "r.registered_house"
    else:
        rows += " e"
    return (
        f"SELECT '{series}' AS series, coalesce(left({house}, 15), '') AS grid, "
        f"strftime(CAST(e.{column} AS DATE), '%Y-%m') AS month, count(DISTINCT e.row_hash) AS n "
        f"FROM {rows} WHERE e.{column} IS NOT NULL AND ({condition}) GROUP BY ALL"
    )


def link_evidence_sql() -> str:
    """A person's scored pairs (by probability, highest first) and rows linked by ID
    number (by mention id) in one query; two `?`, both the person id."""
    return (
        "SELECT 'scored' AS kind, 0 AS part, left_mention_id, right_mention_id, "
        'match_weight, match_probability, evidence, NULL AS source, NULL AS batch, NULL AS "row", '
        "NULL AS mention_id FROM person_evidence WHERE person_id = ? "
        "UNION ALL "
        "SELECT 'id_number', 1, NULL, NULL, NULL, NULL, NULL, source, batch, \"row\", "
        "mention_id "
        "FROM person_mentions_index WHERE person_id = ? AND method = 'id_number' "
        "ORDER BY part, match_probability DESC, mention_id"
    )


def relations_sql() -> str:
    """Every relation row of one entity (six `?`, all the entity id) in one query. Each
    branch filters one column by equality (no `OR`), so it can probe that column's index;
    a row never matches two branches (person, organization and house ids differ)."""
    parts = [
        f'SELECT relation, {left} AS l, {right} AS r, source, batch, "row" '
        f"FROM {table} WHERE {column} = ?"
        for table, left, right in (
            ("person_house", "person_id", "house_code"),
            ("org_house", "org_id", "house_code"),
            ("person_org", "person_id", "org_id"),
        )
        for column in (left, right)
    ]
    return " UNION ALL ".join(parts) + ' ORDER BY source, "row"'


def _provenance(mention_id: str) -> Provenance:
    source, batch, row, *_ = mention_id.split(":")
    return Provenance(source, batch, int(row))


def _rollup(r: dict[str, Any]) -> Rollup:
    return Rollup(
        level=r["level"],
        code=str(r["code"]),
        name=str(r["name"]),
        persons=int(r["persons"]),
        hukou_persons=int(r["hukou_persons"]),
        migrants=int(r["migrants"]),
        houses=int(r["houses"]),
        houses_owner_occupied=int(r["houses_owner_occupied"]),
        houses_rented=int(r["houses_rented"]),
        houses_vacant=int(r["houses_vacant"]),
        organizations=int(r["organizations"]),
    )


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
