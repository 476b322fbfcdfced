"""The foundation as SQL: base libraries, relations and rollups from the clean zone, the
mentions and the resolve output (docs/pipeline.md). Functions here build SQL strings and
never execute them; the store runs them (shibei.store.duckdb_foundation).

Every statement reads the tables `addresses`, `divisions`, `person_mentions`,
`org_mentions`, `person_links`, `org_links`, `golden_persons`, `golden_orgs`, which the
store registers as views over the lake's Parquet files first (`input_views_sql`).
"""

from __future__ import annotations

from pathlib import Path

RESIDENCE_ROLES = ("hukou", "resident", "migrant", "surveyed")
"""Mention roles that say where a person lives."""

FOUNDATION_TABLES = (
    "persons",
    "houses",
    "organizations",
    "person_house",
    "org_house",
    "person_org",
    "rollups",
    "person_search",
    "person_mentions_index",
    "person_evidence",
)
"""Tables the foundation build writes, each to lake/foundation/<table>.parquet."""

LIBRARIES_DIR = "libraries"
"""Thematic libraries go to lake/foundation/libraries/<name>.parquet."""


def _quote(path: Path | str) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _glob(directory: Path) -> str:
    return _quote(directory / "**" / "*.parquet")


def input_views_sql(lake: Path, addresses: Path, divisions: Path) -> list[str]:
    """Views over the inputs; `addresses` and `divisions` are Parquet files."""
    resolve = lake / "resolve"
    explanations = resolve / "explanations.parquet"
    return [
        f"CREATE OR REPLACE VIEW explanations AS SELECT * FROM read_parquet({_quote(explanations)})"
        if explanations.exists()
        else "CREATE OR REPLACE VIEW explanations AS SELECT NULL::VARCHAR AS left_mention_id, "
        "NULL::VARCHAR AS right_mention_id, NULL::DOUBLE AS match_weight, "
        "NULL::DOUBLE AS match_probability, NULL::VARCHAR AS evidence WHERE false",
        f"CREATE OR REPLACE VIEW addresses AS SELECT * FROM read_parquet({_quote(addresses)})",
        f"CREATE OR REPLACE VIEW divisions AS SELECT * FROM read_parquet({_quote(divisions)})",
        "CREATE OR REPLACE VIEW person_mentions AS SELECT * FROM read_parquet("
        f"{_glob(lake / 'mentions' / 'persons')}, union_by_name = true)",
        "CREATE OR REPLACE VIEW org_mentions AS SELECT * FROM read_parquet("
        f"{_glob(lake / 'mentions' / 'organizations')}, union_by_name = true)",
        "CREATE OR REPLACE VIEW person_links AS SELECT * FROM read_parquet("
        f"{_quote(resolve / 'person_links.parquet')})",
        "CREATE OR REPLACE VIEW org_links AS SELECT * FROM read_parquet("
        f"{_quote(resolve / 'org_links.parquet')})",
        "CREATE OR REPLACE VIEW golden_persons AS SELECT * FROM read_parquet("
        f"{_quote(resolve / 'persons.parquet')})",
        "CREATE OR REPLACE VIEW golden_orgs AS SELECT * FROM read_parquet("
        f"{_quote(resolve / 'organizations.parquet')})",
    ]


def linked_mentions_sql() -> str:
    """Person mentions with their person, and organization mentions with their org."""
    return """
CREATE OR REPLACE TABLE pm AS
SELECT m.*, l.person_id FROM person_mentions m JOIN person_links l USING (mention_id);
CREATE OR REPLACE TABLE om AS
SELECT m.*, l.org_id FROM org_mentions m JOIN org_links l USING (mention_id);
"""


def person_house_sql() -> str:
    """person–house relations with provenance: hukou, lives, owns, rents."""
    roles = ", ".join(f"'{r}'" for r in RESIDENCE_ROLES)
    return f"""
CREATE OR REPLACE TABLE person_house AS
WITH owners AS (
    SELECT house_code, arg_max(person_id, coalesce(observed_on, DATE '1900-01-01')) AS owner
    FROM pm WHERE role = 'owner' AND house_code IS NOT NULL GROUP BY house_code
), lives AS (
    SELECT 'lives' AS relation, pm.person_id, pm.house_code, pm.source, pm.batch, pm."row"
    FROM pm JOIN golden_persons g
      ON g.person_id = pm.person_id AND g.house_code = pm.house_code
    WHERE pm.role IN ({roles})
)
SELECT 'hukou' AS relation, person_id, house_code, source, batch, "row"
FROM pm WHERE role = 'hukou' AND house_code IS NOT NULL
UNION ALL
SELECT 'owns', person_id, house_code, source, batch, "row"
FROM pm WHERE role = 'owner' AND house_code IS NOT NULL
UNION ALL
SELECT * FROM lives
UNION ALL
SELECT 'rents', lives.person_id, lives.house_code, lives.source, lives.batch, lives."row"
FROM lives JOIN owners USING (house_code)
WHERE owners.owner <> lives.person_id
  AND NOT EXISTS (SELECT 1 FROM golden_persons g2
                  WHERE g2.person_id = owners.owner AND g2.house_code = lives.house_code);
"""


def org_house_sql() -> str:
    return """
CREATE OR REPLACE TABLE org_house AS
SELECT CASE WHEN role = 'registry' THEN 'registered' ELSE 'operates' END AS relation,
       org_id, house_code, source, batch, "row"
FROM om WHERE role IN ('registry', 'annual_report') AND house_code IS NOT NULL;
"""


def person_org_sql() -> str:
    """Employees (a person mention tied to a credit code) and legal representatives (a
    person mention on the same feed row as a registry mention)."""
    return """
CREATE OR REPLACE TABLE person_org AS
SELECT 'employee' AS relation, pm.person_id, o.org_id, pm.source, pm.batch, pm."row"
FROM pm JOIN (SELECT uscc, any_value(org_id) AS org_id FROM golden_orgs
              WHERE uscc IS NOT NULL GROUP BY uscc) o ON o.uscc = pm.uscc_std
WHERE pm.role = 'employee'
UNION ALL
SELECT 'legal_rep', pm.person_id, om.org_id, pm.source, pm.batch, pm."row"
FROM pm JOIN om ON om.source = pm.source AND om.batch = pm.batch AND om."row" = pm."row"
WHERE pm.role = 'legal_rep' AND om.role = 'registry';
"""


def persons_sql() -> str:
    return """
CREATE OR REPLACE TABLE persons AS
SELECT g.*, a.address, a.grid_code, coalesce(n.mentions, 0) AS mentions
FROM golden_persons g
LEFT JOIN addresses a ON a.house_code = g.house_code
LEFT JOIN (SELECT person_id, count(*) AS mentions FROM pm GROUP BY person_id) n
  USING (person_id)
ORDER BY g.person_id;
"""


def organizations_sql() -> str:
    return """
CREATE OR REPLACE TABLE organizations AS
SELECT g.*, coalesce(e.employees, 0) AS employees
FROM golden_orgs g
LEFT JOIN (SELECT org_id, count(DISTINCT person_id) AS employees FROM person_org
           WHERE relation = 'employee' GROUP BY org_id) e USING (org_id)
ORDER BY g.org_id;
"""


def houses_sql() -> str:
    """Houses with owner, occupants and status (自住 / 出租 / 空置; shops 经营 / 空置)."""
    return """
CREATE OR REPLACE TABLE houses AS
WITH owner_person AS (
    SELECT house_code, arg_max(person_id, coalesce(observed_on, DATE '1900-01-01')) AS p
    FROM pm WHERE role = 'owner' AND house_code IS NOT NULL GROUP BY house_code
), owner_org AS (
    SELECT house_code, arg_max(org_id, coalesce(observed_on, DATE '1900-01-01')) AS o
    FROM om WHERE role = 'owner' AND house_code IS NOT NULL GROUP BY house_code
), occupants AS (
    SELECT house_code, list(person_id ORDER BY person_id) AS ids
    FROM golden_persons WHERE house_code IS NOT NULL GROUP BY house_code
), businesses AS (
    SELECT DISTINCT house_code FROM org_house
)
SELECT a.*, op.p AS owner_person_id, oo.o AS owner_org_id,
       coalesce(occ.ids, []) AS occupant_ids,
       CASE
         WHEN a.use = '商铺' THEN CASE WHEN b.house_code IS NULL THEN '空置' ELSE '经营' END
         WHEN occ.ids IS NULL THEN '空置'
         WHEN op.p IS NULL OR list_contains(occ.ids, op.p) THEN '自住'
         ELSE '出租'
       END AS status
FROM addresses a
LEFT JOIN owner_person op USING (house_code)
LEFT JOIN owner_org oo USING (house_code)
LEFT JOIN occupants occ USING (house_code)
LEFT JOIN businesses b USING (house_code)
ORDER BY a.house_code;
"""


def rollups_sql() -> str:
    """Figures per grid, summed up to community, street and district, so every level
    adds up to its parent exactly."""
    return """
CREATE OR REPLACE TABLE rollups AS
WITH grid_figures AS (
    SELECT d.code,
        coalesce(p.persons, 0) AS persons, coalesce(p.hukou_persons, 0) AS hukou_persons,
        coalesce(p.migrants, 0) AS migrants, coalesce(h.houses, 0) AS houses,
        coalesce(h.owner_occupied, 0) AS houses_owner_occupied,
        coalesce(h.rented, 0) AS houses_rented, coalesce(h.vacant, 0) AS houses_vacant,
        coalesce(o.organizations, 0) AS organizations
    FROM divisions d
    LEFT JOIN (SELECT left(house_code, 15) AS code, count(*) AS persons,
                      count(*) FILTER (WHERE NOT is_migrant) AS hukou_persons,
                      count(*) FILTER (WHERE is_migrant) AS migrants
               FROM golden_persons WHERE house_code IS NOT NULL GROUP BY 1) p USING (code)
    LEFT JOIN (SELECT grid_code AS code, count(*) AS houses,
                      count(*) FILTER (WHERE status = '自住') AS owner_occupied,
                      count(*) FILTER (WHERE status = '出租') AS rented,
                      count(*) FILTER (WHERE status = '空置') AS vacant
               FROM houses GROUP BY 1) h USING (code)
    LEFT JOIN (SELECT left(registered_house, 15) AS code, count(*) AS organizations
               FROM golden_orgs WHERE status = '存续' AND registered_house IS NOT NULL
               GROUP BY 1) o USING (code)
    WHERE d.level = 'grid'
), levels AS (
    SELECT * FROM (VALUES ('district', 6), ('street', 9), ('community', 12), ('grid', 15))
        AS t(level, width)
)
SELECT l.level, d.code, d.name,
    sum(g.persons)::BIGINT AS persons, sum(g.hukou_persons)::BIGINT AS hukou_persons,
    sum(g.migrants)::BIGINT AS migrants, sum(g.houses)::BIGINT AS houses,
    sum(g.houses_owner_occupied)::BIGINT AS houses_owner_occupied,
    sum(g.houses_rented)::BIGINT AS houses_rented,
    sum(g.houses_vacant)::BIGINT AS houses_vacant,
    sum(g.organizations)::BIGINT AS organizations
FROM levels l
JOIN divisions d ON d.level = l.level
JOIN grid_figures g ON left(g.code, l.width) = d.code
GROUP BY l.level, d.code, d.name
ORDER BY d.code;
"""


def person_search_sql() -> str:
    """A key → person index sorted by key, so lookups prune Parquet row groups."""
    return """
CREATE OR REPLACE TABLE person_search AS
SELECT DISTINCT * FROM (
    SELECT 'id_number' AS key_type, id_number AS key, person_id
    FROM golden_persons WHERE id_number IS NOT NULL
    UNION ALL
    SELECT 'id_number', id_number_std, person_id FROM pm WHERE id_number_std IS NOT NULL
    UNION ALL
    SELECT 'phone', phone_std, person_id FROM pm WHERE phone_std IS NOT NULL
    UNION ALL
    SELECT 'name', name_std, person_id FROM pm WHERE name_std IS NOT NULL
    UNION ALL
    SELECT 'name_key', name_key, person_id FROM pm WHERE name_key IS NOT NULL
)
ORDER BY key_type, key, person_id;
"""


def evidence_sql() -> str:
    """Which feed rows make up each person, and the scored pairs between them."""
    return """
CREATE OR REPLACE TABLE person_mentions_index AS
SELECT l.person_id, l.mention_id, l.method, l.match_probability,
       m.source, m.batch, m."row", m.role, m.name
FROM person_links l JOIN person_mentions m USING (mention_id)
ORDER BY l.person_id, l.mention_id;
CREATE OR REPLACE TABLE person_evidence AS
SELECT l.person_id, e.left_mention_id, e.right_mention_id, e.match_weight,
       e.match_probability, e.evidence
FROM explanations e JOIN person_links l ON l.mention_id = e.left_mention_id
ORDER BY l.person_id;
"""


def build_statements_sql() -> list[str]:
    """The build, in order (after `input_views_sql`)."""
    return [
        linked_mentions_sql(),
        org_house_sql(),
        person_house_sql(),
        person_org_sql(),
        persons_sql(),
        organizations_sql(),
        houses_sql(),
        rollups_sql(),
        person_search_sql(),
        evidence_sql(),
    ]


def export_sql(table: str, path: Path) -> str:
    """Write a table to Parquet (row groups small enough for point lookups to prune)."""
    return f"COPY {table} TO {_quote(path)} (FORMAT parquet, ROW_GROUP_SIZE 16384)"


# -- thematic libraries (专题库, shibei.foundation.libraries.THEMATIC_LIBRARIES) ----------


def clean_view_sql(lake: Path, source: str) -> str:
    """`clean_<source>`: the source's clean rows (all batches)."""
    return (
        f"CREATE OR REPLACE VIEW clean_{source} AS SELECT * FROM read_parquet("
        f"{_glob(lake / 'clean' / source)}, union_by_name = true)"
    )


def _grid_sql(columns: set[str]) -> str:
    """The row's grid: its own `grid_code`, else the first 15 digits of the house or
    address code when the address was matched at grid level or deeper (a house or building
    code: digits only). A door, compound or road code (370203008R0060013, …Q001) names no
    grid: its first 15 characters are none."""
    if "grid_code" in columns:
        return "c.grid_code"
    codes = [f"c.{c}" for c in ("house_code", "address_code") if c in columns]
    if not codes:
        return "NULL::VARCHAR"
    code = f"coalesce({', '.join(codes)})" if len(codes) > 1 else codes[0]
    head = f"left({code}, 15)"
    return (
        f"CASE WHEN length({code}) >= 15 AND translate({head}, '0123456789', '') = '' "
        f"THEN {head} END"
    )


PLACE_GRIDS_SQL = """
SELECT door_code AS code, min(grid_code) AS grid_code FROM addresses
GROUP BY door_code HAVING count(DISTINCT grid_code) = 1
UNION ALL
SELECT compound_code, min(grid_code) FROM addresses WHERE compound_code IS NOT NULL
GROUP BY compound_code HAVING count(DISTINCT grid_code) = 1"""
"""Doors and compounds whose buildings all lie in one grid, with that grid (from the
`addresses` view): an address matched no deeper than such a door or compound is in it."""


def takes_place_grids(columns: set[str]) -> bool:
    """Whether a library over `columns` takes a row's grid from its matched door or
    compound (`PLACE_GRIDS_SQL`): it has a matched address and no grid of its own."""
    return "address_code" in columns and "grid_code" not in columns


def feed_library_sql(name: str, sources: list[str], columns: set[str]) -> str:
    """A thematic library over the clean rows of `sources` (the `clean_<source>` views;
    `columns`: their columns): every clean row, without `row_hash`, plus `person_id` /
    `person_ids` (the persons its mentions resolved to, in mention order), `org_id` /
    `org_ids`, and `grid_code` (`_grid_sql`, else the grid of the door or compound its
    address was matched to, `PLACE_GRIDS_SQL`: needs the `addresses` view).

    Only the library's own sources' mentions are grouped, and each row's few mentions
    are listed unordered and then sorted: an ordered list aggregate over every mention
    of the lake cannot spill and ran out of memory with the feeds delivered 13 times."""
    rows = " UNION ALL BY NAME ".join(
        f"SELECT * EXCLUDE (row_hash) FROM clean_{source}" for source in sources
    )
    within = ", ".join(f"'{source}'" for source in sources)
    ids = {
        kind: 'SELECT source, batch, "row", list_transform(list_sort('
        f"list({{'m': mention_id, 'id': {kind}_id}})), lambda x: x.id) AS ids FROM {table} "
        f'WHERE source IN ({within}) GROUP BY source, batch, "row"'
        for kind, table in (("person", "pm"), ("org", "om"))
    }
    grid, places, place_join = _grid_sql(columns), "", ""
    if takes_place_grids(columns):
        grid = f"coalesce({grid}, g.grid_code)"
        places = f",\ng AS ({PLACE_GRIDS_SQL})"
        place_join = " LEFT JOIN g ON g.code = c.address_code"
    return f"""
CREATE OR REPLACE TABLE {name} AS
WITH c AS ({rows}),
p AS ({ids["person"]}),
o AS ({ids["org"]}){places}
SELECT c.*, p.ids[1] AS person_id, coalesce(p.ids, []::VARCHAR[]) AS person_ids,
       o.ids[1] AS org_id, coalesce(o.ids, []::VARCHAR[]) AS org_ids,
       {grid} AS grid_code
FROM c LEFT JOIN p USING (source, batch, "row") LEFT JOIN o USING (source, batch, "row"){place_join}
ORDER BY c.source, c.batch, c."row";
"""


def staff_sql(has_grid_workers: bool, has_police: bool) -> str:
    """`staff`: one row per person on a roster, with the person and the unit: a grid
    (grid workers) or a community police district (民警, 辅警) and its station."""
    parts = []
    if has_grid_workers:
        parts.append("""
SELECT pm.role, pm.person_id, pm.name_std AS name, c.phone_std AS phone,
       'grid' AS unit_kind, c.grid_code AS unit_code, c.grid_name AS unit_name,
       NULL::VARCHAR AS station, c.grid_code AS grid_code, c.since AS since,
       pm.source, pm.batch, pm."row"
FROM clean_grid_workers c JOIN pm USING (source, batch, "row")""")
    if has_police:
        parts.append("""
SELECT pm.role, pm.person_id, pm.name_std AS name, NULL::VARCHAR AS phone,
       'police_district' AS unit_kind, NULL::VARCHAR AS unit_code,
       c.police_district AS unit_name, c.station, NULL::VARCHAR AS grid_code,
       NULL::DATE AS since, pm.source, pm.batch, pm."row"
FROM clean_community_police c JOIN pm USING (source, batch, "row")""")
    body = "\nUNION ALL".join(parts)
    return f'CREATE OR REPLACE TABLE staff AS {body}\nORDER BY source, batch, "row", role;'


def derived_library_sql(name: str) -> str:
    """Thematic libraries read from the base libraries."""
    if name == "migrants":
        return (
            "CREATE OR REPLACE TABLE migrants AS SELECT * FROM persons WHERE is_migrant "
            "ORDER BY person_id"
        )
    if name == "rented_houses":
        return (
            "CREATE OR REPLACE TABLE rented_houses AS SELECT * FROM houses "
            "WHERE status = '出租' ORDER BY house_code"
        )
    raise ValueError(f"没有名为 {name} 的派生专题库")
