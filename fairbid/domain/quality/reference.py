"""Reference checks (R01–R02) and time checks between two runs (T01–T02)."""

from __future__ import annotations

from collections.abc import Iterator

from fairbid.domain.quality.model import CheckContext, Failure, Outcome, SectionSnapshot
from fairbid.domain.quality.record import PHASE_ORDER, BidState, TradingDataset, TradingRecord

__all__ = [
    "check_parties_exist",
    "check_phases_forward",
    "check_trading_codes_persist",
    "check_winner_is_bidder",
    "snapshot",
]


def check_winner_is_bidder(dataset: TradingDataset, ctx: CheckContext) -> Outcome:
    """R01: the winner and every candidate hold a valid bid in the section, and the award names that bid.

    招标投标法实施条例 第五十五条: the winner is the first-ranked candidate, and candidates come from the bids.
    """
    checked, failures = 0, []
    for record in dataset.records:
        if record.award is None and not record.candidates:
            continue
        checked += 1
        valid = {b.id: b.bidder_id for b in record.bids if b.state is BidState.VALID}
        valid_bidders = set(valid.values())
        for c in record.candidates:
            if c.bidder_id not in valid_bidders:
                failures.append(
                    Failure(
                        "R01",
                        record.id,
                        f"candidate {c.rank} ({c.bidder_id}) has no valid bid in the section",
                        c.bid_id,
                        "award",
                    )
                )
        award = record.award
        if award is None:
            continue
        if award.bidder_id not in valid_bidders:
            failures.append(
                Failure(
                    "R01", record.id, f"winner {award.bidder_id} has no valid bid in the section", award.bid_id, "award"
                )
            )
        elif valid.get(award.bid_id) != award.bidder_id:
            failures.append(
                Failure(
                    "R01",
                    record.id,
                    f"the award names bid {award.bid_id}, which is not {award.bidder_id}'s valid bid",
                    award.bid_id,
                    "award",
                )
            )
    return Outcome(checked, tuple(failures))


def _references(record: TradingRecord) -> Iterator[tuple[str, str]]:
    """(role, party id) of every party the record refers to."""
    s = record.section
    yield "tenderee", s.tenderee_id
    if s.agency_id is not None:
        yield "agency", s.agency_id
    for expert in s.expert_ids:
        yield "expert", expert
    for b in record.bids:
        yield "bidder", b.bidder_id
        if b.guarantor_id is not None:
            yield "guarantor", b.guarantor_id
    for c in record.candidates:
        yield "candidate", c.bidder_id
    if record.award is not None:
        yield "winner", record.award.bidder_id
    if record.contract is not None:
        yield "supplier", record.contract.supplier_id


def check_parties_exist(dataset: TradingDataset, ctx: CheckContext) -> Outcome:
    """R02: every party a record refers to is registered (发改办法规〔2018〕1156号: 主体信息与交易信息关联)."""
    failures = []
    for record in dataset.records:
        seen: set[str] = set()
        for role, party in _references(record):
            if party in dataset.parties or party in seen:
                continue
            seen.add(party)
            failures.append(Failure("R02", record.id, f"{role} {party} is not a registered party", party, "party"))
    return Outcome(len(dataset.records), tuple(failures))


def snapshot(dataset: TradingDataset) -> tuple[SectionSnapshot, ...]:
    """What the next run's time checks need from this one: each section's trading code and phase."""
    return tuple(
        SectionSnapshot(r.id, r.section.trading_code, r.section.phase)
        for r in sorted(dataset.records, key=lambda r: r.id)
    )


def check_trading_codes_persist(dataset: TradingDataset, ctx: CheckContext) -> Outcome:
    """T01: a section keeps the trading code it had at the previous run, and no section disappears."""
    if ctx.previous is None:
        return Outcome(0)
    now = {r.id: r for r in dataset.records}
    failures = []
    for section_id, before in sorted(ctx.previous.items()):
        record = now.get(section_id)
        if record is None:
            failures.append(Failure("T01", section_id, "the section was in the previous run and is gone", section_id))
        elif before.trading_code is not None and record.section.trading_code != before.trading_code:
            failures.append(
                Failure(
                    "T01",
                    section_id,
                    f"trading code changed from {before.trading_code} to {record.section.trading_code}",
                    section_id,
                )
            )
    return Outcome(len(ctx.previous), tuple(failures))


def check_phases_forward(dataset: TradingDataset, ctx: CheckContext) -> Outcome:
    """T02: no section's phase moved back since the previous run (the lifecycle only goes forward)."""
    if ctx.previous is None:
        return Outcome(0)
    checked, failures = 0, []
    for record in dataset.records:
        before = ctx.previous.get(record.id)
        if before is None:
            continue
        checked += 1
        if PHASE_ORDER[record.section.phase] < PHASE_ORDER[before.phase]:
            failures.append(
                Failure("T02", record.id, f"phase went back from {before.phase} to {record.section.phase}", record.id)
            )
    return Outcome(checked, tuple(failures))
