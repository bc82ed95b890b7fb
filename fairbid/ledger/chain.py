"""Hash-chained ledger entries (电子招标投标办法 第四十九条, T29: every step logged, no tampering).

Each entry's hash is SM3 over the canonical JSON of its content, which includes the previous entry's hash;
editing, inserting or deleting an entry in the middle breaks every later link. ``subject_digest`` is the SM3
of the tracked state of the row the entry is about (a bid, a score, an opening record) right after the
change, so a row edited behind the platform's back no longer matches its latest entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import datetime
from enum import StrEnum
from typing import Any

from fairbid.crypto.digest import canonical_json, sm3_hex

__all__ = [
    "GENESIS_HASH",
    "ChainBreak",
    "EntryContent",
    "LedgerAction",
    "StoredEntry",
    "entry_commitment",
    "entry_hash",
    "payload_digest",
    "sealed_link",
    "subject_digest",
    "verify_chain",
]

GENESIS_HASH = "0" * 64


class LedgerAction(StrEnum):
    """Ledger tags, ``subject:action``."""

    ORGANISATION_REGISTERED = "organisation:registered"
    USER_CREATED = "user:created"
    SIGNING_KEY_REGISTERED = "key:registered"  # a bidder's sealing key or an expert's report-signing key
    PROJECT_CREATED = "project:created"
    SECTION_CREATED = "section:created"
    SECTION_CHECKED = "section:checked"
    SECTION_REVISED = "section:revised"
    SECTION_PUBLISHED = "section:published"
    SECTION_BIDDING_STARTED = "section:bidding_started"
    SECTION_OPENED = "section:opened"
    SECTION_FAILED = "section:failed"
    SECTION_DECRYPTION_CLOSED = "section:decryption_closed"
    SECTION_PUBLICISED = "section:publicised"
    SECTION_AWARDED = "section:awarded"
    SECTION_CONTRACTED = "section:contracted"
    SECTION_CANCELLED = "section:cancelled"
    DOCUMENT_VERSION_ADDED = "document:version_added"
    TERMS_PINNED = "terms:pinned"  # the executable terms a publication or an amendment fixes
    BID_SUBMITTED = "bid:submitted"
    BID_REPLACED = "bid:replaced"
    BID_WITHDRAWN = "bid:withdrawn"
    BID_DECRYPTED = "bid:decrypted"
    BID_REJECTED = "bid:rejected"
    BEACON_REVEALED = "beacon:revealed"
    DRAW_MADE = "draw:made"
    OPENING_RECORD_PUBLISHED = "opening_record:published"
    SCORE_RECORDED = "score:recorded"
    EVALUATION_COMPLETED = "evaluation:completed"
    OBJECTION_RAISED = "objection:raised"
    OBJECTION_ANSWERED = "objection:answered"
    EXPERTS_IMPORTED = "experts:imported"
    EXPERT_STATUS_CHANGED = "expert:status_changed"
    VENUE_SAVED = "venue:saved"
    COMMITTEE_DRAWN = "committee:drawn"
    COMMITTEE_ANSWERED = "committee:answered"
    COMMITTEE_REPLACED = "committee:replaced"
    REPRESENTATIVES_NAMED = "committee:representatives_named"
    EXPERT_CHECKED_IN = "expert:checked_in"
    EVALUATION_STARTED = "evaluation:started"
    REVIEW_VERDICT_GIVEN = "review:verdict_given"
    SCORE_SHEET_SUBMITTED = "score_sheet:submitted"
    SCORE_WARNING_RAISED = "score_warning:raised"
    SCORE_WARNING_ANSWERED = "score_warning:answered"
    EVALUATION_REPORT_ISSUED = "evaluation_report:issued"
    EVALUATION_REPORT_SIGNED = "evaluation_report:signed"
    COLLUSION_SIGNAL_RAISED = "collusion_signal:raised"
    COLLUSION_RISK_ASSESSED = "collusion_risk:assessed"


@dataclass(frozen=True, slots=True)
class EntryContent:
    """Everything an entry's hash covers."""

    seq: int
    recorded_at: datetime
    actor_kind: str  # person | machine
    actor_role: str
    actor_id: str  # user id, or the machine's job name
    organisation_id: str | None
    action: str
    subject_type: str
    subject_id: str
    payload_digest: str
    subject_digest: str | None
    prev_hash: str


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """An entry as the ledger store holds it: its hashed content, its hash, its payload and its Merkle nodes."""

    seq: int
    recorded_at: datetime
    actor_kind: str
    actor_role: str
    actor_id: str
    organisation_id: str | None
    action: str
    subject_type: str
    subject_id: str
    payload_digest: str
    subject_digest: str | None
    prev_hash: str
    entry_hash: str
    payload: Any
    merkle_nodes: bytes | None = None
    embargo_section_id: str | None = None  # entries recorded before sealed entries existed (docs/ledger.md)

    @property
    def content(self) -> EntryContent:
        """What the entry's hash covers."""
        return EntryContent(
            seq=self.seq,
            recorded_at=self.recorded_at,
            actor_kind=self.actor_kind,
            actor_role=self.actor_role,
            actor_id=self.actor_id,
            organisation_id=self.organisation_id,
            action=self.action,
            subject_type=self.subject_type,
            subject_id=self.subject_id,
            payload_digest=self.payload_digest,
            subject_digest=self.subject_digest,
            prev_hash=self.prev_hash,
        )


def payload_digest(payload: Mapping[str, Any]) -> str:
    """SM3 of the canonical JSON of an entry's payload."""
    return sm3_hex(canonical_json(dict(payload)))


def subject_digest(snapshot: Mapping[str, Any]) -> str:
    """SM3 of the tracked state of a subject row (see ``services.trace`` for what each subject tracks)."""
    return sm3_hex(canonical_json(dict(snapshot)))


def entry_hash(content: EntryContent) -> str:
    """SM3 over the canonical JSON of the entry content (``recorded_at`` to the microsecond, UTC)."""
    fields = {f.name: getattr(content, f.name) for f in dataclass_fields(content)}  # asdict deep-copies: slow
    fields["recorded_at"] = content.recorded_at.isoformat(timespec="microseconds")
    return sm3_hex(canonical_json(fields))


def entry_commitment(content: EntryContent) -> str:
    """SM3 of an entry's content without its place in the ledger (``seq``, ``prev_hash``).

    An entry about a sealed bid is kept out of the ledger until the opening (``services.trace.record_sealed``):
    its receipt carries this commitment, which the same entry still has once the opening appends it at a
    position nobody could know before. Anyone recomputes it from the appended entry and checks the receipt.
    """
    fields = {f.name: getattr(content, f.name) for f in dataclass_fields(content) if f.name not in _PLACE}
    fields["recorded_at"] = content.recorded_at.isoformat(timespec="microseconds")
    return sm3_hex(canonical_json({"type": "fairbid-sealed-entry/1", **fields}))


def sealed_link(prev: str, commitment: str) -> str:
    """The next link of a section's chain of sealed entries: SM3(previous link ‖ commitment), from ``GENESIS_HASH``."""
    return sm3_hex(bytes.fromhex(prev) + bytes.fromhex(commitment))


_PLACE = frozenset({"seq", "prev_hash"})


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first entry that no longer matches, and why."""

    seq: int
    reason: str


def verify_chain(
    entries: Iterable[tuple[EntryContent, str, Mapping[str, Any] | None]],
) -> tuple[int, ChainBreak | None]:
    """Walk ``(content, stored_hash, payload)`` in ``seq`` order; return (entries checked, first break)."""
    prev = GENESIS_HASH
    count = 0
    for expected_seq, (content, stored_hash, payload) in enumerate(entries):
        count = expected_seq + 1
        if content.seq != expected_seq:
            return count, ChainBreak(content.seq, f"sequence jumps from {expected_seq - 1} to {content.seq}")
        if content.prev_hash != prev:
            return count, ChainBreak(content.seq, "its link to the previous entry is broken")
        if payload is not None and payload_digest(payload) != content.payload_digest:
            return count, ChainBreak(content.seq, "its stored payload does not match the payload digest")
        if entry_hash(content) != stored_hash:
            return count, ChainBreak(content.seq, "its content does not match its hash")
        prev = stored_hash
    return count, None
