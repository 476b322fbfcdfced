"""The risk module's inputs from the lake (DuckDB over Parquet, docs/pipeline.md): one
`OrgHistory` per organization of the foundation, with the dated facts of the registry,
changes, 社保, 公积金, annual reports, disputes and 110 calls, so that the pure scoring
(`shibei.apps.risk`) can score any day from one read.

Feed rows are tied to organizations through the organization mentions and their links
(`mentions/organizations` + `resolve/org_links`); a 110 call is tied to the
organizations registered in the building where it happened (its house or building
code), since 110 records name no company.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from shibei.apps.risk.model import Change, Mention, OrgHistory

POLICE_SUBTYPES = ("经济纠纷", "诈骗", "涉众型经济犯罪")
"""110 subtypes that count as economic trouble at a company's door."""


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _views_sql(lake: Path) -> list[str]:
    statements = [
        "CREATE VIEW orgs AS SELECT * FROM read_parquet("
        f"{_quote(lake / 'foundation' / 'organizations.parquet')})",
        'CREATE VIEW om AS SELECT m.source, m.batch, m."row", m.role, l.org_id '
        f"FROM read_parquet({_quote(lake / 'mentions' / 'organizations' / '**' / '*.parquet')}) m "
        f"JOIN read_parquet({_quote(lake / 'resolve' / 'org_links.parquet')}) l USING (mention_id)",
    ]
    return statements


def _clean(lake: Path, source: str) -> str | None:
    directory = lake / "clean" / source
    if not any(directory.glob("*.parquet")):
        return None
    return f"read_parquet({_quote(directory / '*.parquet')}, union_by_name = true)"


def registry_sql(clean: str) -> str:
    """Registry attributes per organization: the latest registry row linked to it."""
    return f"""
SELECT om.org_id, arg_max(c.org_type, coalesce(c.approved_on, DATE '1900-01-01')) AS kind,
       arg_max(c.industry, coalesce(c.approved_on, DATE '1900-01-01')) AS industry,
       arg_max(c.scope, coalesce(c.approved_on, DATE '1900-01-01')) AS scope,
       arg_max(c.capital_10k, coalesce(c.approved_on, DATE '1900-01-01')) AS capital_10k,
       min(c.established_on) AS established_on,
       arg_max(c.status, coalesce(c.approved_on, DATE '1900-01-01')) AS status
FROM {clean} c JOIN om USING (source, batch, "row")
WHERE om.role = 'registry' GROUP BY om.org_id"""


def changes_sql(clean: str) -> str:
    return f"""
SELECT DISTINCT om.org_id, c.changed_on AS day, c.item, coalesce(c.before, '') AS before,
       coalesce(c.after, '') AS after
FROM {clean} c JOIN om USING (source, batch, "row")
WHERE om.role = 'change' AND c.changed_on IS NOT NULL"""


def insured_sql(clean: str) -> str:
    """First insured day of each employee (社保 person number) of each organization."""
    return f"""
SELECT om.org_id, min(c.first_insured_on) AS day
FROM {clean} c JOIN om USING (source, batch, "row")
WHERE om.role = 'employer' AND c.first_insured_on IS NOT NULL
GROUP BY om.org_id, c.person_number"""


def arrears_sql(clean: str) -> str:
    """The day each 公积金 account of an organization was found in arrears (欠缴)."""
    return f"""
SELECT om.org_id, min(c.updated_at)::DATE AS day
FROM {clean} c JOIN om USING (source, batch, "row")
WHERE om.role = 'employer' AND c.status = '欠缴' AND c.updated_at IS NOT NULL
GROUP BY om.org_id, c.account"""


def reports_sql(clean: str) -> str:
    return f"""
SELECT om.org_id, c.report_year AS year, min(c.submitted_on) AS day
FROM {clean} c JOIN om USING (source, batch, "row")
WHERE om.role = 'annual_report' AND c.report_year IS NOT NULL AND c.submitted_on IS NOT NULL
GROUP BY om.org_id, c.report_year"""


def complaints_sql(clean: str) -> str:
    return f"""
SELECT DISTINCT om.org_id, c.registered_on AS day, c.case_number AS ref,
       coalesce(c.kind, '纠纷') || '，' || coalesce(c.mediator, '') || coalesce(c.result, '')
           AS detail
FROM {clean} c JOIN om USING (source, batch, "row")
WHERE om.role = 'dispute' AND c.registered_on IS NOT NULL"""


def police_sql(clean: str) -> str:
    """Economic 110 calls in the building of an organization's registered house. The
    evidence names the call, not where in the building it was made (a flat may be a
    resident's home)."""
    subtypes = ", ".join(f"'{s}'" for s in POLICE_SUBTYPES)
    return f"""
WITH calls AS (
    SELECT DISTINCT incident_number, reported_at, subtype,
           left(coalesce(house_code, address_code), 19) AS building
    FROM {clean}
    WHERE subtype IN ({subtypes}) AND length(coalesce(house_code, address_code, '')) >= 19
)
SELECT o.org_id, calls.reported_at::DATE AS day, calls.incident_number AS ref,
       calls.subtype || '（同楼栋）' AS detail
FROM calls JOIN orgs o ON left(o.registered_house, 19) = calls.building"""


class DuckDBRiskInputs:
    """`RiskInputs` over a lake directory: reads everything once, on first use."""

    def __init__(self, lake: Path) -> None:
        self._lake = lake
        self._histories: list[OrgHistory] | None = None
        if not (lake / "foundation" / "organizations.parquet").exists():
            raise FileNotFoundError(f"数据底座尚未建立：{lake}（请先运行 shibei build）")

    def histories(self) -> list[OrgHistory]:
        if self._histories is None:
            self._histories = read_histories(self._lake)
        return self._histories


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    result = con.execute(sql)
    names = [d[0] for d in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def _day(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def read_histories(lake: Path) -> list[OrgHistory]:
    """One OrgHistory per organization of the foundation, ordered by org id."""
    facts: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    with duckdb.connect() as con:
        for sql in _views_sql(lake):
            con.execute(sql)
        orgs = _rows(
            con,
            "SELECT org_id, uscc, name, registered_house, legal_rep_person_id, status "
            "FROM orgs ORDER BY org_id",
        )
        registry: dict[str, dict[str, Any]] = {}
        if clean := _clean(lake, "company_registry"):
            registry = {r["org_id"]: r for r in _rows(con, registry_sql(clean))}
        queries = (
            ("company_changes", changes_sql, "changes"),
            ("social_security", insured_sql, "insured"),
            ("housing_provident_fund", arrears_sql, "arrears"),
            ("company_annual_reports", reports_sql, "reports"),
            ("disputes", complaints_sql, "complaints"),
            ("incidents_110", police_sql, "police"),
        )
        for source, build_sql, key in queries:
            clean = _clean(lake, source)
            if clean is None:
                continue
            for r in _rows(con, build_sql(clean)):
                facts[str(r["org_id"])][key].append(r)
    return [_history(o, registry.get(o["org_id"], {}), facts[o["org_id"]]) for o in orgs]


def _history(org: dict[str, Any], reg: dict[str, Any], facts: dict[str, list[Any]]) -> OrgHistory:
    def mentions(key: str, source: str) -> tuple[Mention, ...]:
        found = {
            (d, str(r["ref"])): Mention(d, source, str(r["ref"]), str(r["detail"]))
            for r in facts.get(key, [])
            if (d := _day(r["day"])) is not None
        }
        return tuple(found[k] for k in sorted(found))

    capital = reg.get("capital_10k")
    return OrgHistory(
        org_id=str(org["org_id"]),
        name=str(org.get("name") or ""),
        uscc=org.get("uscc"),
        kind=reg.get("kind"),
        industry=reg.get("industry"),
        scope=str(reg.get("scope") or ""),
        capital_10k=float(capital) if capital is not None else None,
        established_on=_day(reg.get("established_on")),
        status=str(reg.get("status") or org.get("status") or "存续"),
        house_code=org.get("registered_house"),
        legal_rep_id=org.get("legal_rep_person_id"),
        changes=tuple(
            sorted(
                (
                    Change(d, str(r["item"]), str(r["before"]), str(r["after"]))
                    for r in facts.get("changes", [])
                    if (d := _day(r["day"])) is not None
                ),
                key=lambda c: (c.day, c.item, c.after),
            )
        ),
        insured=tuple(sorted(d for r in facts.get("insured", []) if (d := _day(r["day"])))),
        arrears=tuple(sorted(d for r in facts.get("arrears", []) if (d := _day(r["day"])))),
        reports=tuple(
            sorted((int(r["year"]), d) for r in facts.get("reports", []) if (d := _day(r["day"])))
        ),
        complaints=mentions("complaints", "disputes"),
        police_reports=mentions("police", "incidents_110"),
    )
