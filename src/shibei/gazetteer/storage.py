"""Write a gazetteer to a directory and read it back exactly.

One Parquet file per table (streets, communities and grids carry their polygon as WKB in
a GeoParquet `geometry` column), `aliases.parquet`, `gazetteer.json` (scale, seed, the
format version) and, for maps, `streets.geojson`, `communities.geojson`, `grids.geojson`.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import pyarrow as pa
import pyarrow.parquet as pq
import shapely

from shibei.errors import ConfigError
from shibei.gazetteer.gazetteer import Gazetteer, Level
from shibei.gazetteer.geometry import Area
from shibei.gazetteer.model import (
    Building,
    Community,
    Compound,
    Facility,
    Grid,
    House,
    PoliceDistrict,
    PoliceStation,
    Road,
    Street,
)

FORMAT_VERSION: Final = 1
_TABLES: Final[dict[str, type[Any]]] = {
    "streets": Street,
    "communities": Community,
    "grids": Grid,
    "roads": Road,
    "compounds": Compound,
    "buildings": Building,
    "houses": House,
    "facilities": Facility,
    "police_stations": PoliceStation,
    "police_districts": PoliceDistrict,
}
_LEVELS: Final[dict[str, Level]] = {
    "streets": "street",
    "communities": "community",
    "grids": "grid",
}
_TYPES: Final = {
    "str": pa.string(),
    "str | None": pa.string(),
    "float": pa.float64(),
    "int": pa.int64(),
    "bool": pa.bool_(),
    "tuple[str, ...]": pa.list_(pa.string()),
    "dict[str, str]": pa.string(),  # JSON text
}


def write_gazetteer(gazetteer: Gazetteer, directory: Path) -> None:
    """Write every table of `gazetteer` under `directory` (created if missing)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, cls in _TABLES.items():
        rows: Sequence[Any] = getattr(gazetteer, name)
        if name == "police_stations":
            rows = gazetteer.household_registration_units
        table = _table(cls, rows)
        if name in _LEVELS:
            wkb = [shapely.to_wkb(gazetteer.polygon(row.code)) for row in rows]
            table = table.append_column("geometry", pa.array(wkb, pa.binary()))
            table = table.replace_schema_metadata({"geo": _geo_metadata(rows, gazetteer)})
        pq.write_table(table, directory / f"{name}.parquet")
    aliases = pa.table({"alias": list(gazetteer.aliases), "code": list(gazetteer.aliases.values())})
    pq.write_table(aliases, directory / "aliases.parquet")
    meta = {"format_version": FORMAT_VERSION, "scale": gazetteer.scale, "seed": gazetteer.seed}
    (directory / "gazetteer.json").write_text(json.dumps(meta, indent=2) + "\n", "utf-8")
    for name, level in _LEVELS.items():
        text = json.dumps(gazetteer.geojson(level), ensure_ascii=False)
        (directory / f"{name}.geojson").write_text(text, "utf-8")


def read_gazetteer(directory: Path) -> Gazetteer:
    """Read what `write_gazetteer` wrote; ConfigError if the directory does not hold one."""
    try:
        meta = json.loads((directory / "gazetteer.json").read_text("utf-8"))
        if meta.get("format_version") != FORMAT_VERSION:
            raise ConfigError(f"{directory} 的地名库格式版本 {meta.get('format_version')} 不受支持")
        tables = {name: pq.read_table(directory / f"{name}.parquet") for name in _TABLES}
        alias_table = pq.read_table(directory / "aliases.parquet").to_pydict()
    except (OSError, json.JSONDecodeError, pa.ArrowException) as error:
        raise ConfigError(f"无法读取地名库目录 {directory}: {error}") from error
    rows = {name: _rows(cls, tables[name]) for name, cls in _TABLES.items()}
    polygons: dict[str, Area] = {}
    for name in _LEVELS:
        codes = tables[name].column("code").to_pylist()
        geometries = shapely.from_wkb(tables[name].column("geometry").to_pylist())
        polygons.update(zip(codes, geometries, strict=True))
    units: list[PoliceStation] = rows["police_stations"]
    brigades = [u for u in units if not u.street_codes]
    if len(brigades) != 1:
        raise ConfigError(f"{directory}: police_stations 应有且只有一个人口大队")
    return Gazetteer(
        scale=meta["scale"],
        seed=meta["seed"],
        streets=rows["streets"],
        communities=rows["communities"],
        grids=rows["grids"],
        roads=rows["roads"],
        compounds=rows["compounds"],
        buildings=rows["buildings"],
        houses=rows["houses"],
        facilities=rows["facilities"],
        police_stations=[u for u in units if u.street_codes],
        population_brigade=brigades[0],
        police_districts=rows["police_districts"],
        aliases=dict(zip(alias_table["alias"], alias_table["code"], strict=True)),
        polygons=polygons,
    )


def _table(cls: type[Any], rows: Sequence[Any]) -> pa.Table:
    columns = {}
    for f in dataclasses.fields(cls):
        values = [getattr(row, f.name) for row in rows]
        if f.type == "dict[str, str]":
            values = [json.dumps(v, ensure_ascii=False, sort_keys=True) for v in values]
        elif f.type == "tuple[str, ...]":
            values = [list(v) for v in values]
        columns[f.name] = pa.array(values, _TYPES[str(f.type)])
    return pa.table(columns)


def _rows(cls: type[Any], table: pa.Table) -> list[Any]:
    columns = []
    for f in dataclasses.fields(cls):
        values = table.column(f.name).to_pylist()
        if f.type == "dict[str, str]":
            values = [json.loads(v) for v in values]
        elif f.type == "tuple[str, ...]":
            values = [tuple(v) for v in values]
        columns.append(values)
    return [cls(*values) for values in zip(*columns, strict=True)]


def _geo_metadata(rows: Sequence[Any], gazetteer: Gazetteer) -> str:
    """GeoParquet 1.0 metadata: WKB polygons in WGS84 (the default CRS, OGC:CRS84)."""
    kinds = sorted({gazetteer.polygon(row.code).geom_type for row in rows})
    column = {"encoding": "WKB", "geometry_types": kinds}
    return json.dumps(
        {"version": "1.0.0", "primary_column": "geometry", "columns": {"geometry": column}}
    )
