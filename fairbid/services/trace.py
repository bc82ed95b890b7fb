"""Writing the trace: ledger entries appended in the same unit of work as the change they record.

This module is shared plumbing for the use cases, not a use case itself. The ``*_snapshot`` functions fix
what the ledger tracks of each subject; ``verify_ledger`` recomputes them from the rows.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from fairbid.crypto.digest import canonical_json, sm3_hex
from fairbid.domain.actor import Actor
from fairbid.domain.bid import Bid
from fairbid.domain.section import Section, next_check
from fairbid.ledger.chain import (
    GENESIS_HASH,
    EntryContent,
    LedgerAction,
    entry_commitment,
    entry_hash,
    payload_digest,
    sealed_link,
    subject_digest,
)
from fairbid.ledger.export import entry_leaf
from fairbid.ledger.merkle import MerkleTree
from fairbid.store.ledger_store import FRONTIERS, SqlNodeStore, backfill_merkle_nodes, insert_entry, lock_ledger
from fairbid.store.objection_store import StoredObjection
from fairbid.store.rows import SealedEntryRow
from fairbid.store.uow import SqlUnitOfWork

__all__ = [
    "bid_snapshot",
    "candidate_snapshot",
    "collusion_warning_snapshot",
    "objection_snapshot",
    "record",
    "record_sealed",
    "release_sealed",
    "review_snapshot",
    "save_section",
    "score_sheet_snapshot",
    "sealed_anchor",
    "sealed_fields",
    "sealed_head",
    "section_snapshot",
]


def section_snapshot(s: Section) -> dict[str, Any]:
    return {
        "id": s.id,
        "code": s.code,
        "status": s.status.value,
        "estimated_price": str(s.estimated_price),
        "ceiling_price": str(s.ceiling_price),
        "sale_start": s.schedule.sale_start.isoformat(),
        "sale_end": s.schedule.sale_end.isoformat(),
        "bid_deadline": s.schedule.bid_deadline.isoformat(),
        "decryption_minutes": s.schedule.decryption_minutes,
        "publicity_days": s.schedule.publicity_days,
        "seed_commitment": s.seed_commitment,
        "beacon": s.beacon,
        "document_digest": s.document_digest,
        # who may act on it and what the public was told: changed behind the platform's back, caught
        "tenderee_id": s.tenderee_id,
        "agency_id": s.agency_id,
        "state_funded": s.state_funded,
        "publicity_ends": None if s.publicity_ends is None else s.publicity_ends.isoformat(),
        "outcome_reason": s.outcome_reason,
    }


def objection_snapshot(o: StoredObjection) -> dict[str, Any]:
    return {
        "id": o.id,
        "section_id": o.section_id,
        "stage": o.stage,
        "raised_by": o.raised_by,
        "text": o.text,
        "answer": o.answer,
        "answered_at": None if o.answered_at is None else o.answered_at.isoformat(),
    }


def score_sheet_snapshot(bids: dict[str, Any]) -> dict[str, Any]:
    """A member's whole sheet (every bid's scores, 条例 第四十九条), as stored."""
    return {"sheet_sm3": sm3_hex(canonical_json(bids))}


def review_snapshot(reviews: dict[str, Any]) -> dict[str, Any]:
    """The machine review of every bid with the members' verdicts (条例 第五十一条): a flipped verdict changes
    which bids are valid."""
    return {"reviews_sm3": sm3_hex(canonical_json(reviews))}


def collusion_warning_snapshot(payload: dict[str, Any]) -> dict[str, Any]:
    return {"warning_sm3": sm3_hex(canonical_json(payload))}


def bid_snapshot(b: Bid) -> dict[str, Any]:
    return {
        "id": b.id,
        "section_id": b.section_id,
        "bidder_id": b.bidder_id,
        "envelope_digest": b.envelope_digest,
        "envelope_size": b.envelope_size,
        "status": b.status.value,
        "revision": b.revision,
        "price": None if b.data is None else str(b.data.price),
        "duration_days": None if b.data is None else b.data.duration_days,
        "quality": None if b.data is None else b.data.quality,
        "project_manager_id": None if b.data is None else b.data.project_manager_id,
        "reject_reason": b.reject_reason,
    }


def candidate_snapshot(rank: int, bid_id: str, bidder_id: str, price: str, awarded: bool) -> dict[str, Any]:
    return {"rank": rank, "bid_id": bid_id, "bidder_id": bidder_id, "price": price, "awarded": awarded}


_SALTED = frozenset(
    {
        LedgerAction.SCORE_SHEET_SUBMITTED,
        LedgerAction.SCORE_WARNING_ANSWERED,
        LedgerAction.REVIEW_VERDICT_GIVEN,
        LedgerAction.COMMITTEE_ANSWERED,
        LedgerAction.EXPERT_CHECKED_IN,
    }
)
"""Entries whose payloads hold few possible values (a score, a yes or no): their public digest gets 128 random
bits stored with the payload, or anyone could find the value by hashing every guess (条例 第四十九条)."""


def record(
    uow: SqlUnitOfWork,
    *,
    actor: Actor,
    action: LedgerAction,
    subject_type: str,
    subject_id: str,
    payload: dict[str, Any],
    now: datetime,
    snapshot: dict[str, Any] | None = None,
) -> int:
    """Append one entry and its Merkle leaf; returns its sequence number.

    The entry, its link in the hash chain and the RFC 9162 nodes its leaf completes are one row, written in
    the caller's unit of work: they commit with the change they record, or not at all. Signed heads are not
    made here (see ``services.ledger.publish_head``). Entries about sealed bids go through ``record_sealed``.
    """
    if action in _SALTED:
        payload = {**payload, "salt": secrets.token_hex(16)}
    return _append(uow, _fields(actor, action, subject_type, subject_id, payload, now, snapshot), payload)


def _fields(
    actor: Actor,
    action: LedgerAction,
    subject_type: str,
    subject_id: str,
    payload: dict[str, Any],
    now: datetime,
    snapshot: dict[str, Any] | None,
) -> dict[str, Any]:
    """An entry's content without its place in the ledger (``seq``, ``prev_hash``)."""
    return {
        "recorded_at": now,
        "actor_kind": actor.kind.value,
        "actor_role": actor.role.value,
        "actor_id": actor.user_id or actor.job or "platform",
        "organisation_id": actor.organisation_id,
        "action": action.value,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "payload_digest": payload_digest(payload),
        "subject_digest": None if snapshot is None else subject_digest(snapshot),
    }


def _append(uow: SqlUnitOfWork, fields: dict[str, Any], payload: dict[str, Any]) -> int:
    last_seq, last_hash = lock_ledger(uow.session)
    content = EntryContent(seq=last_seq + 1, prev_hash=last_hash or GENESIS_HASH, **fields)
    digest = entry_hash(content)
    store = SqlNodeStore(uow.session, content.seq)
    database = str(uow.session.get_bind().engine.url)
    try:
        tree = MerkleTree(store, frontier=FRONTIERS.get(database, content.seq, last_hash))
    except RuntimeError:  # a ledger from before the Merkle log: write its nodes first, in this transaction
        backfill_merkle_nodes(uow.session)
        tree = MerkleTree(store)
    tree.append(entry_leaf(digest))
    insert_entry(
        uow.session,
        content,
        entry_hash=digest,
        payload=payload,
        embargo_section_id=None,
        merkle_nodes=store.pending[content.seq],
    )
    FRONTIERS.put(database, content.seq + 1, digest, tree.frontier)
    return content.seq


def record_sealed(
    uow: SqlUnitOfWork,
    *,
    section_id: str,
    actor: Actor,
    action: LedgerAction,
    subject_type: str,
    subject_id: str,
    payload: dict[str, Any],
    now: datetime,
    snapshot: dict[str, Any] | None = None,
) -> str:
    """Record an entry about a sealed bid outside the ledger until the section's opening; returns its commitment.

    Before the opening nobody may learn who or how many have bid (招标投标法 第二十二条). An entry in the ledger
    would move every later position and every signed head's size, so these wait in the section's own chain
    (``sealed_entries``) and the opening appends them (``release_sealed``). The bidder's receipt carries the
    commitment (``ledger.chain.entry_commitment``), the same for the appended entry. The caller holds the
    section's lock, which orders the section's sealed entries.
    """
    fields = _fields(actor, action, subject_type, subject_id, payload, now, snapshot)
    commitment = entry_commitment(EntryContent(seq=-1, prev_hash=GENESIS_HASH, **fields))
    last = uow.sealed.last(section_id)
    uow.sealed.add(
        SealedEntryRow(
            commitment=commitment,
            section_id=section_id,
            position=0 if last is None else last.position + 1,
            payload=payload,
            link=sealed_link(GENESIS_HASH if last is None else last.link, commitment),
            **fields,
        )
    )
    return commitment


def sealed_fields(row: SealedEntryRow) -> dict[str, Any]:
    """A sealed entry's content without a place in the ledger, as stored."""
    return {
        "recorded_at": row.recorded_at,
        "actor_kind": row.actor_kind,
        "actor_role": row.actor_role,
        "actor_id": row.actor_id,
        "organisation_id": row.organisation_id,
        "action": row.action,
        "subject_type": row.subject_type,
        "subject_id": row.subject_id,
        "payload_digest": row.payload_digest,
        "subject_digest": row.subject_digest,
    }


def sealed_head(uow: SqlUnitOfWork, section_id: str) -> str:
    """The last link of the section's chain of sealed entries (``GENESIS_HASH`` when it has none)."""
    last = uow.sealed.last(section_id)
    return GENESIS_HASH if last is None else last.link


def sealed_anchor(uow: SqlUnitOfWork, section_id: str) -> str:
    """What a section that closes without an opening records of its sealed entries: SM3(seed ‖ last link).

    The seed stays secret when no opening reveals it, so the anchor looks the same whether there were no bids
    or many (招标投标法 第二十二条), while an auditor with the seed checks that no sealed entry was dropped or
    added afterwards.
    """
    head = sealed_head(uow, section_id)
    seed = uow.sections.seed(section_id)
    return head if seed is None else sm3_hex(bytes.fromhex(seed) + bytes.fromhex(head))


def release_sealed(uow: SqlUnitOfWork, section_id: str) -> str:
    """At the opening: append the section's sealed entries to the ledger, in order; returns the chain's last link.

    Each keeps its content (time, actor, payload and subject digests), so its commitment — what the bidder's
    receipt carries — is recomputable from the appended entry.
    """
    head = GENESIS_HASH
    for row in uow.sealed.in_section(section_id):
        head = row.link
        if row.released_seq is None:
            row.released_seq = _append(uow, sealed_fields(row), dict(row.payload))
    uow.session.flush()
    return head


def save_section(
    uow: SqlUnitOfWork, section: Section, *, actor: Actor, action: LedgerAction, payload: dict[str, Any], now: datetime
) -> None:
    """Store a changed section with its next due time, and record the change with the section's snapshot."""
    uow.sections.save(section, next_check=next_check(section))
    record(
        uow,
        actor=actor,
        action=action,
        subject_type="section",
        subject_id=section.id,
        payload=payload,
        snapshot=section_snapshot(section),
        now=now,
    )
