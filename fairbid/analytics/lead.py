"""Leads for supervisors (大数据分析移送线索): bidders, tenders, signals and evidence, as JSON and HTML.

A lead gathers findings about overlapping bidders: network findings (``network``), section signals raised
at openings (``fairbid.domain.collusion``), cross-tender red flags (``redflag``) and tender risk scores
(``risk``). Findings whose bidder sets share at least two bidders join the same lead. Leads are ranked by a
weight that counts strong evidence more (documented in ``WEIGHTS``); the weight orders the review queue and
says nothing about guilt. The PDF is made by the platform's renderer from ``render_leads_html``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from fairbid.analytics.network import NetworkFinding, analyse_network
from fairbid.analytics.record import BidRecord, TenderRecord
from fairbid.analytics.redflag import RedFlag, red_flags
from fairbid.analytics.risk import TenderRisk
from fairbid.domain.collusion import ADVISORY, CollusionSignalRaised
from fairbid.templating import render

__all__ = ["WEIGHTS", "Lead", "LeadSignal", "build_leads", "leads_report", "render_leads_html"]

WEIGHTS = {
    "section:strong": 3,
    "section:moderate": 2,
    "section:weak": 1,
    "network:rotation": 3,
    "network:together": 2,
    "network:cover": 2,
    "network:king": 1,
    "red-flag": 1,
    "risk:high": 2,
    "risk:elevated": 1,
}


@dataclass(frozen=True, slots=True)
class LeadSignal:
    """One piece of a lead: where it comes from, its code, the tender if any, and the evidence."""

    source: str  # "section" | "network" | "red-flag" | "risk"
    code: str
    tender: str | None
    bidders: tuple[str, ...]
    evidence: tuple[str, ...]
    citation: str | None = None


@dataclass(frozen=True, slots=True)
class Lead:
    """A lead: a stable id, the bidders and tenders involved, the signals and the ranking weight."""

    lead_id: str
    bidders: tuple[str, ...]
    tenders: tuple[str, ...]
    signals: tuple[LeadSignal, ...]
    weight: int


def _weight(s: LeadSignal, strength: str | None = None) -> int:
    if s.source == "section":
        return WEIGHTS[f"section:{strength or 'moderate'}"]
    if s.source == "network":
        return WEIGHTS[f"network:{s.code}"]
    if s.source == "risk":
        return WEIGHTS[f"risk:{s.code}"]
    return WEIGHTS["red-flag"]


def _from_network(f: NetworkFinding) -> LeadSignal:
    return LeadSignal("network", f.kind, None, f.bidders, (*f.evidence, "tenders: " + ", ".join(f.tenders)))


def build_leads(
    bids: Sequence[BidRecord],
    tenders: Sequence[TenderRecord] = (),
    *,
    section_signals: Mapping[str, Sequence[CollusionSignalRaised]] | None = None,
    tender_risks: Sequence[TenderRisk] = (),
    flags: Sequence[RedFlag] | None = None,
) -> list[Lead]:
    """Leads from all sources, heaviest first; each lead needs at least one multi-bidder finding."""
    seeds: list[tuple[LeadSignal, int, set[str], set[str]]] = []
    for f in analyse_network(bids, tenders):
        s = _from_network(f)
        seeds.append((s, _weight(s), set(f.bidders), set(f.tenders)))
    for tender_id, raised in sorted((section_signals or {}).items()):
        for sig in raised:
            s = LeadSignal("section", sig.code.value, tender_id, sig.bidders, sig.evidence, sig.citation)
            seeds.append((s, _weight(s, sig.strength.value), set(sig.bidders), {tender_id}))
    groups: list[tuple[set[str], set[str], list[tuple[LeadSignal, int]]]] = []
    for s, w, who, where in seeds:
        merged = [gr for gr in groups if len(gr[0] & who) >= 2 or (gr[0] == who)]
        for gr in merged:
            groups.remove(gr)
        bidders = set(who).union(*(gr[0] for gr in merged))
        tender_set = set(where).union(*(gr[1] for gr in merged))
        items = [(s, w)] + [item for gr in merged for item in gr[2]]
        groups.append((bidders, tender_set, items))
    flags = list(flags) if flags is not None else red_flags(bids, tenders)
    bidders_in: dict[str, set[str]] = {}
    for b in bids:
        bidders_in.setdefault(b.tender_id, set()).add(b.bidder_id)
    risks = {r.tender: r for r in tender_risks if r.score is not None and r.level in ("high", "elevated")}
    leads = []
    for bidders, tender_set, items in groups:
        if len(bidders) < 2:
            continue
        extra: list[tuple[LeadSignal, int]] = []
        for fl in flags:
            hit = (fl.subject == "bidder" and fl.subject_id in bidders) or (
                fl.subject == "tender"
                and fl.subject_id in tender_set
                and len(bidders_in.get(fl.subject_id, set()) & bidders) >= 2
            )
            if hit:
                s = LeadSignal(
                    "red-flag",
                    fl.code,
                    fl.subject_id if fl.subject == "tender" else None,
                    (),
                    (f"{fl.name}: {fl.detail}",),
                )
                extra.append((s, _weight(s)))
        for tid in sorted(tender_set & set(risks)):
            r = risks[tid]
            drivers = ", ".join(f"{d.screen} {d.contribution:+.2f}" for d in r.drivers)
            s = LeadSignal(
                "risk", r.level, tid, (), (f"screen-based risk {r.score:.2f} ({r.level}); drivers: {drivers}",)
            )
            extra.append((s, _weight(s)))
        all_items = items + extra
        unique: set[LeadSignal] = {item for item, _ in all_items}
        signals = tuple(sorted(unique, key=lambda x: (x.source, x.code, x.tender or "", x.bidders, x.evidence)))
        members = tuple(sorted(bidders))
        lead_id = "L-" + hashlib.sha256("|".join(members).encode()).hexdigest()[:10]
        leads.append(Lead(lead_id, members, tuple(sorted(tender_set)), signals, sum(w for _, w in all_items)))
    return sorted(leads, key=lambda lead: (-lead.weight, lead.lead_id))


def leads_report(leads: Sequence[Lead], *, generated_at: datetime, scope: str = "all tenders") -> dict[str, Any]:
    """The JSON-ready report: metadata, the advisory, and every lead with its signals."""
    return {
        "title": "围标串标线索移送报告（大数据分析） Collusion leads for supervisors",
        "generated_at": generated_at.isoformat(),
        "scope": scope,
        "advisory": ADVISORY,
        "audience": ["supervisor"],
        "weights": WEIGHTS,
        "leads": [asdict(lead) for lead in leads],
    }


def render_leads_html(report: Mapping[str, Any]) -> str:
    """The report as a standalone HTML page (the platform turns it into PDF with its own renderer)."""
    return render("reports/collusion_leads.html", report=report)
