"""The machine scores the objective items (客观评分因素) from each bid's structured data, with the evidence.

Each item's test is the one the tender document states; the score and the facts it rests on go into the
evaluation report, so any member or reader can check them (1117号 (五): objective standards the same for
every bidder; 195号 (十一): machine results explained). The experts score only the subjective items.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from fairbid.domain.calendar import beijing_date, years_before
from fairbid.domain.terms.model import (
    CertificateTest,
    CreditGradeTest,
    DurationTest,
    GradePoints,
    ObjectiveItem,
    SimilarContractsTest,
    StaffCountTest,
)

__all__ = ["BidEvidence", "ObjectiveScore", "PastContract", "score_objective", "similar_contracts_within"]


@dataclass(frozen=True, slots=True)
class PastContract:
    """A past contract the bid states (类似业绩): its name, amount and completion date."""

    name: str
    amount: Decimal
    completed_on: date


@dataclass(frozen=True, slots=True)
class BidEvidence:
    """What the objective tests read of one bid: its sealed form's facts and the platform's credit grade."""

    bid_id: str
    duration_days: int
    pm_grade: str | None = None
    similar_contracts: tuple[PastContract, ...] = ()
    staff_counts: Mapping[str, int] = field(default_factory=dict)
    credit_grade: str | None = None  # on the platform at the opening (fairbid.domain.credit)


@dataclass(frozen=True, slots=True)
class ObjectiveScore:
    """One bid's score on one objective item, and the facts it rests on, in words."""

    item_id: str
    bid_id: str
    score: Decimal
    evidence: str


def _points(grades: tuple[GradePoints, ...], grade: str | None) -> Decimal:
    return next((g.points for g in grades if grade is not None and g.grade == grade), Decimal(0))


def similar_contracts_within(
    contracts: tuple[PastContract, ...], *, min_amount: Decimal, within_years: int, deadline: datetime
) -> tuple[PastContract, ...]:
    """The contracts of at least ``min_amount`` completed within ``within_years`` before the bid deadline: from the
    corresponding Beijing date that many years earlier to the deadline's day (民法典 第二百零二条)."""
    end = beijing_date(deadline)
    start = years_before(end, within_years)
    return tuple(c for c in contracts if c.amount >= min_amount and start <= c.completed_on <= end)


def score_objective(
    item: ObjectiveItem, bid: BidEvidence, *, duration_required: int, deadline: datetime
) -> ObjectiveScore:
    """The score of ``bid`` on ``item`` by the item's stated test, capped at the item's maximum."""
    test = item.test
    match test:
        case CertificateTest():
            raw = _points(test.grades, bid.pm_grade)
            evidence = f"项目经理证书等级：{bid.pm_grade or '未载明'}"
        case SimilarContractsTest():
            counted = similar_contracts_within(
                bid.similar_contracts, min_amount=test.min_amount, within_years=test.within_years, deadline=deadline
            )
            raw = test.points_each * len(counted)
            names = "、".join(f"{c.name}（{c.amount}元，{c.completed_on.isoformat()}竣工）" for c in counted)
            evidence = f"符合条件的类似业绩 {len(counted)} 项" + (f"：{names}" if names else "")
        case CreditGradeTest():
            raw = _points(test.grades, bid.credit_grade)
            evidence = f"开标时平台信用评价等级：{bid.credit_grade or '无'}"
        case DurationTest():
            steps = max(0, duration_required - bid.duration_days) // test.step_days
            raw = test.points_per_step * steps
            evidence = f"承诺工期 {bid.duration_days} 日，要求 {duration_required} 日"
        case StaffCountTest():
            named = bid.staff_counts.get(test.role, 0)
            raw = item.max_score if named >= test.count else Decimal(0)
            evidence = f"{test.role} {named} 人，要求 {test.count} 人"
    return ObjectiveScore(item.item_id, bid.bid_id, min(raw, item.max_score), evidence)
