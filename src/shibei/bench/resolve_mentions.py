"""Person and organization mentions built straight from generated feeds, for the resolve
benchmark and tests until `shibei.ingest` writes them (docs/pipeline.md, "Person
mentions"). The truth of each mention (the person it really is) is returned apart:
resolution never sees it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

from shibei.resolve.model import PersonMention
from shibei.standardize.id_number import check_id_number
from shibei.standardize.name import normalize_person_name, organization_name_key, person_name_key
from shibei.standardize.phone import normalize_phone
from shibei.standardize.uscc import check_uscc

PERSON_FEEDS: dict[str, dict[str, str]] = {
    "police_household_registry": {"name": "姓名", "id": "公民身份号码", "birth": "出生日期",
        "sex": "性别", "address": "户籍地址", "observed": "登记日期", "role": "hukou"},
    "property_registry": {"name": "权利人", "id": "证件号码", "address": "坐落",
        "observed": "登记时间", "role": "owner", "only": "证件种类=居民身份证"},
    "social_security": {"name": "姓名", "id": "公民身份号码", "sex": "性别", "phone": "联系电话",
        "address": "联系地址", "observed": "首次参保日期", "uscc": "统一社会信用代码",
        "role": "employee"},
    "housing_provident_fund": {"name": "xm", "id": "zjhm", "phone": "sjhm", "address": "lxdz",
        "observed": "gxsj", "uscc": "dwtyshxydm", "role": "employee"},
    "migrant_registration": {"name": "姓名", "id": "身份证号", "sex": "性别", "phone": "联系电话",
        "address": "现住址", "observed": "登记日期", "role": "migrant", "street": "所属街道"},
    "grid_surveys": {"name": "姓名", "id": "证件号码", "phone": "联系电话", "address": "居住地址",
        "observed": "采集时间", "role": "surveyed", "street": "所属街道"},
}  # fmt: skip

_DATE = re.compile(r"(\d{4})\D?(\d{1,2})\D?(\d{1,2})")


def parse_date(value: Any) -> date | None:
    """`20240305`, `2024-03-05`, `2024/3/5`, `2024年3月5日`, datetimes."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    m = _DATE.search(str(value))
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def person_mentions(
    data_dir: Path, feeds: Iterable[str] = tuple(PERSON_FEEDS), *, match_addresses: bool = True
) -> tuple[list[PersonMention], dict[str, str]]:
    """Mentions of the given feeds of a generated district, and mention_id → true person."""
    from shibei.gazetteer import read_gazetteer
    from shibei.standardize.address_match import AddressMatcher
    from shibei.synth.feed_files import read_feed
    from shibei.synth.manifest import read_manifest, spec_from_manifest
    from shibei.synth.truth import read_feed_truth

    manifest = read_manifest(data_dir / "feeds")
    streets: dict[str, str] = manifest["streets"]
    matcher = AddressMatcher(read_gazetteer(data_dir / "gazetteer")) if match_addresses else None
    mentions: list[PersonMention] = []
    truth: dict[str, str] = {}
    for feed in feeds:
        cols = PERSON_FEEDS[feed]
        spec = spec_from_manifest(manifest, feed)
        rows = list(read_feed(data_dir / "feeds" / spec.file_name, spec))
        truths = read_feed_truth(data_dir, feed)
        batch = f"{feed[:8]}0001"
        texts = [str(r.get(cols["address"]) or "") for r in rows]
        hints = [streets.get(str(r.get(cols.get("street", "")) or "")) for r in rows]
        matches = matcher.match_many(texts, hints) if matcher else [None] * len(rows)
        only = cols.get("only")
        for n, (row, t, match) in enumerate(zip(rows, truths, matches, strict=True), start=1):
            if only:
                column, wanted = only.split("=")
                if row.get(column) != wanted:
                    continue
            mention = _person(feed, batch, n, row, cols, match)
            mentions.append(mention)
            if t["person_id"]:
                truth[mention.mention_id] = str(t["person_id"])
    return mentions, truth


def _text(value: Any) -> str | None:
    text = "" if value is None else str(value).strip()
    return text or None


def _person(
    feed: str, batch: str, n: int, row: dict[str, Any], cols: dict[str, str], match: Any
) -> PersonMention:
    name = _text(row.get(cols["name"]))
    id_raw = _text(row.get(cols["id"]))
    checked = check_id_number(id_raw) if id_raw else None
    phone = _text(row.get(cols.get("phone", "")))
    normalized_phone = normalize_phone(phone) if phone else None
    sex = _text(row.get(cols.get("sex", "")))
    uscc = _text(row.get(cols.get("uscc", "")))
    uscc_check = check_uscc(uscc) if uscc else None
    code = match.code if match is not None and match.code else None
    return PersonMention(
        mention_id=f"{feed}:{batch}:{n}:{cols['role']}:0",
        source=feed,
        batch=batch,
        row=n,
        role=cols["role"],
        name=name,
        name_std=normalize_person_name(name) if name else None,
        name_key=person_name_key(name) if name else None,
        id_number_raw=id_raw,
        id_number_std=checked.value if checked and checked.valid else None,
        birth_date=parse_date(row.get(cols.get("birth", ""))),
        sex={"男": "M", "女": "F"}.get(sex or ""),
        phone_std=normalized_phone.value if normalized_phone and normalized_phone.valid else None,
        house_code=match.house_code if match is not None else None,
        address_code=code,
        address_level=match.level if match is not None else None,
        uscc_std=uscc_check.value if uscc_check and uscc_check.valid else None,
        observed_on=parse_date(row.get(cols.get("observed", ""))),
    )


def write_person_mentions(mentions: Iterable[PersonMention], lake_dir: Path) -> None:
    """As `lake/mentions/persons/<source>/<batch>.parquet` (docs/pipeline.md)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    by_file: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for m in mentions:
        by_file.setdefault((m.source, m.batch), []).append(asdict(m))
    for (source, batch), rows in by_file.items():
        directory = lake_dir / "mentions" / "persons" / source
        directory.mkdir(parents=True, exist_ok=True)
        pq.write_table(
            pa.Table.from_pylist(rows, schema=_PERSON_SCHEMA()), directory / f"{batch}.parquet"
        )


def _PERSON_SCHEMA() -> Any:
    import pyarrow as pa

    text = ("mention_id", "source", "batch", "role", "name", "name_std", "name_key",
            "id_number_raw", "id_number_std")  # fmt: skip
    rest = ("sex", "phone_std", "house_code", "address_code", "address_level", "uscc_std")
    return pa.schema(
        [(c, pa.string()) for c in text[:4]]
        + [("row", pa.int64())]
        + [(c, pa.string()) for c in text[4:]]
        + [("birth_date", pa.date32())]
        + [(c, pa.string()) for c in rest]
        + [("observed_on", pa.date32())]
    )


def organization_name(raw: str) -> str:
    return organization_name_key(raw)
