"""The tender's evaluation terms (评标办法) as stored with the committee, and the machine review's record.

The terms fix the rubric (评分标准), the price formula (评标基准价, K mode, deductions), the requirements
every bid must meet (前附表) and the tie-breaks; only a method written in the tender document may be used
(条例 第四十九条). The defaults are those of the standard template.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from fairbid.domain.bid import Bid
from fairbid.domain.errors import InvalidInput, InvalidTransition
from fairbid.domain.evaluation import (
    Aggregation,
    BenchmarkMethod,
    BenchmarkRule,
    BidFacts,
    BidReview,
    CheckKind,
    CheckResult,
    ExpertVerdict,
    KMode,
    PriceScoreRule,
    RankMethod,
    Requirements,
    Rubric,
    RubricItem,
    TieBreak,
)
from fairbid.domain.section import Section
from fairbid.store.rows import CommitteeRow

__all__ = [
    "PRICE_ITEM",
    "bid_facts",
    "default_terms",
    "machine_state",
    "price_rules",
    "rank_method",
    "requirements",
    "review_json",
    "reviews_of",
    "rubric_of",
    "valid_bid_ids",
    "validate_terms",
]

PRICE_ITEM = "price"


def default_terms(section: Section) -> dict[str, Any]:
    """The evaluation terms of the standard template (综合评估法, price 60 of 100), as JSON."""
    return {
        "method": RankMethod.COMPREHENSIVE.value,
        "rubric": [
            {"item_id": PRICE_ITEM, "name": "投标报价", "max": "60", "subjective": False},
            {"item_id": "technical", "name": "施工组织设计", "max": "25", "subjective": True},
            {"item_id": "schedule", "name": "工期与进度计划", "max": "10", "subjective": True},
            {"item_id": "safety", "name": "质量安全保证措施", "max": "5", "subjective": True},
        ],
        "deviation_threshold": "0.20",
        "aggregation": Aggregation.MEAN.value,
        "benchmark": BenchmarkMethod.MEAN.value,
        "k_mode": KMode.ONE_MINUS_K.value,
        "above_per_point": "1",
        "below_per_point": "0.5",
        "floor": "0",
        "max_duration_days": 365,
        "quality": ["合格"],
        "staff": ["project_manager"],
        "certificates": [],
        "bid_validity_days": 90,
        "tie_breaks": [TieBreak.LOWER_PRICE.value, TieBreak.HIGHER_TECHNICAL.value],
    }


def rubric_of(terms: Mapping[str, Any]) -> Rubric:
    """The tender's scoring table (评分标准)."""
    items = tuple(
        RubricItem(
            str(i["item_id"]), str(i["name"]), Decimal(i["max"]), bool(i["subjective"]), Decimal(i.get("min", 0))
        )
        for i in terms["rubric"]
    )
    return Rubric(items, Decimal(terms["deviation_threshold"]), Aggregation(terms["aggregation"]))


def rank_method(terms: Mapping[str, Any]) -> RankMethod:
    return RankMethod(terms["method"])


def price_rules(terms: Mapping[str, Any], rubric: Rubric) -> tuple[BenchmarkRule, PriceScoreRule]:
    price = [i for i in rubric.items if i.item_id == PRICE_ITEM]
    full = price[0].max_score if price else Decimal(100)
    return (
        BenchmarkRule(BenchmarkMethod(terms["benchmark"]), KMode(terms["k_mode"])),
        PriceScoreRule(
            full, Decimal(terms["above_per_point"]), Decimal(terms["below_per_point"]), Decimal(terms["floor"])
        ),
    )


def validate_terms(terms: dict[str, Any]) -> dict[str, Any]:
    """Check the terms build a valid rubric, price formula and ranking; returns them unchanged."""
    try:
        rubric = rubric_of(terms)
        price_rules(terms, rubric)
        method = rank_method(terms)
        [TieBreak(t) for t in terms["tie_breaks"]]
        int(terms["max_duration_days"]), int(terms["bid_validity_days"])
    except (KeyError, ValueError, ArithmeticError, TypeError) as error:
        raise InvalidInput(f"The evaluation terms are incomplete or malformed: {error}.", field="terms") from None
    if method is RankMethod.COMPREHENSIVE and PRICE_ITEM not in {i.item_id for i in rubric.objective}:
        raise InvalidInput(f"A comprehensive rubric needs the objective item {PRICE_ITEM!r}.", field="terms.rubric")
    if any(i.item_id != PRICE_ITEM for i in rubric.objective):
        raise InvalidInput("The machine scores only the price item; other items are the experts'.", field="rubric")
    return terms


def requirements(section: Section, terms: Mapping[str, Any]) -> Requirements:
    return Requirements(
        ceiling=section.ceiling_price,
        max_duration_days=int(terms["max_duration_days"]),
        quality=frozenset(terms["quality"]),
        security_amount=Decimal(0),
        security_valid_until=section.schedule.bid_deadline + timedelta(days=int(terms["bid_validity_days"])),
        certificates=frozenset(terms["certificates"]),
        staff=frozenset(terms["staff"]),
    )


def bid_facts(bid: Bid, credit_code: str, req: Requirements) -> BidFacts:
    assert bid.data is not None
    has_security = bool(bid.data.bid_security_ref)
    return BidFacts(
        bid_id=bid.id,
        bidder=credit_code,
        price=bid.data.price,
        duration_days=bid.data.duration_days,
        quality=bid.data.quality,
        # the guarantee register (保函) is not joined yet: a stated guarantee reference counts as valid cover
        security_amount=req.security_amount if has_security else Decimal(0),
        security_valid_until=req.security_valid_until if has_security else None,
        signature_valid=True,  # decrypt_bid verified the envelope's signature under the bidder's key
        staff=frozenset({"project_manager"}) if bid.data.project_manager_id else frozenset(),
    )


def review_json(review: BidReview) -> list[dict[str, Any]]:
    return [
        {
            "check_id": r.check_id,
            "kind": r.kind.value,
            "passed": r.passed,
            "reason": r.reason,
            "citation": r.citation,
            "verdicts": [
                {"expert_id": v.expert_id, "agrees": v.agrees, "reason": v.reason, "at": v.at.isoformat()}
                for v in r.verdicts
            ],
        }
        for r in review.results
    ]


def reviews_of(row: CommitteeRow) -> dict[str, BidReview]:
    """The machine reviews with the experts' verdicts, by bid."""
    out = {}
    for bid_id, results in machine_state(row)["reviews"].items():
        out[bid_id] = BidReview(
            bid_id,
            tuple(
                CheckResult(
                    r["check_id"],
                    CheckKind(r["kind"]),
                    bool(r["passed"]),
                    r["reason"],
                    r["citation"],
                    tuple(
                        ExpertVerdict(v["expert_id"], bool(v["agrees"]), v["reason"], datetime.fromisoformat(v["at"]))
                        for v in r["verdicts"]
                    ),
                )
                for r in results
            ),
        )
    return out


def machine_state(row: CommitteeRow) -> dict[str, Any]:
    """The machine's results stored with the committee; raises when the evaluation has not started."""
    state = row.draw.get("machine")
    if not state:
        raise InvalidTransition("The evaluation session has not started yet.")
    return dict(state)


def valid_bid_ids(row: CommitteeRow, committee_size: int) -> list[str]:
    """Bids valid after the review: every check's outcome passes (majority verdicts may reverse one)."""
    return [
        bid_id for bid_id, review in reviews_of(row).items() if all(r.outcome(committee_size) for r in review.results)
    ]
