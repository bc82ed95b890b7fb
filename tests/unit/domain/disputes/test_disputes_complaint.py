"""Complaints (条例 第六十条、第六十一条、第六十二条): 10 days from knowing, objection first where required,
acceptance in 3 working days and decision in 30 (Labour Day, Dragon Boat and 调休 counted), suspension."""

from __future__ import annotations

from datetime import datetime

import pytest

from fairbid.domain.award import AlarmKind, AlarmLevel, Audience, SectionFacts, due_alarms
from fairbid.domain.disputes import (
    ComplaintMatter,
    ComplaintOutcome,
    ComplaintState,
    ObjectionStage,
    Objector,
    PartyKind,
    StageDates,
    accept_complaint,
    answer_objection,
    complaint_hold,
    decide_complaint,
    exclude_expert_time,
    file_complaint,
    lift_suspension,
    open_matters,
    order_suspension,
    publish_decision,
    raise_objection,
    refuse_complaint,
)
from fairbid.domain.errors import DeadlinePassed, InvalidInput, InvalidTransition, RuleViolation
from tests.award_factory import BJ, CAL, publicity

BIDDER = Objector("org-d", PartyKind.BIDDER)
DATES = StageDates(
    datetime(2026, 2, 1, tzinfo=BJ), datetime(2026, 3, 3, tzinfo=BJ), datetime(2026, 3, 3, 0, 30, tzinfo=BJ),
    publicity().window,
)  # fmt: skip


def complaint(at: datetime, *, knew: datetime, matter: ComplaintMatter = ComplaintMatter.OTHER, objection=None,  # type: ignore[no-untyped-def]
              who: Objector = BIDDER):  # fmt: skip
    return file_complaint(
        id="c-1", section_id="sec-1", matter=matter, complainant=who, request="责令重新评标", facts="专家抽取违规",
        evidence=("a" * 64,), knew_at=knew, at=at, objection=objection, calendar=CAL,
    )  # fmt: skip


def publicity_objection(at: datetime):  # type: ignore[no-untyped-def]
    return raise_objection(id="obj-1", section_id="sec-1", stage=ObjectionStage.CANDIDATES, objector=BIDDER,
                           text="第一名业绩造假", at=at, dates=DATES, calendar=CAL)  # fmt: skip


def test_complaint_on_day_10_is_received_and_on_day_11_refused_with_the_rule() -> None:
    knew = datetime(2026, 3, 2, 10, tzinfo=BJ)  # Monday; day 10 is Thursday 03-12
    c = complaint(datetime(2026, 3, 12, 23, 59, tzinfo=BJ), knew=knew)
    assert c.filing_deadline == datetime(2026, 3, 13, 0, 0, tzinfo=BJ) and c.state is ComplaintState.FILED
    with pytest.raises(DeadlinePassed) as refused:
        complaint(datetime(2026, 3, 13, 9, tzinfo=BJ), knew=knew)
    assert "招标投标法实施条例 第六十条" in refused.value.detail and refused.value.rule == "T22"


def test_complaint_on_the_candidates_needs_an_objection_first() -> None:
    with pytest.raises(RuleViolation) as refused:
        complaint(datetime(2026, 3, 16, 9, tzinfo=BJ), knew=datetime(2026, 3, 11, 9, tzinfo=BJ),
                  matter=ComplaintMatter.CANDIDATES)  # fmt: skip
    assert refused.value.citation == "招标投标法实施条例 第六十条第二款"


def test_complaint_waits_for_the_objections_answer_or_its_due_time() -> None:
    o = publicity_objection(datetime(2026, 3, 12, 10, tzinfo=BJ))  # due 03-17 00:00 (15th is a Sunday)
    with pytest.raises(InvalidTransition, match="awaits its answer"):
        complaint(datetime(2026, 3, 13, 9, tzinfo=BJ), knew=datetime(2026, 3, 11, 9, tzinfo=BJ),
                  matter=ComplaintMatter.CANDIDATES, objection=o)  # fmt: skip
    unanswered = complaint(datetime(2026, 3, 17, 10, tzinfo=BJ), knew=datetime(2026, 3, 11, 9, tzinfo=BJ),
                           matter=ComplaintMatter.CANDIDATES, objection=o)  # fmt: skip
    # 10 days from 03-11 plus the 4 days the objection waited (13..16) → 03-25
    assert unanswered.filing_deadline == datetime(2026, 3, 26, 0, 0, tzinfo=BJ) and unanswered.objection_id == "obj-1"


def test_the_objections_answer_period_is_not_counted_in_the_ten_days() -> None:
    o = answer_objection(publicity_objection(datetime(2026, 3, 12, 10, tzinfo=BJ)), answer="不成立",
                         at=datetime(2026, 3, 14, 10, tzinfo=BJ))  # fmt: skip
    knew = datetime(2026, 3, 11, 9, tzinfo=BJ)
    # 10 + 2 days from 03-11 → Monday 03-23 to 24:00 (without the objection: Saturday 21st → Monday too)
    c = complaint(datetime(2026, 3, 23, 20, tzinfo=BJ), knew=knew, matter=ComplaintMatter.CANDIDATES, objection=o)
    assert c.filing_deadline == datetime(2026, 3, 24, 0, 0, tzinfo=BJ)
    with pytest.raises(DeadlinePassed):
        complaint(datetime(2026, 3, 24, 0, 0, tzinfo=BJ), knew=knew, matter=ComplaintMatter.CANDIDATES, objection=o)
    other_party = Objector("org-x", PartyKind.BIDDER)
    with pytest.raises(RuleViolation):  # someone else's objection does not count
        complaint(datetime(2026, 3, 16, 9, tzinfo=BJ), knew=knew, matter=ComplaintMatter.CANDIDATES, objection=o,
                  who=other_party)  # fmt: skip


def test_interested_party_states_its_interest_and_the_request_is_required() -> None:
    with pytest.raises(InvalidInput, match="interest"):
        complaint(datetime(2026, 3, 3, 9, tzinfo=BJ), knew=datetime(2026, 3, 2, 9, tzinfo=BJ),
                  who=Objector("org-n", PartyKind.INTERESTED_PARTY))  # fmt: skip
    with pytest.raises(InvalidInput, match="明确的请求"):
        file_complaint(id="c", section_id="s", matter=ComplaintMatter.OTHER, complainant=BIDDER, request=" ",
                       facts="", knew_at=datetime(2026, 3, 2, tzinfo=BJ), at=datetime(2026, 3, 3, tzinfo=BJ),
                       calendar=CAL)  # fmt: skip


def test_acceptance_in_3_working_days_across_labour_day() -> None:
    c = complaint(datetime(2026, 4, 30, 10, tzinfo=BJ), knew=datetime(2026, 4, 28, 9, tzinfo=BJ))
    # 05-01..05 off; Wed 6 (1), Thu 7 (2), Fri 8 (3)
    assert c.acceptance_due == datetime(2026, 5, 9, 0, 0, tzinfo=BJ) == c.due_at()


def test_decision_in_30_working_days_with_the_adjusted_saturday_and_dragon_boat() -> None:
    c = complaint(datetime(2026, 4, 30, 10, tzinfo=BJ), knew=datetime(2026, 4, 28, 9, tzinfo=BJ))
    accepted = accept_complaint(c, at=datetime(2026, 5, 8, 10, tzinfo=BJ), calendar=CAL)
    # Sat 05-09 worked in lieu is day 1; …; Thu 06-18 is day 30 (Fri 06-19 is the Dragon Boat Festival)
    assert accepted.decision_due == datetime(2026, 6, 19, 0, 0, tzinfo=BJ)
    assert accepted.due_at() == accepted.decision_due
    extended = exclude_expert_time(accepted, working_days=2, calendar=CAL)
    assert extended.decision_due == datetime(2026, 6, 24, 0, 0, tzinfo=BJ) and extended.excluded_working_days == 2


def test_suspension_decision_and_publication() -> None:
    c = complaint(datetime(2026, 4, 30, 10, tzinfo=BJ), knew=datetime(2026, 4, 28, 9, tzinfo=BJ))
    suspended = order_suspension(c, at=datetime(2026, 5, 6, 9, tzinfo=BJ))
    assert suspended.suspended and "第六十二条" in (complaint_hold([suspended]) or "")
    with pytest.raises(InvalidTransition):
        order_suspension(suspended, at=datetime(2026, 5, 6, 10, tzinfo=BJ))
    accepted = accept_complaint(suspended, at=datetime(2026, 5, 7, 9, tzinfo=BJ), calendar=CAL)
    decided = decide_complaint(accepted, at=datetime(2026, 5, 20, 9, tzinfo=BJ), outcome=ComplaintOutcome.UPHELD,
                               decision="投诉成立，责令招标人组织原评标委员会重新评审。")  # fmt: skip
    assert not decided.suspended and complaint_hold([decided]) is None and decided.due_at() is None
    published = publish_decision(decided, at=datetime(2026, 5, 21, 9, tzinfo=BJ))
    assert published.published_at is not None
    with pytest.raises(InvalidTransition):
        publish_decision(published, at=datetime(2026, 5, 22, 9, tzinfo=BJ))
    with pytest.raises(InvalidTransition):
        decide_complaint(c, at=datetime(2026, 5, 20, tzinfo=BJ), outcome=ComplaintOutcome.DISMISSED, decision="x")


def test_refusal_needs_a_reason_and_lifts_a_suspension() -> None:
    c = order_suspension(complaint(datetime(2026, 4, 30, 10, tzinfo=BJ), knew=datetime(2026, 4, 28, tzinfo=BJ)),
                         at=datetime(2026, 5, 6, tzinfo=BJ))  # fmt: skip
    with pytest.raises(InvalidInput):
        refuse_complaint(c, at=datetime(2026, 5, 7, tzinfo=BJ), reason="")
    refused = refuse_complaint(c, at=datetime(2026, 5, 7, tzinfo=BJ), reason="投诉人不是利害关系人")
    assert refused.state is ComplaintState.REFUSED and not refused.suspended
    with pytest.raises(InvalidTransition):
        lift_suspension(refused, at=datetime(2026, 5, 8, tzinfo=BJ))


def test_open_disputes_feed_the_alarms_and_escalate_when_overdue() -> None:
    o = publicity_objection(datetime(2026, 3, 12, 10, tzinfo=BJ))
    c = complaint(datetime(2026, 4, 30, 10, tzinfo=BJ), knew=datetime(2026, 4, 28, 9, tzinfo=BJ))
    matters = open_matters([o], [c])
    assert [(m.id, m.due_at) for m in matters] == [("obj-1", o.answer_due), ("c-1", c.acceptance_due)]
    facts = SectionFacts("sec-1", datetime(2026, 2, 27, 9, 30, tzinfo=BJ), 120, open_matters=matters)
    late = due_alarms(facts, now=datetime(2026, 5, 9, 0, 0, 1, tzinfo=BJ), calendar=CAL)
    overdue = {a.kind: a for a in late if a.level is AlarmLevel.OVERDUE}
    assert set(overdue) >= {AlarmKind.OBJECTION, AlarmKind.COMPLAINT_ACCEPTANCE}
    assert overdue[AlarmKind.COMPLAINT_ACCEPTANCE].audience == frozenset(Audience)
    assert open_matters([answer_objection(o, answer="答复", at=datetime(2026, 3, 13, tzinfo=BJ))], []) == ()
