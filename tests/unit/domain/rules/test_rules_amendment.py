"""Amendments issued less than 15 days before the deadline move it (条例 第二十一条)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from fairbid.domain.rules import amended_deadline

CST = timezone(timedelta(hours=8))
DEADLINE = datetime(2026, 12, 21, 9, 30, tzinfo=CST)


def test_amendment_fifteen_days_before_keeps_deadline() -> None:
    assert amended_deadline(DEADLINE, issued_at=datetime(2026, 12, 6, 18, tzinfo=CST)) == DEADLINE


def test_amendment_fourteen_days_before_moves_deadline_keeping_time_of_day() -> None:
    moved = amended_deadline(DEADLINE, issued_at=datetime(2026, 12, 7, 8, tzinfo=CST))
    assert moved == datetime(2026, 12, 22, 9, 30, tzinfo=CST)


def test_amendment_not_affecting_preparation_keeps_deadline() -> None:
    issued = datetime(2026, 12, 18, 8, tzinfo=CST)
    assert amended_deadline(DEADLINE, issued_at=issued, affects_preparation=False) == DEADLINE


def test_prequalification_amendment_needs_three_days() -> None:
    issued = datetime(2026, 12, 19, 8, tzinfo=CST)
    assert amended_deadline(DEADLINE, issued_at=issued, prequalification=True) == datetime(
        2026, 12, 22, 9, 30, tzinfo=CST
    )


def test_amendment_counts_beijing_dates_for_utc_input() -> None:
    # 2026-12-06 17:00 UTC is 12-07 01:00 in Beijing: fourteen days before the 21st.
    moved = amended_deadline(DEADLINE, issued_at=datetime(2026, 12, 6, 17, tzinfo=UTC))
    assert moved.astimezone(CST).date().isoformat() == "2026-12-22"


def test_amendment_rejects_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        amended_deadline(DEADLINE.replace(tzinfo=None), issued_at=datetime(2026, 12, 1, tzinfo=CST))
