"""Feeds → lake end to end on small hand-made feeds: nothing is lost, batches are
idempotent and crash-safe (a real SIGKILL mid-way), and the quality report's figures."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from shibei.gazetteer import Gazetteer, build_gazetteer
from shibei.ingest import ingest_feeds, quality_report
from shibei.ingest.spec import load_specs
from shibei.standardize.id_number import id_number_check_char

SOURCES = ["police_household_registry", "disputes", "grid_workers"]
GAZETTEER = (0.002, 7)


def _id(first17: str) -> str:
    return first17 + id_number_check_char(first17)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return build_gazetteer(*GAZETTEER)


def write_feeds(feeds: Path, gazetteer: Gazetteer) -> None:
    feeds.mkdir(parents=True, exist_ok=True)
    texts = [gazetteer.address(h.code).text for h in gazetteer.houses[:3]]
    header = "户号,姓名,性别,民族,出生日期,公民身份号码,与户主关系,户籍地址,文化程度,登记日期"
    a, b = _id("37020319850101123"), _id("37020219900202002")
    rows = [
        f"1,张伟,男,汉族,19850101,{a},户主,{texts[0]},本科,20100101",
        f"1,李丽,女,汉族,19900202,{b},配偶,{texts[0]},大专,20240305",
        f"1,张伟,男,汉族,19850101,{a},户主,{texts[0]},本科,20100101",  # re-sent
        f"2,王芳,女,汉族,1990-02-30,{b},户主,{texts[1]},本科,20100101",  # no such day
        f"3,赵强,男,汉族,19850101,ABC123,户主,{texts[2]},本科,20100101",  # garbage id
        "4,,男,汉族,19850101,,户主,火星路1号,本科,20100101",  # neither name nor id
        "5,孙丽,女,汉族,19850101,370203850101124,户主,火星路1号,本科,20100101",  # 15 digits
        f"6,周杰,男,汉族,19850101,{a[:17]}0,户主,{texts[1]},本科,20100101",  # checksum
        "7,吴敏,女,汉族",  # cut short
    ]
    (feeds / "police_household_registry.csv").write_bytes(
        ("\n".join([header, *rows]) + "\n").encode("gbk")
    )
    disputes = [
        {"案件编号": "T1", "登记日期": "2024-07-16", "纠纷类型": "邻里纠纷",
         "当事人": [{"姓名": "张伟", "身份证号": a, "电话": "13534125219"},
                    {"姓名": "李丽", "身份证号": b, "电话": ""}],
         "涉及单位": "", "发生地址": texts[0], "调解组织": "社区人民调解委员会",
         "调解结果": "调解成功", "结案日期": "2024-07-23"},
        {"案件编号": "T2", "登记日期": "2024年8月1日", "纠纷类型": "劳动争议", "当事人": [],
         "涉及单位": "青岛成利软件有限公司", "发生地址": "", "调解组织": "商会调解室",
         "调解结果": "调解中", "结案日期": ""},
    ]  # fmt: skip
    (feeds / "disputes.jsonl").write_text(
        "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in disputes), "utf-8"
    )
    (feeds / "grid_workers.csv").write_text(
        "网格编号,网格名称,姓名,性别,联系电话,上岗日期\n"
        "370203005001001,科技街社区第1网格,张翠,女,17974752231,2022-12-21\n"
        "370203005001001,科技街社区第1网格,姜志伟,男,132 0095 4927,2020/3/4\n",
        "utf-8",
    )


def listing(lake: Path) -> dict[str, bytes]:
    """Every file's bytes, except the ledger's `loaded_at` (a wall-clock time)."""
    out = {}
    for path in sorted(lake.rglob("*")):
        if not path.is_file() or path.name == ".lock":
            continue
        name = str(path.relative_to(lake))
        if name == "batches.parquet":
            table = pq.read_table(path).drop_columns(["loaded_at"])
            out[name] = json.dumps(table.to_pylist(), sort_keys=True).encode()
        else:
            out[name] = path.read_bytes()
    return out


def test_every_row_lands_in_clean_or_quarantine(tmp_path: Path, gazetteer: Gazetteer) -> None:
    write_feeds(tmp_path / "feeds", gazetteer)
    report = ingest_feeds(tmp_path / "feeds", tmp_path / "lake", gazetteer, sources=SOURCES)
    assert report.errors == []
    registry = report.sources["police_household_registry"]
    assert (registry.rows_in, registry.rows_clean, registry.rows_quarantined) == (9, 5, 4)
    ledger = pq.read_table(tmp_path / "lake" / "batches.parquet").to_pylist()
    assert sorted(r["source"] for r in ledger) == sorted(SOURCES)
    for r in ledger:
        assert r["rows_in"] == r["rows_clean"] + r["rows_quarantined"]
    batch = next(r["batch"] for r in ledger if r["source"] == "police_household_registry")
    q = pq.read_table(tmp_path / "lake" / "quarantine" / "police_household_registry"
                      / f"{batch}.parquet").to_pylist()  # fmt: skip
    assert [(r["row"], r["reason_code"]) for r in q] == [
        (4, "bad_date"),
        (5, "id_number_garbage"),
        (6, "missing_identity"),
        (9, "bad_record"),
    ]
    clean = pq.read_table(tmp_path / "lake" / "clean" / "police_household_registry"
                          / f"{batch}.parquet")  # fmt: skip
    assert clean.column("row").to_pylist() == [1, 2, 3, 7, 8]
    assert set(clean.column("batch").to_pylist()) == {batch}


def test_loading_the_same_feeds_twice_changes_nothing(tmp_path: Path, gazetteer: Gazetteer) -> None:
    write_feeds(tmp_path / "feeds", gazetteer)
    lake = tmp_path / "lake"
    first = ingest_feeds(tmp_path / "feeds", lake, gazetteer, sources=SOURCES)
    before = {p: p.stat().st_mtime_ns for p in lake.rglob("*.parquet")}
    files = listing(lake)
    ledger = (lake / "batches.parquet").read_bytes()
    second = ingest_feeds(tmp_path / "feeds", lake, gazetteer, sources=SOURCES)
    assert [s.batches_loaded for s in first.sources.values()] == [1, 1, 1]
    assert [(s.batches_loaded, s.batches_skipped) for s in second.sources.values()] == [(0, 1)] * 3
    assert listing(lake) == files
    assert (lake / "batches.parquet").read_bytes() == ledger
    assert {p: p.stat().st_mtime_ns for p in lake.rglob("*.parquet")} == before


_CHILD = """
import sys
from pathlib import Path
from shibei.gazetteer import build_gazetteer
from shibei.ingest import ingest_feeds
if __name__ == "__main__":  # the worker processes import this script again
    ingest_feeds(Path(sys.argv[1]), Path(sys.argv[2]), build_gazetteer({scale}, {seed}),
                 sources={sources!r}, workers={workers})
"""


def _children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (Linux /proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("kill_at", ["staged", "moved"])
def test_a_run_killed_mid_way_and_rerun_equals_one_clean_run(
    tmp_path: Path, gazetteer: Gazetteer, kill_at: str, workers: int
) -> None:
    feeds, clean_lake, killed_lake = tmp_path / "feeds", tmp_path / "a", tmp_path / "b"
    write_feeds(feeds, gazetteer)
    ingest_feeds(feeds, clean_lake, gazetteer, sources=SOURCES)
    signals = tmp_path / "hook.txt"
    script = tmp_path / "child.py"
    script.write_text(_CHILD.format(scale=GAZETTEER[0], seed=GAZETTEER[1], sources=SOURCES,
                                    workers=workers))  # fmt: skip
    env = os.environ | {"SHIBEI_INGEST_TEST_HOOK": f"{signals}:{kill_at}:2"}
    child = subprocess.Popen([sys.executable, str(script), str(feeds), str(killed_lake)], env=env)
    pool: list[int] = []
    try:
        # first batch committed, second batch staged (or moved into place, ledger unwritten)
        deadline = time.monotonic() + 180  # a loaded machine starts the child slowly
        while time.monotonic() < deadline:
            seen = signals.read_text().split() if signals.exists() else []
            if seen[0::2].count(kill_at) == 2:
                break
            assert child.poll() is None, "the ingest ended before it could be killed"
            time.sleep(0.05)
        else:
            pytest.fail(f"never reached {kill_at}: {signals.read_text()}")
        pool = [p for p in _children(child.pid) if "spawn_main" in _cmdline(p)]
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -signal.SIGKILL
    if workers > 1:  # its worker processes saw it die and left too
        assert len(pool) == workers
        deadline = time.monotonic() + 30
        while any(_alive(p) for p in pool) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(p) for p in pool)
    ledger = pq.read_table(killed_lake / "batches.parquet")
    assert ledger.num_rows == 1  # the first batch only
    second = signals.read_text().split()[-1]
    placed = list(killed_lake.glob(f"clean/*/{second}.parquet"))
    assert len(placed) == (1 if kill_at == "moved" else 0)  # in place, yet not in the ledger
    ingest_feeds(feeds, killed_lake, gazetteer, sources=SOURCES)
    assert not (killed_lake / ".staging").exists()
    assert listing(killed_lake) == listing(clean_lake)


def test_quality_report_figures_of_a_tiny_feed(tmp_path: Path, gazetteer: Gazetteer) -> None:
    write_feeds(tmp_path / "feeds", gazetteer)
    ingest_feeds(tmp_path / "feeds", tmp_path / "lake", gazetteer, sources=SOURCES)
    spec = load_specs()["police_household_registry"]
    report = quality_report(tmp_path / "lake", spec)
    written = json.loads((tmp_path / "lake/quality/police_household_registry.json").read_text())
    assert written == report
    assert report["rows"] == {"in": 9, "clean": 5, "quarantined": 4, "duplicate": 1}
    assert report["id_numbers"]["id_number"] == {
        "present": 6,  # 5 clean + the garbage one
        "valid": 4,
        "validity": 0.6667,
        "upgraded_from_15": 1,
        "problems": {"checksum": 1, "garbage": 1},
    }
    address = report["addresses"]["address"]
    assert (address["present"], address["matched"], address["by_level"]["house"]) == (5, 4, 4)
    assert address["by_level"]["none"] == 1
    assert address["match_rate"] == 0.8
    assert report["freshness"] == {
        "field": "registered_on", "earliest": "2010-01-01", "latest": "2024-03-05",
    }  # fmt: skip
    assert [(r["reason_code"], r["rows"]) for r in report["quarantine_reasons"]] == [
        ("bad_date", 1),
        ("bad_record", 1),
        ("id_number_garbage", 1),
        ("missing_identity", 1),
    ]
    workers = quality_report(tmp_path / "lake", load_specs()["grid_workers"])
    assert workers["phones"]["phone"] == {"present": 2, "valid": 2, "validity": 1.0}
    assert workers["freshness"]["latest"] == "2022-12-21"
