"""Each reader over a small file written here: rows, numbers, values as written."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from shibei.ingest.readers import FeedError, batch_id, read_file, read_sql_table
from shibei.ingest.spec import SourceSpec, parse_spec


def _spec(fmt: str, encoding: str = "utf-8", **extra: str) -> SourceSpec:
    return parse_spec(
        {
            "spec_version": 1, "source": "tiny", "title": "测试", "department": "部门",
            "level": "district", "file": f"tiny.{fmt}", "format": fmt, "encoding": encoding,
            "fields": {
                "name": {"column": "姓名", "type": "person_name"},
                "registered_on": {"column": "登记日期", "type": "date"},
            },
        } | extra
    )  # fmt: skip


def _all(path: Path, spec: SourceSpec, chunk_rows: int = 50_000) -> dict[str, list[object]]:
    out: dict[str, list[object]] = {"row": [], "姓名": [], "登记日期": [], "broken": []}
    for chunk in read_file(path, spec, chunk_rows):
        out["row"] += chunk.rows
        out["姓名"] += chunk.columns["姓名"]
        out["登记日期"] += chunk.columns["登记日期"]
        out["broken"] += [(b.row, b.reason_code) for b in chunk.broken]
    return out


def test_reads_a_gbk_csv_with_a_broken_row(tmp_path: Path) -> None:
    path = tmp_path / "tiny.csv"
    text = "姓名,登记日期,备注\n张伟,20240305,\n,2024/3/5,x\n李丽,2024年3月5日\n䶮王,2024-03-05,\n"
    path.write_bytes(text.encode("gb18030"))
    got = _all(path, _spec("csv", "gbk"), chunk_rows=2)
    assert got["row"] == [1, 2, 4]
    assert got["姓名"] == ["张伟", None, "䶮王"]
    assert got["登记日期"] == ["20240305", "2024/3/5", "2024-03-05"]
    assert got["broken"] == [(3, "bad_record")]


def test_reads_a_utf8_csv_with_bom_and_quotes(tmp_path: Path) -> None:
    path = tmp_path / "tiny.csv"
    path.write_text('\ufeff姓名,登记日期\n"王,芳",2024-01-01\n', "utf-8")
    assert _all(path, _spec("csv"))["姓名"] == ["王,芳"]


def test_quarantines_undecodable_bytes_as_an_encoding_error(tmp_path: Path) -> None:
    path = tmp_path / "tiny.csv"
    path.write_bytes("姓名,登记日期\n张伟,20240305\n".encode() + b"\xff\xfe,20240305\n")
    got = _all(path, _spec("csv"))
    assert got["row"] == [1]
    assert got["broken"] == [(2, "encoding_error")]


def test_a_missing_column_names_it(tmp_path: Path) -> None:
    path = tmp_path / "tiny.csv"
    path.write_text("姓名\n张伟\n", "utf-8")
    with pytest.raises(FeedError, match=r"tiny\.csv 缺少数据源 tiny 配置的列：登记日期"):
        _all(path, _spec("csv"))


def test_reads_xlsx_cells_as_text(tmp_path: Path) -> None:
    path = tmp_path / "tiny.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["登记日期", "姓名"])
    ws.append([datetime(2024, 3, 5), "张伟"])
    ws.append([20240306, " 李丽 "])
    ws.append([None, None])
    ws.append(["2024/3/7", None])
    wb.save(path)
    got = _all(path, _spec("xlsx"))
    assert got["row"] == [1, 2, 4]
    assert got["登记日期"] == ["2024-03-05", "20240306", "2024/3/7"]
    assert got["姓名"] == ["张伟", "李丽", None]


def test_xlsx_reads_the_named_sheet_from_a1_and_rejects_a_file_that_is_no_workbook(
    tmp_path: Path,
) -> None:
    path = tmp_path / "tiny.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["其他"])
    ws = wb.create_sheet("登记")
    ws.append([None, None])  # an empty first row: the header is not found below it
    ws.append(["姓名", "登记日期"])
    wb.save(path)
    with pytest.raises(FeedError, match="缺少数据源 tiny 配置的列"):
        _all(path, _spec("xlsx", sheet="登记"))
    ws.delete_rows(1)
    ws.append(["张伟", 45000.5])
    wb.save(path)
    got = _all(path, _spec("xlsx", sheet="登记"))
    assert (got["row"], got["姓名"], got["登记日期"]) == ([1], ["张伟"], ["45000.5"])
    with pytest.raises(FeedError, match="没有工作表 花名册"):
        _all(path, _spec("xlsx", sheet="花名册"))
    path.write_bytes(b"name,date\n")
    with pytest.raises(FeedError, match=r"tiny\.xlsx 不是可读的 Excel 文件"):
        _all(path, _spec("xlsx"))


def test_reads_json_lines_with_nested_lists_and_a_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "tiny.jsonl"
    lines = [
        json.dumps({"姓名": "张伟", "登记日期": "2024-03-05", "当事人": [{"姓名": "甲"}]}),
        "{not json",
        "",
        json.dumps({"姓名": "李丽", "登记日期": 20240306}, ensure_ascii=False),
    ]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    spec = parse_spec(
        _spec("jsonl").model_dump(by_alias=True)
        | {"fields": _spec("jsonl").model_dump(by_alias=True)["fields"]
           | {"parties": {"column": "当事人", "type": "records",
                          "fields": {"name": {"column": "姓名", "type": "person_name"}}}}}
    )  # fmt: skip
    chunks = list(read_file(path, spec))
    assert chunks[0].rows == [1, 3]
    assert chunks[0].columns["当事人"] == [[{"姓名": "甲"}], None]
    assert chunks[0].columns["登记日期"] == ["2024-03-05", "20240306"]
    assert [(b.row, b.reason_code) for b in chunks[0].broken] == [(2, "bad_record")]


def test_reads_parquet_in_chunks(tmp_path: Path) -> None:
    path = tmp_path / "tiny.parquet"
    table = pa.table({"姓名": ["张伟", "李丽", ""], "登记日期": ["2024-03-05", None, "x"],
                      "面积": [1.5, 2.0, None]})  # fmt: skip
    pq.write_table(table, path)
    got = _all(path, _spec("parquet"), chunk_rows=2)
    assert got["row"] == [1, 2, 3]
    assert got["姓名"] == ["张伟", "李丽", None]


def test_reads_a_sqlite_table_by_connection_and_by_file(tmp_path: Path) -> None:
    path = tmp_path / "tiny.sqlite"
    con = sqlite3.connect(path)
    con.execute('CREATE TABLE "人员" (姓名 TEXT, 登记日期 INTEGER)')
    con.executemany('INSERT INTO "人员" VALUES (?, ?)', [("张伟", 20240305), ("李丽", None)])
    con.commit()
    spec = _spec("sql", table="人员")
    chunks = list(read_sql_table(con, "人员", spec))
    assert chunks[0].rows == [1, 2]
    assert chunks[0].columns["登记日期"] == ["20240305", None]
    con.close()
    assert _all(path, spec)["姓名"] == ["张伟", "李丽"]
    assert len(batch_id(path, spec)) == 16


def test_identical_rows_share_a_digest(tmp_path: Path) -> None:
    path = tmp_path / "tiny.csv"
    path.write_text("姓名,登记日期\n张伟,20240305\n李丽,20240305\n张伟,20240305\n", "utf-8")
    (chunk,) = read_file(path, _spec("csv"))
    assert chunk.hashes[0] == chunk.hashes[2] != chunk.hashes[1]
