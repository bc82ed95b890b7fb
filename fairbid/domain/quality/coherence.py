"""Coherence (C01–C03) and consistency (K01–K04) checks: one section's record against itself."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

from fairbid.domain.quality.format import is_aware
from fairbid.domain.quality.model import CheckContext, Failure, Outcome
from fairbid.domain.quality.record import BidState, TradingDataset

__all__ = [
    "check_award_within_ceiling",
    "check_contract_follows_award",
    "check_contract_matches_award",
    "check_opening_digest",
    "check_phase_order",
    "check_savings_rate",
    "check_valid_bid_count",
]

_CHAIN = (
    ("notice", "notice_at"),
    ("sale start", "sale_start"),
    ("deadline", "deadline"),
    ("opening", "opening_at"),
    ("evaluation", "evaluation_at"),
    ("publicity", "publicity_start"),
    ("award", "award_at"),
    ("contract", "contract_at"),
)


def check_phase_order(dataset: TradingDataset, ctx: CheckContext) -> Outcome:
    """C01: notice ≤ sale start ≤ deadline = opening ≤ evaluation ≤ publicity ≤ award ≤ contract.

    招标投标法 第三十四条 puts the opening at the deadline; 招标投标法实施条例 第十六条 (sale after the notice),
    第五十四条 (publicity after the evaluation report), 招标投标法 第四十五条–第四十六条 (award, then contract).
    Phases not reached are skipped; naive times are F04's business and skipped here.
    """
    failures = []
    for record in dataset.records:
        times = record.section.times
        present: list[tuple[str, datetime]] = [
            (label, value) for label, name in _CHAIN if (value := getattr(times, name)) is not None and is_aware(value)
        ]
        for (a, ta), (b, tb) in pairwise(present):
            if tb < ta:
                failures.append(
                    Failure("C01", record.id, f"{b} {tb.isoformat()} comes before {a} {ta.isoformat()}", record.id)
                )
        deadline, opening = times.deadline, times.opening_at
        if deadline and opening and is_aware(deadline) and is_aware(opening) and deadline != opening:
            failures.append(
                Failure(
                    "C01",
                    record.id,
                    f"opening {opening.isoformat()} is not at the deadline "
                    f"{deadline.isoformat()} (招标投标法 第三十四条)",
                    record.id,
                )
            )
    return Outcome(len(dataset.records), tuple(failures))


def check_award_within_ceiling(dataset: TradingDataset, ctx: CheckContext) -> Outcome:
    """C02: the award price is not above the ceiling price (招标投标法实施条例 第五十一条第五项)."""
    checked, failures = 0, []
    for record in dataset.records:
        ceiling, award = record.section.ceiling_price, record.award
        if award is None or ceiling is None:
            continue
        checked += 1
        if award.price > ceiling:
            failures.append(
                Failure(
                    "C02", record.id, f"award price {award.price} is above the ceiling {ceiling}", award.bid_id, "award"
                )
            )
    return Outcome(checked, tuple(failures))


def check_contract_follows_award(dataset: TradingDataset, ctx: CheckContext) -> Outcome:
    """C03: a section notified more than ``contract_days`` ago has a contract or an overdue alarm (法 第四十六条)."""
    checked, failures = 0, []
    limit = timedelta(days=ctx.contract_days)
    for record in dataset.records:
        award = record.award
        if award is None:
            continue
        checked += 1
        notified = award.notified_at or record.section.times.award_at
        if record.contract is not None or record.overdue_alarm or notified is None or not is_aware(notified):
            continue
        if ctx.as_of - notified > limit:
            days = (ctx.as_of - notified).days
            failures.append(
                Failure(
                    "C03",
                    record.id,
                    f"awarded {days} days ago, no contract and no overdue alarm",
                    record.id,
                    "contract",
                )
            )
    return Outcome(checked, tuple(failures))


def check_valid_bid_count(dataset: TradingDataset, ctx: CheckContext) -> Outcome:
    """K01: the valid bids the opening record states equal the valid bids stored (12号令 第四十二条)."""
    checked, failures = 0, []
    for record in dataset.records:
        opening = record.opening
        if opening is None or opening.valid_bids is None or record.section.bids_sealed:
            continue
        checked += 1
        stored = sum(1 for b in record.bids if b.state is BidState.VALID)
        if stored != opening.valid_bids:
            failures.append(
                Failure(
                    "K01",
                    record.id,
                    f"the record states {opening.valid_bids} valid bids, {stored} are stored",
                    record.id,
                    "opening",
                )
            )
    return Outcome(checked, tuple(failures))


def check_savings_rate(dataset: TradingDataset, ctx: CheckContext) -> Outcome:
    """K02: the savings rate (节资率) = (ceiling − award price) / ceiling lies in [0, 1)."""
    checked, failures = 0, []
    for record in dataset.records:
        ceiling, award = record.section.ceiling_price, record.award
        if award is None or ceiling is None or not ceiling.is_finite() or not award.price.is_finite():
            continue
        checked += 1
        if ceiling <= 0:
            failures.append(Failure("K02", record.id, f"ceiling {ceiling} is not positive", record.id))
            continue
        rate = (ceiling - award.price) / ceiling
        if not 0 <= rate < 1:
            failures.append(
                Failure("K02", record.id, f"savings rate {rate:.4f} is outside [0, 1)", award.bid_id, "award")
            )
    return Outcome(checked, tuple(failures))


def check_contract_matches_award(dataset: TradingDataset, ctx: CheckContext) -> Outcome:
    """K03: the contract is with the winner at the award price (招标投标法 第四十六条; 条例 第五十七条)."""
    checked, failures = 0, []
    for record in dataset.records:
        award, contract = record.award, record.contract
        if contract is None:
            continue
        checked += 1
        if award is None:
            failures.append(
                Failure("K03", record.id, f"contract {contract.id} without an award", contract.id, "contract")
            )
            continue
        if contract.price != award.price:
            failures.append(
                Failure(
                    "K03",
                    record.id,
                    f"contract price {contract.price} differs from the award price {award.price}",
                    contract.id,
                    "contract",
                )
            )
        if contract.supplier_id != award.bidder_id:
            failures.append(
                Failure(
                    "K03",
                    record.id,
                    f"contract with {contract.supplier_id}, award to {award.bidder_id}",
                    contract.id,
                    "contract",
                )
            )
    return Outcome(checked, tuple(failures))


def check_opening_digest(dataset: TradingDataset, ctx: CheckContext) -> Outcome:
    """K04: the stored opening record file hashes to the digest pinned at publication (电子招标投标办法 第三十条)."""
    checked, failures = 0, []
    for record in dataset.records:
        opening = record.opening
        if opening is None or opening.recorded_digest is None:
            continue
        checked += 1
        if opening.file_digest is None:
            failures.append(Failure("K04", record.id, "the opening record file is missing", record.id, "opening"))
        elif opening.file_digest.lower() != opening.recorded_digest.lower():
            failures.append(
                Failure(
                    "K04",
                    record.id,
                    f"file SM3 {opening.file_digest[:16]}… differs from the pinned {opening.recorded_digest[:16]}…",
                    record.id,
                    "opening",
                )
            )
    return Outcome(checked, tuple(failures))
