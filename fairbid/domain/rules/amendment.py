"""Clarifications and amendments (澄清/修改) that move the bid deadline (法 第二十三条, 条例 第二十一条)."""

from __future__ import annotations

from datetime import datetime, timedelta

from fairbid.domain.calendar import BEIJING

__all__ = ["AMENDMENT_NOTICE_DAYS", "PREQUALIFICATION_NOTICE_DAYS", "amended_deadline"]

AMENDMENT_NOTICE_DAYS = 15  # 招标文件: at least 15 days before the bid deadline
PREQUALIFICATION_NOTICE_DAYS = 3  # 资格预审文件: at least 3 days before the application deadline


def amended_deadline(
    deadline: datetime,
    *,
    issued_at: datetime,
    affects_preparation: bool = True,
    prequalification: bool = False,
) -> datetime:
    """The bid deadline after an amendment issued at ``issued_at`` (条例 第二十一条).

    An amendment that may affect bid preparation must reach bidders at least 15 days (3 for a
    prequalification document) before the deadline; otherwise the deadline moves to the first day that
    leaves that notice, keeping the original time of day (Beijing time). Days are counted on Beijing
    dates with the issue day not counted. An amendment that cannot affect preparation leaves it as is.

    >>> from datetime import timezone
    >>> amended_deadline(datetime(2026, 6, 20, 1, 30, tzinfo=timezone.utc),
    ...                  issued_at=datetime(2026, 6, 10, 2, tzinfo=timezone.utc)).isoformat()
    '2026-06-25T09:30:00+08:00'
    """
    if deadline.tzinfo is None or issued_at.tzinfo is None:
        raise ValueError("deadline and issued_at must be timezone-aware")
    if not affects_preparation:
        return deadline
    notice = PREQUALIFICATION_NOTICE_DAYS if prequalification else AMENDMENT_NOTICE_DAYS
    local_deadline = deadline.astimezone(BEIJING)
    earliest = issued_at.astimezone(BEIJING).date() + timedelta(days=notice)
    if local_deadline.date() >= earliest:
        return deadline
    return datetime.combine(earliest, local_deadline.timetz())
