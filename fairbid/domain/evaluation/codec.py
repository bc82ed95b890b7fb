"""The evaluation's stored shapes as JSON values and back: the committee aggregate, sheets and warnings.

One codec, pure: the store persists these shapes, and the ledger's snapshots hash them (``ledger.snapshot``), so
what ``fairbid ledger verify`` recomputes from a stored row is exactly what was vouched for when it was written.
Decimals travel as strings and aware UTC times as ISO 8601.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from fairbid.domain.evaluation.committee import (
    Committee,
    CommitteeSchedule,
    EvaluationOutcome,
    MachineReview,
    MemberSheet,
    PriceSummary,
    RankedRow,
    ReportRecord,
    ReportSignature,
    Representative,
)
from fairbid.domain.evaluation.model import BidScore, ScoreSheet
from fairbid.domain.evaluation.price import Adjustment, Benchmark, ComparisonRow
from fairbid.domain.evaluation.review import BidReview, CheckKind, CheckResult, ExpertVerdict
from fairbid.domain.expert.draw import CommitteeDraw, DrawnSeat, SeatStatus
from fairbid.domain.expert.model import Period
from fairbid.domain.expert.plan import SeatQuota
from fairbid.domain.terms.objective import ObjectiveScore

__all__ = [
    "committee_from_json",
    "committee_to_json",
    "draw_from_json",
    "draw_to_json",
    "review_to_json",
    "sheet_bids_from_json",
    "sheet_bids_to_json",
]


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _when(text: str) -> datetime:
    return _aware(datetime.fromisoformat(text))


def _aware(moment: datetime) -> datetime:  # a stored time without a zone is UTC
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _decimals(values: Mapping[str, Decimal]) -> dict[str, str]:
    return {k: str(v) for k, v in sorted(values.items())}


def draw_to_json(draw: CommitteeDraw) -> dict[str, Any]:
    """The draw state as JSON (seats in draw order, rounds, round-0 eligible counts)."""
    return {
        "rounds": draw.rounds,
        "eligible_counts": [list(c) for c in draw.eligible_counts],
        "seats": [
            {
                "expert_id": s.expert_id,
                "venue_id": s.venue_id,
                "specialty": s.specialty,
                "round": s.round,
                "invited_at": _iso(s.invited_at),
                "status": s.status.value,
                "answered_at": None if s.answered_at is None else _iso(s.answered_at),
                "replaced": s.replaced,
            }
            for s in draw.seats
        ],
    }


def draw_from_json(data: Mapping[str, Any]) -> CommitteeDraw:
    """The inverse of ``draw_to_json``."""
    return CommitteeDraw(
        seats=tuple(
            DrawnSeat(
                s["expert_id"],
                s["venue_id"],
                s["specialty"],
                int(s["round"]),
                _when(s["invited_at"]),
                SeatStatus(s["status"]),
                None if s["answered_at"] is None else _when(s["answered_at"]),
                bool(s["replaced"]),
            )
            for s in data["seats"]
        ),
        rounds=int(data["rounds"]),
        eligible_counts=tuple((str(v), str(sp), int(n)) for v, sp, n in data["eligible_counts"]),
    )


def schedule_to_json(s: CommitteeSchedule) -> dict[str, Any]:
    return {
        "quotas": [{"venue_id": q.venue_id, "specialty": q.specialty, "count": q.count} for q in s.quotas],
        "evaluation_start": _iso(s.evaluation.start),
        "evaluation_end": _iso(s.evaluation.end),
        "answer_minutes": s.answer_minutes,
        "main_venue": s.main_venue,
        "min_secondary_share": None if s.min_secondary_share is None else str(s.min_secondary_share),
    }


def schedule_from_json(p: Mapping[str, Any]) -> CommitteeSchedule:
    share = p.get("min_secondary_share")
    return CommitteeSchedule(
        quotas=tuple(SeatQuota(q["venue_id"], q["specialty"], int(q["count"])) for q in p["quotas"]),
        evaluation=Period(_when(p["evaluation_start"]), _when(p["evaluation_end"])),
        answer_minutes=int(p["answer_minutes"]),
        main_venue=p.get("main_venue"),
        min_secondary_share=None if share is None else Decimal(share),
    )


def _review_json(review: BidReview) -> list[dict[str, Any]]:
    return [
        {
            "check_id": r.check_id,
            "kind": r.kind.value,
            "passed": r.passed,
            "reason": r.reason,
            "citation": r.citation,
            "verdicts": [
                {"expert_id": v.expert_id, "agrees": v.agrees, "reason": v.reason, "at": _iso(v.at)} for v in r.verdicts
            ],
        }
        for r in review.results
    ]


def _review_from(bid_id: str, results: list[Mapping[str, Any]]) -> BidReview:
    return BidReview(
        bid_id,
        tuple(
            CheckResult(
                r["check_id"],
                CheckKind(r["kind"]),
                bool(r["passed"]),
                r["reason"],
                r["citation"],
                tuple(
                    ExpertVerdict(v["expert_id"], bool(v["agrees"]), v["reason"], _when(v["at"])) for v in r["verdicts"]
                ),
            )
            for r in results
        ),
    )


def _price_to_json(p: PriceSummary) -> dict[str, Any]:
    b = p.benchmark
    return {
        "k": None if p.k is None else str(p.k),
        "k_values": [str(v) for v in p.k_values],
        "benchmark": str(b.value),
        "mean": str(b.mean),
        "used": list(b.used),
        "removed_low": list(b.removed_low),
        "removed_high": list(b.removed_high),
        "excluded": list(b.excluded),
        "scores": _decimals(p.scores),
    }


def _price_from(p: Mapping[str, Any] | None) -> PriceSummary | None:
    if not p:
        return None
    k = None if p.get("k") is None else Decimal(p["k"])
    benchmark = Benchmark(
        Decimal(p["benchmark"]),
        Decimal(p["mean"]),
        tuple(p["used"]),
        tuple(p["removed_low"]),
        tuple(p["removed_high"]),
        k,
        tuple(p.get("excluded", [])),
    )
    return PriceSummary(
        k, tuple(Decimal(v) for v in p["k_values"]), benchmark, {b: Decimal(s) for b, s in p["scores"].items()}
    )


def review_to_json(review: MachineReview) -> dict[str, Any]:
    """The machine review as stored (and as its ledger snapshot hashes it)."""
    return {
        "started_at": _iso(review.started_at),
        "reviews": {b: _review_json(r) for b, r in sorted(review.reviews.items())},
        "scored": list(review.scored),
        "price": None if review.price is None else _price_to_json(review.price),
        "objective": {
            b: [{"item_id": s.item_id, "score": str(s.score), "evidence": s.evidence} for s in scores]
            for b, scores in sorted(review.objective.items())
        },
    }


def review_from_json(m: Mapping[str, Any]) -> MachineReview:
    return MachineReview(
        started_at=_when(m["started_at"]),
        reviews={b: _review_from(b, r) for b, r in m["reviews"].items()},
        scored=tuple(m["scored"]),
        price=_price_from(m.get("price")),
        objective={
            b: tuple(ObjectiveScore(s["item_id"], b, Decimal(s["score"]), s["evidence"]) for s in scores)
            for b, scores in m.get("objective", {}).items()
        },
    )


def outcome_to_json(o: EvaluationOutcome) -> dict[str, Any]:
    return {
        "finished_at": _iso(o.finished_at),
        "valid": list(o.valid),
        "ranking": [
            {"rank": r.rank, "bid_id": r.bid_id, "decided_by": r.decided_by, "total": str(r.total)} for r in o.ranking
        ],
        "price": None if o.price is None else _price_to_json(o.price),
        "totals": {
            b: {
                "items": _decimals(t.items),
                "subjective": str(t.subjective_total),
                "objective": str(t.objective_total),
                "total": str(t.total),
            }
            for b, t in sorted(o.totals.items())
        },
        "comparison": [
            {
                "position": c.position,
                "bid_id": c.bid_id,
                "bid_price": str(c.bid_price),
                "adjustments": [[a.reason, str(a.amount)] for a in c.adjustments],
                "evaluated_price": str(c.evaluated_price),
            }
            for c in o.comparison
        ],
    }


def outcome_from_json(o: Mapping[str, Any]) -> EvaluationOutcome:
    totals = {}
    for b, t in o.get("totals", {}).items():
        items = {k: Decimal(v) for k, v in t["items"].items()}
        total = Decimal(t["total"])
        totals[b] = BidScore(b, items, Decimal(t.get("subjective", "0")), Decimal(t.get("objective", "0")), total)
    return EvaluationOutcome(
        finished_at=_when(o["finished_at"]),
        valid=tuple(o["valid"]),
        ranking=tuple(
            RankedRow(int(r["rank"]), r["bid_id"], r["decided_by"], Decimal(r["total"])) for r in o["ranking"]
        ),
        price=_price_from(o.get("price")),
        totals=totals,
        comparison=tuple(
            ComparisonRow(
                int(c["position"]),
                c["bid_id"],
                Decimal(c["bid_price"]),
                tuple(Adjustment(str(a[0]), Decimal(a[1])) for a in c["adjustments"]),
                Decimal(c["evaluated_price"]),
            )
            for c in o.get("comparison", [])
        ),
    )


def report_to_json(r: ReportRecord) -> dict[str, Any]:
    return {
        "pdf": r.pdf,
        "docx": r.docx,
        "issued_at": _iso(r.issued_at),
        "signatures": [
            {"expert_id": s.member_id, "signature": s.signature, "dissent": s.dissent, "at": _iso(s.at)}
            for s in r.signatures
        ],
    }


def report_from_json(r: Mapping[str, Any]) -> ReportRecord:
    return ReportRecord(
        r["pdf"],
        r["docx"],
        _when(r["issued_at"]),
        tuple(ReportSignature(s["expert_id"], s["signature"], s["dissent"], _when(s["at"])) for s in r["signatures"]),
    )


def committee_to_json(c: Committee) -> dict[str, Any]:
    """The whole aggregate (but its version) as JSON values: what the ledger's committee snapshot hashes."""
    return {
        "section_id": c.section_id,
        "beacon": c.beacon,
        "plan": schedule_to_json(c.schedule),
        "draw": draw_to_json(c.draw),
        "representatives": [
            {"user_id": r.user_id, "name": r.name, "signing_key": r.signing_key} for r in c.representatives
        ],
        "review": None if c.review is None else review_to_json(c.review),
        "outcome": None if c.outcome is None else outcome_to_json(c.outcome),
        "report": None if c.report is None else report_to_json(c.report),
        "created_at": _iso(c.created_at),
    }


def committee_from_json(data: Mapping[str, Any], *, version: int) -> Committee:
    """The inverse of ``committee_to_json``."""
    return Committee(
        section_id=data["section_id"],
        beacon=data["beacon"],
        schedule=schedule_from_json(data["plan"]),
        draw=draw_from_json(data["draw"]),
        created_at=_when(data["created_at"]),
        representatives=tuple(
            Representative(r["user_id"], r["name"], r.get("signing_key")) for r in data["representatives"]
        ),
        review=None if data["review"] is None else review_from_json(data["review"]),
        outcome=None if data["outcome"] is None else outcome_from_json(data["outcome"]),
        report=None if data["report"] is None else report_from_json(data["report"]),
        version=version,
    )


def sheet_bids_to_json(sheet: MemberSheet) -> dict[str, Any]:
    """A member's sheet, every bid's scores, as stored (and as its ledger snapshot hashes it)."""
    return {
        b: {
            "scores": _decimals(s.scores),
            "stated_total": None if s.stated_total is None else str(s.stated_total),
            "submitted_at": _iso(s.submitted_at),
            "revision_reason": s.revision_reason,
        }
        for b, s in sorted(sheet.bids.items())
    }


def sheet_bids_from_json(member_id: str, bids: Mapping[str, Any]) -> dict[str, ScoreSheet]:
    """The inverse of ``sheet_bids_to_json``."""
    return {
        b: ScoreSheet(
            member_id,
            b,
            {k: Decimal(v) for k, v in d["scores"].items()},
            _when(d["submitted_at"]),
            None if d.get("stated_total") is None else Decimal(d["stated_total"]),
            d.get("revision_reason", ""),
        )
        for b, d in bids.items()
    }
