"""Cross-tender red flags (cardinal-rs indicator set) over plain records."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from fairbid.analytics.record import BidRecord, TenderRecord
from fairbid.analytics.redflag import INDICATORS, fences, red_flags


def _flags(bids: list[BidRecord], tenders: list[TenderRecord] = ()) -> set[tuple[str, str, str]]:  # type: ignore[assignment]
    return {(f.code, f.subject, f.subject_id) for f in red_flags(bids, tenders)}


def _tender(
    tid: str, prices: dict[str, float], *, winner: str | None = None, out: tuple[str, ...] = ()
) -> list[BidRecord]:
    winner = winner or min(prices, key=prices.__getitem__)
    return [BidRecord(tid, b, p, winner=b == winner, disqualified=b in out) for b, p in prices.items()]


def test_fences_are_tukeys() -> None:
    assert fences([1, 2, 3, 4, 5]) == pytest.approx((-1.0, 7.0))
    with pytest.raises(ValueError):
        fences([])


def test_r003_short_submission_period_uses_the_20_day_rule() -> None:
    tenders = [
        TenderRecord("T1", submission_period_days=12),
        TenderRecord("T2", submission_period_days=25),
        TenderRecord("T3", procurement_method="negotiated", submission_period_days=3),
    ]
    assert {f for f in _flags([], tenders) if f[0] == "R003"} == {("R003", "tender", "T1")}


def test_r018_single_bid_and_r028_identical_prices() -> None:
    bids = _tender("T1", {"A": 100.0}) + _tender("T2", {"A": 100.0, "B": 100.0, "C": 120.0}, winner="A")
    flags = _flags(bids)
    assert ("R018", "tender", "T1") in flags and ("R018", "tender", "T2") not in flags
    assert {("R028", "tender", "T2"), ("R028", "bidder", "A"), ("R028", "bidder", "B")} <= flags


def test_r024_and_r058_use_the_fences_of_the_gap_to_the_runner_up() -> None:
    bids: list[BidRecord] = []
    for i, gap in enumerate([0.05, 0.06, 0.05, 0.07, 0.06, 0.05, 0.0005, 0.60]):
        bids += _tender(f"T{i}", {"W": 100.0, "L": 100.0 * (1 + gap), "X": 200.0})
    flags = _flags(bids)
    assert ("R024", "tender", "T6") in flags
    assert ("R058", "tender", "T7") in flags
    assert not {f for f in flags if f[0] in ("R024", "R058") and f[2] not in ("T6", "T7")}


def test_r025_top_tenderer_that_rarely_wins() -> None:
    bids: list[BidRecord] = []
    for i in range(12):
        bids += _tender(f"T{i}", {"LOSER": 130.0, f"W{i}": 100.0, f"V{i % 3}": 110.0 + i})
    flagged = {f for f in _flags(bids) if f[0] == "R025"}
    assert ("R025", "bidder", "LOSER") in flagged


def test_r030_late_winner_r035_r036_disqualifications() -> None:
    deadline = datetime(2026, 3, 15, 9, 0)
    late = [
        BidRecord("T1", "A", 100.0, winner=True, received_at=datetime(2026, 3, 16, 9, 0)),
        BidRecord("T1", "B", 110.0, received_at=datetime(2026, 3, 14)),
    ]
    only_winner_valid = _tender("T2", {"A": 120.0, "B": 100.0, "C": 110.0}, winner="A", out=("B", "C"))
    flags = _flags(late + only_winner_valid, [TenderRecord("T1", deadline=deadline)])
    assert ("R030", "tender", "T1") in flags
    assert ("R035", "tender", "T2") in flags
    assert ("R036", "tender", "T2") in flags


def test_r038_excessive_disqualified_bids_for_bidders_and_buyers() -> None:
    bids: list[BidRecord] = []
    tenders = []
    for i in range(10):
        buyer = "BAD" if i < 2 else f"B{i % 4}"
        tenders.append(TenderRecord(f"T{i}", buyer_id=buyer, date=date(2026, 1, 1 + i)))
        bids += _tender(
            f"T{i}",
            {"SHAM": 90.0, "A": 100.0 + i, "C": 105.0 + i, "D": 107.0 + i},
            winner="A",
            out=("SHAM",) + (("C", "D") if buyer == "BAD" else ()),
        )
    flags = _flags(bids, tenders)
    assert ("R038", "bidder", "SHAM") in flags
    assert ("R038", "buyer", "BAD") in flags
    assert ("R038", "bidder", "A") not in flags


def test_r048_heterogeneous_supplier() -> None:
    tenders = [TenderRecord(f"T{i}", item_classes=(f"{(i % 9) + 10}000000",)) for i in range(9)]
    tenders += [TenderRecord(f"U{i}", item_classes=("45000000",)) for i in range(8)]
    bids = [BidRecord(f"T{i}", "ANYTHING", 100.0, winner=True) for i in range(9)]
    bids += [BidRecord(f"U{i}", f"S{i}", 100.0, winner=True) for i in range(8)]
    assert ("R048", "bidder", "ANYTHING") in _flags(bids, tenders)


def test_every_indicator_is_named() -> None:
    assert set(INDICATORS) == {"R003", "R018", "R024", "R025", "R028", "R030", "R035", "R036", "R038", "R048", "R058"}
