"""Organization resolution as DuckDB SQL over one mention table (`om`).

A valid USCC first; then the name without legal-form and region affixes
(`org_name_key`) together with the address or the legal representative. A mention
without a valid USCC joins the USCC organization that has its name key and shares its
address (house or address code) or legal representative; when only one USCC
organization has that name key and the mention gives neither address nor representative,
it joins that one. The rest group by name key + address (or representative); a mention
without a name key stays alone.

This module builds SQL text and runs it on a connection it is given (`pipeline.resolve`
opens it); it imports no engine.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from shibei.resolve.person_sql import literal, select_columns_sql

ORG_COLUMNS: tuple[tuple[str, str], ...] = (
    ("mention_id", "VARCHAR"), ("source", "VARCHAR"), ("batch", "VARCHAR"), ("row", "BIGINT"),
    ("role", "VARCHAR"), ("name", "VARCHAR"), ("org_name_key", "VARCHAR"),
    ("uscc_raw", "VARCHAR"), ("uscc_std", "VARCHAR"), ("legal_rep_name_key", "VARCHAR"),
    ("house_code", "VARCHAR"), ("address_code", "VARCHAR"), ("observed_on", "DATE"),
    ("status", "VARCHAR"),
)  # fmt: skip
"""The columns of `mentions/organizations` resolution reads (docs/pipeline.md)."""

ROLE_AUTHORITY = ("registry", "change", "annual_report", "employer", "owner", "dispute")
"""Golden organizations take each attribute from the first role in this order, then the
freshest mention, then the smallest mention id."""


def load_mentions(con: Any, relation: str, present: Iterable[str]) -> None:
    """`om`: the organization mentions of `relation` in mention-id order (`idx` 0…),
    text fields with "" read as null."""
    con.execute(f"""
CREATE OR REPLACE TABLE om AS
SELECT row_number() OVER (ORDER BY mention_id) - 1 AS idx, *
FROM (SELECT {select_columns_sql(ORG_COLUMNS, present)} FROM {relation})
ORDER BY idx""")


LINK_SQL = (
    # the USCC organizations' name keys, places (house or address code) and representatives
    """CREATE OR REPLACE TEMP TABLE org_uscc AS
       SELECT DISTINCT 'uscc:' || uscc_std AS label, org_name_key, house_code, address_code,
              legal_rep_name_key FROM om WHERE uscc_std IS NOT NULL""",
    """CREATE OR REPLACE TEMP TABLE org_named AS
WITH nm AS (
    SELECT idx, org_name_key AS k, house_code, address_code, legal_rep_name_key AS rep
    FROM om WHERE uscc_std IS NULL AND org_name_key IS NOT NULL),
cand AS (
    SELECT DISTINCT nm.idx, u.label FROM nm JOIN org_uscc u ON u.org_name_key = nm.k),
places AS (
    SELECT DISTINCT label, unnest([house_code, address_code]) AS place FROM org_uscc),
agree AS (
    SELECT c.idx, c.label FROM cand c JOIN nm USING (idx)
    JOIN places p ON p.label = c.label AND p.place IN (nm.house_code, nm.address_code)
    UNION
    SELECT c.idx, c.label FROM cand c JOIN nm USING (idx)
    JOIN org_uscc r ON r.label = c.label AND r.legal_rep_name_key = nm.rep),
one_agreeing AS (SELECT idx, min(label) AS label FROM agree GROUP BY idx HAVING count(*) = 1),
one_candidate AS (SELECT idx, min(label) AS label FROM cand GROUP BY idx HAVING count(*) = 1),
joined AS (
    SELECT nm.*, coalesce(a.label, CASE WHEN nm.house_code IS NULL AND nm.address_code IS NULL
                                             AND nm.rep IS NULL THEN c.label END) AS joins
    FROM nm LEFT JOIN one_agreeing a USING (idx) LEFT JOIN one_candidate c USING (idx))
SELECT idx, coalesce(joins, 'name:' || k || '@' || coalesce(address_code, house_code, rep, ''))
           AS label,
       CASE WHEN joins IS NOT NULL THEN 'name_address' ELSE 'singleton' END AS method
FROM joined""",
    # every mention's label; clusters numbered in label order; a shared label is a link
    """CREATE OR REPLACE TEMP TABLE org_labels AS
WITH l AS (
    SELECT om.idx, om.mention_id, om.batch, om.uscc_std,
           CASE WHEN om.uscc_std IS NOT NULL THEN 'uscc:' || om.uscc_std
                ELSE coalesce(n.label, 'mention:' || om.mention_id) END AS label,
           CASE WHEN om.uscc_std IS NOT NULL THEN 'uscc'
                ELSE coalesce(n.method, 'singleton') END AS method
    FROM om LEFT JOIN org_named n USING (idx))
SELECT idx, mention_id, batch, uscc_std, dense_rank() OVER (ORDER BY label) - 1 AS cluster,
       CASE WHEN method = 'singleton' AND count(*) OVER (PARTITION BY label) > 1
            THEN 'name_address' ELSE method END AS method
FROM l""",
    # what `stable_ids.assign_ids_sql` reads: the anchor is the smallest USCC, else the
    # first mention id
    """CREATE OR REPLACE TEMP TABLE ent_anchor AS
       SELECT cluster, coalesce(min(uscc_std), min(mention_id)) AS anchor,
              arg_min(batch, mention_id) AS first_batch
       FROM org_labels GROUP BY cluster""",
    """CREATE OR REPLACE TEMP VIEW ent_keys AS
       SELECT DISTINCT cluster, uscc_std AS k FROM org_labels WHERE uscc_std IS NOT NULL
       UNION ALL SELECT cluster, mention_id FROM org_labels""",
    """CREATE OR REPLACE TEMP TABLE ent_mentions AS
       SELECT cluster, mention_id, batch FROM org_labels""",
)
"""Linking → `org_labels(idx, mention_id, batch, uscc_std, cluster, method)` and the
`ent_*` tables of the id assignment."""

LINKS_SQL = """
SELECT l.mention_id, i.entity_id AS org_id, l.method, 1.0::DOUBLE AS match_probability
FROM org_labels l JOIN ent_ids i USING (cluster) ORDER BY l.idx"""
"""`org_links`, after `stable_ids.assign_ids_sql` left `ent_ids`."""


def golden_sql() -> str:
    """`organizations`: one row per organization of `ent_ids`. USCC, name, registered
    house (registry mentions) and status follow `ROLE_AUTHORITY`, then the freshest
    `observed_on`, then the smallest mention id; the operating house is the freshest
    non-registry house. `legal_rep_person_id` is the person behind the first of the
    organization's USCCs that table `legal_reps(uscc, person_id)` names."""
    whens = " ".join(f"WHEN {literal(r)} THEN {n}" for n, r in enumerate(ROLE_AUTHORITY))
    age = "DATE '9999-12-31' - coalesce(observed_on, DATE '0001-01-01')"  # freshest first
    by_role = f"(CASE role {whens} ELSE 99 END, {age}, mention_id)"
    picks = {  # attribute: (value, which mentions, order)
        "uscc": ("uscc_std", "uscc_std IS NOT NULL", by_role),
        "name": ("name", "name IS NOT NULL", by_role),
        "registered_house": ("house_code", "house_code IS NOT NULL AND role = 'registry'",
                             by_role),
        "operating_house": ("house_code", "house_code IS NOT NULL AND role <> 'registry'",
                            f"({age}, mention_id)"),
        "status": ("status", "status IS NOT NULL", by_role),
    }  # fmt: skip
    chosen = ", ".join(
        f"arg_min({{'v': {v}, 'source': source, 'batch': batch, 'row': \"row\", "
        f"'role': role}}, {order}) FILTER (WHERE {where}) AS {a}"
        for a, (v, where, order) in picks.items()
    )
    columns = ", ".join(
        f"{a}.v AS {a}, "
        f"{a}.source || ':' || {a}.batch || ':' || CAST({a}.row AS VARCHAR) AS {a}_source, "
        f"'按登记角色优先（' || {a}.role || '），其次最新' AS {a}_why"
        for a in picks
    )
    return f"""
WITH m AS (SELECT om.*, i.entity_id AS org_id
           FROM om JOIN org_labels USING (idx) JOIN ent_ids i USING (cluster)),
picked AS (SELECT org_id, {chosen} FROM m GROUP BY org_id),
rep AS (
    SELECT u.org_id, arg_min(r.person_id, u.uscc_std) AS legal_rep_person_id
    FROM (SELECT DISTINCT org_id, uscc_std FROM m WHERE uscc_std IS NOT NULL) u
    JOIN legal_reps r ON r.uscc = u.uscc_std GROUP BY u.org_id)
SELECT org_id, {columns}, rep.legal_rep_person_id
FROM picked LEFT JOIN rep USING (org_id) ORDER BY org_id"""
