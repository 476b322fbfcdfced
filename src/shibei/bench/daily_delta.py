"""A daily delta from a generated district, for the incremental test and benchmark.

`split_feeds` turns one feeds directory into a **base** (what the bureau had yesterday)
and a **delta** (today's changes) over the text feeds (CSV and JSON Lines): the last
`new_share` of each feed's rows arrive only in the delta (new rows); `changed_share` of
the base rows come again with a new phone number (changed rows: the new version in the
delta file, the old one retracted); `deleted_share` are retracted only (deleted rows).
Retractions name the base rows by lineage in `delta/retractions.csv` (docs/scale.md).
Binary feeds (XLSX, Parquet) are copied to the base unchanged.
"""

from __future__ import annotations

import csv
import json
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

from shibei.ingest.readers import file_batch_id
from shibei.ingest.retractions import RETRACTIONS_FILE
from shibei.ingest.spec import SPEC_DIR, SourceSpec, load_specs


@dataclass(slots=True)
class DeltaSummary:
    new_rows: int = 0
    changed_rows: int = 0
    deleted_rows: int = 0
    base_rows: int = 0


def _encoding(spec: SourceSpec) -> str:
    return "gb18030" if spec.encoding.lower() in ("gbk", "gb2312", "cp936") else "utf-8"


def _phone(rng: random.Random) -> str:
    return "139" + "".join(str(rng.randrange(10)) for _ in range(8))


def split_feeds(
    feeds_dir: Path,
    base_dir: Path,
    delta_dir: Path,
    *,
    new_share: float = 0.02,
    changed_share: float = 0.005,
    deleted_share: float = 0.005,
    seed: int = 7,
) -> DeltaSummary:
    """Write `base_dir` (feed files) and `delta_dir` (feed files + retractions.csv)."""
    rng = random.Random(seed)
    base_dir.mkdir(parents=True, exist_ok=True)
    delta_dir.mkdir(parents=True, exist_ok=True)
    summary = DeltaSummary()
    retractions: list[tuple[str, str, int]] = []
    specs = load_specs(SPEC_DIR)
    for spec in specs.values():
        for path in sorted(feeds_dir.glob(spec.file)):
            if spec.format not in ("csv", "jsonl"):
                shutil.copyfile(path, base_dir / path.name)
                continue
            header, rows = _read(path, spec)
            cut = max(1, round(len(rows) * (1 - new_share)))
            base, new = rows[:cut], rows[cut:]
            _write(base_dir / path.name, spec, header, base)
            batch = file_batch_id(base_dir / path.name)
            phone = spec.fields.get("phone")
            picked = rng.sample(
                range(len(base)),
                k=min(len(base), round(len(base) * (changed_share + deleted_share))),
            )
            n_changed = round(len(picked) * changed_share / (changed_share + deleted_share))
            changed = []
            for k, i in enumerate(picked):
                retractions.append((spec.source, batch, i + 1))  # rows are 1-based
                if k < n_changed and phone is not None and phone.column:
                    changed.append(_with(base[i], spec, header, phone.column, _phone(rng)))
            summary.base_rows += len(base)
            summary.new_rows += len(new)
            summary.changed_rows += len(changed)
            summary.deleted_rows += len(picked) - len(changed)
            if new or changed:
                _write(delta_dir / path.name, spec, header, new + changed)
    with (delta_dir / RETRACTIONS_FILE).open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["source", "batch", "row"])
        writer.writerows(sorted(retractions))
    return summary


Row = list[str] | dict[str, object]


def _read(path: Path, spec: SourceSpec) -> tuple[list[str], list[Row]]:
    if spec.format == "csv":
        with path.open(encoding=_encoding(spec), newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            return header, [list(r) for r in reader if r]
    with path.open(encoding="utf-8") as f:
        return [], [json.loads(line) for line in f if line.strip()]


def _write(path: Path, spec: SourceSpec, header: list[str], rows: list[Row]) -> None:
    if spec.format == "csv":
        with path.open("w", encoding=_encoding(spec), newline="") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            writer.writerows(rows)
        return
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def _with(row: Row, spec: SourceSpec, header: list[str], column: str, value: str) -> Row:
    if isinstance(row, dict):
        return row | {column: value}
    out = list(row)
    if column in header and header.index(column) < len(out):
        out[header.index(column)] = value
    return out
