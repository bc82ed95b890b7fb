"""The public record of a section: schedule, opening record, candidates and award (公开信息)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from fairbid.domain.actor import Actor
from fairbid.domain.award import savings_rate
from fairbid.domain.section import Section
from fairbid.ports import UnitOfWork
from fairbid.services.tendering.section import get_section

__all__ = ["CandidateLine", "SectionRecord", "TimelineEntry", "section_record", "section_timeline"]


@dataclass(frozen=True, slots=True)
class CandidateLine:
    rank: int
    bidder: str
    credit_code: str
    price: Decimal
    awarded_at: datetime | None


@dataclass(frozen=True, slots=True)
class SectionRecord:
    section: Section
    opening_record: dict[str, Any] | None
    opening_record_digest: str | None
    candidates: list[CandidateLine] = field(default_factory=list)
    savings_rate_percent: Decimal | None = None
    savings_rate_baseline: str = "ceiling price (最高投标限价)"


def section_record(section_id: str, *, uow: UnitOfWork, actor: Actor) -> SectionRecord:
    """Everything public about a section; nothing about bids before the opening (招标投标法 第二十二条)."""
    section = get_section(section_id, uow=uow, actor=actor)
    with uow:
        rec = uow.openings.get(section.id)
        cands = uow.candidates.in_section(section.id)
        orgs = uow.organisations.names([c.bidder_id for c in cands])
    lines = [
        CandidateLine(c.rank, orgs[c.bidder_id].name, orgs[c.bidder_id].credit_code, c.price, c.awarded_at)
        for c in cands
    ]
    winner = next((c for c in lines if c.awarded_at is not None), None)
    return SectionRecord(
        section=section,
        opening_record=None if rec is None else dict(rec.content),
        opening_record_digest=None if rec is None else rec.digest,
        candidates=lines,
        savings_rate_percent=None if winner is None else savings_rate(section.ceiling_price, winner.price),
    )


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    seq: int
    recorded_at: datetime
    who: str
    action: str
    machine: bool


def section_timeline(section_id: str, *, uow: UnitOfWork, actor: Actor) -> list[TimelineEntry]:
    """Every ledger entry about the section, its bids, record and candidates, in order (全程留痕)."""
    section = get_section(section_id, uow=uow, actor=actor)
    with uow:
        bids = [] if section.bids_sealed else uow.bids.in_section(section.id)
        subjects = {("section", section.id), ("opening_record", section.id)}
        subjects |= {("bid", b.id) for b in bids}
        subjects |= {("candidate", f"{section.id}:{rank}") for rank in range(1, 4)}
        rows = uow.ledger.for_subjects(subjects)
        users = {r.actor_id for r in rows if r.actor_kind == "person"}
        names = {u: uow.users.get(u).display_name for u in users}
    return [
        TimelineEntry(
            seq=r.seq,
            recorded_at=r.recorded_at,
            who=f"machine ({r.actor_id})" if r.actor_kind == "machine" else f"{r.actor_role}: {names[r.actor_id]}",
            action=r.action,
            machine=r.actor_kind == "machine",
        )
        for r in rows
    ]
