"""Appending to the ledger inside a unit of work: entries, their Merkle nodes, and sealed entries.

``record`` appends one entry in the caller's transaction: the entry, its hash-chain link and the RFC 9162 nodes
its leaf completes are one row, committed with the change it records or not at all. Entries about sealed bids
wait outside the ledger (``record_sealed``) until their section's opening appends them (``release_sealed``):
before the opening nobody may learn who or how many have bid (招标投标法 第二十二条), and an entry in the
ledger would move every later position and every signed head's size. Signed heads are not made here.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from fairbid.crypto.digest import sm3_hex
from fairbid.domain.actor import Actor
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
from fairbid.ledger.snapshot import SubjectType
from fairbid.store.ledger import (
    FRONTIERS,
    SealedEntryRepository,
    SqlNodeStore,
    backfill_merkle_nodes,
    insert_entry,
    lock_ledger,
)
from fairbid.store.rows import SealedEntryRow

__all__ = ["SALTED", "LedgerWriter", "sealed_fields"]

SALTED = frozenset(
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


def _fields(
    actor: Actor,
    action: LedgerAction,
    subject_type: SubjectType,
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
        "subject_type": subject_type.value,
        "subject_id": subject_id,
        "payload_digest": payload_digest(payload),
        "subject_digest": None if snapshot is None else subject_digest(snapshot),
    }


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


class LedgerWriter:
    """The ledger's appender for one unit of work's session."""

    def __init__(self, session: Session, sealed: SealedEntryRepository) -> None:
        self._session = session
        self._sealed = sealed

    def record(
        self,
        *,
        actor: Actor,
        action: LedgerAction,
        subject_type: SubjectType,
        subject_id: str,
        payload: dict[str, Any],
        now: datetime,
        snapshot: dict[str, Any] | None = None,
    ) -> int:
        """Append one entry and its Merkle leaf; returns its sequence number."""
        if action in SALTED:
            payload = {**payload, "salt": secrets.token_hex(16)}
        return self._append(_fields(actor, action, subject_type, subject_id, payload, now, snapshot), payload)

    def _append(self, fields: dict[str, Any], payload: dict[str, Any]) -> int:
        session = self._session
        last_seq, last_hash = lock_ledger(session)
        content = EntryContent(seq=last_seq + 1, prev_hash=last_hash or GENESIS_HASH, **fields)
        digest = entry_hash(content)
        store = SqlNodeStore(session, content.seq)
        database = str(session.get_bind().engine.url)
        try:
            tree = MerkleTree(store, frontier=FRONTIERS.get(database, content.seq, last_hash))
        except RuntimeError:  # a ledger from before the Merkle log: write its nodes first, in this transaction
            backfill_merkle_nodes(session)
            tree = MerkleTree(store)
        tree.append(entry_leaf(digest))
        insert_entry(
            session,
            content,
            entry_hash=digest,
            payload=payload,
            embargo_section_id=None,
            merkle_nodes=store.pending[content.seq],
        )
        FRONTIERS.put(database, content.seq + 1, digest, tree.frontier)
        return content.seq

    def record_sealed(
        self,
        *,
        section_id: str,
        actor: Actor,
        action: LedgerAction,
        subject_type: SubjectType,
        subject_id: str,
        payload: dict[str, Any],
        now: datetime,
        snapshot: dict[str, Any] | None = None,
    ) -> str:
        """Record an entry about a sealed bid outside the ledger until the section's opening; its commitment.

        The entry waits in the section's own chain (``sealed_entries``) and the opening appends it
        (``release_sealed``). The bidder's receipt carries the commitment (``ledger.chain.entry_commitment``), the
        same for the appended entry. The caller holds the section's lock, which orders the section's entries.
        """
        fields = _fields(actor, action, subject_type, subject_id, payload, now, snapshot)
        commitment = entry_commitment(EntryContent(seq=-1, prev_hash=GENESIS_HASH, **fields))
        last = self._sealed.last(section_id)
        self._sealed.add(
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

    def sealed_head(self, section_id: str) -> str:
        """The last link of the section's chain of sealed entries (``GENESIS_HASH`` when it has none)."""
        last = self._sealed.last(section_id)
        return GENESIS_HASH if last is None else last.link

    def sealed_anchor(self, section_id: str, seed: str | None) -> str:
        """What a section that closes without an opening records of its sealed entries: SM3(seed ‖ last link).

        The seed stays secret when no opening reveals it, so the anchor looks the same whether there were no bids
        or many (招标投标法 第二十二条), while an auditor with the seed checks that no sealed entry was dropped or
        added afterwards.
        """
        head = self.sealed_head(section_id)
        return head if seed is None else sm3_hex(bytes.fromhex(seed) + bytes.fromhex(head))

    def release_sealed(self, section_id: str) -> str:
        """At the opening: append the section's sealed entries to the ledger in order; the chain's last link.

        Each keeps its content (time, actor, payload and subject digests), so its commitment — what the bidder's
        receipt carries — is recomputable from the appended entry.
        """
        head = GENESIS_HASH
        for row in self._sealed.in_section(section_id):
            head = row.link
            if row.released_seq is None:
                row.released_seq = self._append(sealed_fields(row), dict(row.payload))
        self._session.flush()
        return head
