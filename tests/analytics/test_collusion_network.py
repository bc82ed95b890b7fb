"""The co-bidding network and the leads report."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal

from fairbid.analytics.lead import build_leads, leads_report, render_leads_html
from fairbid.analytics.network import analyse_network
from fairbid.analytics.record import BidRecord, TenderRecord
from fairbid.domain.collusion import BidFacts, detect_section_signals


def _market() -> tuple[list[BidRecord], list[TenderRecord]]:
    """A ring of three (R1..R3) taking turns, a cover bidder COVER beside them, and honest firms."""
    bids: list[BidRecord] = []
    tenders = []
    ring = ["R1", "R2", "R3"]
    for i in range(9):
        tid = f"T{i:02d}"
        tenders.append(TenderRecord(tid, date=date(2025, 1, 1) + timedelta(days=30 * i)))
        turn = ring[i % 3]
        for j, r in enumerate(ring):
            bids.append(BidRecord(tid, r, 100.0 + (0 if r == turn else 3 + j), winner=r == turn))
        bids.append(BidRecord(tid, "COVER", 109.0))
        bids.append(BidRecord(tid, f"H{i % 4}", 104.5 + i))
    for i in range(6):
        tid = f"O{i}"
        tenders.append(TenderRecord(tid, date=date(2025, 6, 1) + timedelta(days=7 * i)))
        bids += [
            BidRecord(tid, f"H{i % 4}", 95.0, winner=True),
            BidRecord(tid, f"H{(i + 1) % 4}", 99.0),
            BidRecord(tid, "KING", 90.0, winner=False),
        ]
    return bids, tenders


def test_groups_that_bid_together_rotation_and_cover_bidders() -> None:
    bids, tenders = _market()
    found = {(f.kind, f.bidders) for f in analyse_network(bids, tenders)}
    assert ("together", ("COVER", "R1", "R2", "R3")) in found
    assert any(kind == "rotation" and set(who) >= {"R1", "R2", "R3"} for kind, who in found)
    assert any(kind == "cover" and who[0] == "COVER" for kind, who in found)
    assert not any("H0" in who for kind, who in found if kind in ("together", "rotation"))


def test_rotation_evidence_lists_winners_in_date_order() -> None:
    bids, tenders = _market()
    (rotation,) = [f for f in analyse_network(bids, tenders) if f.kind == "rotation"]
    assert "R1 → R2 → R3 → R1" in rotation.evidence[1]


def test_leads_merge_network_findings_and_section_signals() -> None:
    bids, tenders = _market()
    section = detect_section_signals(
        [BidFacts("R1", Decimal("100"), upload_ip="10.1.1.1"), BidFacts("R2", Decimal("103"), upload_ip="10.1.1.1")],
        ceiling_price=None,
    )
    leads = build_leads(bids, tenders, section_signals={"T00": section})
    top = leads[0]
    assert {"R1", "R2", "R3"} <= set(top.bidders)
    sources = {s.source for s in top.signals}
    assert {"network", "section"} <= sources
    assert any(s.citation and "第四十条" in s.citation for s in top.signals)
    report = leads_report(leads, generated_at=datetime(2026, 1, 2, 3, 4, 5))
    text = json.dumps(report, ensure_ascii=False)
    assert "never proof" in text and top.lead_id in text
    html = render_leads_html(report)
    assert html.startswith("<!doctype html>") and top.lead_id in html and "R1" in html
    assert "<script" not in html


def test_report_html_escapes_evidence() -> None:
    bids = [BidRecord("T1", "<b>A</b>", 1.0), BidRecord("T1", "B", 2.0)]
    section = detect_section_signals(
        [BidFacts("<b>A</b>", Decimal("1"), contact_phone="1"), BidFacts("B", Decimal("2"), contact_phone="1")],
        ceiling_price=None,
    )
    html = render_leads_html(
        leads_report(build_leads(bids, section_signals={"T1": section}), generated_at=datetime(2026, 1, 1))
    )
    assert "<b>A</b>" not in html and "&lt;b&gt;A&lt;/b&gt;" in html
