"""Alarms on a simulated clock: overdue contract, report, refunds, bid validity, open objections — each to the
tenderee, the centre and the supervisor once passed, a reminder to whoever acts before."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from fairbid.domain.award import (
    AlarmKind,
    AlarmLevel,
    Audience,
    MatterKind,
    OpenMatter,
    RefundFact,
    SectionFacts,
    due_alarms,
    next_alarm_at,
)
from tests.award_factory import BJ, CAL

DECIDED = datetime(2026, 3, 16, 9, tzinfo=BJ)
NOTICE = datetime(2026, 3, 16, 10, tzinfo=BJ)
FACTS = SectionFacts(
    section_id="sec-1",
    bid_deadline=datetime(2026, 2, 27, 9, 30, tzinfo=BJ),
    bid_validity_days=90,
    winner_determined_at=DECIDED,
    notice_issued_at=NOTICE,
    report_submitted_at=datetime(2026, 3, 20, 9, tzinfo=BJ),
)
EVERYONE = frozenset(Audience)


def kinds(alarms: tuple, level: AlarmLevel) -> set[AlarmKind]:  # type: ignore[type-arg]
    return {a.kind for a in alarms if a.level is level}


def test_contract_on_day_31_raises_an_overdue_alarm_everyone_sees() -> None:
    day_31 = datetime(2026, 4, 16, 10, tzinfo=BJ)
    (alarm,) = [a for a in due_alarms(FACTS, now=day_31, calendar=CAL) if a.kind is AlarmKind.CONTRACT]
    assert alarm.level is AlarmLevel.OVERDUE and alarm.audience == EVERYONE
    assert alarm.due_at == datetime(2026, 4, 16, 0, 0, tzinfo=BJ) and alarm.citation == "招标投标法 第四十六条第一款"


def test_contract_reminder_goes_to_the_tenderee_only_and_none_before() -> None:
    day_29 = datetime(2026, 4, 14, 10, tzinfo=BJ)
    (reminder,) = [a for a in due_alarms(FACTS, now=day_29, calendar=CAL) if a.kind is AlarmKind.CONTRACT]
    assert reminder.level is AlarmLevel.REMINDER and reminder.audience == {Audience.TENDEREE}
    assert due_alarms(FACTS, now=datetime(2026, 4, 5, 10, tzinfo=BJ), calendar=CAL) == ()


def test_signed_contract_clears_the_contract_and_validity_alarms() -> None:
    signed = replace(FACTS, contract_signed_at=datetime(2026, 4, 20, 10, tzinfo=BJ))
    assert kinds(due_alarms(signed, now=datetime(2026, 4, 21, tzinfo=BJ), calendar=CAL), AlarmLevel.OVERDUE) == set()


def test_report_not_submitted_in_15_days_is_overdue() -> None:
    facts = replace(FACTS, report_submitted_at=None)
    just_after = datetime(2026, 4, 1, 0, 0, 1, tzinfo=BJ)
    assert AlarmKind.REPORT in kinds(due_alarms(facts, now=just_after, calendar=CAL), AlarmLevel.OVERDUE)
    just_before = datetime(2026, 3, 31, 23, 59, 59, tzinfo=BJ)
    assert AlarmKind.REPORT not in kinds(due_alarms(facts, now=just_before, calendar=CAL), AlarmLevel.OVERDUE)


def test_refund_not_recorded_in_5_days_is_overdue_per_bidder() -> None:
    facts = replace(
        FACTS,
        contract_signed_at=datetime(2026, 4, 10, 10, tzinfo=BJ),
        refunds=(RefundFact("org-b"), RefundFact("org-c", datetime(2026, 4, 12, 9, tzinfo=BJ))),
    )
    late = due_alarms(facts, now=datetime(2026, 4, 16, 0, 0, 1, tzinfo=BJ), calendar=CAL)
    refunds = [a for a in late if a.kind is AlarmKind.REFUND]
    assert [(a.subject_id, a.level) for a in refunds] == [("sec-1:org-b", AlarmLevel.OVERDUE)]
    assert refunds[0].citation == "招标投标法实施条例 第五十七条第二款" and refunds[0].audience == EVERYONE
    on_time = due_alarms(facts, now=datetime(2026, 4, 15, 23, 59, tzinfo=BJ), calendar=CAL)
    assert AlarmKind.REFUND not in kinds(on_time, AlarmLevel.OVERDUE)


def test_bid_validity_about_to_lapse_without_an_award() -> None:
    # 60 days from 2026-02-27 end on 04-28; 30 working days before it is 03-16 (Tomb-sweeping 04-06 off).
    facts = SectionFacts("sec-1", datetime(2026, 2, 27, 9, 30, tzinfo=BJ), 60)
    before = due_alarms(facts, now=datetime(2026, 3, 16, 23, 59, tzinfo=BJ), calendar=CAL)
    assert kinds(before, AlarmLevel.REMINDER) == {AlarmKind.AWARD_BEFORE_VALIDITY}
    after = due_alarms(facts, now=datetime(2026, 3, 17, 0, 0, 1, tzinfo=BJ), calendar=CAL)
    (alarm,) = after
    assert alarm.kind is AlarmKind.AWARD_BEFORE_VALIDITY and alarm.level is AlarmLevel.OVERDUE
    assert alarm.due_at == datetime(2026, 3, 17, 0, 0, tzinfo=BJ) and "第二十五条" in alarm.citation
    lapsed = due_alarms(facts, now=datetime(2026, 4, 29, 0, 0, 1, tzinfo=BJ), calendar=CAL)
    assert AlarmKind.BID_VALIDITY in kinds(lapsed, AlarmLevel.OVERDUE)


def test_unanswered_objection_past_due_escalates_to_centre_and_supervisor() -> None:
    due = datetime(2026, 3, 17, 0, 0, tzinfo=BJ)
    facts = replace(FACTS, open_matters=(OpenMatter(MatterKind.OBJECTION, "obj-1", due),))
    (alarm,) = [a for a in due_alarms(facts, now=due, calendar=CAL) if a.kind is AlarmKind.OBJECTION]
    assert alarm.level is AlarmLevel.OVERDUE and alarm.audience == EVERYONE and alarm.subject_id == "obj-1"
    (early,) = [
        a for a in due_alarms(facts, now=due - timedelta(hours=1), calendar=CAL) if a.kind is AlarmKind.OBJECTION
    ]
    assert early.level is AlarmLevel.REMINDER and early.audience == {Audience.TENDEREE}


def test_complaint_deadlines_remind_the_supervisor() -> None:
    due = datetime(2026, 3, 20, 0, 0, tzinfo=BJ)
    facts = replace(FACTS, open_matters=(OpenMatter(MatterKind.COMPLAINT_ACCEPTANCE, "c-1", due),))
    (early,) = [a for a in due_alarms(facts, now=due - timedelta(days=1), calendar=CAL) if a.subject_id == "c-1"]
    assert early.audience == {Audience.SUPERVISOR} and "第六十一条" in early.citation


def test_next_alarm_at_is_the_next_change() -> None:
    now = datetime(2026, 4, 5, 10, tzinfo=BJ)
    assert next_alarm_at(FACTS, now=now, calendar=CAL) == datetime(2026, 4, 14, 0, 0, tzinfo=BJ)  # contract reminder
    closed = replace(FACTS, closed=True)
    assert next_alarm_at(closed, now=now, calendar=CAL) is None
