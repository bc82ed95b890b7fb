"""Clarifications and below-cost inquiries: deadlines, signed answers, no change to the bid's substance."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fairbid.domain.errors import DeadlinePassed, InvalidInput, InvalidTransition, NotPermitted, RuleViolation
from fairbid.domain.evaluation.clarification import (
    Answer,
    BidTerms,
    Inquiry,
    InquiryKind,
    InquiryStatus,
    accept_answer,
    answer_signing_payload,
    ask,
    close_inquiry,
    inquiry_status,
    substance_changes,
)
from fairbid.domain.evaluation.vote import Vote

NOW = datetime(2026, 11, 27, 8, tzinfo=UTC)
DUE = NOW + timedelta(hours=2)
COMMITTEE = ("E1", "E2", "E3", "E4", "T1")
VOTE = Vote(frozenset({"E1", "E2", "E3"}))
TERMS = BidTerms(
    price=Decimal("8650000.00"),
    duration_days=300,
    quality="合格",
    project_manager="张三丰",
    bill_amounts=(("010101001001", Decimal("4200.00")), ("010101002001", Decimal("15820.00"))),
)


def _inquiry(kind: InquiryKind = InquiryKind.BELOW_COST) -> Inquiry:
    return ask(
        "q1",
        "bid-a",
        kind=kind,
        question="请说明报价低于其他投标人平均报价 25% 的原因并提供成本证明。",
        asked_at=NOW,
        due_at=DUE,
        vote=VOTE,
        committee=COMMITTEE,
    )


def test_below_cost_round_trip_answer_is_accepted_and_stamped() -> None:
    inquiry = _inquiry()
    answer = Answer("q1", "bid-a", "我单位自有钢材库存，成本分析见附件。", TERMS, (("成本分析.pdf", "AB" * 32),))
    accepted = accept_answer(inquiry, answer, bid_terms=TERMS, now=NOW + timedelta(hours=1))
    assert accepted.at == NOW + timedelta(hours=1)
    assert inquiry_status(inquiry, [accepted], now=DUE + timedelta(hours=1)) is InquiryStatus.ANSWERED
    closed = close_inquiry(inquiry, [accepted], now=DUE + timedelta(hours=1))
    assert closed.status is InquiryStatus.ANSWERED and closed.kind is InquiryKind.BELOW_COST


def test_answer_changing_the_price_is_refused_with_the_reason() -> None:
    changed = BidTerms(price=Decimal("8900000.00"))
    answer = Answer("q1", "bid-a", "报价应为 890 万元。", changed)
    with pytest.raises(RuleViolation) as info:
        accept_answer(_inquiry(InquiryKind.CLARIFICATION), answer, bid_terms=TERMS, now=NOW)
    assert info.value.rule == "clarification-substance" and info.value.citation.startswith("条例 第五十二条")
    assert "the price 8650000.00 → 8900000.00" in info.value.detail


def test_every_substantive_change_is_listed() -> None:
    stated = BidTerms(
        duration_days=280,
        quality="优良",
        project_manager="李四",
        bill_amounts=(("010101001001", Decimal("4000.00")), ("010101003001", Decimal("1.00"))),
    )
    assert substance_changes(TERMS, stated) == (
        "the duration 300 → 280 days",
        "the quality standard '合格' → '优良'",
        "the project manager '张三丰' → '李四'",
        "bill line 010101001001 amount 4200.00 → 4000.00",
        "bill line 010101002001 removed",
        "bill line 010101003001 added (1.00)",
    )


def test_restating_the_same_terms_is_no_change() -> None:
    same = BidTerms(price=Decimal("8650000"), bill_amounts=tuple(reversed(TERMS.bill_amounts or ())))
    assert substance_changes(TERMS, same) == ()


def test_confirming_a_corrected_price_is_no_change() -> None:
    corrected = BidTerms(price=Decimal("8649000.00"))  # after 12号令 第十九条 corrections
    answer = Answer("q1", "bid-a", "确认修正后的报价。", corrected)
    accept_answer(_inquiry(InquiryKind.CLARIFICATION), answer, bid_terms=corrected, now=NOW)


def test_late_unasked_and_empty_answers_are_refused() -> None:
    inquiry = _inquiry()
    with pytest.raises(DeadlinePassed):
        accept_answer(inquiry, Answer("q1", "bid-a", "迟到的说明"), bid_terms=TERMS, now=DUE + timedelta(seconds=1))
    with pytest.raises(NotPermitted):
        accept_answer(inquiry, Answer("q1", "bid-b", "主动澄清"), bid_terms=TERMS, now=NOW)
    with pytest.raises(NotPermitted):
        accept_answer(inquiry, Answer("q9", "bid-a", "主动澄清"), bid_terms=TERMS, now=NOW)
    with pytest.raises(InvalidInput):
        accept_answer(inquiry, Answer("q1", "bid-a", "  "), bid_terms=TERMS, now=NOW)


def test_unanswered_by_the_deadline_is_recorded_as_such() -> None:
    inquiry = _inquiry()
    with pytest.raises(InvalidTransition):
        close_inquiry(inquiry, [], now=DUE)  # the deadline itself still allows an answer
    closed = close_inquiry(inquiry, [Answer("q1", "bid-a", "not accepted: no receipt time")], now=DUE + timedelta(1))
    assert closed.status is InquiryStatus.UNANSWERED


def test_questions_need_text_a_later_deadline_aware_times_and_a_vote() -> None:
    with pytest.raises(InvalidInput):
        ask(
            "q",
            "b",
            kind=InquiryKind.CLARIFICATION,
            question="",
            asked_at=NOW,
            due_at=DUE,
            vote=VOTE,
            committee=COMMITTEE,
        )
    with pytest.raises(InvalidInput):
        ask(
            "q",
            "b",
            kind=InquiryKind.CLARIFICATION,
            question="?",
            asked_at=NOW,
            due_at=NOW,
            vote=VOTE,
            committee=COMMITTEE,
        )
    with pytest.raises(InvalidInput):
        ask(
            "q",
            "b",
            kind=InquiryKind.CLARIFICATION,
            question="?",
            asked_at=NOW.replace(tzinfo=None),
            due_at=DUE,
            vote=VOTE,
            committee=COMMITTEE,
        )
    with pytest.raises(RuleViolation):
        ask(
            "q",
            "b",
            kind=InquiryKind.CLARIFICATION,
            question="?",
            asked_at=NOW,
            due_at=DUE,
            vote=Vote(frozenset({"E1"})),
            committee=COMMITTEE,
        )


def test_signing_payload_is_canonical() -> None:
    inquiry = _inquiry()
    a = Answer("q1", "bid-a", "说明", TERMS, (("b.pdf", "FF" * 32), ("a.pdf", "00" * 32)))
    reordered = replace(TERMS, bill_amounts=tuple(reversed(TERMS.bill_amounts or ())))
    b = Answer("q1", "bid-a", "说明", reordered, (("a.pdf", "00" * 32), ("b.pdf", "ff" * 32)), at=NOW)
    assert answer_signing_payload(inquiry, a) == answer_signing_payload(inquiry, b)
    body = json.loads(answer_signing_payload(inquiry, a))
    assert body["terms"]["price"] == "8650000.00" and body["evidence"][0] == ["a.pdf", "00" * 32]
    other = Answer("q1", "bid-a", "说明!", TERMS)
    assert answer_signing_payload(inquiry, other) != answer_signing_payload(inquiry, a)


_money = st.decimals(min_value=1, max_value=10**10, places=2, allow_nan=False, allow_infinity=False)


@given(bid=_money, stated=_money)
def test_a_price_change_is_refused_exactly_when_the_price_differs(bid: Decimal, stated: Decimal) -> None:
    changes = substance_changes(BidTerms(price=bid), BidTerms(price=stated))
    assert bool(changes) == (bid != stated)
