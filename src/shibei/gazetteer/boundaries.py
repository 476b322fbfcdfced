"""Load a district's own street boundaries from GeoJSON (docs/address-codes.md).

A district that has real street polygons passes them to `build_gazetteer(boundaries=…)`;
communities and grids are then generated inside them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape

from shibei.errors import ConfigError
from shibei.gazetteer.geometry import Area, polygonal
from shibei.gazetteer.tables import StreetRow

CODE_PROPERTIES = ("code", "street_code", "division_code", "adcode", "gb")
NAME_PROPERTIES = ("name", "street_name", "name:zh", "name_zh")


def load_street_boundaries(path: Path, streets: Sequence[StreetRow]) -> dict[str, Area]:
    """Street code → polygon from a GeoJSON FeatureCollection.

    A feature belongs to a street when one of CODE_PROPERTIES holds its 9-digit code
    (a 12-digit code with a `156` prefix or trailing zeros also matches) or one of
    NAME_PROPERTIES holds its name (辽宁路街道, or 辽宁路 without 街道). Features of one
    street are merged; other features (the district itself) are ignored. Raises
    ConfigError naming the file and what is wrong or missing.
    """
    try:
        document = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigError(f"无法读取街道边界文件 {path}: {error}") from error
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise ConfigError(f"街道边界文件 {path} 不是 GeoJSON FeatureCollection")
    features = document.get("features")
    if not isinstance(features, list):
        raise ConfigError(f"街道边界文件 {path} 缺少 features 列表")

    by_code = {s.code: s.code for s in streets}
    by_name = {s.name: s.code for s in streets} | {
        s.name.removesuffix("街道"): s.code for s in streets
    }
    parts: dict[str, list[Any]] = {}
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            raise ConfigError(f"街道边界文件 {path} 第 {number} 个要素不是对象")
        properties = feature.get("properties") or {}
        code = _match(properties, by_code, by_name)
        if code is None:
            continue
        try:
            geometry = shapely.make_valid(shape(feature["geometry"]))
            parts.setdefault(code, []).append(polygonal(geometry))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ConfigError(
                f"街道边界文件 {path} 第 {number} 个要素 ({code}) 的几何无效: {error}"
            ) from error

    missing = [f"{s.name}({s.code})" for s in streets if s.code not in parts]
    if missing:
        raise ConfigError(
            f"街道边界文件 {path} 缺少 {len(missing)} 个街道的边界: {'、'.join(missing)}"
            f"; 要素需在属性 {'/'.join(CODE_PROPERTIES)} 中给出 9 位街道代码,"
            f"或在 {'/'.join(NAME_PROPERTIES)} 中给出街道名称"
        )
    return {s.code: polygonal(shapely.union_all(parts[s.code])) for s in streets}


def _match(
    properties: Mapping[str, Any], by_code: Mapping[str, str], by_name: Mapping[str, str]
) -> str | None:
    if not isinstance(properties, Mapping):
        return None
    for key in CODE_PROPERTIES:
        value = str(properties.get(key) or "").strip().removeprefix("156")
        for candidate in (value, value[:9] if value.endswith("000") else value):
            if candidate in by_code:
                return by_code[candidate]
    for key in NAME_PROPERTIES:
        value = str(properties.get(key) or "").strip()
        if value in by_name:
            return by_name[value]
    return None
