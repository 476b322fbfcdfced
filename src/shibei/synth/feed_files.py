"""Writing feeds as a department delivers them (CSV in GBK or UTF-8, XLSX, JSON Lines,
Parquet) and reading them back for benchmarks. Writes go to a temporary file first and
are renamed into place, so a crash never leaves half a feed."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import random
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook, load_workbook

from shibei.synth.feed_builder import Feed, FeedSpec

_FIXED_TIME = datetime(2026, 1, 1)


def content_sha256(feed: Feed) -> str:
    """A hash of the rows' content (independent of container bytes such as XLSX zip times)."""
    digest = hashlib.sha256()
    for row in feed.rows:
        digest.update(json.dumps(row, ensure_ascii=False, sort_keys=True, default=str).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def lose_unencodable(feed: Feed, encoding: str) -> int:
    """Characters the encoding cannot hold (rare characters in GBK) become '?', as real
    exports do; ground truth records `encoding_loss`. Returns the rows changed."""
    changed = 0
    for row, truth in zip(feed.rows, feed.truth, strict=True):
        for column, value in row.items():
            if not isinstance(value, str):
                continue
            try:
                value.encode(encoding)
            except UnicodeEncodeError:
                row[column] = "".join(_encodable(ch, encoding) for ch in value)
                truth.noise.setdefault(column, []).append("encoding_loss")
                changed += 1
    return changed


def _encodable(ch: str, encoding: str) -> str:
    try:
        ch.encode(encoding)
    except UnicodeEncodeError:
        return "?"
    return ch


def write_feed(feed: Feed, directory: Path) -> Path:
    """Write one feed into `directory` atomically; returns its path."""
    spec = feed.spec
    path = directory / spec.file_name
    tmp = directory / f".{spec.file_name}.tmp"
    if spec.format == "csv":
        encoding = spec.encoding or "utf-8"
        if encoding != "utf-8":
            lose_unencodable(feed, encoding)
        with tmp.open("w", encoding=encoding, newline="") as f:
            writer = csv.writer(f)
            writer.writerow(spec.columns)
            for row in feed.rows:
                writer.writerow([_cell(row.get(c)) for c in spec.columns])
    elif spec.format == "jsonl":
        with tmp.open("w", encoding="utf-8") as f:
            for row in feed.rows:
                f.write(json.dumps({c: row.get(c) for c in spec.columns}, ensure_ascii=False))
                f.write("\n")
    elif spec.format == "xlsx":
        workbook = Workbook(write_only=True)
        workbook.properties.created = _FIXED_TIME
        workbook.properties.modified = _FIXED_TIME
        sheet = workbook.create_sheet(spec.title[:31])
        sheet.append(list(spec.columns))
        for row in feed.rows:
            sheet.append([row.get(c) for c in spec.columns])
        workbook.save(tmp)
    else:
        table = pa.table({c: [row.get(c) for row in feed.rows] for c in spec.columns})
        pq.write_table(table, tmp)
    os.replace(tmp, path)
    return path


PHONE_COLUMNS = ("联系电话", "手机号", "报警电话")
REDELIVERY_CHANGED = 0.01
"""Share of a re-delivery's rows whose phone number changed since the first delivery."""


def redelivery(feed: Feed, rng: random.Random) -> Feed:
    """The department's next full extract of the same feed: the same rows in another
    order, `REDELIVERY_CHANGED` of them with a new phone number (the truth rows follow
    their rows unchanged; re-deliveries exist to measure volume, `shibei bench volume`)."""
    phones = [c for c in feed.spec.columns if c in PHONE_COLUMNS]
    order = list(range(len(feed.rows)))
    rng.shuffle(order)
    rows = []
    for i in order:
        row = feed.rows[i]
        if phones and rng.random() < REDELIVERY_CHANGED:
            row = row | {phones[0]: "139" + "".join(rng.choices("0123456789", k=8))}
        rows.append(row)
    return Feed(feed.spec, rows, [feed.truth[i] for i in order])


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def read_feed(path: Path, spec: FeedSpec) -> Iterator[dict[str, Any]]:
    """The rows of a feed file, in file order, as dicts keyed by its columns."""
    if spec.format == "csv":
        with path.open(encoding=spec.encoding or "utf-8", newline="") as f:
            yield from csv.DictReader(f)
    elif spec.format == "jsonl":
        with path.open(encoding="utf-8") as f:
            for line in f:
                yield json.loads(line)
    elif spec.format == "xlsx":
        workbook = load_workbook(path, read_only=True)
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [str(h) for h in next(rows)]
        for values in rows:
            yield dict(zip(header, values, strict=True))
        workbook.close()
    else:
        yield from pq.read_table(path).to_pylist()


def write_parquet(records: list[dict[str, Any]], path: Path) -> None:
    """Records (dicts with the same keys) as one Parquet file, atomically."""
    tmp = path.with_name(f".{path.name}.tmp")
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(records), buffer)
    tmp.write_bytes(buffer.getvalue())
    os.replace(tmp, path)
