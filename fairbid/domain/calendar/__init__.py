"""Legal time (法定期间): Beijing dates, periods in days to 24:00, working days, the holiday calendar.

Pure: the calendar's data comes in as values (``fairbid.documents.calendar.load_working_calendar`` reads
the shipped arrangement); nothing here reads a clock or a file.
"""

from fairbid.domain.calendar.model import (
    BEIJING,
    CalendarDay,
    CalendarNotCovered,
    DayKind,
    WorkingCalendar,
    working_calendar,
)
from fairbid.domain.calendar.period import (
    CIVIL_CODE_PERIOD,
    PeriodEnd,
    beijing_date,
    count_period,
    days_before_end,
    end_of_day,
    period_end,
    start_of_day,
    to_beijing,
    working_days_before,
    working_days_end,
    years_before,
)

__all__ = [
    "BEIJING",
    "CIVIL_CODE_PERIOD",
    "CalendarDay",
    "CalendarNotCovered",
    "DayKind",
    "PeriodEnd",
    "WorkingCalendar",
    "beijing_date",
    "count_period",
    "days_before_end",
    "end_of_day",
    "period_end",
    "start_of_day",
    "to_beijing",
    "working_calendar",
    "working_days_before",
    "working_days_end",
    "years_before",
]
