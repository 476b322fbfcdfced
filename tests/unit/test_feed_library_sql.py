"""A feed's thematic library (`build_sql.feed_library_sql`): each clean row with the
persons and organizations its mentions resolved to, in mention order, from its own
sources' mentions only."""

from __future__ import annotations

import duckdb

from shibei.foundation.build_sql import feed_library_sql


def _connection() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE clean_rentals AS SELECT * FROM (VALUES "
        "('rentals', 'b1', 1, 'x1', '370203005001001000101'), "
        "('rentals', 'b1', 2, 'x2', NULL), "
        "('rentals', 'b2', 1, 'x3', NULL)) t(source, batch, \"row\", row_hash, house_code)"
    )
    # row 1 names a landlord (mention 0, person P9) and a tenant (mention 1, person P1):
    # person ids sort the other way round from the mentions
    con.execute(
        "CREATE TABLE pm AS SELECT * FROM (VALUES "
        "('rentals:b1:1:tenant:1', 'rentals', 'b1', 1, 'P1'), "
        "('rentals:b1:1:landlord:0', 'rentals', 'b1', 1, 'P9'), "
        "('rentals:b2:1:tenant:0', 'rentals', 'b2', 1, 'P5'), "
        "('hukou:b1:2:hukou:0', 'hukou', 'b1', 2, 'P7')) "  # same batch and row, other feed
        't(mention_id, source, batch, "row", person_id)'
    )
    con.execute(
        "CREATE TABLE om AS SELECT * FROM (VALUES "
        "('rentals:b1:2:agency:0', 'rentals', 'b1', 2, 'O3')) "
        't(mention_id, source, batch, "row", org_id)'
    )
    return con


def test_rows_carry_their_persons_in_mention_order_and_nothing_of_other_feeds() -> None:
    con = _connection()
    con.execute(feed_library_sql("rental_library", ["rentals"], {"house_code"}))
    rows = con.execute(
        'SELECT batch, "row", person_id, person_ids, org_id, org_ids, grid_code FROM rental_library'
    ).fetchall()
    assert rows == [
        ("b1", 1, "P9", ["P9", "P1"], None, [], "370203005001001"),
        ("b1", 2, None, [], "O3", ["O3"], None),
        ("b2", 1, "P5", ["P5"], None, [], None),
    ]


def test_the_grid_comes_from_the_house_building_door_or_compound_matched() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE clean_incidents AS SELECT * FROM (VALUES "
        "('incidents', 'b1', 1, 'x1', '3702030050010010001', 'building'), "
        "('incidents', 'b1', 2, 'x2', '370203008R0060013', 'door'), "  # one grid
        "('incidents', 'b1', 3, 'x3', '370203005001Q001', 'compound'), "
        "('incidents', 'b1', 4, 'x4', '370203005R0010047', 'door'), "  # two grids: none
        "('incidents', 'b1', 5, 'x5', '370203005R001', 'road')) "
        't(source, batch, "row", row_hash, address_code, address_level)'
    )
    con.execute(  # (the 地址库: one row per house)
        "CREATE TABLE addresses AS SELECT * FROM (VALUES "
        "('370203008R0060013', NULL, '370203008002005'), "
        "('370203008R0060013', NULL, '370203008002005'), "
        "('370203005R0010001', '370203005001Q001', '370203005001002'), "
        "('370203005R0010047', NULL, '370203005001001'), "
        "('370203005R0010047', NULL, '370203005001003')) t(door_code, compound_code, grid_code)"
    )
    for table in ("pm", "om"):
        con.execute(
            f"CREATE TABLE {table} (mention_id VARCHAR, source VARCHAR, batch VARCHAR, "
            f'"row" BIGINT, {"person" if table == "pm" else "org"}_id VARCHAR)'
        )
    con.execute(feed_library_sql("incident_library", ["incidents"], {"address_code"}))
    rows = con.execute('SELECT "row", grid_code FROM incident_library ORDER BY "row"').fetchall()
    assert rows == [
        (1, "370203005001001"),  # a building code's first 15 digits
        (2, "370203008002005"),
        (3, "370203005001002"),
        (4, None),  # never a road code's first 15 characters (370203005R00100)
        (5, None),
    ]
