"""The column-wise stages of person resolution, as DuckDB SQL over one mention table.

Everything that touches every mention runs here, in the database: the deterministic
stage (one person per valid ID number, incompatible names split off), identity records
(distinct identity tuples), the rare-name rule's choice of person, links and
explanations per mention, survivorship (golden records) and conflicts. Python keeps only
what works on few rows: scoring through the `Linker` port, constrained clustering of the
scored pairs and the rare-name rule's contradiction checks (`persons.py`,
`unique_name.py`).

The rules are the ones docs/resolve.md states. This module builds SQL text and runs it
on a connection it is given (`pipeline.resolve` opens it); it imports no engine.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from shibei.resolve.authority import RESIDENCE_AUTHORITY, SOURCE_AUTHORITY, SOURCE_LABELS

POLICE = "police_household_registry"

MENTION_COLUMNS: tuple[tuple[str, str], ...] = (
    ("mention_id", "VARCHAR"), ("source", "VARCHAR"), ("batch", "VARCHAR"), ("row", "BIGINT"),
    ("role", "VARCHAR"), ("name", "VARCHAR"), ("name_std", "VARCHAR"), ("name_key", "VARCHAR"),
    ("id_number_raw", "VARCHAR"), ("id_number_std", "VARCHAR"), ("birth_date", "DATE"),
    ("sex", "VARCHAR"), ("phone_std", "VARCHAR"), ("house_code", "VARCHAR"),
    ("address_code", "VARCHAR"), ("uscc_std", "VARCHAR"), ("observed_on", "DATE"),
)  # fmt: skip
"""The columns of `mentions/persons` resolution reads (docs/pipeline.md)."""

GOLDEN_ATTRIBUTES = (
    "name", "id_number", "birth_date", "sex", "phones", "house_code", "hukou_house_code",
    "is_migrant",
)  # fmt: skip
"""The attributes of a golden person (`persons.parquet`), each with `_source` and `_why`."""

RECORD_COLUMNS = (
    "name_std", "name_key", "id_number", "id_valid", "birth_date", "sex", "phone_std",
    "house_code", "address_code",
)  # fmt: skip
"""The identity tuple of a record (`model.PersonRecord`)."""


def literal(path: object) -> str:
    """A path (or any text) as a SQL string literal."""
    return "'" + str(path).replace("'", "''") + "'"


def rank_sql(order: tuple[str, ...], column: str = "source") -> str:
    """`authority.rank` as SQL: 0 for the first source of `order`, unknown ones last."""
    whens = " ".join(f"WHEN '{s}' THEN {n}" for n, s in enumerate(order))
    return f"CASE {column} {whens} ELSE {len(order)} END"


def _label_sql(column: str) -> str:
    """`authority.label`: the Chinese name of a source."""
    whens = " ".join(f"WHEN '{s}' THEN '{t}'" for s, t in SOURCE_LABELS.items())
    return f"CASE {column} {whens} ELSE {column} END"


TEXT_COLUMNS = frozenset({"mention_id", "source", "batch", "role"})
"""Mention columns read as text that is never null ("" for a missing value)."""


def select_columns_sql(
    columns: Iterable[tuple[str, str]], present: Iterable[str], keep: Iterable[str] = ()
) -> str:
    """The select list reading `columns` (name, SQL type) from a relation that has the
    columns `present`: `TEXT_COLUMNS` with "" for null, numbers with 0, dates cast, other
    text with "" read as null (except the `keep` ones, read as they are); a missing
    column is its empty value."""
    have, keep = set(present), set(keep)
    out = []
    for name, kind in columns:
        if name not in have:
            value = "''" if name in TEXT_COLUMNS else ("0" if kind == "BIGINT" else "NULL")
            out.append(f"CAST({value} AS {kind}) AS {name}")
        elif name in TEXT_COLUMNS:
            out.append(f"coalesce(CAST({name} AS VARCHAR), '') AS {name}")
        elif kind == "BIGINT":
            out.append(f"coalesce({name}, 0) AS {name}")
        elif kind == "DATE":
            out.append(f"CAST({name} AS DATE) AS {name}")
        elif name in keep:
            out.append(name)
        else:
            out.append(f"nullif({name}, '') AS {name}")
    return ", ".join(out)


def load_mentions(con: Any, relation: str, present: Iterable[str]) -> None:
    """`pm`: the person mentions of `relation` in mention-id order (`idx` 0…), text
    fields with "" read as null (the raw `name` as it is), with the authority ranks
    survivorship orders by. A view of table `pm_rows`, written in that order, whose row
    number is `idx` (numbering the rows in a window sort cost as much as reading them)."""
    cols = select_columns_sql(MENTION_COLUMNS, present, keep=("name",))
    con.execute(f"""
CREATE OR REPLACE TABLE pm_rows AS
SELECT *, {rank_sql(SOURCE_AUTHORITY)} AS rank_src, {rank_sql(RESIDENCE_AUTHORITY)} AS rank_res
FROM (SELECT {cols} FROM {relation})
ORDER BY mention_id""")
    con.execute("CREATE OR REPLACE TEMP VIEW pm AS SELECT rowid AS idx, * FROM pm_rows")
    con.execute("""
CREATE OR REPLACE MACRO one_apart(a, b) AS
    length(a) = length(b)
    AND len(list_filter(range(1, length(a) + 1), lambda i: substr(a, i, 1) <> substr(b, i, 1))) = 1
""")


def deterministic_sql() -> list[str]:
    """The deterministic stage (`docs/resolve.md` step 1) → `idg(idx, label)` for every
    mention with a valid number and `id_conflicts(idx, attribute)`.

    The anchor name of a number is its most authoritative mention's (ties: the more
    frequent pinyin key, then the smaller mention id), chosen only when the number carries
    more than one spelling; a mention whose name is incompatible with it (a different
    pinyin key and more than one character apart) gets `<number>#2`, `#3`… per name, in
    order of first appearance. All names of a number with several pinyin keys or a
    split are conflicts; so are birth dates that disagree with the number's digits.
    Only the numbers with several spellings need the windows (`spelled`)."""
    return [
        """
CREATE OR REPLACE TEMP TABLE idv AS
WITH v AS (SELECT idx, mention_id, rank_src, name_std, name_key, birth_date,
                  id_number_std AS number FROM pm WHERE id_number_std IS NOT NULL),
spellings AS (  -- two names, or a name and a missing one
    SELECT number FROM v GROUP BY number
    HAVING min(name_std) <> max(name_std) OR count(name_std) BETWEEN 1 AND count(*) - 1),
named AS (
    SELECT v.*, count(*) OVER (PARTITION BY v.number, v.name_key) AS freq
    FROM v JOIN spellings USING (number) WHERE v.name_std IS NOT NULL),
anchor AS (
    SELECT number, arg_min(name_std, (rank_src, -freq, mention_id)) AS a_name,
           arg_min(name_key, (rank_src, -freq, mention_id)) AS a_key
    FROM named GROUP BY number)
SELECT v.idx, v.number, v.birth_date, v.name_key, a.a_name IS NOT NULL AS spelled,
       CASE WHEN a.a_name IS NULL OR v.name_std IS NULL OR coalesce(v.name_key = a.a_key, FALSE)
                 OR v.name_std = a.a_name THEN TRUE  -- a CASE: one_apart only where needed
            ELSE one_apart(v.name_std, a.a_name) END AS compatible,
       coalesce(v.name_key, v.name_std, '') AS split_key
FROM v LEFT JOIN anchor a USING (number)""",
        """
CREATE OR REPLACE TABLE idg AS
SELECT idx, number, birth_date, number AS label FROM idv WHERE compatible
UNION ALL
SELECT idx, number, birth_date,
       number || '#' || (dense_rank() OVER (PARTITION BY number ORDER BY first_idx) + 1)
FROM (SELECT *, min(idx) OVER (PARTITION BY number, split_key) AS first_idx
      FROM idv WHERE NOT compatible)""",
        """
CREATE OR REPLACE TABLE id_conflicts AS
WITH names AS (
    SELECT number FROM idv WHERE spelled GROUP BY number
    HAVING count(DISTINCT name_key) > 1 OR NOT bool_and(compatible)),
births AS (  -- a valid number's digits 7-14 are a date
    SELECT DISTINCT number FROM idv WHERE birth_date IS NOT NULL
    AND year(birth_date) * 10000 + month(birth_date) * 100 + day(birth_date)
        <> CAST(substr(number, 7, 8) AS INTEGER))
SELECT idx, 'name' AS attribute FROM idv WHERE number IN (SELECT number FROM names)
UNION ALL
SELECT idx, 'birth_date' FROM idv
WHERE number IN (SELECT number FROM births) AND birth_date IS NOT NULL""",
    ]


_DERIVED = frozenset({"id_number", "id_valid", "birth_date", "sex", "address_code"})
"""The record columns `pr_fields` derives; the others are the mention's own."""


def records_sql() -> list[str]:
    """Identity records (`docs/resolve.md` step 2) → `records`, one row per distinct
    identity tuple (`RECORD_COLUMNS`) and `rec`, its index in order of the tuple's first
    mention; and `pr`: each mention of `pm` with its record fields, deterministic `label`
    and `rec`. An invalid number keeps its cleaned form (table `clean_ids(raw,
    cleaned)`); birth date and sex fall back to the number's digits (of an invalid
    18-character number too), dates from 1880 to this year only.

    Tuples are told apart by `tuple_key`, the fields joined (a missing field as an empty
    one) and numbered by their first mention's `idx` — an integer sort; sorting the long
    keys themselves cost more than the rest of this stage. `pr` is a view: `pm` side by
    side with `pr_fields`, the derived columns in the same (`idx`) order, so the mention
    table is not copied; `records` is the first mention of each tuple read off it."""
    digits = "CASE WHEN id_valid OR length(id_number) = 18 THEN id_number END"
    born = (
        "CASE WHEN regexp_full_match(substr(d, 7, 8), '[0-9]{8}') "
        "THEN try_strptime(substr(d, 7, 8), '%Y%m%d')::DATE END"
    )
    # one string per tuple: \x01 separates the fields (no field holds it)
    tuple_key = "concat_ws(chr(1), " + ", ".join(
        f"coalesce({c}, '')" for c in ("id_number", "name_std", "name_key", "birth_date", "sex",
                                       "phone_std", "house_code", "address_code")
    ) + ", CASE WHEN id_valid THEN 'True' ELSE 'False' END)"  # fmt: skip
    return [
        f"""
CREATE OR REPLACE TEMP TABLE pz AS
WITH x AS (
    SELECT pm.idx, pm.name_std, pm.name_key, pm.phone_std, pm.house_code, pm.birth_date,
           pm.sex, pm.address_code, g.label, pm.id_number_std IS NOT NULL AS id_valid,
           CASE WHEN pm.id_number_std IS NOT NULL THEN pm.id_number_std
                ELSE nullif(c.cleaned, '') END AS id_number
    FROM pm LEFT JOIN idg g USING (idx)
    LEFT JOIN clean_ids c ON pm.id_number_std IS NULL AND c.raw = pm.id_number_raw),
y AS (SELECT *, {digits} AS d FROM x),
fields AS (  -- CASE, not coalesce: the digits are parsed only where a field is missing
SELECT * EXCLUDE (d, birth_date, sex, address_code),
       birth_date AS mention_birth,
       CASE WHEN birth_date IS NOT NULL THEN strftime(birth_date, '%Y-%m-%d')
            WHEN year({born}) BETWEEN 1880 AND year(current_date)
            THEN strftime({born}, '%Y-%m-%d') END AS birth_date,
       CASE WHEN sex IS NOT NULL THEN sex
            WHEN regexp_full_match(substr(d, 17, 1), '[0-9]')
            THEN CASE WHEN CAST(substr(d, 17, 1) AS INTEGER) % 2 = 1 THEN 'M' ELSE 'F' END
       END AS sex,
       coalesce(address_code, house_code) AS address_code
FROM y)
SELECT *, {tuple_key} AS tuple_key FROM fields""",
        """
CREATE OR REPLACE TEMP TABLE rec_first AS
SELECT tuple_key, min(idx) AS first FROM pz GROUP BY tuple_key""",
        """
CREATE OR REPLACE TABLE pr_fields AS
SELECT z.idx, z.label, z.id_valid, z.id_number, z.mention_birth, z.birth_date, z.sex,
       z.address_code, n.rec, z.idx = n.first AS is_first
FROM pz z JOIN (SELECT tuple_key, first, row_number() OVER (ORDER BY first) - 1 AS rec
                FROM rec_first) n USING (tuple_key)
ORDER BY z.idx""",
        "DROP TABLE pz",
        "DROP TABLE rec_first",
        """
CREATE OR REPLACE TEMP VIEW pr AS
SELECT pm.* EXCLUDE (birth_date, sex, address_code), f.* EXCLUDE (idx, is_first)
FROM pm POSITIONAL JOIN pr_fields f""",
        f"""
CREATE OR REPLACE TABLE records AS
SELECT f.rec, {", ".join(f"{'f' if c in _DERIVED else 'pm'}.{c}" for c in RECORD_COLUMNS)}
FROM pm POSITIONAL JOIN pr_fields f WHERE f.is_first""",
    ]


def record_groups_sql(roster_roles: Iterable[str], residence_roles: Iterable[str]) -> list[str]:
    """Per record, from one pass over `pr` → `rec_roles(rec, mentions, label, eligible,
    kind)` (how many mentions it has; its deterministic label; whether one of them is not
    a staff roster entry; `hukou`, `residence` or '' by their roles) and `rg(rec, label,
    root)` (its deterministic group: the label and the group's first record)."""
    roster = ", ".join(f"'{r}'" for r in roster_roles)
    residence = ", ".join(f"'{r}'" for r in residence_roles)
    return [
        f"""
CREATE OR REPLACE TABLE rec_roles AS
SELECT rec, count(*) AS mentions, any_value(label) AS label,
       bool_or(role NOT IN ({roster})) AS eligible,
       CASE WHEN bool_or(role = 'hukou') THEN 'hukou'
            WHEN bool_or(role IN ({residence})) THEN 'residence' ELSE '' END AS kind
FROM pr GROUP BY rec""",
        """
CREATE OR REPLACE TABLE rg AS
SELECT rec, label,
       CASE WHEN label IS NULL THEN rec ELSE min(rec) OVER (PARTITION BY label) END AS root
FROM rec_roles""",
    ]


RECORDS_TABLE_SQL = "SELECT rec AS unique_id, * EXCLUDE (rec) FROM records ORDER BY rec"
"""The records as the `Linker` port takes them (`unique_id` = index)."""


def address_prefix_sql(width: int) -> str:
    """The first `width` digits of `address_code` (the building at 19, the community at
    12), NULL when the code is shorter or not all digits there."""
    head = f"substr(address_code, 1, {width})"
    return (
        f"CASE WHEN length(address_code) >= {width} AND regexp_full_match({head}, '[0-9]+') "
        f"THEN {head} END"
    )


POPULATION_SCOPE = {"address": "in_address", "id_number": "in_id_number"}
"""Per comparison with population-dependent levels, the flag of the records it compares
(an address, an ID number: the others are its null level)."""

_POPULATION_COLUMNS = (
    "in_address", "in_id_number", "house_code", "building", "community", "id_number", "label",
)  # fmt: skip


def population_counts_sql(key_sets: Iterable[tuple[str, tuple[str, ...]]]) -> list[str]:
    """Record pairs sharing each key set, for the u of the population-dependent levels
    (`persons.population_pairs`): `key_sets` are (comparison, key columns) among
    house_code, building, community, id_number and label (the deterministic group). The
    records are copied once into a narrow table `pop` (keys hashed to integers, null kept),
    then one grouping-sets pass counts, for each key set, the pairs of records in the
    comparison's scope (`POPULATION_SCOPE`) sharing every key (none null). The last
    statement returns (`GROUPING` mask, pairs) per key set (`population_mask`)."""

    def hashed(expr: str) -> str:
        return f"CASE WHEN {expr} IS NOT NULL THEN hash({expr}) END"

    sets = ", ".join(
        f"({', '.join((POPULATION_SCOPE[comparison], *keys))})" for comparison, keys in key_sets
    )
    known = " AND ".join(f"(grouping({c}) = 1 OR {c} IS NOT NULL)" for c in _POPULATION_COLUMNS)
    columns = ", ".join(_POPULATION_COLUMNS)
    return [
        f"""
CREATE OR REPLACE TEMP TABLE pop AS
SELECT CASE WHEN t.address_code IS NOT NULL THEN 1 END AS in_address,
       CASE WHEN t.id_number IS NOT NULL THEN 1 END AS in_id_number,
       {hashed("t.house_code")} AS house_code, {hashed(address_prefix_sql(19))} AS building,
       {hashed(address_prefix_sql(12))} AS community, {hashed("t.id_number")} AS id_number,
       {hashed("g.label")} AS label
FROM records t JOIN rg g USING (rec)""",
        f"""
SELECT mask, sum(c * (c - 1) // 2) AS pairs FROM (
    SELECT grouping({columns}) AS mask, count(*) AS c FROM pop
    GROUP BY GROUPING SETS ({sets}) HAVING {known})
GROUP BY mask""",
    ]


def population_mask(comparison: str, keys: tuple[str, ...]) -> int:
    """The `GROUPING` mask of a key set in `population_counts_sql` (bit set: not grouped)."""
    grouped = {POPULATION_SCOPE[comparison], *keys}
    bits = [0 if c in grouped else 1 for c in _POPULATION_COLUMNS]
    return int("".join(map(str, bits)), 2)


SNAPSHOT_SQL = """
CREATE OR REPLACE TEMP TABLE comp AS
SELECT g.rec, coalesce(m.root, g.root) AS root,
       CASE WHEN m.node IS NULL THEN g.label IS NOT NULL ELSE m.labelled END AS labelled
FROM rg g LEFT JOIN moved_roots m ON m.node = g.root"""
"""`comp`: each record's component after the accepted pairs — its group's root, moved
where clustering joined groups (`moved_roots(node, root, labelled)`)."""

COMPONENTS_SQL = """
CREATE OR REPLACE TEMP TABLE components AS
SELECT c.rec, coalesce(f.root, c.root) AS root, c.root AS snapshot
FROM comp c LEFT JOIN final_roots f ON f.node = c.root"""
"""`components`: each record's final component (after the rare-name joins,
`final_roots(node, root)`) and the one it had before them (`snapshot`)."""


def name_choice_sql() -> list[str]:
    """The rare-name and household rules' choice of person (`docs/resolve.md` step 5), on
    the component snapshot `comp(rec, root, labelled)` → `name_choice(leftover, person,
    foreign_phone, rivals)` and the component `summary` of every root named there.

    A candidate is a leftover component (no valid number) with one pinyin name key, names
    of at least two characters and a record that is not a staff roster entry. Its person
    is the one identified component carrying the key, or — when several do — the only
    one of those living where the leftover lives or whose hukou house-mates (identified
    components registered at one of its hukou houses) live there. `foreign_phone`: one
    of the leftover's phones belongs to another identified component; `rivals`: the other
    leftovers carrying the key. `unique_name.unique_name_joins` checks the rest."""

    def items(column: str, where: str = "TRUE") -> str:
        return f"list(DISTINCT {column}) FILTER (WHERE {column} IS NOT NULL AND {where})"

    return [
        """
CREATE OR REPLACE TEMP TABLE rc AS
SELECT r.* EXCLUDE (address_code), g.eligible, g.kind, c.root, c.labelled
FROM records r JOIN rec_roles g USING (rec) JOIN comp c USING (rec)""",
        """
CREATE OR REPLACE TEMP TABLE name_choice AS
WITH cand AS (
    SELECT root AS l, min(name_key) AS k FROM rc WHERE NOT labelled GROUP BY root
    HAVING bool_or(eligible) AND count(DISTINCT name_key) = 1
       AND min(length(name_std)) >= 2),
key_persons AS (  -- the identified components carrying a candidate's key
    SELECT DISTINCT r.name_key AS k, r.root AS p FROM rc r
    WHERE r.labelled AND r.name_key IN (SELECT k FROM cand)),
counts AS (SELECT k, count(*) AS n FROM key_persons GROUP BY k),
several AS (SELECT c.l, c.k FROM cand c JOIN counts USING (k) WHERE counts.n > 1),
hukou AS (SELECT DISTINCT root, house_code FROM rc WHERE labelled AND kind = 'hukou'),
lives AS (SELECT DISTINCT root, house_code FROM rc WHERE kind = 'residence'),
near AS (  -- whoever lives where the leftover lives
    SELECT DISTINCT s.l, s.k, q.root AS q FROM several s
    JOIN lives x ON x.root = s.l JOIN lives q ON q.house_code = x.house_code),
family AS (  -- those, and their hukou house-mates
    SELECT l, k, q AS p FROM near
    UNION SELECT n.l, n.k, b.root FROM near n
    JOIN hukou a ON a.root = n.q JOIN hukou b USING (house_code)),
supported AS (SELECT DISTINCT f.l, f.p FROM family f JOIN key_persons USING (k, p)),
chosen AS (
    SELECT c.l, kp.p FROM cand c JOIN counts USING (k) JOIN key_persons kp USING (k)
    WHERE counts.n = 1
    UNION ALL
    SELECT l, min(p) FROM supported GROUP BY l HAVING count(*) = 1),
foreign_phone AS (
    SELECT DISTINCT c.l FROM chosen c
    JOIN rc lp ON lp.root = c.l AND lp.phone_std IS NOT NULL
    JOIN rc o ON o.labelled AND o.phone_std = lp.phone_std AND o.root <> c.p),
rivals AS (
    SELECT c.l, list(DISTINCT r.root) AS rivals FROM chosen c JOIN cand k USING (l)
    JOIN rc r ON NOT r.labelled AND r.name_key = k.k AND r.root <> c.l GROUP BY c.l)
SELECT c.l AS leftover, c.p AS person, c.l IN (SELECT l FROM foreign_phone) AS foreign_phone,
       coalesce(r.rivals, []) AS rivals
FROM chosen c LEFT JOIN rivals r USING (l) ORDER BY c.l""",
        f"""
CREATE OR REPLACE TEMP TABLE summary AS
WITH wanted AS (
    SELECT leftover AS root FROM name_choice UNION SELECT person FROM name_choice
    UNION SELECT unnest(rivals) FROM name_choice)
SELECT r.root,
       {items("r.house_code", "r.kind = 'residence'")} AS residences,
       {items("r.name_std")} AS names, {items("r.birth_date")} AS births,
       {items("r.sex")} AS sexes, {items("r.id_number", "r.id_valid")} AS valid_ids,
       {items("r.id_number", "NOT r.id_valid")} AS invalid_ids
FROM rc r WHERE r.root IN (SELECT root FROM wanted) GROUP BY r.root ORDER BY r.root""",
    ]


def links_sql() -> str:
    """`person_links` from `pr`, the final components `fin(rec, root, snapshot, person_id)`,
    the joined leftovers `named(root)` and each record's best accepted pair
    `best(rec, p)`: method `id_number` (valid number), `unique_name` (joined by the
    rare-name rule), `singleton` (alone), else `probabilistic`."""
    return """
WITH sizes AS (  -- an aggregate and a join, not a window: both spill when memory is short
    SELECT f.person_id, sum(r.mentions) AS size FROM fin f JOIN rec_roles r USING (rec)
    GROUP BY f.person_id),
fs AS (SELECT f.rec, f.person_id, f.snapshot, s.size FROM fin f JOIN sizes s USING (person_id)),
m AS (SELECT pr.idx, pr.mention_id, pr.label, pr.rec, fs.person_id, fs.snapshot, fs.size
      FROM pr JOIN fs USING (rec))
SELECT m.mention_id, m.person_id,
       CASE WHEN m.label IS NOT NULL THEN 'id_number'
            WHEN m.snapshot IN (SELECT root FROM named) THEN 'unique_name'
            WHEN m.size = 1 THEN 'singleton' ELSE 'probabilistic' END AS method,
       CASE WHEN m.label IS NULL AND m.snapshot NOT IN (SELECT root FROM named)
                 AND m.size > 1 THEN coalesce(b.p, 1.0) ELSE 1.0 END::DOUBLE AS match_probability
FROM m LEFT JOIN best b USING (rec)
ORDER BY m.idx"""


EXPLANATION_SQL = """
WITH firsts AS (SELECT label, min(mention_id) AS anchor FROM pr
                WHERE label IS NOT NULL GROUP BY label),
reps AS (SELECT rec, min(mention_id) AS rep FROM pr WHERE label IS NULL GROUP BY rec)
SELECT f.anchor AS left_mention_id, pr.mention_id AS right_mention_id,
       CAST(NULL AS DOUBLE) AS match_weight, 1.0 AS match_probability,
       '{"id_number": {"level": "valid exact", "weight": null}}' AS evidence
FROM pr JOIN firsts f USING (label) WHERE pr.mention_id <> f.anchor
UNION ALL
SELECT r.rep, pr.mention_id, NULL, 1.0,
       '{"identity": {"level": "identical", "weight": null}}'
FROM pr JOIN reps r USING (rec) WHERE pr.label IS NULL AND pr.mention_id <> r.rep"""
"""Explanations of the deterministic ties: a valid number shared with the number's first
mention, an identical identity tuple shared with the record's first mention."""


def golden_sql() -> str:
    """Survivorship (`docs/resolve.md`) → one `persons` row per person of `fin`.

    Name, ID number, birth date and sex take the first non-null value in source-authority
    order (freshest `observed_on`, then mention id, break ties); `house_code` the first
    residence outside the police registry in residence order; `hukou_house_code` the police
    registry's; phones all of them in authority order. `<attr>_source` is
    `source:batch:row`, `<attr>_why` says why in Chinese: a second candidate of the same
    rank makes freshness the reason.

    One hash aggregate per person: each candidate's order (rank, freshness, mention
    order `idx`) is packed into one HUGEINT key, the winner is `arg_min` over it, and a
    second candidate of the winner's rank shows as the minimum of the mirrored key (same
    rank, the rest reversed) falling on another mention. Fixed-size states, which DuckDB
    spills to disk when memory is short; the phones' ordered list is built over each
    person's distinct phones (at their best key), not over every mention, since an
    ordered list aggregate holds its input in memory (it failed at 47 M mentions)."""
    fresh = "coalesce(DATE '1970-01-01' - observed_on, 2147483647)"  # freshest first
    residence = f"house_code IS NOT NULL AND source <> '{POLICE}'"
    hukou = f"house_code IS NOT NULL AND source = '{POLICE}'"
    migrant = "(source = 'migrant_registration' OR role = 'migrant')"
    candidates = {  # attribute: (value, which mentions, rank, freshness)
        "name": ("name_std", "name_std IS NOT NULL", "rank_src", fresh),
        "id_number": ("id_number_std", "id_number_std IS NOT NULL", "rank_src", fresh),
        "birth_date": ("birth", "birth IS NOT NULL", "rank_src", fresh),
        "sex": ("sex", "sex IS NOT NULL", "rank_src", fresh),
        "house_code": ("house_code", residence, "rank_res", fresh),
        "hukou_house_code": ("house_code", hukou, "rank_src", fresh),
        "phones": ("phone_std", "phone_std IS NOT NULL", "rank_src", fresh),
        "hukou_first": ("NULL", hukou, "0", "0"),  # the first police registry mention
        "migrant": ("NULL", migrant, "rank_src", fresh),
    }

    def key(rank: str, order: str) -> str:  # rank | freshness + 2^31 | idx (< 2^40)
        return f"(({rank})::HUGEINT << 96) + ((({order})::HUGEINT + 2147483648) << 40) + idx"

    def mirror(rank: str, order: str) -> str:  # rank | the rest of `key` reversed
        return (f"(({rank})::HUGEINT << 96) + ((2147483647 - ({order}))::HUGEINT << 40) "
                f"+ (1099511627775 - idx)")  # fmt: skip

    aggregates = []
    for a, (v, where, rank, order) in candidates.items():
        winner = (f"{{'v': {v}, 'source': source, 'batch': batch, 'row': \"row\", "
                  "'observed_on': observed_on}")  # fmt: skip
        aggregates += [
            f"arg_min({winner}, {key(rank, order)}) FILTER (WHERE {where}) AS {a}",
            f"min({key(rank, order)}) FILTER (WHERE {where}) AS {a}_key",
            f"min({mirror(rank, order)}) FILTER (WHERE {where}) AS {a}_mirror",
        ]

    def prov(a: str) -> str:
        return f"{a}.source || ':' || {a}.batch || ':' || CAST({a}.row AS VARCHAR)"

    def why(a: str) -> str:
        rest = "(1::HUGEINT << 96)"
        return (
            f"'来源权威优先：' || {_label_sql(f'{a}.source')} || '（第' || "
            f"CAST(({a}_key >> 96) + 1 AS VARCHAR) || '位）' || "
            f"CASE WHEN {a}_key % {rest} + {a}_mirror % {rest} <> (1::HUGEINT << 72) - 1 "
            f"THEN '；同级来源中最新（' || coalesce(strftime({a}.observed_on, '%Y-%m-%d'), "
            "'未知日期') || '）' ELSE '' END"
        )

    columns = []
    for a in ("name", "id_number", "birth_date", "sex", "house_code", "hukou_house_code"):
        columns.append(f"{a}.v AS {a}, {prov(a)} AS {a}_source, {why(a)} AS {a}_why")
    first_phone = _label_sql("phones.source")
    columns.insert(4, (
        f"coalesce(phone_list, []) AS phones, {prov('phones')} AS phones_source, "
        f"'全部号码，按来源权威排序；首个来自' || {first_phone} AS phones_why"))  # fmt: skip
    return f"""
WITH base AS (
    SELECT f.person_id, pr.idx, pr.source, pr.batch, pr."row", pr.observed_on,
           pr.rank_src, pr.rank_res, pr.role, pr.name_std, pr.id_number_std, pr.sex,
           coalesce(pr.mention_birth, CAST(pr.birth_date AS DATE)) AS birth,
           pr.phone_std, pr.house_code
    FROM pr JOIN fin f USING (rec)),
picked AS (SELECT person_id, {", ".join(aggregates)} FROM base GROUP BY person_id),
-- each distinct phone once, at its best key: an ordered list over few rows, not all mentions
phone_keys AS (SELECT person_id, phone_std, min({key("rank_src", fresh)}) AS k FROM base
               WHERE phone_std IS NOT NULL GROUP BY person_id, phone_std),
phone_lists AS (SELECT person_id, list(phone_std ORDER BY k) AS phone_list FROM phone_keys
                GROUP BY person_id)
SELECT person_id, {", ".join(columns)},
       migrant IS NOT NULL AND hukou_first IS NULL AS is_migrant,
       CASE WHEN hukou_first IS NOT NULL THEN {prov("hukou_first")}
            WHEN migrant IS NOT NULL THEN {prov("migrant")} END AS is_migrant_source,
       CASE WHEN hukou_first IS NOT NULL THEN '有公安户籍记录'
            WHEN migrant IS NOT NULL THEN '有流动人口登记，无公安户籍记录'
            ELSE '无流动人口登记' END AS is_migrant_why
FROM picked LEFT JOIN phone_lists USING (person_id) ORDER BY person_id"""


def conflicts_sql() -> str:
    """`person_conflicts`: every value of an attribute (name, ID number, birth date, sex)
    that has several distinct values among a person's mentions, one row per mention,
    and the names and birth dates the deterministic stage flagged. The persons with
    several values are found in one aggregate (min ≠ max: two distinct non-null values)."""
    values = {
        "name": "name_std",
        "id_number": "id_number_std",
        "birth_date": "birth_date",
        "sex": "sex",
    }
    differ = ", ".join(f"min({v}) <> max({v}) AS {a}_differs" for a, v in values.items())
    union = "\nUNION ALL\n".join(
        f"SELECT person_id, '{a}' AS attribute, {v} AS value, source, batch, \"row\" "
        f"FROM v WHERE {a}_differs AND {v} IS NOT NULL"
        for a, v in values.items()
    )
    return f"""
WITH m AS (SELECT pr.*, f.person_id FROM pr JOIN fin f USING (rec)),
several AS (
    SELECT person_id, {differ} FROM m GROUP BY person_id
    HAVING {" OR ".join(f"{a}_differs" for a in values)}),
v AS (SELECT * FROM m JOIN several USING (person_id))
SELECT DISTINCT * FROM (
{union}
UNION ALL
SELECT m.person_id, c.attribute,
       CASE WHEN c.attribute = 'name' THEN coalesce(m.name_std, '')
            ELSE coalesce(strftime(m.mention_birth, '%Y-%m-%d'), '') END,
       m.source, m.batch, m."row"
FROM id_conflicts c JOIN m USING (idx))
ORDER BY person_id, attribute, source, "row", value, batch"""
