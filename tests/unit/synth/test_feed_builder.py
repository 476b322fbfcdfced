"""FeedBuilder: noise recorded in truth, duplicates, missing fields, stale records."""

from __future__ import annotations

import random

from shibei.gazetteer.model import StandardAddress
from shibei.synth.feed_builder import FeedBuilder, FeedSpec, TruthRow
from shibei.synth.noise_config import FeedNoise

SPEC = FeedSpec(
    "demo", "示例", "示例部门", "district", "csv", "utf-8", ("姓名", "地址", "电话"), ("地址",)
)

_HOUSES = {
    "A": StandardAddress(
        "A", "山东省青岛市市北区辽宁路街道科技街社区辽宁路1号1号楼1单元101室", {}, 36.0, 120.3
    ),
    "B": StandardAddress(
        "B", "山东省青岛市市北区辽宁路街道科技街社区辽宁路9号2号楼1单元502室", {}, 36.0, 120.3
    ),
}


def _builder(noise: FeedNoise, seed: int = 1) -> FeedBuilder:
    return FeedBuilder(SPEC, noise, random.Random(seed), _HOUSES.__getitem__)


def test_clean_rows_carry_the_canonical_address_and_no_noise() -> None:
    builder = _builder(FeedNoise())
    builder.add(
        {"姓名": "张伟", "电话": "13800000000"},
        TruthRow(0, person_id="P1"),
        noisy={"姓名": "name"},
        address=("地址", "A"),
    )
    feed = builder.finish()
    assert feed.rows == [{"姓名": "张伟", "电话": "13800000000", "地址": _HOUSES["A"].text}]
    assert feed.truth[0].row == 1
    assert feed.truth[0].house_code == "A"
    assert feed.truth[0].noise == {}


def test_duplicates_are_appended_and_point_back_at_their_original() -> None:
    builder = _builder(FeedNoise(row={"duplicate_row": 1.0}))
    for i in range(3):
        builder.add({"姓名": f"人{i}"}, TruthRow(0, person_id=f"P{i}"))
    feed = builder.finish()
    assert len(feed.rows) == 6
    assert [t.duplicate_of for t in feed.truth] == [None, None, None, 1, 2, 3]
    assert feed.rows[3:] == feed.rows[:3]
    assert feed.truth[4].person_id == "P1"
    assert feed.truth[4].noise == {"*": ["duplicate_row"]}


def test_missing_field_empties_a_blankable_column_and_forgets_the_house() -> None:
    builder = _builder(FeedNoise(row={"missing_field": 1.0}))
    builder.add({"姓名": "李娜"}, TruthRow(0), address=("地址", "A"), blankable=("地址",))
    feed = builder.finish()
    assert feed.rows[0]["地址"] == ""
    assert feed.truth[0].noise == {"地址": ["missing_field"]}
    assert feed.truth[0].house_code is None


def test_stale_record_shows_the_house_before_the_move() -> None:
    builder = _builder(FeedNoise(row={"stale_record": 1.0}))
    builder.add({}, TruthRow(0), address=("地址", "A"), stale_house="B")
    builder.add({}, TruthRow(0), address=("地址", "A"), stale_house=None)
    feed = builder.finish()
    assert feed.rows[0]["地址"] == _HOUSES["B"].text
    assert feed.truth[0].house_code == "B"
    assert feed.truth[0].noise == {"地址": ["stale_record"]}
    assert feed.truth[1].house_code == "A"


def test_field_noise_is_recorded_per_column() -> None:
    builder = _builder(FeedNoise(name={"name_space": 1.0}))
    builder.add({"姓名": "王小明"}, TruthRow(0), noisy={"姓名": "name"})
    feed = builder.finish()
    assert feed.rows[0]["姓名"] != "王小明"
    assert feed.rows[0]["姓名"].replace(" ", "").replace("\u3000", "") == "王小明"
    assert feed.truth[0].noise == {"姓名": ["name_space"]}
