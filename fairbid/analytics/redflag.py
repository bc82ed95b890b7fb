"""Red flags across tenders: the open-contracting indicator set (cardinal-rs), over plain records.

Fences are Tukey's: lower ``Q1 − 1.5·IQR``, upper ``Q3 + 1.5·IQR``, with quartiles by linear
interpolation (numpy's default), over all eligible tenders or bidders in the input.

====  ==========================================  ==================================================================
code  name                                        flagged when
====  ==========================================  ==================================================================
R003  short submission period                     an open tender's submission period < ``R003_DAYS`` (20 days:
                                                  招标投标法第二十四条; cardinal's default is 15)
R018  single bid                                  a competitive tender (open/selective/invited) got bids from one bidder
R024  price close to winning bid                  (second-lowest valid − winning) / winning ≤ lower fence
R025  excessive unsuccessful bids                 a bidder's valid bids ≥ Q3 of valid-bid counts and its win ratio ≤
                                                  the lower fence of win ratios
R028  identical bid prices                        different bidders bid the same price in one tender (tender + bidders)
R030  late bid won                                the winning bid was received after the deadline
R035  all except winning bid disqualified         one bidder's bids are valid, it won, ≥ 1 other bidder disqualified
R036  lowest bid disqualified                     a tender with a winner where a bid at the lowest price was out
R038  excessive disqualified bids                 disqualified / submitted ≥ upper fence, per bidder (≥ 2 bids) and per
                                                  buyer (≥ 2 tenders); a zero ratio is never flagged
R048  heterogeneous supplier                      distinct first-level (2-digit) item classes won ≥ upper fence (> 1)
R058  heavily discounted bid                      (second-lowest valid − winning) / winning ≥ upper fence
====  ==========================================  ==================================================================

R024 and R058 skip tenders with several winners, or whose winner is not the lowest valid bid (price-only award).
Flags are clues for review, never proof (发改法规〔2026〕195号 (十一)).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from fairbid.analytics.record import BidRecord, TenderRecord

__all__ = ["INDICATORS", "R003_DAYS", "RedFlag", "fences", "red_flags"]

R003_DAYS = 20.0
COMPETITIVE = frozenset({"open", "selective", "invited"})
INDICATORS: dict[str, str] = {
    "R003": "short submission period",
    "R018": "single bid",
    "R024": "price close to winning bid",
    "R025": "excessive unsuccessful bids",
    "R028": "identical bid prices",
    "R030": "late bid won",
    "R035": "all except winning bid disqualified",
    "R036": "lowest bid disqualified",
    "R038": "excessive disqualified bids",
    "R048": "heterogeneous supplier",
    "R058": "heavily discounted bid",
}


@dataclass(frozen=True, slots=True)
class RedFlag:
    """One flag: the indicator, what it is about (tender, bidder or buyer), the value and the bound it crossed."""

    code: str
    subject: str  # "tender" | "bidder" | "buyer"
    subject_id: str
    value: float
    bound: float | None
    detail: str

    @property
    def name(self) -> str:
        """The indicator's name."""
        return INDICATORS[self.code]


def fences(values: Iterable[float]) -> tuple[float, float]:
    """Tukey's (lower, upper) fences of ``values``: Q1 − 1.5·IQR and Q3 + 1.5·IQR."""
    arr = np.asarray(list(values), dtype=np.float64)
    if arr.size == 0:
        raise ValueError("no values")
    q1, q3 = np.percentile(arr, [25, 75])
    return float(q1 - 1.5 * (q3 - q1)), float(q3 + 1.5 * (q3 - q1))


def _by_tender(bids: Sequence[BidRecord]) -> dict[str, list[BidRecord]]:
    out: dict[str, list[BidRecord]] = defaultdict(list)
    for b in bids:
        out[b.tender_id].append(b)
    return dict(out)


def _price_gaps(by_tender: dict[str, list[BidRecord]]) -> dict[str, float]:
    """(second-lowest valid − winning) / winning, for tenders with one winner that bid lowest."""
    gaps = {}
    for tid, rows in by_tender.items():
        valid = sorted((b for b in rows if not b.disqualified), key=lambda b: b.price)
        winners = [b for b in rows if b.winner]
        if len(winners) != 1 or len(valid) < 2 or winners[0].price <= 0:
            continue
        if valid[0].price != winners[0].price:
            continue
        second = next((b.price for b in valid if b is not winners[0] and b.bidder_id != winners[0].bidder_id), None)
        if second is not None:
            gaps[tid] = (second - winners[0].price) / winners[0].price
    return gaps


def _tender_flags(
    tenders: dict[str, TenderRecord], by_tender: dict[str, list[BidRecord]], r003_days: float
) -> list[RedFlag]:
    out = []
    for tid, t in sorted(tenders.items()):
        if (
            t.procurement_method == "open"
            and t.submission_period_days is not None
            and t.submission_period_days < r003_days
        ):
            out.append(
                RedFlag(
                    "R003",
                    "tender",
                    tid,
                    t.submission_period_days,
                    r003_days,
                    f"submission period {t.submission_period_days:g} days",
                )
            )
    for tid, rows in sorted(by_tender.items()):
        record = tenders.get(tid)
        method = record.procurement_method if record else "open"
        bidders = {b.bidder_id for b in rows}
        if len(bidders) == 1 and method in COMPETITIVE:
            out.append(RedFlag("R018", "tender", tid, 1.0, None, f"only {next(iter(bidders))} bid"))
        by_price: dict[float, set[str]] = defaultdict(set)
        for b in rows:
            by_price[b.price].add(b.bidder_id)
        for price, who in sorted(by_price.items()):
            if len(who) > 1:
                out.append(RedFlag("R028", "tender", tid, 1.0, None, f"{', '.join(sorted(who))} all bid {price:,.2f}"))
                out.extend(
                    RedFlag("R028", "bidder", w, 1.0, None, f"bid {price:,.2f} like others in {tid}")
                    for w in sorted(who)
                )
        winners = [b for b in rows if b.winner]
        if record is not None and record.deadline is not None:
            deadline = record.deadline
            late = [b for b in winners if b.received_at is not None and b.received_at > deadline]
            for b in late:
                out.append(
                    RedFlag(
                        "R030",
                        "tender",
                        tid,
                        1.0,
                        None,
                        f"{b.bidder_id} won with a bid received {b.received_at:%Y-%m-%d %H:%M}, after the deadline",
                    )
                )
        valid_bidders = {b.bidder_id for b in rows if not b.disqualified}
        disqualified = {b.bidder_id for b in rows if b.disqualified} - valid_bidders
        if len(valid_bidders) == 1 and winners and {b.bidder_id for b in winners} == valid_bidders and disqualified:
            out.append(
                RedFlag(
                    "R035",
                    "tender",
                    tid,
                    float(len(disqualified)),
                    1.0,
                    f"all but the winner disqualified: {', '.join(sorted(disqualified))}",
                )
            )
        if winners and rows:
            low = min(b.price for b in rows)  # ties: any bid at the lowest price (order-free, as the engines)
            at_low = [b for b in rows if b.price == low]
            lowest = next((b for b in at_low if b.disqualified), at_low[0])
            if lowest.disqualified:
                out.append(
                    RedFlag(
                        "R036",
                        "tender",
                        tid,
                        1.0,
                        None,
                        f"lowest bid ({lowest.bidder_id}, {lowest.price:,.2f}) disqualified",
                    )
                )
    return out


def _gap_flags(by_tender: dict[str, list[BidRecord]]) -> list[RedFlag]:
    gaps = _price_gaps(by_tender)
    if len(gaps) < 2:
        return []
    low, high = fences(gaps.values())
    out = []
    for tid, g in sorted(gaps.items()):
        if g <= low:
            out.append(RedFlag("R024", "tender", tid, g, low, f"second-lowest valid bid only {g:.2%} above the winner"))
        if g >= high:
            out.append(RedFlag("R058", "tender", tid, g, high, f"second-lowest valid bid {g:.2%} above the winner"))
    return out


def _bidder_flags(bids: Sequence[BidRecord], tenders: dict[str, TenderRecord]) -> list[RedFlag]:
    valid: dict[str, int] = defaultdict(int)
    wins: dict[str, int] = defaultdict(int)
    submitted: dict[str, int] = defaultdict(int)
    disq: dict[str, int] = defaultdict(int)
    classes: dict[str, set[str]] = defaultdict(set)
    for b in bids:
        submitted[b.bidder_id] += 1
        disq[b.bidder_id] += b.disqualified
        if not b.disqualified:
            valid[b.bidder_id] += 1
        if b.winner:
            wins[b.bidder_id] += 1
            t = tenders.get(b.tender_id)
            if t is not None:
                classes[b.bidder_id].update(c[:2] for c in t.item_classes if c)
    out = []
    if len(valid) >= 2:
        top = float(np.percentile(list(valid.values()), 75))
        ratios = {k: wins[k] / v for k, v in valid.items() if v > 0}
        low, _ = fences(ratios.values())
        for k in sorted(ratios):
            if valid[k] >= top and ratios[k] <= low:
                out.append(RedFlag("R025", "bidder", k, ratios[k], low, f"won {wins[k]} of {valid[k]} valid bids"))
    eligible = {k: disq[k] / n for k, n in submitted.items() if n >= 2}
    if len(eligible) >= 2:
        _, high = fences(eligible.values())
        for k in sorted(eligible):
            if eligible[k] > 0 and eligible[k] >= high:
                out.append(
                    RedFlag("R038", "bidder", k, eligible[k], high, f"{disq[k]} of {submitted[k]} bids disqualified")
                )
    if len(classes) >= 2:
        variety = {k: float(len(v)) for k, v in classes.items()}
        _, high = fences(variety.values())
        for k in sorted(variety):
            if variety[k] > 1 and variety[k] >= high:
                out.append(
                    RedFlag(
                        "R048", "bidder", k, variety[k], high, f"won items in {int(variety[k])} first-level classes"
                    )
                )
    return out


def _buyer_flags(by_tender: dict[str, list[BidRecord]], tenders: dict[str, TenderRecord]) -> list[RedFlag]:
    submitted: dict[str, int] = defaultdict(int)
    disq: dict[str, int] = defaultdict(int)
    processes: dict[str, int] = defaultdict(int)
    for tid, rows in by_tender.items():
        t = tenders.get(tid)
        if t is None or t.buyer_id is None:
            continue
        processes[t.buyer_id] += 1
        submitted[t.buyer_id] += len(rows)
        disq[t.buyer_id] += sum(b.disqualified for b in rows)
    ratios = {k: disq[k] / submitted[k] for k in submitted if processes[k] >= 2 and submitted[k]}
    if len(ratios) < 2:
        return []
    _, high = fences(ratios.values())
    return [
        RedFlag("R038", "buyer", k, r, high, f"disqualified {disq[k]} of {submitted[k]} bids received")
        for k, r in sorted(ratios.items())
        if r > 0 and r >= high
    ]


def red_flags(
    bids: Sequence[BidRecord], tenders: Sequence[TenderRecord] = (), *, r003_days: float = R003_DAYS
) -> list[RedFlag]:
    """Every flag of ``INDICATORS`` over the records, ordered by code, then subject and id."""
    tender_map = {t.tender_id: t for t in tenders}
    by_tender = _by_tender(bids)
    flags = (
        _tender_flags(tender_map, by_tender, r003_days)
        + _gap_flags(by_tender)
        + _bidder_flags(bids, tender_map)
        + _buyer_flags(by_tender, tender_map)
    )
    return sorted(flags, key=lambda f: (f.code, f.subject, f.subject_id, f.detail))
