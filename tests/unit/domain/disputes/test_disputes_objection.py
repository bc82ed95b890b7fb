"""Objections by stage (条例 第二十二条、第四十四条、第五十四条): who may raise them, their windows to 24:00
Beijing time, their due answers, the pause they cause."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from fairbid.domain.disputes import (
    ObjectionStage,
    ObjectionState,
    Objector,
    PartyKind,
    StageDates,
    answer_objection,
    objection_hold,
    objection_window,
    raise_objection,
)
from fairbid.domain.errors import DeadlinePassed, InvalidInput, InvalidTransition, NotPermitted
from tests.award_factory import BJ, CAL, publicity

DEADLINE = datetime(2026, 6, 20, 9, 30, tzinfo=BJ)
DATES = StageDates(
    sale_start=datetime(2026, 5, 25, 9, tzinfo=BJ),
    bid_deadline=DEADLINE,
    opening_closes=DEADLINE + timedelta(minutes=30),
    publicity=publicity().window,
)
BIDDER = Objector("org-d", PartyKind.BIDDER)
HOLDER = Objector("org-h", PartyKind.DOCUMENT_HOLDER)
NEIGHBOUR = Objector("org-n", PartyKind.INTERESTED_PARTY, "本单位为该工程的分包意向单位，评标结果影响本单位的分包合同")


def objection(stage: ObjectionStage, at: datetime, who: Objector = BIDDER, text: str = "第一名业绩造假"):  # type: ignore[no-untyped-def]
    return raise_objection(
        id="obj-1", section_id="sec-1", stage=stage, objector=who, text=text, at=at, dates=DATES, calendar=CAL
    )


def test_objection_at_23_30_beijing_on_day_3_of_the_publicity_is_accepted() -> None:
    o = objection(ObjectionStage.CANDIDATES, datetime(2026, 3, 13, 23, 30, tzinfo=BJ))
    assert o.state is ObjectionState.OPEN and o.pauses
    # answered within 3 days of receipt: 14, 15, 16 → Monday 16th to 24:00
    assert o.answer_due == datetime(2026, 3, 17, 0, 0, tzinfo=BJ)
    assert o.citation == "招标投标法实施条例 第五十四条第二款"


def test_objection_at_00_00_01_on_day_4_is_refused_with_the_rule() -> None:
    with pytest.raises(DeadlinePassed) as refused:
        objection(ObjectionStage.CANDIDATES, datetime(2026, 3, 14, 0, 0, 1, tzinfo=BJ))
    assert "第五十四条" in refused.value.detail


def test_an_interested_party_that_did_not_bid_may_object_with_its_interest_stated() -> None:
    o = objection(ObjectionStage.CANDIDATES, datetime(2026, 3, 12, 10, tzinfo=BJ), NEIGHBOUR)
    assert o.objector.stated_interest and o.objector.kind is PartyKind.INTERESTED_PARTY
    with pytest.raises(InvalidInput) as refused:
        no_interest = replace(NEIGHBOUR, stated_interest=" ")
        objection(ObjectionStage.CANDIDATES, datetime(2026, 3, 12, 10, tzinfo=BJ), no_interest)
    assert refused.value.field == "stated_interest"


def test_a_document_holder_that_did_not_bid_cannot_object_to_the_candidates() -> None:
    with pytest.raises(NotPermitted, match="第五十四条"):
        objection(ObjectionStage.CANDIDATES, datetime(2026, 3, 12, 10, tzinfo=BJ), HOLDER)


def test_objection_to_the_document_up_to_24_00_of_the_tenth_day_before_the_deadline() -> None:
    window = objection_window(ObjectionStage.TENDER_DOCUMENT, DATES)
    assert window.closes_at == datetime(2026, 6, 11, 0, 0, tzinfo=BJ)
    o = objection(ObjectionStage.TENDER_DOCUMENT, datetime(2026, 6, 10, 23, 59, tzinfo=BJ), HOLDER, "资质要求过高")
    # 3 days from Wednesday 06-10: 11, 12, 13 (Saturday) → Monday 15th, to 24:00
    assert o.answer_due == datetime(2026, 6, 16, 0, 0, tzinfo=BJ) and o.pauses
    with pytest.raises(DeadlinePassed, match="第二十二条"):
        objection(ObjectionStage.TENDER_DOCUMENT, datetime(2026, 6, 11, 0, 0, tzinfo=BJ), HOLDER)
    with pytest.raises(InvalidTransition):
        objection(ObjectionStage.TENDER_DOCUMENT, datetime(2026, 5, 24, 9, tzinfo=BJ), HOLDER)


def test_objection_at_the_opening_is_answered_before_the_session_ends() -> None:
    o = objection(ObjectionStage.OPENING, DEADLINE + timedelta(minutes=5), text="某投标人解密超时仍被接受")
    assert o.answer_due == DATES.opening_closes and not o.pauses
    with pytest.raises(NotPermitted, match="第四十四条"):
        objection(ObjectionStage.OPENING, DEADLINE + timedelta(minutes=5), NEIGHBOUR)
    with pytest.raises(DeadlinePassed):
        objection(ObjectionStage.OPENING, DATES.opening_closes)


def test_answer_once_late_ones_recorded_and_the_pause_lifts() -> None:
    o = objection(ObjectionStage.CANDIDATES, datetime(2026, 3, 13, 20, tzinfo=BJ))
    assert objection_hold([o], ObjectionStage.CANDIDATES) is not None
    assert o.is_overdue(o.answer_due) and not o.is_overdue(o.answer_due - timedelta(seconds=1))
    answered = answer_objection(o, answer="经核查，业绩真实有效。", at=o.answer_due + timedelta(hours=1))
    assert answered.answered_late and answered.state is ObjectionState.ANSWERED
    assert objection_hold([answered], ObjectionStage.CANDIDATES) is None
    with pytest.raises(InvalidTransition):
        answer_objection(answered, answer="再答", at=o.answer_due + timedelta(hours=2))


def test_no_publicity_no_objection_to_candidates_and_empty_text_refused() -> None:
    with pytest.raises(InvalidTransition):
        objection_window(ObjectionStage.CANDIDATES, replace(DATES, publicity=None))
    with pytest.raises(InvalidInput):
        objection(ObjectionStage.CANDIDATES, datetime(2026, 3, 12, 10, tzinfo=BJ), text="  ")
