"""The foundation on DuckDB: building it from the lake (`build_foundation`) and reading
it (`DuckDBFoundationReader`, the FoundationReader port over the foundation's Parquet)."""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from shibei.foundation.build_sql import (
    FOUNDATION_TABLES,
    build_statements_sql,
    export_sql,
    input_views_sql,
)
from shibei.foundation.libraries import address_records, division_records
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
from shibei.standardize.name import normalize_person_name, person_name_key
from shibei.standardize.phone import normalize_phone

CATALOG = "foundation.duckdb"


def build_foundation(
    lake: Path, gazetteer: Gazetteer, progress: Progress | None = None
) -> dict[str, int]:
    """Write lake/foundation/*.parquet and the catalog lake/foundation.duckdb; return the
    row count of each table. The old foundation is replaced only once the new one is
    complete (built in a staging directory, then renamed)."""
    progress = progress or NullProgress()
    final = lake / "foundation"
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
    with duckdb.connect() as con:
        for sql in input_views_sql(lake, addresses, divisions):
            con.execute(sql)
        for sql in build_statements_sql():
            con.execute(sql)
        for table in FOUNDATION_TABLES:
            con.execute(export_sql(table, staging / f"{table}.parquet"))
            row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
            counts[table] = int(row[0]) if row else 0
            step.advance()
    for name in ("person_conflicts", "explanations", "org_conflicts"):
        source = lake / "resolve" / f"{name}.parquet"
        if source.exists():
            shutil.copyfile(source, staging / f"{name}.parquet")
    old = lake / ".old-foundation"
    if final.exists():
        os.replace(final, old)
    os.replace(staging, final)
    if old.exists():
        shutil.rmtree(old)
    write_catalog(lake)
    return counts


def write_catalog(lake: Path) -> None:
    """lake/foundation.duckdb: a view per foundation table, for analysts' own queries."""
    path = lake / CATALOG
    tmp = lake / f".{CATALOG}.tmp"
    tmp.unlink(missing_ok=True)
    with duckdb.connect(str(tmp)) as con:
        for parquet in sorted((lake / "foundation").glob("*.parquet")):
            con.execute(
                f"CREATE VIEW {parquet.stem} AS SELECT * FROM read_parquet('{parquet.resolve()}')"
            )
    os.replace(tmp, path)


class DuckDBFoundationReader:
    """FoundationReader over lake/foundation/*.parquet. Tables are sorted by their key and
    written in small row groups, so a point lookup reads one row group, not the table."""

    def __init__(self, lake: Path) -> None:
        self._dir = lake / "foundation"
        if not (self._dir / "persons.parquet").exists():
            raise FileNotFoundError(f"数据底座尚未建立：{self._dir}（请先运行 shibei build）")
        self._con = duckdb.connect()
        for parquet in sorted(self._dir.glob("*.parquet")):
            self._con.execute(
                f"CREATE VIEW {parquet.stem} AS SELECT * FROM read_parquet('{parquet}')"
            )

    def close(self) -> None:
        self._con.close()

    def _rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        cursor = self._con.cursor()
        result = cursor.execute(sql, params or [])
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

    def _conflicts(self, person_id: str) -> tuple[AttributeSource, ...]:
        if not (self._dir / "person_conflicts.parquet").exists():
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

    # -- relations, rollups, evidence ---------------------------------------------------

    def relations(self, entity_id: str) -> list[Relation]:
        found: dict[tuple[str, str, str], list[Provenance]] = {}
        for table, left, right in (
            ("person_house", "person_id", "house_code"),
            ("org_house", "org_id", "house_code"),
            ("person_org", "person_id", "org_id"),
        ):
            rows = self._rows(
                f'SELECT relation, {left} AS l, {right} AS r, source, batch, "row" '
                f'FROM {table} WHERE {left} = ? OR {right} = ? ORDER BY source, "row"',
                [entity_id, entity_id],
            )
            for r in rows:
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
        scored = self._rows(
            "SELECT * FROM person_evidence WHERE person_id = ? ORDER BY match_probability DESC",
            [person_id],
        )
        evidence = [
            LinkEvidence(
                left=_provenance(str(r["left_mention_id"])),
                right=_provenance(str(r["right_mention_id"])),
                method="probabilistic",
                match_probability=r["match_probability"],
                evidence={k: str(v) for k, v in json.loads(r["evidence"] or "{}").items()},
            )
            for r in scored
        ]
        by_id = self._rows(
            'SELECT source, batch, "row" FROM person_mentions_index '
            "WHERE person_id = ? AND method = 'id_number' ORDER BY mention_id",
            [person_id],
        )
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
