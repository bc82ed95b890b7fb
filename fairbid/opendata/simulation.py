"""A simulated year of trading records (neutral view), clean, and a copy with one planted fault per check.

For the self-check and the open-data export where no platform database is at hand: the records follow every rule
of the catalog (so a clean year scores 100 %), sections announced in December are still bidding (sealed), a few
sections fail for too few bids. ``plant_faults`` breaks one record per check and says which.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from fairbid.domain.credit_code import check_character
from fairbid.domain.quality import (
    AwardRecord,
    BidState,
    CandidateRecord,
    ContractRecord,
    OpeningRecord,
    PartyRecord,
    Phase,
    PhaseTimes,
    SectionRecord,
    TradingBid,
    TradingDataset,
    TradingRecord,
)

__all__ = ["PLATFORM_CREDIT_CODE", "SimulatedYear", "plant_faults", "simulate_year"]

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
PLATFORM_CREDIT_CODE = "12430200MB1234567" + check_character("12430200MB1234567")  # the centre's (invented)
_KINDS = (("works", 5_000_000, 60_000_000), ("goods", 2_500_000, 9_000_000), ("services", 1_200_000, 4_000_000))


@dataclass
class _Memory:
    """What the generator remembers per tenderee, to keep the clean year clean of dataset patterns."""

    small: dict[str, datetime] = field(default_factory=dict)
    experts: dict[str, set[str]] = field(default_factory=dict)


class SimulatedYear:
    """The clean dataset, the run time after it, and the region codes it used."""

    def __init__(self, dataset: TradingDataset, as_of: datetime) -> None:
        self.dataset = dataset
        self.as_of = as_of


def _credit_code(rng: random.Random, region: str) -> str:
    body = "91" + region + "".join(rng.choice(_ALPHABET) for _ in range(9))
    return body + check_character(body)


def _money(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(rng.randrange(int(low * 100), int(high * 100))) / 100


def _trading_code(day: datetime, serial: int) -> str:
    body = f"{PLATFORM_CREDIT_CODE}{day:%Y%m%d}{serial:06d}"
    check = _ALPHABET[sum(_ALPHABET.index(c) * (i + 1) for i, c in enumerate(body)) % 31]
    return f"{PLATFORM_CREDIT_CODE}-{day:%Y%m%d}-{serial:06d}-{check}"


def _parties(rng: random.Random, regions: list[str]) -> dict[str, list[PartyRecord]]:
    def org(prefix: str, i: int, label: str) -> PartyRecord:
        region = rng.choice(regions)
        return PartyRecord(f"{prefix}{i:03d}", f"{label}{i:03d}", _credit_code(rng, region), region)

    return {
        "tenderee": [org("T", i, "招标人") for i in range(40)],
        "agency": [org("A", i, "代理机构") for i in range(12)],
        "bidder": [org("B", i, "投标人") for i in range(300)],
        "guarantor": [org("G", i, "保函机构") for i in range(5)],
        "expert": [PartyRecord(f"E{i:03d}", f"专家{i:03d}") for i in range(400)],
    }


def _bids(
    rng: random.Random,
    n: int,
    bidders: list[PartyRecord],
    *,
    opened: bool,
    deadline: datetime,
    as_of: datetime,
    ceiling: Decimal,
    estimate: Decimal,
    guarantors: list[PartyRecord],
) -> list[TradingBid]:
    bids = []
    for j, bidder in enumerate(bidders):
        out = opened and rng.random() < 0.12
        received = deadline - timedelta(hours=rng.randint(1, 200))
        if received > as_of:
            received = as_of - timedelta(hours=rng.randint(1, 20))
        bids.append(
            TradingBid(
                id=f"S{n:04d}-B{j}",
                bidder_id=bidder.id,
                state=(BidState.DISQUALIFIED if out else BidState.VALID) if opened else BidState.SEALED,
                received_at=received,
                price=(ceiling * Decimal(rng.uniform(0.84, 0.995))).quantize(Decimal("0.01")) if opened else None,
                digest=f"{rng.getrandbits(256):064x}",
                guarantee_ref=f"BH-{n:04d}-{j}",
                guarantee_amount=min(Decimal("800000.00"), (estimate * Decimal("0.02")).quantize(Decimal("0.01"))),
                guarantor_id=rng.choice(guarantors).id,
            )
        )
    return bids


def _section(
    rng: random.Random,
    n: int,
    notice: datetime,
    parties: dict[str, list[PartyRecord]],
    regions: list[str],
    as_of: datetime,
    memory: _Memory,
) -> TradingRecord:
    tenderee = rng.choice(parties["tenderee"]).id
    kind, low, high = rng.choice(_KINDS)
    last_small = memory.small.get(tenderee)
    if rng.random() < 0.04 and (last_small is None or notice - last_small > timedelta(days=120)):
        kind, low, high = "services", 200_000, 450_000  # a small section, never two close together: no split
        memory.small[tenderee] = notice
    estimate = _money(rng, low, high)
    ceiling = (estimate * Decimal("0.98")).quantize(Decimal("0.01"))
    deadline = notice + timedelta(days=25)
    bidders = rng.sample(parties["bidder"], rng.randint(2, 8) if rng.random() < 0.06 else rng.randint(3, 8))
    # fewer than three bidders: the section fails at the deadline unopened (条例 第四十四条), its bids stay sealed
    opened = deadline <= as_of and len(bidders) >= 3
    bids = _bids(
        rng,
        n,
        bidders,
        opened=opened,
        deadline=deadline,
        as_of=as_of,
        ceiling=ceiling,
        estimate=estimate,
        guarantors=parties["guarantor"],
    )
    valid = sorted((b for b in bids if b.state is BidState.VALID), key=lambda b: (b.price or 0, b.id))
    times = PhaseTimes(notice_at=notice, sale_start=notice + timedelta(days=1), deadline=deadline)
    phase = Phase.BIDDING if deadline > as_of else Phase.FAILED
    award = contract = opening = None
    candidates: tuple[CandidateRecord, ...] = ()
    experts: tuple[str, ...] = ()
    if opened:
        digest = f"{rng.getrandbits(256):064x}"
        opening = OpeningRecord(deadline, digest, digest, len(valid), tuple(b.bidder_id for b in bids))
        times = replace(times, opening_at=deadline)
        phase = Phase.EVALUATION if valid else Phase.FAILED
        used = memory.experts.setdefault(tenderee, set())
        fresh = [e for e in parties["expert"] if e.id not in used]  # random draws rarely repeat for one tenderee
        experts = tuple(e.id for e in rng.sample(fresh if len(fresh) >= 5 else parties["expert"], 5))
        used.update(experts)
    evaluated = deadline + timedelta(days=2)
    if phase is Phase.EVALUATION and evaluated + timedelta(days=1) <= as_of:
        candidates = tuple(
            CandidateRecord(i + 1, b.bidder_id, b.id, b.price or Decimal(0)) for i, b in enumerate(valid[:3])
        )
        times = replace(times, evaluation_at=evaluated, publicity_start=evaluated + timedelta(days=1))
        phase = Phase.PUBLICISED
    award_at = evaluated + timedelta(days=5)
    if phase is Phase.PUBLICISED and award_at <= as_of:
        win = valid[0]
        award = AwardRecord(win.bidder_id, win.id, win.price or Decimal(0), award_at)
        times = replace(times, award_at=award_at)
        phase = Phase.AWARDED
        signed = award_at + timedelta(days=rng.randint(5, 25))
        if signed <= as_of:
            contract = ContractRecord(f"C-{n:04d}", win.bidder_id, award.price, signed)
            times = replace(times, contract_at=signed)
            phase = Phase.CONTRACTED
    section = SectionRecord(
        id=f"S{n:04d}",
        code=f"ZZ-{notice:%Y}-{n:04d}",
        name=f"第{n}标段",
        trading_code=_trading_code(notice, n),
        phase=phase,
        tenderee_id=tenderee,
        times=times,
        kind=kind,
        project_id=f"P{n // 2:04d}",
        agency_id=rng.choice(parties["agency"]).id,
        region_code=rng.choice(regions),
        ceiling_price=ceiling,
        estimated_price=estimate,
        bids_sealed=not opened,
        expert_ids=experts,
        beacon=f"{rng.getrandbits(256):064x}" if opened else None,
        k_value=Decimal(rng.choice(("0.02", "0.03", "0.04", "0.05"))) if opened else None,
    )
    return TradingRecord(section, tuple(bids), candidates, award, contract, opening)


def simulate_year(*, regions: list[str], sections: int = 400, year: int = 2026, seed: int = 7) -> SimulatedYear:
    """A clean year of ``sections`` sections announced from January to December, read on 31 December."""
    rng = random.Random(seed)
    parties = _parties(rng, regions)
    start = datetime(year, 1, 5, 1, 0, tzinfo=UTC)
    as_of = datetime(year, 12, 31, 16, 0, tzinfo=UTC)
    span = (as_of - start).total_seconds() - 86400
    notices = sorted(start + timedelta(seconds=int(rng.random() * span)) for _ in range(sections))
    memory = _Memory()
    records = [_section(rng, n, notice, parties, regions, as_of, memory) for n, notice in enumerate(notices)]
    flat = [p for group in parties.values() for p in group]
    return SimulatedYear(TradingDataset.of(records, flat), as_of)


def _set(records: list[TradingRecord], i: int, **changes: object) -> TradingRecord:
    records[i] = replace(records[i], **changes)  # type: ignore[arg-type]
    return records[i]


def plant_faults(year: SimulatedYear) -> tuple[TradingDataset, dict[str, str]]:
    """A copy of the year with one fault per check; returns it and check id → the record id that must fail."""
    records = list(year.dataset.records)
    parties = dict(year.dataset.parties)
    done = [i for i, r in enumerate(records) if r.contract is not None]
    planted: dict[str, str] = {}

    def take() -> int:
        return done.pop(0)

    party = next(iter(sorted(parties)))
    code = parties[party].credit_code or ""
    parties[party] = replace(parties[party], credit_code=code[:17] + ("0" if code[17] != "0" else "1"))
    planted["F01"] = party
    r = records[i := take()]
    planted["F02"] = _set(records, i, section=replace(r.section, region_code="999999")).id
    r = records[i := take()]
    planted["F03"] = _set(records, i, section=replace(r.section, trading_code="TRADE-0001")).id
    r = records[i := take()]
    planted["F04"] = _set(records, i, section=replace(r.section, unparsed=(("ceiling_price", "约五百万"),))).id
    r = records[i := take()]
    opened = r.section.times.opening_at or year.as_of
    bad_times = replace(r.section.times, evaluation_at=opened - timedelta(days=1))
    planted["C01"] = _set(records, i, section=replace(r.section, times=bad_times)).id
    r = records[i := take()]
    assert r.award is not None and r.contract is not None and r.section.ceiling_price is not None
    over = r.section.ceiling_price + Decimal("1000.00")
    planted["C02"] = _set(records, i, award=replace(r.award, price=over), contract=replace(r.contract, price=over)).id
    r = records[i := take()]
    planted["C03"] = _set(records, i, contract=None, section=replace(r.section, phase=Phase.AWARDED)).id
    r = records[i := take()]
    assert r.opening is not None and r.opening.valid_bids is not None
    planted["K01"] = _set(records, i, opening=replace(r.opening, valid_bids=r.opening.valid_bids + 1)).id
    r = records[i := take()]
    assert r.award is not None and r.contract is not None
    planted["K02"] = _set(
        records, i, award=replace(r.award, price=Decimal("0.00")), contract=replace(r.contract, price=Decimal("0.00"))
    ).id
    r = records[i := take()]
    assert r.contract is not None
    planted["K03"] = _set(records, i, contract=replace(r.contract, price=r.contract.price + 1)).id
    r = records[i := take()]
    assert r.opening is not None
    planted["K04"] = _set(records, i, opening=replace(r.opening, file_digest="0" * 64)).id
    r = records[i := take()]
    assert r.award is not None and r.contract is not None
    stranger = next(b for b in sorted(parties) if b.startswith("B") and b not in {x.bidder_id for x in r.bids})
    planted["R01"] = _set(
        records, i, award=replace(r.award, bidder_id=stranger), contract=replace(r.contract, supplier_id=stranger)
    ).id
    r = records[i := take()]
    ghost = next(j for j, b in enumerate(r.bids) if r.award is None or b.bidder_id != r.award.bidder_id)
    bids = list(r.bids)
    bids[ghost] = replace(bids[ghost], bidder_id="B-GHOST")
    planted["R02"] = _set(records, i, bids=tuple(bids)).id
    same = Decimal("3141592.65")
    for _ in range(4):
        r = records[i := take()]
        assert r.award is not None and r.contract is not None
        planted["D01"] = _set(
            records, i, award=replace(r.award, price=same), contract=replace(r.contract, price=same)
        ).id
    rows_of = {
        t: [j for j, x in enumerate(records) if x.section.tenderee_id == t]
        for t in sorted({x.section.tenderee_id for x in records})
    }
    agency_t, expert_t = sorted(rows_of, key=lambda t: -len(rows_of[t]))[:2]
    for j in rows_of[agency_t]:
        _set(records, j, section=replace(records[j].section, agency_id="A000"))
    planted["D02"] = agency_t
    for j in rows_of[expert_t]:
        if records[j].section.expert_ids:
            s = records[j].section
            _set(records, j, section=replace(s, expert_ids=("E399", *s.expert_ids[1:])))
    planted["D03"] = expert_t
    base = records[take()]
    for k in range(3):
        s = base.section
        small = replace(
            s,
            id=f"SPLIT{k}",
            code=f"{s.code}-{k}",
            kind="works",
            trading_code=_trading_code(s.times.notice_at or year.as_of, 9000 + k),
            estimated_price=Decimal("1500000.00"),
            ceiling_price=Decimal("1470000.00"),
            times=PhaseTimes(notice_at=(s.times.notice_at or year.as_of) + timedelta(days=10 * k)),
            phase=Phase.PUBLISHED,
            expert_ids=(),
        )
        records.append(TradingRecord(small))
    planted["D04"] = "SPLIT0"
    r = records[i := take()]
    planted["T01"] = _set(records, i, section=replace(r.section, trading_code=_trading_code(year.as_of, 8888))).id
    r = records[i := take()]
    planted["T02"] = _set(records, i, section=replace(r.section, phase=Phase.EVALUATION)).id
    return TradingDataset(tuple(records), parties), planted
