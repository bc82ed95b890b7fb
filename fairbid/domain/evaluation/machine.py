"""The machine executes the pinned terms: the review's requirements, the objective items, the price scores and the
ranking — exactly as the tender document states them (招标投标法实施条例 第四十九条), and the same way for anyone
who recomputes them from the public record (``fairbid evaluation recompute``).

Nothing here draws, reads a clock or stores: K, the credit grades and the time come in as arguments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from fairbid.domain.bid import Bid, BidStatus
from fairbid.domain.calendar import beijing_date, years_before
from fairbid.domain.errors import InvalidInput
from fairbid.domain.evaluation.committee import EvaluationOutcome, MachineReview, PriceSummary, RankedRow
from fairbid.domain.evaluation.model import BidScore, Rubric, RubricItem, ScoreSheet
from fairbid.domain.evaluation.price import (
    Adjustment,
    BenchmarkRule,
    KMode,
    PricedBid,
    PriceScoreRule,
    lowest_price_table,
    score_prices,
)
from fairbid.domain.evaluation.ranking import EvaluationMethod, RankEntry, rank_bids
from fairbid.domain.evaluation.review import BidFacts, BidReview, Requirements, review_bid
from fairbid.domain.evaluation.scoring import aggregate_scores
from fairbid.domain.terms.model import PRICE_ITEM, PriceRule, ScoringTable, TenderTerms
from fairbid.domain.terms.objective import BidEvidence, ObjectiveScore, PastContract, score_objective

__all__ = [
    "BidStanding",
    "benchmark_rule",
    "bid_evidence",
    "bid_facts",
    "evaluation_outcome",
    "machine_review",
    "price_summary",
    "requirements",
    "rubric_of",
    "valid_bids",
]


def requirements(terms: TenderTerms, *, ceiling: Decimal, deadline: datetime) -> Requirements:
    """What the machine review checks of every bid, from the pinned terms (条例 第五十一条)."""
    q, security = terms.qualification, terms.security
    validity = security.validity_days if security.validity_days is not None else terms.bid_validity_days
    similar = q.similar_contracts
    return Requirements(
        ceiling=ceiling,
        max_duration_days=q.max_duration_days,
        quality=q.quality,
        security_amount=security.amount,
        security_valid_until=deadline + timedelta(days=validity),
        certificates=q.certificates,
        staff=q.staff,
        pm_grades=q.pm_grades,
        similar_count=0 if similar is None else similar.count,
        similar_min_amount=Decimal(0) if similar is None else similar.min_amount,
        similar_since=None if similar is None else years_before(beijing_date(deadline), similar.within_years),
    )


@dataclass(frozen=True, slots=True)
class BidStanding:
    """What the platform knows of a bidder besides its bid: its credit code, grade and any debarment."""

    credit_code: str
    credit_grade: str | None = None
    debarred_until: datetime | None = None


def bid_facts(bid: Bid, standing: BidStanding, req: Requirements) -> BidFacts:
    """The review's view of one decrypted bid."""
    if bid.data is None:
        raise InvalidInput(f"Bid {bid.id} is not decrypted.", field="bid_id")
    d = bid.data
    has_security = bool(d.bid_security_ref)
    staff = {role for role, n in d.staff if n > 0}
    if d.project_manager_id:
        staff.add("project_manager")
    return BidFacts(
        bid_id=bid.id,
        bidder=standing.credit_code,
        price=d.price,
        duration_days=d.duration_days,
        quality=d.quality,
        # the guarantee register (电子保函) is not joined yet: a stated security reference counts as valid cover
        security_amount=req.security_amount if has_security else Decimal(0),
        security_valid_until=req.security_valid_until if has_security else None,
        signature_valid=True,  # the opening verified the envelope's signature under the bidder's key
        debarred_until=standing.debarred_until,
        certificates=frozenset(d.certificates),
        staff=frozenset(staff),
        pm_grade=d.pm_grade,
        similar_contracts=d.similar_contracts,
    )


def bid_evidence(bid: Bid, standing: BidStanding) -> BidEvidence:
    """What the objective tests read of one decrypted bid."""
    if bid.data is None:
        raise InvalidInput(f"Bid {bid.id} is not decrypted.", field="bid_id")
    d = bid.data
    staff = dict(d.staff)
    if d.project_manager_id:
        staff.setdefault("project_manager", 1)
    return BidEvidence(
        bid_id=bid.id,
        duration_days=d.duration_days,
        pm_grade=d.pm_grade,
        similar_contracts=tuple(PastContract(n, a, c) for n, a, c in d.similar_contracts),
        staff_counts=staff,
        credit_grade=standing.credit_grade,
    )


def benchmark_rule(price: PriceRule) -> tuple[BenchmarkRule, PriceScoreRule]:
    """The price item's formula as the price module executes it."""
    return (
        BenchmarkRule(
            k_mode=price.k_mode,
            trims=price.trims,
            exclude_beyond=price.exclude_beyond,
        ),
        PriceScoreRule(price.full_score, price.above_per_point, price.below_per_point, price.floor),
    )


def price_summary(price: PriceRule, prices: Mapping[str, Decimal], *, k: Decimal | None) -> PriceSummary:
    """The benchmark over the entering bids and every bid's price score, by the pinned formula and the drawn K."""
    bench, score = benchmark_rule(price)
    benchmark, scores = score_prices(prices, bench, score, k=k if price.k_mode is not KMode.NONE else None)
    return PriceSummary(k if price.k_mode is not KMode.NONE else None, price.k_values, benchmark, scores)


def rubric_of(table: ScoringTable) -> Rubric:
    """The scoring table as the experts' sheets are checked against it: price and objective items are the
    machine's, subjective items the members'."""
    items = (
        RubricItem(PRICE_ITEM, "投标报价", table.price.full_score, subjective=False),
        *(RubricItem(i.item_id, i.name, i.max_score, subjective=False) for i in table.objective),
        *(RubricItem(i.item_id, i.name, i.max_score, subjective=True, min_score=i.min_score) for i in table.subjective),
    )
    return Rubric(items, table.deviation_threshold, table.aggregation, table.trim_from)


def machine_review(
    terms: TenderTerms,
    bids: Sequence[Bid],
    standings: Mapping[str, BidStanding],
    *,
    ceiling: Decimal,
    deadline: datetime,
    k: Decimal | None,
    now: datetime,
) -> MachineReview:
    """At the session's start: review every decrypted bid, score the objective items and the prices of those that
    pass. ``standings`` is by bidder ID."""
    req = requirements(terms, ceiling=ceiling, deadline=deadline)
    opened = [b for b in bids if b.status is BidStatus.DECRYPTED and b.data is not None]
    reviews = {b.id: review_bid(bid_facts(b, standings[b.bidder_id], req), req, now=now) for b in opened}
    passed = [b for b in opened if reviews[b.id].passed]
    table = terms.scoring
    price = None
    objective: dict[str, tuple[ObjectiveScore, ...]] = {}
    if table is not None and passed:
        price = price_summary(table.price, {b.id: b.data.price for b in passed if b.data is not None}, k=k)
        for b in passed:
            evidence = bid_evidence(b, standings[b.bidder_id])
            objective[b.id] = tuple(
                score_objective(
                    item, evidence, duration_required=terms.qualification.max_duration_days, deadline=deadline
                )
                for item in table.objective
            )
    return MachineReview(now, reviews, tuple(sorted(b.id for b in passed)), price, objective)


def valid_bids(reviews: Mapping[str, BidReview], committee_size: int) -> tuple[str, ...]:
    """Bids valid after the committee's verdicts: every check's outcome passes (a majority may reverse one)."""
    return tuple(sorted(b for b, r in reviews.items() if all(c.outcome(committee_size) for c in r.results)))


def evaluation_outcome(
    terms: TenderTerms,
    review: MachineReview,
    bids: Mapping[str, Bid],
    standings: Mapping[str, BidStanding],
    *,
    members: Sequence[str],
    sheets: Sequence[ScoreSheet],
    k: Decimal | None,
    deadline: datetime,
    deviations: Mapping[str, Sequence[Adjustment]] | None = None,
    now: datetime,
) -> EvaluationOutcome:
    """The ranking from the pinned terms: valid bids after the verdicts, the price scores over them with the drawn
    K, the objective items, the members' subjective scores aggregated, tie-breaks never by lot (条例 第五十三条:
    at most three candidates). The lowest evaluated price method ranks by evaluated price (the 标价比较表)."""
    valid = valid_bids(review.reviews, len(members))
    if not valid:
        return EvaluationOutcome(now, (), ())
    prices = {b: bids[b].data.price for b in valid if bids[b].data is not None}  # type: ignore[union-attr]
    if terms.method is EvaluationMethod.LOWEST_EVALUATED_PRICE or terms.scoring is None:
        table = lowest_price_table([PricedBid(b, prices[b], tuple((deviations or {}).get(b, ()))) for b in valid])
        entries = [RankEntry(r.bid_id, r.evaluated_price) for r in table]
        ranking = rank_bids(entries, method=EvaluationMethod.LOWEST_EVALUATED_PRICE, tie_breaks=list(terms.tie_breaks))
        rows = tuple(RankedRow(r.rank, r.bid_id, r.decided_by, r.entry.price) for r in ranking.rows)
        return EvaluationOutcome(now, valid, rows, comparison=table)
    price = price_summary(terms.scoring.price, prices, k=k)
    machine: dict[str, dict[str, Decimal]] = {}
    for b in valid:
        evidence = bid_evidence(bids[b], standings[bids[b].bidder_id])
        machine[b] = {PRICE_ITEM: price.scores[b]}
        for item in terms.scoring.objective:
            scored = score_objective(
                item, evidence, duration_required=terms.qualification.max_duration_days, deadline=deadline
            )
            machine[b][item.item_id] = scored.score
    result = aggregate_scores(
        rubric_of(terms.scoring), [s for s in sheets if s.bid_id in valid], machine, committee=list(members)
    )
    totals: dict[str, BidScore] = dict(result.scores)
    entries = [RankEntry(b, prices[b], totals[b].total, totals[b].subjective_total) for b in valid]
    ranking = rank_bids(entries, method=EvaluationMethod.COMPREHENSIVE, tie_breaks=list(terms.tie_breaks))
    rows = tuple(RankedRow(r.rank, r.bid_id, r.decided_by, r.entry.total) for r in ranking.rows)
    return EvaluationOutcome(now, valid, rows, price=price, totals=totals)
