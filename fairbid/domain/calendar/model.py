"""The working calendar (工作日历): which Beijing dates are rest days, from data, never from code.

Beijing time is UTC+8 as a fixed offset. China has kept no daylight saving time since 1991, so a fixed
``timezone(timedelta(hours=8))`` is exact for every date the platform handles and the domain needs no time
zone database.

A rest day (休息日) is a day without work under the State Council's yearly arrangement
(国务院办公厅关于20XX年部分节假日安排的通知): a Saturday or Sunday not turned into a working day by
调休, or a day of a holiday block (the statutory days of 全国年节及纪念日放假办法 and the days moved next to
them). A working day (工作日) is every other day, adjusted working days (调休上班) on a weekend included.
The calendar covers the years whose arrangement it was given; asking about another year raises
``CalendarNotCovered`` rather than guessing: a deadline computed on a wrong calendar is worse than none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta, timezone
from enum import StrEnum

__all__ = [
    "BEIJING",
    "CalendarDay",
    "CalendarNotCovered",
    "DayKind",
    "WorkingCalendar",
    "working_calendar",
]

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai (UTC+8, no DST since 1991)")
_WEEKEND = (5, 6)  # Saturday, Sunday (国务院关于职工工作时间的规定 第七条)


class CalendarNotCovered(LookupError):
    """Raised when a date falls in a year whose holiday arrangement the calendar was not given.

    A configuration error, not the caller's: add the year's arrangement to the calendar data
    (``scripts/build_holidays.py``) once the State Council has published it.
    """

    def __init__(self, day: date, years: tuple[int, ...]) -> None:
        covered = ", ".join(str(y) for y in years) or "none"
        super().__init__(
            f"The working calendar has no holiday arrangement for {day.year} (asked about {day.isoformat()}; "
            f"covered years: {covered}). Add that year's State Council arrangement to the calendar data."
        )
        self.day = day


class DayKind(StrEnum):
    """What the arrangement says of a date."""

    HOLIDAY = "holiday"  # 放假: a rest day of a holiday block, whatever the weekday
    WORKDAY = "workday"  # 调休上班: a working day on a Saturday or Sunday


@dataclass(frozen=True, slots=True)
class CalendarDay:
    """One dated entry of the arrangement: a holiday or an adjusted working day, with its name."""

    day: date
    kind: DayKind
    name: str


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """Rest and working days of the covered years; weekends are rest days unless adjusted.

    ``years`` empty and ``unbounded`` true make a calendar valid for every year (only tests and the
    "no extension" calendar use that). Build it with ``working_calendar`` or ``WorkingCalendar.plain``.
    """

    years: tuple[int, ...]
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    names: tuple[tuple[date, str], ...] = ()
    weekend: tuple[int, ...] = _WEEKEND
    unbounded: bool = False
    source: str = ""
    _names: dict[date, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        clash = self.holidays & self.workdays
        if clash:
            raise ValueError(f"{min(clash).isoformat()} is both a holiday and an adjusted working day")
        self._names.update(self.names)

    @classmethod
    def plain(cls, *, weekend: tuple[int, ...] = ()) -> WorkingCalendar:
        """A calendar for every year with no holidays; by default no weekend either, so every day works
        and no period is ever extended (counting in bare calendar days)."""
        return cls(years=(), weekend=weekend, unbounded=True, source="plain calendar days")

    def covers(self, day: date) -> bool:
        """Whether the arrangement of ``day``'s year is known."""
        return self.unbounded or day.year in self.years

    def _check(self, day: date) -> None:
        if not self.covers(day):
            raise CalendarNotCovered(day, self.years)

    def is_rest_day(self, day: date) -> bool:
        """A day off: a holiday of the arrangement, or a weekend day not adjusted to work."""
        self._check(day)
        if day in self.holidays:
            return True
        return day.weekday() in self.weekend and day not in self.workdays

    def is_working_day(self, day: date) -> bool:
        """工作日: any day that is not a rest day (adjusted weekend working days included)."""
        return not self.is_rest_day(day)

    def name_of(self, day: date) -> str | None:
        """The holiday's or adjusted day's name in the arrangement, if it has one."""
        return self._names.get(day)


def working_calendar(
    days: Iterable[CalendarDay], *, years: Iterable[int], source: str = "", weekend: tuple[int, ...] = _WEEKEND
) -> WorkingCalendar:
    """The calendar of ``years`` from the arrangement's dated entries (every entry must lie in them)."""
    covered = tuple(sorted(set(years)))
    entries = tuple(days)
    stray = [d.day for d in entries if d.day.year not in covered]
    if stray:
        raise ValueError(f"{min(stray).isoformat()} lies outside the covered years {covered}")
    return WorkingCalendar(
        years=covered,
        holidays=frozenset(d.day for d in entries if d.kind is DayKind.HOLIDAY),
        workdays=frozenset(d.day for d in entries if d.kind is DayKind.WORKDAY),
        names=tuple((d.day, d.name) for d in entries),
        weekend=weekend,
        source=source,
    )
