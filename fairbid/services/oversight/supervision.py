"""Across tenders, for the supervisor (大数据分析移送线索): leads from every opened section on the platform.

The database becomes the plain records of ``fairbid.analytics``: one ``TenderRecord`` per section past the
opening (tender id = section code, buyer = tenderee, submission period = sale start to deadline, ceiling),
one ``BidRecord`` per decrypted bid (winner = the awarded candidate; disqualified = rejected, or failed by the
committee's review, 否决投标, once the evaluation is over). Bids rejected before decryption have no price and are
left out. The section signals and risk scores stored at each
opening (``services.collusion``) join the co-bidding network and the red flags in ``build_leads``.

Bidders are labelled ``name [credit code]`` so the report reads without a lookup. Leads are clues for human
review, never proof (发改法规〔2026〕195号 (十一)); only the supervisor and the centre may read them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from fairbid.analytics import BidRecord, TenderRecord, TenderRisk, build_leads, leads_report, red_flags
from fairbid.analytics.risk import Driver
from fairbid.domain.actor import Actor, Role
from fairbid.domain.bid import BidStatus
from fairbid.domain.collusion import CollusionSignalRaised, SignalCode, Strength
from fairbid.domain.errors import NotPermitted
from fairbid.domain.evaluation.committee import Committee
from fairbid.domain.records import CollusionWarningRecord
from fairbid.domain.section import Section, SectionStatus
from fairbid.ports import Clock, UnitOfWork

__all__ = ["OPENED", "SupervisionOverview", "leads_for_supervisor", "supervision_overview"]

OPENED = frozenset(
    {SectionStatus.EVALUATION, SectionStatus.PUBLICISED, SectionStatus.AWARDED, SectionStatus.CONTRACTED}
)
_READERS = (Role.SUPERVISOR, Role.OPERATOR, Role.MACHINE)  # the machine: the local CLI on the server


def _ensure_reader(actor: Actor) -> None:
    if actor.role not in _READERS:
        raise NotPermitted("Collusion leads are for the supervisor and the centre only.")


@dataclass(frozen=True, slots=True)
class _Platform:
    sections: list[Section]
    tenders: list[TenderRecord]
    bids: list[BidRecord]
    warnings: dict[str, list[CollusionWarningRecord]]  # by section code
    labels: dict[str, str]  # organisation id → "name [credit code]"


def _load(uow: UnitOfWork) -> _Platform:
    sections = sorted((s for s in uow.sections.list_all() if s.status in OPENED), key=lambda s: s.code)
    committees = uow.committees
    tenders, bids, bidder_ids = [], [], set()
    raw: list[tuple[str, str, float, bool, bool, Any]] = []
    for s in sections:
        tenders.append(
            TenderRecord(
                tender_id=s.code,
                date=s.schedule.bid_deadline.date(),
                buyer_id=s.tenderee_id,
                submission_period_days=(s.schedule.bid_deadline - s.schedule.sale_start).total_seconds() / 86400,
                deadline=s.schedule.bid_deadline,
                ceiling=float(s.ceiling_price),
                item_classes=(s.kind.value,),
            )
        )
        won = {c.bid_id for c in uow.candidates.in_section(s.id) if c.awarded_at is not None}
        failed_review = _failed_review(committees.find(s.id))
        for b in uow.bids.in_section(s.id):
            if b.data is None or b.status not in (BidStatus.DECRYPTED, BidStatus.REJECTED):
                continue
            bidder_ids.add(b.bidder_id)
            disqualified = b.status is BidStatus.REJECTED or b.id in failed_review
            raw.append((s.code, b.bidder_id, float(b.data.price), b.id in won, disqualified, b))
    orgs = uow.organisations.names(sorted(bidder_ids))
    labels = {k: f"{o.name} [{o.credit_code}]" for k, o in orgs.items()}
    for code, bidder, price, winner, disq, b in raw:
        bids.append(BidRecord(code, labels.get(bidder, bidder), price, winner, disq, b.submitted_at))
    by_id = {s.id: s.code for s in sections}
    warnings: dict[str, list[CollusionWarningRecord]] = {}
    for w in uow.collusion_warnings.all():
        if w.section_id in by_id:
            warnings.setdefault(by_id[w.section_id], []).append(w)
    return _Platform(sections, tenders, bids, warnings, labels)


def _failed_review(committee: Committee | None) -> frozenset[str]:
    """Bids the committee's finished review found invalid (条例 第五十一条): reviewed, but not in the valid set."""
    if committee is None or committee.outcome is None or committee.review is None:
        return frozenset()
    return frozenset(set(committee.review.reviews) - set(committee.outcome.valid))


def _signal(w: CollusionWarningRecord, labels: dict[str, str]) -> CollusionSignalRaised:
    p = w.payload
    return CollusionSignalRaised(
        code=SignalCode(p["code"]),
        bidders=tuple(labels.get(b, b) for b in p.get("bidders", [])),
        evidence=tuple(p.get("evidence", [])),
        strength=Strength(p.get("strength", "moderate")),
        citation=str(p.get("citation", "")),
    )


def _risk(code: str, w: CollusionWarningRecord) -> TenderRisk:
    p = w.payload
    drivers = tuple(Driver(d["screen"], d.get("value") or 0.0, d["contribution"]) for d in p.get("drivers", []))
    screens = {k: v for k, v in p.get("screens", {}).items() if v is not None}
    return TenderRisk(code, int(p.get("n_bids", 0)), p.get("score"), str(p.get("level")), screens, drivers)


def _signals_and_risks(data: _Platform) -> tuple[dict[str, list[CollusionSignalRaised]], list[TenderRisk]]:
    signals: dict[str, list[CollusionSignalRaised]] = {}
    risks: list[TenderRisk] = []
    for code, stored in data.warnings.items():
        for w in stored:
            if w.payload.get("kind") == "risk":
                risks.append(_risk(code, w))
            elif w.code in SignalCode._value2member_map_:
                signals.setdefault(code, []).append(_signal(w, data.labels))
    return signals, risks


def leads_for_supervisor(*, uow: UnitOfWork, clock: Clock, actor: Actor) -> dict[str, Any]:
    """The leads report (JSON-ready) over every opened section: network, red flags, signals and risks."""
    now = clock.now()
    _ensure_reader(actor)
    with uow:
        data = _load(uow)
    signals, risks = _signals_and_risks(data)
    flags = red_flags(data.bids, data.tenders)
    leads = build_leads(data.bids, data.tenders, section_signals=signals, tender_risks=risks, flags=flags)
    report = leads_report(leads, generated_at=now, scope=f"{len(data.sections)} opened sections on this platform")
    report["red_flags"] = [
        {"code": f.code, "name": f.name, "subject": f.subject, "subject_id": f.subject_id, "detail": f.detail}
        for f in flags
    ]
    return report


@dataclass(frozen=True, slots=True)
class SupervisionOverview:
    """What the supervisor's dashboard charts: per section, per signal, and the risk scores."""

    sections: list[dict[str, Any]]  # code, name, status, signals, strong, risk score, level
    per_signal: dict[str, int]


def supervision_overview(*, uow: UnitOfWork, actor: Actor) -> SupervisionOverview:
    """Warnings per section and per signal code, and the risk score of each opened section."""
    _ensure_reader(actor)
    with uow:
        data = _load(uow)
    per_signal: Counter[str] = Counter()
    rows = []
    for s in data.sections:
        stored = data.warnings.get(s.code, [])
        sig = [w for w in stored if w.payload.get("kind") != "risk"]
        risk = next((w.payload for w in stored if w.payload.get("kind") == "risk"), {})
        per_signal.update(w.code for w in sig)
        rows.append(
            {
                "id": s.id,
                "code": s.code,
                "name": s.name,
                "status": s.status.value,
                "signals": len(sig),
                "strong": sum(1 for w in sig if w.payload.get("strength") == "strong"),
                "risk_score": risk.get("score"),
                "risk_level": risk.get("level", "—"),
            }
        )
    return SupervisionOverview(rows, dict(sorted(per_signal.items(), key=lambda kv: (-kv[1], kv[0]))))
