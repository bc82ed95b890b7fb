"""Machine review (条例 第五十一条), expert verdicts, and ranking (条例 第五十三条, 第五十五条)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from fairbid.domain.errors import InvalidInput, NotPermitted, RuleViolation
from fairbid.domain.evaluation import (
    BidFacts,
    EvaluationMethod,
    Rank1Exception,
    RankEntry,
    Requirements,
    TieBreak,
    confirm_check,
    dispute_check,
    rank_bids,
    review_bid,
    select_winner,
)

D = Decimal
NOW = datetime(2026, 11, 27, 9, tzinfo=UTC)
VALID_UNTIL = NOW + timedelta(days=90)
REQ = Requirements(
    ceiling=D(1_000_000),
    max_duration_days=180,
    quality=frozenset({"合格"}),
    security_amount=D(20_000),
    security_valid_until=VALID_UNTIL,
    certificates=frozenset({"建筑工程施工总承包二级"}),
    staff=frozenset({"project_manager"}),
)
BID = BidFacts(
    bid_id="B1",
    bidder="91110108551385082Q",
    price=D(950_000),
    duration_days=150,
    quality="合格",
    security_amount=D(20_000),
    security_valid_until=VALID_UNTIL,
    signature_valid=True,
    certificates=frozenset({"建筑工程施工总承包二级"}),
    staff=frozenset({"project_manager"}),
)
COMMITTEE = frozenset({"X1", "X2", "X3", "X4", "X5"})


def test_review_bid_passes_compliant_bid_with_citations() -> None:
    review = review_bid(BID, REQ, now=NOW)
    assert review.passed
    assert len(review.results) == 11
    assert all("条例" in r.citation for r in review.results)


def test_review_checks_the_project_managers_grade_and_similar_contracts() -> None:
    req = replace(REQ, pm_grades=frozenset({"一级"}), similar_count=2, similar_min_amount=D(500_000))
    recent, old = NOW.date() - timedelta(days=300), NOW.date() - timedelta(days=4000)
    bid = replace(BID, pm_grade="二级", similar_contracts=(("甲", D(600_000), recent), ("乙", D(900_000), old)))
    since = (NOW - timedelta(days=1826)).date()
    failed = {r.check_id for r in review_bid(bid, replace(req, similar_since=since), now=NOW).results if not r.passed}
    assert failed == {"pm_grade", "similar_contracts"}
    good = replace(bid, pm_grade="一级", similar_contracts=(("甲", D(600_000), recent), ("丙", D(500_000), recent)))
    assert review_bid(good, replace(req, similar_since=since), now=NOW).passed


@pytest.mark.parametrize(
    ("change", "check_id", "citation"),
    [
        ({"price": D(1_000_001)}, "price_ceiling", "第五十一条 (五)"),
        ({"signature_valid": False}, "signature", "第五十一条 (一)"),
        ({"bidder": "91110108551385082A"}, "credit_code", "第五十一条 (三)"),
        ({"debarred_until": NOW + timedelta(days=1)}, "not_debarred", "第五十一条 (三)"),
        ({"certificates": frozenset()}, "certificates", "第五十一条 (三)"),
        ({"staff": frozenset()}, "staff", "第五十一条 (三)"),
        ({"duration_days": 181}, "duration", "第五十一条 (六)"),
        ({"quality": "优良?"}, "quality", "第五十一条 (六)"),
        ({"security_amount": D(19_999)}, "bid_security", "第二十六条"),
        ({"security_valid_until": NOW}, "bid_security", "第二十六条"),
        ({"security_valid_until": None}, "bid_security", "第二十六条"),
    ],
)
def test_review_bid_fails_each_check_with_reason(change: dict[str, object], check_id: str, citation: str) -> None:
    review = review_bid(replace(BID, **change), REQ, now=NOW)  # type: ignore[arg-type]
    assert [f.check_id for f in review.failures] == [check_id]
    failure = review.failures[0]
    assert citation in failure.citation
    assert failure.reason


def test_review_bid_expired_debarment_passes() -> None:
    assert review_bid(replace(BID, debarred_until=NOW - timedelta(days=1)), REQ, now=NOW).passed


def test_review_bid_names_missing_staff() -> None:
    review = review_bid(replace(BID, staff=frozenset()), REQ, now=NOW)
    assert "project_manager" in review.result("staff").reason


def test_dispute_check_needs_written_reason() -> None:
    review = review_bid(BID, REQ, now=NOW)
    with pytest.raises(InvalidInput, match="written reason"):
        dispute_check(review, "quality", expert_id="X1", committee=COMMITTEE, reason="  ", at=NOW)


def test_dispute_and_confirm_are_recorded_once_per_expert() -> None:
    review = review_bid(BID, REQ, now=NOW)
    review = dispute_check(review, "quality", expert_id="X1", committee=COMMITTEE, reason="证书过期", at=NOW)
    review = confirm_check(review, "quality", expert_id="X2", committee=COMMITTEE, at=NOW)
    result = review.result("quality")
    assert result.disputed_by == ("X1",)
    assert result.outcome(5) is True  # one dispute of five does not overrule the machine
    with pytest.raises(InvalidInput, match="already"):
        confirm_check(review, "quality", expert_id="X1", committee=COMMITTEE, at=NOW)


def test_majority_dispute_reverses_machine_result() -> None:
    review = review_bid(BID, REQ, now=NOW)
    for expert in ("X1", "X2", "X3"):
        review = dispute_check(review, "quality", expert_id=expert, committee=COMMITTEE, reason="不符", at=NOW)
    assert review.result("quality").outcome(5) is False


def test_verdict_from_outsider_is_refused() -> None:
    review = review_bid(BID, REQ, now=NOW)
    with pytest.raises(NotPermitted):
        confirm_check(review, "quality", expert_id="Y9", committee=COMMITTEE, at=NOW)
    with pytest.raises(InvalidInput):
        confirm_check(review, "nope", expert_id="X1", committee=COMMITTEE, at=NOW)


def test_rank_bids_by_total_with_at_most_three_candidates() -> None:
    entries = [RankEntry(f"b{i}", D(100 + i), total=D(80 + i)) for i in range(5)]
    ranking = rank_bids(entries, method=EvaluationMethod.COMPREHENSIVE)
    assert [r.bid_id for r in ranking.rows] == ["b4", "b3", "b2", "b1", "b0"]
    assert ranking.candidates == ("b4", "b3", "b2")


def test_rank_bids_ties_go_to_lower_price_then_technical_then_stated_rule() -> None:
    entries = [
        RankEntry("a", D(100), total=D(90), technical=D(40), stated=D(1)),
        RankEntry("b", D(99), total=D(90), technical=D(30), stated=D(1)),
        RankEntry("c", D(100), total=D(90), technical=D(45), stated=D(1)),
        RankEntry("d", D(100), total=D(90), technical=D(45), stated=D(2)),
    ]
    ranking = rank_bids(entries, method=EvaluationMethod.COMPREHENSIVE)
    assert [r.bid_id for r in ranking.rows] == ["b", "d", "c", "a"]
    assert ranking.rows[0].decided_by == TieBreak.STATED_RULE.value


def test_rank_bids_lowest_price_method_orders_ascending() -> None:
    entries = [RankEntry("a", D(120)), RankEntry("b", D(100)), RankEntry("c", D(110))]
    assert rank_bids(entries, method=EvaluationMethod.LOWEST_EVALUATED_PRICE).candidates == ("b", "c", "a")


def test_rank_bids_unbreakable_tie_is_never_drawn_by_lot() -> None:
    entries = [RankEntry("a", D(100), total=D(90)), RankEntry("b", D(100), total=D(90))]
    with pytest.raises(RuleViolation, match="never broken by lot") as caught:
        rank_bids(entries, method=EvaluationMethod.COMPREHENSIVE, tie_breaks=(TieBreak.LOWER_PRICE,))
    assert "第八条" in caught.value.citation


def test_rank_bids_refuses_more_than_three_candidates() -> None:
    with pytest.raises(RuleViolation, match="1 to 3"):
        rank_bids([RankEntry("a", D(1))], method=EvaluationMethod.LOWEST_EVALUATED_PRICE, candidates=4)


def test_select_winner_state_funded_takes_first_remaining() -> None:
    ranking = rank_bids(
        [RankEntry(b, D(p)) for b, p in (("a", 1), ("b", 2), ("c", 3))], method=EvaluationMethod.LOWEST_EVALUATED_PRICE
    )
    assert select_winner(ranking, state_funded=True) == "a"
    with pytest.raises(RuleViolation, match="first remaining candidate"):
        select_winner(ranking, state_funded=True, chosen="b")
    passed = {"a": Rank1Exception.GAVE_UP}
    assert select_winner(ranking, state_funded=True, passed_over=passed) == "b"
    assert select_winner(ranking, state_funded=False, chosen="c") == "c"
    everyone = dict.fromkeys(("a", "b", "c"), Rank1Exception.GAVE_UP)
    with pytest.raises(RuleViolation, match="re-tender"):
        select_winner(ranking, state_funded=True, passed_over=everyone)
