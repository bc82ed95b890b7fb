"""The chronograph: fire a section's due events (deadline → opening, window close, publicity end → award).

``advance_clock`` applies one due event, recomputes the due list, and repeats until nothing is due; it
stores ``next_check`` so the scheduler in ``fairbid serve`` picks the section up again. Re-running it is
harmless: an event no longer due is simply not there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from fairbid.crypto.digest import canonical_json, sm3_hex
from fairbid.crypto.draw import compute_beacon
from fairbid.domain.actor import Actor, Role
from fairbid.domain.award import savings_rate
from fairbid.domain.bid import BidStatus, reject_undecrypted
from fairbid.domain.bid.opening import OpeningRecord
from fairbid.domain.section import Action, DueEvent, Section, apply_transition, due_events, next_check
from fairbid.ledger.chain import LedgerAction
from fairbid.ledger.snapshot import SubjectType, bid_snapshot, candidate_snapshot, section_snapshot
from fairbid.ports import Clock, UnitOfWork, UploadsInCheck
from fairbid.services.shared.screening import screen_within
from fairbid.services.shared.terms import drawn_k, pinned_k_values

__all__ = ["MIN_BIDS_TO_OPEN", "AdvanceResult", "advance_clock", "due_section_ids"]

MIN_BIDS_TO_OPEN = 3  # 招标投标法 第二十八条, 条例 第四十四条 (T07)
CHRONOGRAPH = Actor(role=Role.MACHINE, job="chronograph")


@dataclass(frozen=True, slots=True)
class AdvanceResult:
    section_id: str
    applied: tuple[Action, ...]
    status: str
    next_check: datetime | None


def due_section_ids(*, uow: UnitOfWork, clock: Clock) -> list[str]:
    """Sections whose stored ``next_check`` has come (what the scheduler loop polls)."""
    now = clock.now()
    with uow:
        return uow.sections.due_ids(now)


def advance_clock(
    section_id: str,
    *,
    uow: UnitOfWork,
    clock: Clock,
    uploads: UploadsInCheck | None = None,
    opening_wait: timedelta = timedelta(0),
) -> AdvanceResult:
    """Apply every event of the section that is due by ``clock.now()``, one at a time, in one transaction.

    The opening waits, at most ``opening_wait`` past the deadline, while ``uploads`` reports bids whose last
    byte arrived before the deadline and whose check is not finished (电子招标投标办法 第二十七条); when it began
    is recorded in the opening's entry. The section stays due, so the scheduler's next pass tries again.
    """
    now = clock.now()
    applied: list[Action] = []
    with uow:
        section = uow.sections.get(section_id, for_update=True)
        while True:
            due = [e for e in due_events(section) if e.is_due(now)]
            if not due:
                break
            cut_off = _opening_waits(section, due[0], uploads, clock, opening_wait)
            if cut_off is None:
                break
            applied.append(_apply(uow, section, due[0], now, cut_off))
        upcoming = next_check(section)
        uow.sections.save(section)
        uow.commit()
    return AdvanceResult(section.id, tuple(applied), section.status.value, upcoming)


def _opening_waits(
    section: Section, event: DueEvent, uploads: UploadsInCheck | None, clock: Clock, limit: timedelta
) -> int | None:
    """``None`` while the opening waits for bids being checked; else how many it stops waiting for (the bound)."""
    if event.action is not Action.OPEN_BIDS or uploads is None:
        return 0
    deadline = section.schedule.bid_deadline
    checked_at, in_check = uploads.in_check(section.id, before=deadline, clock=clock)
    if in_check and checked_at < deadline + limit:
        return None
    return in_check


def _apply(uow: UnitOfWork, section: Section, event: DueEvent, now: datetime, cut_off: int) -> Action:
    match event.action:
        case Action.START_BIDDING:
            apply_transition(section, Action.START_BIDDING, actor=CHRONOGRAPH, now=now)
            _log(uow, section, LedgerAction.SECTION_BIDDING_STARTED, event, now, {})
            return Action.START_BIDDING
        case Action.OPEN_BIDS:
            return _open_bids(uow, section, event, now, cut_off)
        case Action.CLOSE_DECRYPTION:
            _close_decryption(uow, section, event, now)
            return Action.CLOSE_DECRYPTION
        case Action.AWARD:
            _award(uow, section, event, now)
            return Action.AWARD
        case _:
            raise RuntimeError(f"the chronograph has no handler for {event.action}")


def _log(
    uow: UnitOfWork,
    section: Section,
    action: LedgerAction,
    event: DueEvent,
    now: datetime,
    payload: dict[str, object],
) -> None:
    uow.record(
        actor=CHRONOGRAPH,
        action=action,
        subject_type=SubjectType.SECTION,
        subject_id=section.id,
        payload={"due_at": event.due_at.isoformat(), **payload},
        snapshot=section_snapshot(section),
        now=now,
    )


def _open_bids(uow: UnitOfWork, section: Section, event: DueEvent, now: datetime, cut_off: int) -> Action:
    """At the deadline: fewer than three bids fails the section (流标); otherwise open and reveal the beacon.

    Opening appends the section's sealed entries (submissions, replacements, withdrawals) to the ledger; a
    section that fails here keeps them sealed — who bid stays secret (招标投标法 第二十二条) — and records an
    anchor of their chain (``trace.sealed_anchor``), so none can be dropped or added afterwards unnoticed.
    """
    sealed = [b for b in uow.bids.in_section(section.id) if b.status is BidStatus.SEALED]
    # when it began, and how many bids still being checked it stopped waiting for (refused when stored)
    timing: dict[str, object] = {
        "opened_after_deadline_ms": int((now - section.schedule.bid_deadline).total_seconds() * 1000)
    }
    if cut_off:
        timing["bids_in_check_at_the_wait_bound"] = cut_off
    if len(sealed) < MIN_BIDS_TO_OPEN:
        reason = (
            f"{len(sealed)} bid(s) were received by the deadline; with fewer than three the bids are not opened "
            "and the section must be re-tendered (招标投标法 第二十八条, 条例 第四十四条)."
        )
        apply_transition(section, Action.FAIL_FOR_TOO_FEW_BIDS, actor=CHRONOGRAPH, now=now, reason=reason)
        payload = {"reason": reason, "bids": len(sealed), "sealed_anchor": uow.sealed_anchor(section.id), **timing}
        _log(uow, section, LedgerAction.SECTION_FAILED, event, now, payload)
        return Action.FAIL_FOR_TOO_FEW_BIDS
    apply_transition(section, Action.OPEN_BIDS, actor=CHRONOGRAPH, now=now)
    released_head = uow.release_sealed(section.id)
    seed_hex = uow.sections.seed(section.id)
    if seed_hex is None:
        raise RuntimeError(f"section {section.id} was published without a seed")
    digests = sorted(b.envelope_digest for b in sealed)
    beacon = compute_beacon(bytes.fromhex(seed_hex), digests, section.id)
    section.beacon = beacon.hex()
    k_values = pinned_k_values(uow, section)
    k = drawn_k(section, k_values)
    uow.record(
        actor=CHRONOGRAPH,
        action=LedgerAction.BEACON_REVEALED,
        subject_type=SubjectType.SECTION,
        subject_id=section.id,
        payload={
            "seed": seed_hex,
            "seed_commitment": section.seed_commitment,
            "envelope_digests": digests,
            "beacon": section.beacon,
            "formula": "SM3(seed || sorted envelope digests || section id)",
            "k_values": [str(v) for v in k_values],
            "k": None if k is None else str(k),
        },
        now=now,
    )
    payload = {"bids": len(sealed), "sealed_log_head": released_head, **timing}
    _log(uow, section, LedgerAction.SECTION_OPENED, event, now, payload)
    return Action.OPEN_BIDS


def _close_decryption(uow: UnitOfWork, section: Section, event: DueEvent, now: datetime) -> None:
    """At the window's close: reject what was not decrypted, publish the opening record (开标记录)."""
    bids = uow.bids.in_section(section.id)
    for bid in bids:
        if reject_undecrypted(bid):
            uow.bids.save(bid)
            uow.record(
                actor=CHRONOGRAPH,
                action=LedgerAction.BID_REJECTED,
                subject_type=SubjectType.BID,
                subject_id=bid.id,
                payload={"reason": bid.reject_reason},
                snapshot=bid_snapshot(bid),
                now=now,
            )
    orgs = uow.organisations.names([b.bidder_id for b in bids])
    content: dict[str, object] = {
        "section": {"id": section.id, "code": section.code, "name": section.name},
        "bid_deadline": section.schedule.bid_deadline.isoformat(),
        "ceiling_price": str(section.ceiling_price),
        "beacon": section.beacon,
        "k": _k_text(drawn_k(section, pinned_k_values(uow, section))),
        "bids": [
            {
                "bidder": orgs[b.bidder_id].name,
                "credit_code": orgs[b.bidder_id].credit_code,
                "status": b.status.value,
                "price": None if b.data is None else str(b.data.price),
                "duration_days": None if b.data is None else b.data.duration_days,
                "quality": None if b.data is None else b.data.quality,
                "bid_security": None if b.data is None else b.data.bid_security_ref,
                "decrypted_at": None if b.decrypted_at is None else b.decrypted_at.isoformat(),
                "reason": b.reject_reason,
            }
            for b in bids
            if b.status is not BidStatus.WITHDRAWN
        ],
    }
    digest = sm3_hex(canonical_json(content))
    uow.openings.put(OpeningRecord(section_id=section.id, published_at=now, content=content, digest=digest))
    apply_transition(section, Action.CLOSE_DECRYPTION, actor=CHRONOGRAPH, now=now)
    uow.record(
        actor=CHRONOGRAPH,
        action=LedgerAction.OPENING_RECORD_PUBLISHED,
        subject_type=SubjectType.OPENING_RECORD,
        subject_id=section.id,
        payload={"digest": digest},
        snapshot={"digest": digest},
        now=now,
    )
    _log(uow, section, LedgerAction.SECTION_DECRYPTION_CLOSED, event, now, {})
    screen_within(uow, section.id, now=now)


def _award(uow: UnitOfWork, section: Section, event: DueEvent, now: datetime) -> None:
    """Publicity over with no objection pending: rank 1 wins (条例 第五十五条, state-funded)."""
    candidates = uow.candidates.in_section(section.id)
    winner = uow.candidates.mark_awarded(section.id, candidates[0].rank, at=now)
    rate = savings_rate(section.ceiling_price, winner.price)
    apply_transition(section, Action.AWARD, actor=CHRONOGRAPH, now=now)
    uow.record(
        actor=CHRONOGRAPH,
        action=LedgerAction.SECTION_AWARDED,
        subject_type=SubjectType.CANDIDATE,
        subject_id=f"{section.id}:{winner.rank}",
        payload={
            "section_id": section.id,
            "bidder_id": winner.bidder_id,
            "price": str(winner.price),
            "savings_rate_percent": str(rate),
            "savings_rate_baseline": "ceiling_price (最高投标限价)",
        },
        snapshot=candidate_snapshot(winner.rank, winner.bid_id, winner.bidder_id, str(winner.price), True),
        now=now,
    )
    _log(uow, section, LedgerAction.SECTION_AWARDED, event, now, {"winner": winner.bidder_id})


def _k_text(k: Decimal | None) -> str | None:
    return None if k is None else str(k)
