"""Working days on the Chinese calendar: public holidays and the swapped working weekends
(调休) the State Council publishes each year.

The data sits behind a small port, `HolidayData`: `ChineseCalendarData` reads the
`chinese-calendar` package (pinned in pyproject; one release per year, see
docs/workflow.md for the update path), `FixedHolidays` pins a few days for tests.

Beyond the data (a year the State Council has not published yet) the calendar does not
fail: it falls back to Monday–Friday, logs a warning once per year, and reports the
year in `estimated_years` so the caller can flag the deadline as estimated
(`calendar_estimated` on the order). Refusing intakes every December would be worse
than a deadline that may be one or two days off until the package is updated.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Final, Protocol

log = logging.getLogger(__name__)

DAY_END: Final = time(23, 59, 59)
"""A deadline is the end of its last working day."""


class HolidayData(Protocol):
    def is_workday(self, day: date) -> bool | None:
        """True/False from official data; None when the data does not cover the day."""
        ...


class ChineseCalendarData:
    """The `chinese-calendar` package (holidays and 调休 2004 → its last published year).
    Answers are cached per day: the package validates every date against its whole
    table (~0.15 ms a call), and a deadline asks about a dozen days."""

    def __init__(self) -> None:
        self._known: dict[date, bool | None] = {}

    def is_workday(self, day: date) -> bool | None:
        if day in self._known:
            return self._known[day]
        import chinese_calendar

        try:
            answer: bool | None = bool(chinese_calendar.is_workday(day))
        except NotImplementedError:  # "no available data for year …"
            answer = None
        self._known[day] = answer
        return answer


class FixedHolidays:
    """Holidays and swapped working days given by hand, for `years`; elsewhere no data."""

    def __init__(
        self, holidays: Iterable[date], workdays: Iterable[date], years: Iterable[int]
    ) -> None:
        self.holidays = frozenset(holidays)
        self.workdays = frozenset(workdays)
        self.years = frozenset(years)

    def is_workday(self, day: date) -> bool | None:
        if day.year not in self.years:
            return None
        if day in self.holidays:
            return False
        return day in self.workdays or day.weekday() < 5


class WorkCalendar:
    """Working-day arithmetic over a `HolidayData` (default: `chinese-calendar`)."""

    def __init__(self, data: HolidayData | None = None) -> None:
        self.data: HolidayData = data if data is not None else ChineseCalendarData()
        self.estimated_years: set[int] = set()

    def covers(self, day: date) -> bool:
        """True when official data covers the day (no weekday fallback)."""
        return self.data.is_workday(day) is not None

    def is_workday(self, day: date) -> bool:
        known = self.data.is_workday(day)
        if known is not None:
            return known
        if day.year not in self.estimated_years:
            self.estimated_years.add(day.year)
            log.warning("节假日数据不含 %s 年，按周一至周五估算工作日", day.year)
        return day.weekday() < 5

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day after `day` (`day` itself does not count; n=0 → `day`).

        >>> WorkCalendar().add_working_days(date(2025, 1, 24), 1)  # 调休: Sunday 1-26 works
        datetime.date(2025, 1, 26)
        """
        if n < 0:
            raise ValueError("工作日数不能为负")
        current = day
        while n > 0:
            current += timedelta(days=1)
            if self.is_workday(current):
                n -= 1
        return current

    def deadline(self, start: datetime, working_days: int) -> datetime:
        """End of the `working_days`-th working day after the day of `start`."""
        return datetime.combine(self.add_working_days(start.date(), working_days), DAY_END)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; 0 when end <= start."""
        count, current = 0, start
        while current < end:
            current += timedelta(days=1)
            if self.is_workday(current):
                count += 1
        return count

    def subtract_working_days(self, day: date, n: int) -> date:
        """The working day n working days before `day` (for warnings before a deadline)."""
        current = day
        while n > 0:
            current -= timedelta(days=1)
            if self.is_workday(current):
                n -= 1
        return current

    def estimated(self, start: date, end: date) -> bool:
        """True when some day in [start, end] lies beyond the official data."""
        return not (self.covers(start) and self.covers(end))
