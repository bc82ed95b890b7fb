"""Legal periods: 民法典 第二百零一条 (the event's day not counted), 第二百零三条 (to 24:00; a last day that
is a rest day moves past it), working days with holidays and 调休, on the 2025–2026 arrangements."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fairbid.documents.calendar import load_working_calendar
from fairbid.domain.calendar import (
    BEIJING,
    CalendarDay,
    CalendarNotCovered,
    DayKind,
    WorkingCalendar,
    beijing_date,
    count_period,
    days_before_end,
    end_of_day,
    period_end,
    to_beijing,
    working_calendar,
    working_days_before,
    working_days_end,
)

CAL = load_working_calendar()
PLAIN = WorkingCalendar.plain()


def bj(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=BEIJING)


def test_a_period_in_days_starts_the_next_day_and_ends_at_24_00_beijing() -> None:
    # Evaluation ends Tuesday 2026-03-10 15:00 Beijing; 3 days are the 11th, 12th, 13th (a Friday).
    end = period_end(bj(2026, 3, 10, 15), 3, CAL)
    assert end == datetime(2026, 3, 13, 16, 0, tzinfo=UTC) == bj(2026, 3, 14)
    assert end.tzinfo is UTC


def test_an_event_late_in_the_beijing_evening_counts_from_the_beijing_date() -> None:
    # 2026-03-10 23:30 Beijing is 15:30 UTC the same day; 00:30 Beijing on the 11th is still the 10th in UTC,
    # but it is the 11th that counts: its third day is Saturday the 14th, so the period runs to Monday the 16th.
    assert period_end(bj(2026, 3, 10, 23, 30), 3, CAL) == bj(2026, 3, 14)
    assert period_end(bj(2026, 3, 11, 0, 30), 3, CAL) == bj(2026, 3, 17)


def test_last_day_on_a_weekend_moves_to_monday() -> None:
    counted = count_period(bj(2026, 7, 1, 10), 3, CAL)  # nominal Saturday 2026-07-04
    assert counted.nominal_last_day == date(2026, 7, 4)
    assert counted.extended_over == (date(2026, 7, 4), date(2026, 7, 5))
    assert counted.last_day == date(2026, 7, 6) and counted.ends_at == bj(2026, 7, 7)


def test_civil_code_203_last_day_in_the_national_day_holiday_moves_past_it() -> None:
    counted = count_period(bj(2026, 9, 28, 9), 5, CAL)  # nominal 2026-10-03, inside 10-01..10-07
    assert counted.nominal_last_day == date(2026, 10, 3)
    assert counted.extended_over == tuple(date(2026, 10, d) for d in range(3, 8))
    assert counted.last_day == date(2026, 10, 8)  # Thursday, the first working day
    assert counted.ends_at == datetime(2026, 10, 8, 16, tzinfo=UTC)
    assert "第二百零三条" in counted.citation


def test_an_adjusted_working_saturday_ends_a_period_without_extension() -> None:
    # 2026-10-10 is a Saturday worked in lieu (调休上班): the period ends there.
    counted = count_period(bj(2026, 10, 5, 12), 5, CAL)
    assert counted.last_day == date(2026, 10, 10) and counted.extended_over == ()


def test_extend_false_counts_bare_calendar_days() -> None:
    assert period_end(bj(2026, 9, 28, 9), 5, CAL, extend=False) == bj(2026, 10, 4)


def test_working_days_skip_the_national_day_holiday() -> None:
    # From Tuesday 2026-09-29: Wed 30 (1), 10-01..07 off, Thu 8 (2), Fri 9 (3).
    assert working_days_end(bj(2026, 9, 29, 10), 3, CAL) == bj(2026, 10, 10)


def test_working_days_count_an_adjusted_saturday_and_skip_spring_festival() -> None:
    # From Thursday 2026-02-12: Fri 13 (1), Sat 14 worked in lieu (2), 15..23 Spring Festival, Tue 24 (3).
    assert CAL.is_working_day(date(2026, 2, 14)) and CAL.is_rest_day(date(2026, 2, 16))
    assert working_days_end(bj(2026, 2, 12, 16), 3, CAL) == bj(2026, 2, 25)


def test_thirty_working_days_across_new_year_2026() -> None:
    # 2025-12-01 (Mon): December has 22 working days after the 1st (2..31), then 2026-01-01/02 off,
    # Sun 01-04 worked in lieu, so the 30th working day is 2026-01-12 … counted here, not assumed.
    end = working_days_end(bj(2025, 12, 1, 9), 30, CAL)
    last = beijing_date(end - timedelta(seconds=1))
    worked = [
        d for d in (date(2025, 12, 1) + timedelta(days=i) for i in range(1, 60)) if d <= last and CAL.is_working_day(d)
    ]
    assert len(worked) == 30 and CAL.is_working_day(last)
    assert date(2026, 1, 4) in worked and date(2026, 1, 1) not in worked


def test_working_days_before_the_last_day_of_validity() -> None:
    # 3 working days before Monday 2026-03-16 (not counted): Fri 13, Thu 12, Wed 11 → 24:00 of the 11th.
    assert working_days_before(date(2026, 3, 16), 3, CAL) == bj(2026, 3, 12)


def test_days_before_end_for_objections_to_the_tender_document() -> None:
    # Deadline 2026-06-20 09:30: the tenth day before is 06-10, objections until its 24:00.
    assert days_before_end(bj(2026, 6, 20, 9, 30), 10) == bj(2026, 6, 11)


def test_a_year_without_an_arrangement_is_refused_not_guessed() -> None:
    with pytest.raises(CalendarNotCovered, match="2027"):
        period_end(bj(2026, 12, 20, 10), 30, CAL)
    assert not CAL.covers(date(2027, 1, 1)) and PLAIN.covers(date(2027, 1, 1))


def test_naive_times_and_empty_periods_are_programmer_errors() -> None:
    with pytest.raises(ValueError, match="aware"):
        period_end(datetime(2026, 3, 1), 3, CAL)
    with pytest.raises(ValueError, match="at least one"):
        period_end(bj(2026, 3, 1), 0, CAL)
    with pytest.raises(ValueError, match="at least one"):
        working_days_end(bj(2026, 3, 1), 0, CAL)


def test_a_calendar_refuses_a_day_both_off_and_worked() -> None:
    day = date(2026, 5, 9)
    with pytest.raises(ValueError, match="both"):
        working_calendar([CalendarDay(day, DayKind.HOLIDAY, "x"), CalendarDay(day, DayKind.WORKDAY, "y")], years=[2026])
    with pytest.raises(ValueError, match="outside"):
        working_calendar([CalendarDay(day, DayKind.HOLIDAY, "x")], years=[2025])


def test_to_beijing_shows_the_same_moment_at_utc_plus_8() -> None:
    shown = to_beijing(datetime(2026, 3, 13, 16, tzinfo=UTC))
    assert shown.isoformat() == "2026-03-14T00:00:00+08:00" and end_of_day(date(2026, 3, 13)) == shown


_MOMENTS = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 11, 20), timezones=st.just(UTC))


@given(event=_MOMENTS, days=st.integers(min_value=1, max_value=30))
def test_period_end_is_always_16_00_utc_and_never_before_event_plus_days(event: datetime, days: int) -> None:
    end = period_end(event, days, CAL)
    assert end.tzinfo is UTC and end.timetz() == time(16, tzinfo=UTC)
    assert end > event + timedelta(days=days)
    plain = period_end(event, days, PLAIN)
    assert plain > event + timedelta(days=days) >= plain - timedelta(days=1)
    counted = count_period(event, days, CAL)
    assert CAL.is_working_day(counted.last_day) and end >= plain
    assert all(CAL.is_rest_day(d) for d in counted.extended_over)
    assert (counted.last_day - counted.nominal_last_day).days == len(counted.extended_over)


@given(event=_MOMENTS, days=st.integers(min_value=1, max_value=30))
def test_working_days_end_counts_exactly_n_working_days(event: datetime, days: int) -> None:
    end = working_days_end(event, days, CAL)
    assert end.timetz() == time(16, tzinfo=UTC)
    first, last = beijing_date(event) + timedelta(days=1), beijing_date(end) - timedelta(days=1)
    span = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    assert sum(CAL.is_working_day(d) for d in span) == days and CAL.is_working_day(last)


def test_years_before_is_the_corresponding_date_or_the_months_last_day() -> None:
    """民法典 第二百零二条: "投标截止日前5年内" opens on the corresponding date; 29 February has none in 2023."""
    from fairbid.domain.calendar import years_before

    assert years_before(date(2026, 12, 23), 5) == date(2021, 12, 23)
    assert years_before(date(2028, 2, 29), 5) == date(2023, 2, 28)
    assert years_before(date(2028, 2, 29), 4) == date(2024, 2, 29)
