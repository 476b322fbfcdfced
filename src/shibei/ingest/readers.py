"""Readers: one feed file (CSV, XLSX, JSON Lines, Parquet) or SQL table → chunks of raw
rows, each with its 1-based row number and a digest of the whole row.

Values come out as written: strings trimmed (empty → None), numbers and dates of typed
formats (XLSX, Parquet, SQL) as text, nested JSON lists as lists of dicts. A row the
reader cannot parse (wrong number of CSV cells, bad JSON, undecodable bytes) is not
dropped: it comes out in `RawChunk.broken` with a reason, to be quarantined.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Protocol

from shibei.errors import ShibeiError
from shibei.ingest.spec import SourceSpec

CHUNK_ROWS = 50_000


class FeedError(ShibeiError):
    """A feed file that cannot be read as its spec says (missing column, wrong format)."""


@dataclass(frozen=True, slots=True)
class BrokenRow:
    row: int
    reason_code: str  # bad_record | encoding_error
    reason: str
    raw: str


@dataclass(slots=True)
class RawChunk:
    """Rows of one chunk, column-wise by source column name."""

    rows: list[int] = field(default_factory=list)
    hashes: list[str] = field(default_factory=list)
    columns: dict[str, list[Any]] = field(default_factory=dict)
    broken: list[BrokenRow] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows) + len(self.broken)


def row_digest(parts: Iterable[str]) -> str:
    """16 hex characters identifying a row's exact content (duplicates share it)."""
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=8).hexdigest()


def file_batch_id(path: Path) -> str:
    """The batch id of a file: sha256 of its bytes, first 16 hex characters."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


def text_value(value: Any) -> str | None:
    """A typed cell as text: 2023 → '2023', 1.50 → '1.5', datetime → '2024-03-05 08:00:00'
    (midnight → '2024-03-05'); blank → None."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class _Builder:
    def __init__(self, columns: Sequence[str], chunk_rows: int) -> None:
        self.names = list(columns)
        self.chunk_rows = chunk_rows
        self.chunk = self._new()

    def _new(self) -> RawChunk:
        return RawChunk(columns={c: [] for c in self.names})

    def add(self, row: int, digest: str, values: Sequence[Any]) -> None:
        c = self.chunk
        c.rows.append(row)
        c.hashes.append(digest)
        for name, v in zip(self.names, values, strict=True):
            c.columns[name].append(v)

    def full(self) -> bool:
        return len(self.chunk) >= self.chunk_rows

    def take(self) -> RawChunk:
        out, self.chunk = self.chunk, self._new()
        return out


def _missing(spec: SourceSpec, header: Sequence[str], where: str) -> None:
    missing = [c for c in spec.file_columns() if c not in header]
    if missing:
        raise FeedError(f"{where} 缺少数据源 {spec.source} 配置的列：{'、'.join(missing)}")


def _python_encoding(encoding: str) -> str:
    e = encoding.lower().replace("_", "-")
    if e in ("gbk", "gb2312", "cp936"):
        return "gb18030"  # a superset: decodes every GBK export
    if e in ("utf-8", "utf8"):
        return "utf-8-sig"  # tolerate a BOM
    return encoding


def read_csv(path: Path, spec: SourceSpec, chunk_rows: int = CHUNK_ROWS) -> Iterator[RawChunk]:
    with path.open(encoding=_python_encoding(spec.encoding), errors="replace", newline="") as f:
        reader = csv.reader(f)
        header = [h.strip() for h in next(reader, [])]
        _missing(spec, header, path.name)
        wanted = spec.file_columns()
        index = [header.index(c) for c in wanted]
        width = len(header)
        b = _Builder(wanted, chunk_rows)
        for n, cells in enumerate(reader, start=1):
            if not cells:  # a blank line is no row
                continue
            raw = ",".join(cells)
            if len(cells) != width:
                b.chunk.broken.append(
                    BrokenRow(n, "bad_record", f"列数为{len(cells)}，表头为{width}列", raw)
                )
            elif "\ufffd" in raw:
                b.chunk.broken.append(BrokenRow(n, "encoding_error", "含无法解码的字符", raw))
            else:
                b.add(n, row_digest(cells), [text_value(cells[i]) for i in index])
            if b.full():
                yield b.take()
        if len(b.chunk):
            yield b.take()


def read_xlsx(path: Path, spec: SourceSpec, chunk_rows: int = CHUNK_ROWS) -> Iterator[RawChunk]:
    """The spec's sheet (default the first) from cell A1, read with calamine (a Rust
    reader, ~8× openpyxl's read-only mode); formulas give their cached values."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        try:
            if spec.sheet is None:
                sheet = wb.get_sheet_by_index(0)
            elif spec.sheet in wb.sheet_names:
                sheet = wb.get_sheet_by_name(spec.sheet)
            else:
                raise FeedError(f"{path.name} 没有工作表 {spec.sheet}")
            rows = iter(sheet.to_python(skip_empty_area=False))
        finally:
            wb.close()
    except CalamineError as error:
        raise FeedError(f"{path.name} 不是可读的 Excel 文件：{error}") from error
    header = [text_value(h) or "" for h in next(rows, [])]
    _missing(spec, header, path.name)
    wanted = spec.file_columns()
    index = [header.index(c) for c in wanted]
    b = _Builder(wanted, chunk_rows)
    for n, cells in enumerate(rows, start=1):
        values = [text_value(v) for v in cells]
        if all(v is None for v in values):
            continue
        values += [None] * (len(header) - len(values))
        b.add(n, row_digest(v or "" for v in values), [values[i] for i in index])
        if b.full():
            yield b.take()
    if len(b.chunk):
        yield b.take()


def _json_value(value: Any) -> Any:
    if isinstance(value, list):
        return [
            {k: _json_value(v) for k, v in item.items()} if isinstance(item, dict) else item
            for item in value
        ]
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text_value(value)


def read_jsonl(path: Path, spec: SourceSpec, chunk_rows: int = CHUNK_ROWS) -> Iterator[RawChunk]:
    wanted = spec.file_columns()
    b = _Builder(wanted, chunk_rows)
    with path.open(encoding=_python_encoding(spec.encoding), errors="replace") as f:
        n = 0
        for line in f:
            text = line.strip()
            if not text:
                continue
            n += 1
            try:
                record = json.loads(text)
                if not isinstance(record, dict):
                    raise ValueError("not an object")
            except ValueError:
                b.chunk.broken.append(BrokenRow(n, "bad_record", "不是有效的JSON对象", text))
            else:
                if "\ufffd" in text:
                    b.chunk.broken.append(BrokenRow(n, "encoding_error", "含无法解码的字符", text))
                else:
                    b.add(n, row_digest([text]), [_json_value(record.get(c)) for c in wanted])
            if b.full():
                yield b.take()
    if len(b.chunk):
        yield b.take()


def read_parquet(path: Path, spec: SourceSpec, chunk_rows: int = CHUNK_ROWS) -> Iterator[RawChunk]:
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    header = list(pf.schema_arrow.names)
    _missing(spec, header, path.name)
    wanted = spec.file_columns()
    index = [header.index(c) for c in wanted]
    n = 0
    for batch in pf.iter_batches(batch_size=chunk_rows):
        all_values = [[text_value(v) for v in col.to_pylist()] for col in batch.columns]
        b = _Builder(wanted, chunk_rows)
        for values in zip(*all_values, strict=True):
            n += 1
            b.add(n, row_digest(v or "" for v in values), [values[i] for i in index])
        yield b.take()


class DBAPIConnection(Protocol):
    def cursor(self) -> Any: ...


def read_sql_table(
    connection: DBAPIConnection, table: str, spec: SourceSpec, chunk_rows: int = CHUNK_ROWS
) -> Iterator[RawChunk]:
    """Rows of a table over a DB-API connection (sqlite3, DuckDB…), in the table's
    primary order (`rowid` where the engine has one, else as the engine returns them)."""
    cursor = connection.cursor()
    cursor.execute(f"SELECT * FROM {_quote_identifier(table)}")
    header = [d[0] for d in cursor.description]
    _missing(spec, header, f"表 {table}")
    wanted = spec.file_columns()
    index = [header.index(c) for c in wanted]
    b = _Builder(wanted, chunk_rows)
    n = 0
    while rows := cursor.fetchmany(chunk_rows):
        for row in rows:
            n += 1
            values = [text_value(v) for v in row]
            b.add(n, row_digest(v or "" for v in values), [values[i] for i in index])
        yield b.take()


def sql_table_batch_id(connection: DBAPIConnection, table: str) -> str:
    """The batch id of a table's content: sha256 over its rows as read."""
    h = hashlib.sha256(table.encode("utf-8"))
    cursor = connection.cursor()
    cursor.execute(f"SELECT * FROM {_quote_identifier(table)}")
    h.update("\x1f".join(d[0] for d in cursor.description).encode("utf-8"))
    while rows := cursor.fetchmany(10_000):
        for row in rows:
            h.update(("\x1e" + "\x1f".join(text_value(v) or "" for v in row)).encode("utf-8"))
    return h.hexdigest()[:16]


def _quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_file(path: Path, spec: SourceSpec, chunk_rows: int = CHUNK_ROWS) -> Iterator[RawChunk]:
    """Chunks of a feed file in the spec's format; `sql` reads `spec.table` of a SQLite
    database file."""
    if spec.format == "csv":
        return read_csv(path, spec, chunk_rows)
    if spec.format == "xlsx":
        return read_xlsx(path, spec, chunk_rows)
    if spec.format == "jsonl":
        return read_jsonl(path, spec, chunk_rows)
    if spec.format == "parquet":
        return read_parquet(path, spec, chunk_rows)
    return _read_sqlite(path, spec, chunk_rows)


def _read_sqlite(path: Path, spec: SourceSpec, chunk_rows: int) -> Iterator[RawChunk]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        yield from read_sql_table(connection, str(spec.table), spec, chunk_rows)
    finally:
        connection.close()


def batch_id(path: Path, spec: SourceSpec) -> str:
    """sha256 of the file's bytes (a SQLite source: of the table's rows), 16 hex chars."""
    if spec.format != "sql":
        return file_batch_id(path)
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return sql_table_batch_id(connection, str(spec.table))
    finally:
        connection.close()
