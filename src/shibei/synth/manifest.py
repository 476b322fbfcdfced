"""The manifest of a generated district (`feeds/manifest.json`): counts, seed, scale,
noise rates, and one entry per feed."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from shibei.errors import ConfigError
from shibei.synth.feed_builder import FeedSpec

MANIFEST = "manifest.json"


def write_manifest(manifest: dict[str, Any], feeds_dir: Path) -> None:
    tmp = feeds_dir / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, feeds_dir / MANIFEST)


def read_manifest(feeds_dir: Path) -> dict[str, Any]:
    path = feeds_dir / MANIFEST
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"找不到 {path}：请先运行 shibei generate") from exc
    return manifest


def spec_entry(spec: FeedSpec, rows: int, sha256: str) -> dict[str, Any]:
    return {
        "file": spec.file_name,
        "title": spec.title,
        "department": spec.department,
        "level": spec.level,
        "format": spec.format,
        "encoding": spec.encoding,
        "columns": list(spec.columns),
        "address_columns": list(spec.address_columns),
        "street_column": spec.street_column,
        "rows": rows,
        "content_sha256": sha256,
    }


def spec_from_manifest(manifest: dict[str, Any], name: str) -> FeedSpec:
    entry = manifest["feeds"][name]
    return FeedSpec(
        name=name,
        title=entry["title"],
        department=entry["department"],
        level=entry["level"],
        format=entry["format"],
        encoding=entry["encoding"],
        columns=tuple(entry["columns"]),
        address_columns=tuple(entry["address_columns"]),
        street_column=entry["street_column"],
    )


_LEVELS = {"city": "市级", "district": "区级", "street": "街道级"}


def summary_lines(manifest: dict[str, Any]) -> list[str]:
    """A human summary of a generated district, in Chinese."""
    counts = manifest["counts"]
    lines = [
        f"参考区（规模 {manifest['scale']}，种子 {manifest['seed']}，"
        f"噪声配置 v{manifest['noise_version']}）",
        f"  街道 {counts['streets']} · 社区 {counts['communities']} · 网格 {counts['grids']} · "
        f"网格员 {counts['grid_workers']:,} · 小区 {counts['compounds']:,}"
        f"（老旧开放式 {counts['old_open_compounds']}）",
        f"  楼栋 {counts['buildings']:,} · 房屋 {counts['houses']:,}"
        f"（空置 {counts['vacant_houses']:,}） · 设施 {counts['facilities']:,}",
        f"  实有人口 {counts['persons']:,}（户籍 {counts['hukou_persons']:,} · 流动 "
        f"{counts['migrant_persons']:,}）· 户 {counts['households']:,} · 单位 "
        f"{counts['organizations']:,}",
        f"  警情 {counts['incidents']:,} · 纠纷 {counts['disputes']:,} · 服务工单 "
        f"{counts['service_requests']:,} · 门禁记录 {counts['access_events']:,}",
        f"部门数据 {len(manifest['feeds'])} 份，共 {manifest['feed_rows']:,} 行：",
    ]
    for name, feed in manifest["feeds"].items():
        encoding = f" {feed['encoding'].upper()}" if feed["encoding"] else ""
        lines.append(
            f"  {feed['title']:<14} {feed['format'].upper()}{encoding:<6} "
            f"{_LEVELS[feed['level']]:<4} {feed['rows']:>9,} 行  {feed['department']}  ({name})"
        )
    return lines
