"""A re-delivery is the same feed again: the same rows in another order, a few with a new
phone number, the truth rows following their rows."""

from __future__ import annotations

import random
from collections import Counter

from shibei.synth.feed_builder import Feed, FeedSpec, TruthRow
from shibei.synth.feed_files import REDELIVERY_CHANGED, redelivery

SPEC = FeedSpec("callers", "报警记录", "公安", "city", "csv", "utf-8", ("编号", "报警电话"))


def _feed(n: int) -> Feed:
    rows = [{"编号": str(i), "报警电话": f"1380000{i:04d}"} for i in range(n)]
    return Feed(SPEC, rows, [TruthRow(row=i + 1) for i in range(n)])


def test_a_redelivery_holds_every_row_once_in_another_order() -> None:
    feed = _feed(5000)
    again = redelivery(feed, random.Random(3))
    ids = [row["编号"] for row in again.rows]
    assert sorted(ids, key=int) == [row["编号"] for row in feed.rows]
    assert ids != [row["编号"] for row in feed.rows]
    assert [t.row for t in again.truth] == [int(i) + 1 for i in ids]


def test_about_one_percent_of_a_redelivery_has_a_new_phone_and_nothing_else_changes() -> None:
    feed = _feed(5000)
    before = {row["编号"]: row["报警电话"] for row in feed.rows}
    again = redelivery(feed, random.Random(3))
    changed = [row for row in again.rows if row["报警电话"] != before[row["编号"]]]
    assert 0.5 * REDELIVERY_CHANGED * 5000 < len(changed) < 2 * REDELIVERY_CHANGED * 5000
    assert all(len(row["报警电话"]) == 11 and row["报警电话"].startswith("139") for row in changed)
    assert Counter(len(row) for row in again.rows) == {2: 5000}
    assert [row["报警电话"] for row in feed.rows] == list(before.values())  # not mutated


def test_redeliveries_differ_from_each_other() -> None:
    feed = _feed(200)
    rng = random.Random(3)
    assert redelivery(feed, rng).rows != redelivery(feed, rng).rows
