"""Legal periods counted as the Civil Code counts them (民法典 第二百零一条、第二百零三条), in Beijing time.

- 中华人民共和国民法典 第二百零一条: a period in days starts the day after the triggering event; the day of
  the event is not counted. Days are Beijing calendar dates.
- 中华人民共和国民法典 第二百零三条第一款: when the last day is a 法定休假日, the period ends on the day after
  the rest ends. The platform reads 法定休假日 as every rest day of the State Council's arrangement
  (weekends not adjusted to work, and holiday blocks), the way courts apply the same words of
  民事诉讼法 第八十五条 [U: a reading, not a text]; ``extend=False`` counts bare calendar days instead.
- 中华人民共和国民法典 第二百零三条第二款: the last day ends at 24:00; where there are business hours, at the
  close of business. The platform is open round the clock, so every period here ends at 24:00 Beijing
  time (16:00 UTC) unless a rule names another time (a bid deadline, for example, is a stated moment,
  not a period).

Every function takes and returns aware datetimes; results are in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from fairbid.domain.calendar.model import BEIJING, WorkingCalendar

__all__ = [
    "CIVIL_CODE_PERIOD",
    "PeriodEnd",
    "beijing_date",
    "count_period",
    "days_before_end",
    "end_of_day",
    "period_end",
    "start_of_day",
    "to_beijing",
    "working_days_before",
    "working_days_end",
    "years_before",
]

CIVIL_CODE_PERIOD = "中华人民共和国民法典 第二百零一条、第二百零三条"
_MAX_EXTENSION = 40  # no arrangement has more than nine rest days in a row; this only stops a broken calendar


def _aware(at: datetime, name: str) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {at.isoformat()}")


def beijing_date(at: datetime) -> date:
    """The Beijing calendar date of an aware moment."""
    _aware(at, "at")
    return at.astimezone(BEIJING).date()


def to_beijing(at: datetime) -> datetime:
    """The same moment on Beijing's clock (UTC+8), for showing: every public time is shown this way."""
    _aware(at, "at")
    return at.astimezone(BEIJING)


def start_of_day(day: date) -> datetime:
    """00:00 Beijing time of ``day``, in UTC (16:00 UTC of the day before)."""
    return datetime.combine(day, time(0), tzinfo=BEIJING).astimezone(UTC)


def end_of_day(day: date) -> datetime:
    """24:00 Beijing time of ``day`` — the first instant of the next day — in UTC (16:00 UTC of ``day``).

    A moment ``t`` is within the day when ``t < end_of_day(day)``.
    """
    return start_of_day(day + timedelta(days=1))


@dataclass(frozen=True, slots=True)
class PeriodEnd:
    """How a period was counted: its nominal last day, the rest days it was extended over, its end."""

    event_day: date
    days: int
    nominal_last_day: date
    last_day: date
    extended_over: tuple[date, ...]
    ends_at: datetime  # 24:00 Beijing of ``last_day``, in UTC
    citation: str = CIVIL_CODE_PERIOD


def count_period(event_at: datetime, days: int, calendar: WorkingCalendar, *, extend: bool = True) -> PeriodEnd:
    """Count ``days`` days from ``event_at``: the event's day not counted, the last day to 24:00, moved past
    rest days (民法典 第二百零一条、第二百零三条).

    Example: an evaluation ending Tuesday 2026-03-10 15:00 Beijing time, 3 days → Friday 2026-03-13 24:00
    Beijing time = 2026-03-13T16:00Z; had Friday been a rest day, the period would run to the next working day.
    """
    _aware(event_at, "event_at")
    if days < 1:
        raise ValueError(f"a period counts at least one day, not {days}")
    event_day = beijing_date(event_at)
    nominal = event_day + timedelta(days=days)
    last = nominal
    skipped: list[date] = []
    while extend and calendar.is_rest_day(last):
        skipped.append(last)
        if len(skipped) > _MAX_EXTENSION:
            raise ValueError(f"more than {_MAX_EXTENSION} rest days in a row after {nominal}: check the calendar")
        last += timedelta(days=1)
    return PeriodEnd(event_day, days, nominal, last, tuple(skipped), end_of_day(last))


def period_end(event_at: datetime, days: int, calendar: WorkingCalendar, *, extend: bool = True) -> datetime:
    """The end of a period of ``days`` days from ``event_at``: 24:00 Beijing time of its last day, in UTC.

    >>> from fairbid.domain.calendar.model import WorkingCalendar
    >>> period_end(datetime(2026, 3, 10, 7, tzinfo=UTC), 3, WorkingCalendar.plain()).isoformat()
    '2026-03-13T16:00:00+00:00'
    """
    return count_period(event_at, days, calendar, extend=extend).ends_at


def working_days_end(event_at: datetime, days: int, calendar: WorkingCalendar) -> datetime:
    """The end of ``days`` working days (工作日) from ``event_at``: the event's day not counted, then each
    working day of the calendar counted, to 24:00 Beijing time of the last one, in UTC.

    Used for 招标投标法实施条例 第六十一条 (3 working days to accept a complaint, 30 to decide it).
    """
    _aware(event_at, "event_at")
    if days < 1:
        raise ValueError(f"a period counts at least one working day, not {days}")
    day = beijing_date(event_at)
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    return end_of_day(day)


def working_days_before(last_day: date, days: int, calendar: WorkingCalendar) -> datetime:
    """The latest moment that is still ``days`` working days before ``last_day``: 24:00 Beijing time of the
    ``days``-th working day counted backwards from ``last_day`` (which is not counted), in UTC.

    12号令 第四十条 asks the evaluation and award to be finished 30 working days before the last day of the
    bid validity; this gives that latest moment, counted as ``days_before_end`` counts calendar days.
    """
    if days < 1:
        raise ValueError(f"count at least one working day, not {days}")
    day = last_day
    counted = 0
    while counted < days:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    return end_of_day(day)


def days_before_end(deadline: datetime, days: int) -> datetime:
    """The latest moment that is still ``days`` days before ``deadline``: 24:00 Beijing time of the day
    ``days`` calendar days before the deadline's day (the deadline's own day not counted).

    For 招标投标法实施条例 第二十二条 (an objection to the tender document "投标截止时间10日前"): with the
    deadline on 2026-06-20, the last day to object is 2026-06-10. Counted the same way as amendments
    (``rules.amendment``): no extension, since 第二百零三条 speaks of the last day of a period running forward.
    """
    if days < 0:
        raise ValueError(f"days must not be negative, not {days}")
    return end_of_day(beijing_date(deadline) - timedelta(days=days))


def years_before(day: date, years: int) -> date:
    """The day ``years`` years before ``day``: the corresponding date, or the month's last day where there is
    none (29 February → 28 February), as 中华人民共和国民法典 第二百零二条 counts periods in years. For "投标截止日前
    5年内" with the deadline on 2026-12-23 the window opens on 2021-12-23."""
    if years < 0:
        raise ValueError(f"years must not be negative, not {years}")
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)
