"""Working days on the Chinese calendar: Spring Festival 2025 and its swapped working
days (Sunday 2025-01-26, Saturday 2025-02-08), National Day's swapped weekend, and the
fallback beyond the published data. The same expectations hold for the real
`chinese-calendar` data and for the notice pinned by hand."""

from __future__ import annotations

import logging
from datetime import date, datetime

import pytest

from shibei.workflow import ChineseCalendarData, FixedHolidays, HolidayData, WorkCalendar


@pytest.fixture(params=["chinese-calendar", "pinned"])
def cal(request: pytest.FixtureRequest, calendar: WorkCalendar) -> WorkCalendar:
    return WorkCalendar(ChineseCalendarData()) if request.param == "chinese-calendar" else calendar


@pytest.mark.parametrize(
    ("day", "works"),
    [
        (date(2025, 1, 26), True),  # Sunday, worked for the Spring Festival
        (date(2025, 1, 27), True),
        (date(2025, 1, 28), False),  # 除夕
        (date(2025, 1, 29), False),  # 春节
        (date(2025, 2, 3), False),  # a Monday inside the holiday
        (date(2025, 2, 4), False),
        (date(2025, 2, 5), True),
        (date(2025, 2, 8), True),  # Saturday, worked
        (date(2025, 2, 9), False),  # an ordinary Sunday
        (date(2025, 9, 28), True),  # Sunday, worked for National Day
        (date(2025, 10, 8), False),
        (date(2025, 10, 11), True),  # Saturday, worked
        (date(2025, 10, 12), False),
    ],
)
def test_holidays_and_swapped_working_days(cal: WorkCalendar, day: date, works: bool) -> None:
    assert cal.is_workday(day) is works


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # Friday before the festival: Sun 1-26 and Mon 1-27 count, then 2-5 …
        (date(2025, 1, 24), 1, date(2025, 1, 26)),
        (date(2025, 1, 24), 2, date(2025, 1, 27)),
        (date(2025, 1, 24), 3, date(2025, 2, 5)),
        (date(2025, 1, 24), 6, date(2025, 2, 8)),  # the working Saturday counts
        (date(2025, 1, 24), 7, date(2025, 2, 10)),
        (date(2025, 1, 24), 10, date(2025, 2, 13)),
        # filed on the eve (a holiday): counting starts after the holiday
        (date(2025, 1, 28), 1, date(2025, 2, 5)),
        # National Day: Friday 9-26 + 1 is the working Sunday 9-28
        (date(2025, 9, 26), 1, date(2025, 9, 28)),
        (date(2025, 9, 26), 3, date(2025, 9, 30)),
        (date(2025, 9, 26), 4, date(2025, 10, 9)),
        (date(2025, 9, 26), 6, date(2025, 10, 11)),
        (date(2025, 3, 3), 0, date(2025, 3, 3)),
    ],
)
def test_deadlines_count_working_days_across_holidays(
    cal: WorkCalendar, start: date, days: int, due: date
) -> None:
    assert cal.add_working_days(start, days) == due
    assert cal.working_days_between(start, due) == days
    filed = datetime.combine(start, datetime.min.time()).replace(hour=16)
    assert cal.deadline(filed, days) == datetime(due.year, due.month, due.day, 23, 59, 59)


def test_subtracting_working_days_steps_back_over_the_holiday(cal: WorkCalendar) -> None:
    assert cal.subtract_working_days(date(2025, 2, 5), 1) == date(2025, 1, 27)
    assert cal.subtract_working_days(date(2025, 2, 10), 1) == date(2025, 2, 8)


def test_negative_working_days_are_refused(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="不能为负"):
        cal.add_working_days(date(2025, 3, 3), -1)


def test_beyond_the_data_it_falls_back_to_weekdays_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    data: HolidayData = FixedHolidays([], [], years=[2025])
    cal = WorkCalendar(data)
    assert not cal.covers(date(2026, 1, 2))
    with caplog.at_level(logging.WARNING, logger="shibei.workflow.calendar"):
        # Friday 2026-01-02 + 1 → Monday 01-05 by the weekday rule
        assert cal.add_working_days(date(2026, 1, 2), 1) == date(2026, 1, 5)
        cal.add_working_days(date(2026, 2, 2), 3)
    assert cal.estimated_years == {2026}
    assert [r.getMessage() for r in caplog.records] == [
        "节假日数据不含 2026 年，按周一至周五估算工作日"
    ]
    assert cal.estimated(date(2025, 12, 30), date(2026, 1, 5))
    assert not cal.estimated(date(2025, 12, 1), date(2025, 12, 5))


def test_the_packaged_data_stops_at_a_year_and_the_calendar_still_answers() -> None:
    cal = WorkCalendar(ChineseCalendarData())
    year = next(y for y in range(2025, 2100) if not cal.covers(date(y, 6, 1)))
    monday = next(date(year, 6, d) for d in range(1, 8) if date(year, 6, d).weekday() == 0)
    friday = monday.replace(day=monday.day + 4)
    assert cal.add_working_days(monday, 1) == monday.replace(day=monday.day + 1)
    assert cal.add_working_days(friday, 1) == friday.replace(day=friday.day + 3)
    assert year in cal.estimated_years
