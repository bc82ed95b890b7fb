"""A decision on every warning before the ranking; competition lacking with fewer than three valid bids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from fairbid.domain.collusion import CollusionSignalRaised, SignalCode, Strength
from fairbid.domain.errors import Duplicate, InvalidInput, InvalidTransition, NotPermitted, RuleViolation
from fairbid.domain.evaluation import BidFacts, Requirements, dispute_check, review_bid
from fairbid.domain.evaluation.clarification import InquiryClosed, InquiryKind, InquiryStatus, concerns_from_inquiries
from fairbid.domain.evaluation.clearance import (
    FailureCause,
    clear_for_ranking,
    decide_competition,
    ensure_ranking_allowed,
)
from fairbid.domain.evaluation.disposition import (
    COLLUSION_GROUND,
    VOID_GROUND,
    ConcernKind,
    Decision,
    concerns_from_reviews,
    concerns_from_signals,
    dispose,
)
from fairbid.domain.evaluation.vote import Vote, check_vote

NOW = datetime(2026, 11, 27, 8, tzinfo=UTC)
COMMITTEE = ("E1", "E2", "E3", "E4", "T1")
MAJORITY = Vote(frozenset({"E1", "E2", "E3"}), (("E4", "证据不足以认定串通"),))
BID_OF = {"A": "bid-a", "B": "bid-b", "C": "bid-c", "D": "bid-d"}
BIDS = tuple(BID_OF.values())


def _identical(*bidders: str) -> CollusionSignalRaised:
    return CollusionSignalRaised.of(SignalCode.SIMILAR_PROPOSAL, bidders, ["Jaccard similarity 0.97"], Strength.STRONG)


SIGNALS = {
    "w1": _identical("A", "B"),
    "w2": CollusionSignalRaised.of(SignalCode.SAME_HEAD, ["C", "D"], ["same head of unit"], Strength.STRONG),
}


def test_vote_needs_a_majority_of_the_whole_committee() -> None:
    assert check_vote(MAJORITY, COMMITTEE) is MAJORITY
    with pytest.raises(RuleViolation, match="2 of 5 members support"):
        check_vote(Vote(frozenset({"E1", "E2"})), COMMITTEE)
    with pytest.raises(InvalidInput, match="reasons in writing"):
        check_vote(Vote(frozenset({"E1", "E2", "E3"}), (("E4", " "),)), COMMITTEE)
    with pytest.raises(NotPermitted):
        check_vote(Vote(frozenset({"E1", "E2", "X9"})), COMMITTEE)
    with pytest.raises(InvalidInput, match="both supports and dissents"):
        check_vote(Vote(frozenset({"E1", "E2", "E3"}), (("E3", "no"),)), COMMITTEE)


def test_signals_become_concerns_with_their_grounds() -> None:
    concerns = concerns_from_signals(SIGNALS, bid_of=BID_OF)
    assert [(c.concern_id, c.kind, c.bid_ids, c.ground) for c in concerns] == [
        ("w1", ConcernKind.COLLUSION, ("bid-a", "bid-b"), COLLUSION_GROUND),
        ("w2", ConcernKind.COLLUSION, ("bid-c", "bid-d"), VOID_GROUND),
    ]
    assert "第四十条" in concerns[0].citation and "similar-proposal" in concerns[0].summary
    with pytest.raises(InvalidInput, match="No bid of bidder"):
        concerns_from_signals({"w": _identical("A", "Z")}, bid_of=BID_OF)


def test_ranking_is_refused_until_every_warning_is_decided() -> None:
    concerns = concerns_from_signals(SIGNALS, bid_of=BID_OF)
    clearance = clear_for_ranking(BIDS, concerns, [])
    assert not clearance.may_rank and [c.concern_id for c in clearance.missing] == ["w1", "w2"]
    with pytest.raises(RuleViolation) as info:
        ensure_ranking_allowed(clearance)
    assert info.value.rule == "committee-disposition" and "w1" in info.value.detail and "w2" in info.value.detail
    kept = dispose(
        concerns[1],
        decision=Decision.KEEP,
        reason="单位负责人不同，系数据错误",
        vote=MAJORITY,
        committee=COMMITTEE,
        at=NOW,
    )
    rejected = dispose(
        concerns[0],
        decision=Decision.REJECT,
        reason="技术标雷同且无合理解释",
        vote=MAJORITY,
        committee=COMMITTEE,
        at=NOW,
        recorded=[kept],
    )
    clearance = clear_for_ranking(BIDS, concerns, [kept, rejected])
    assert clearance.rejected == (("bid-a", COLLUSION_GROUND), ("bid-b", COLLUSION_GROUND))
    assert clearance.valid == ("bid-c", "bid-d") and not clearance.missing
    assert clearance.competition_needed and not clearance.may_rank  # two valid bids: competition is judged


def test_a_concern_is_decided_once_and_only_on_its_bids() -> None:
    concern = concerns_from_signals(SIGNALS, bid_of=BID_OF)[0]
    first = dispose(
        concern,
        decision=Decision.REJECT,
        reject=["bid-a"],
        reason="A 编制了 B 的文件",
        vote=MAJORITY,
        committee=COMMITTEE,
        at=NOW,
    )
    assert first.rejected == ("bid-a",)
    with pytest.raises(Duplicate):
        dispose(
            concern, decision=Decision.KEEP, reason="x", vote=MAJORITY, committee=COMMITTEE, at=NOW, recorded=[first]
        )
    with pytest.raises(InvalidInput, match="not part of"):
        dispose(
            concern, decision=Decision.REJECT, reject=["bid-c"], reason="x", vote=MAJORITY, committee=COMMITTEE, at=NOW
        )
    with pytest.raises(InvalidInput, match="reasons in writing"):
        dispose(concern, decision=Decision.KEEP, reason="  ", vote=MAJORITY, committee=COMMITTEE, at=NOW)


def test_a_concern_on_bids_already_rejected_needs_no_decision() -> None:
    concerns = concerns_from_signals({"w1": _identical("A", "B"), "w3": _identical("A", "B")}, bid_of=BID_OF)
    rejected = dispose(concerns[0], decision=Decision.REJECT, reason="雷同", vote=MAJORITY, committee=COMMITTEE, at=NOW)
    assert not clear_for_ranking(BIDS, concerns, [rejected]).missing


def test_disputed_machine_checks_need_a_disposition() -> None:
    req = Requirements(Decimal(1000), 100, frozenset({"合格"}), Decimal(10), NOW + timedelta(days=90))
    facts = BidFacts(
        "bid-a", "91320100000000100X", Decimal(900), 90, "合格", Decimal(10), NOW + timedelta(days=91), True
    )
    review = review_bid(facts, req, now=NOW)
    disputed = dispute_check(
        review, "duration", expert_id="E2", committee=frozenset(COMMITTEE), reason="工期按日历天计算应为 120 天", at=NOW
    )
    (concern,) = concerns_from_reviews([review, disputed])
    assert concern.concern_id == "review:bid-a:duration" and concern.kind is ConcernKind.REVIEW_DISPUTE
    assert concern.ground == "条例 第五十一条 (六)" and "E2" in concern.summary
    assert not clear_for_ranking(["bid-a", "bid-b", "bid-c"], [concern], []).may_rank


def test_an_unanswered_below_cost_inquiry_cannot_be_kept() -> None:
    closed = [
        InquiryClosed("q1", "bid-a", InquiryKind.BELOW_COST, InquiryStatus.UNANSWERED, NOW),
        InquiryClosed("q2", "bid-b", InquiryKind.BELOW_COST, InquiryStatus.ANSWERED, NOW),
        InquiryClosed("q3", "bid-c", InquiryKind.CLARIFICATION, InquiryStatus.UNANSWERED, NOW),
    ]
    unanswered, answered = concerns_from_inquiries(closed)
    assert (unanswered.concern_id, unanswered.keep_allowed, answered.keep_allowed) == ("inquiry:q1", False, True)
    with pytest.raises(RuleViolation) as info:
        dispose(unanswered, decision=Decision.KEEP, reason="价格合理", vote=MAJORITY, committee=COMMITTEE, at=NOW)
    assert info.value.rule == "disposition-keep-refused" and "第二十一条" in info.value.citation
    kept = dispose(
        answered, decision=Decision.KEEP, reason="已提供成本分析和材料合同", vote=MAJORITY, committee=COMMITTEE, at=NOW
    )
    assert kept.decision is Decision.KEEP and kept.rejected == ()


def test_competition_lacking_rejects_all_and_fails_the_section() -> None:
    valid = ("bid-c", "bid-d")
    decision = decide_competition(
        valid,
        lacking=True,
        reject_all=True,
        reason="两家报价均接近最高限价，明显缺乏竞争",
        vote=MAJORITY,
        committee=COMMITTEE,
        at=NOW,
    )
    clearance = clear_for_ranking(valid, [], [], competition=decision)
    assert clearance.failure is not None and clearance.failure.cause is FailureCause.COMPETITION_LACKING
    assert "第二十七条" in clearance.failure.citation and not clearance.may_rank
    with pytest.raises(RuleViolation) as info:
        ensure_ranking_allowed(clearance)
    assert info.value.rule == "evaluation-failed"


def test_competition_not_lacking_lets_two_bids_be_ranked() -> None:
    valid = ("bid-c", "bid-d")
    decision = decide_competition(
        valid,
        lacking=False,
        reject_all=False,
        reason="两家报价差异合理，竞争充分",
        vote=MAJORITY,
        committee=COMMITTEE,
        at=NOW,
    )
    assert ensure_ranking_allowed(clear_for_ranking(valid, [], [], competition=decision)) == valid
    # a decision taken on another set of valid bids does not count
    assert clear_for_ranking(("bid-c",), [], [], competition=decision).competition_needed


def test_competition_decision_rules() -> None:
    with pytest.raises(InvalidTransition):
        decide_competition(
            BIDS[:3], lacking=True, reject_all=True, reason="x", vote=MAJORITY, committee=COMMITTEE, at=NOW
        )
    with pytest.raises(RuleViolation, match="only when competition is found lacking"):
        decide_competition(
            BIDS[:2], lacking=False, reject_all=True, reason="x", vote=MAJORITY, committee=COMMITTEE, at=NOW
        )


def test_no_valid_bid_left_fails_the_section() -> None:
    concern = concerns_from_signals({"w1": _identical("A", "B")}, bid_of=BID_OF)[0]
    rejected = dispose(concern, decision=Decision.REJECT, reason="串通", vote=MAJORITY, committee=COMMITTEE, at=NOW)
    clearance = clear_for_ranking(("bid-a", "bid-b"), [concern], [rejected])
    assert clearance.failure is not None and clearance.failure.cause is FailureCause.ALL_BIDS_REJECTED
    assert "重新" not in clearance.explain() and "tendered again" in clearance.explain()


def test_three_valid_bids_rank_without_a_competition_decision() -> None:
    assert ensure_ranking_allowed(clear_for_ranking(BIDS[:3], [], [])) == BIDS[:3]
