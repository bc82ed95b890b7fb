"""SQLAlchemy 2 row models. Repositories translate them to domain objects and back, explicitly."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from fairbid.store.types import Money, UTCDateTime

__all__ = [
    "BidRow",
    "CandidateRow",
    "CommitteeRow",
    "DocumentRow",
    "ExpertRow",
    "KeyRow",
    "LedgerEntryRow",
    "LedgerHeadRow",
    "ObjectionRow",
    "OpeningRecordRow",
    "OrganisationRow",
    "ProjectRow",
    "Row",
    "ScoreRow",
    "ScoreSheetRow",
    "SectionRow",
    "SessionActionRow",
    "SignInFailureRow",
    "TokenRow",
    "UserRow",
    "VenueRow",
    "WarningRow",
]

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Row(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), Decimal: Money(), dict[str, Any]: JSON()}


class OrganisationRow(Row):
    """An organisation (单位), identified by its unified social credit code."""

    __tablename__ = "organisations"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    region: Mapped[str | None] = mapped_column(String(12))
    created_at: Mapped[datetime]


class UserRow(Row):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class TokenRow(Row):
    """A bearer token, stored only as its SM3 digest; revocable."""

    __tablename__ = "tokens"
    token_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class SignInFailureRow(Row):
    """A failed sign-in, kept for the rate limit (OWASP ASVS 2.2.1) and pruned after the window.

    ``key_digest`` is the SM3 digest of the case-folded user name (or source address), never the name itself:
    people type passwords into the name field, and failed names are not ours to keep (PIPL 个人信息保护法 art. 6).
    """

    __tablename__ = "sign_in_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key_digest: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(index=True)  # pruning scans by time alone
    __table_args__ = (Index("ix_sign_in_failures_key", "key_digest", "failed_at"),)


class KeyRow(Row):
    """A bidder's public key (SM2 by default), bound to its organisation; envelopes must be sealed with it."""

    __tablename__ = "bidder_keys"
    key_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    suite: Mapped[str] = mapped_column(String(16))
    public_key: Mapped[str] = mapped_column(Text)
    registered_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class ProjectRow(Row):
    __tablename__ = "projects"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    tenderee_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    agency_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime]


class SectionRow(Row):
    """A tender section (标段) with its schedule; ``version`` guards against lost updates."""

    __tablename__ = "sections"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(12))
    estimated_price: Mapped[Decimal]
    ceiling_price: Mapped[Decimal]
    sale_start: Mapped[datetime]
    sale_end: Mapped[datetime]
    bid_deadline: Mapped[datetime]
    decryption_minutes: Mapped[int] = mapped_column(Integer)
    publicity_days: Mapped[int] = mapped_column(Integer)
    tenderee_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    agency_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    status: Mapped[str] = mapped_column(String(16), index=True)
    version: Mapped[int] = mapped_column(Integer)
    state_funded: Mapped[bool] = mapped_column(Boolean)
    seed: Mapped[str | None] = mapped_column(String(64))  # secret until the opening
    seed_commitment: Mapped[str | None] = mapped_column(String(64))
    beacon: Mapped[str | None] = mapped_column(String(64))
    document_digest: Mapped[str | None] = mapped_column(String(64))
    terms_digest: Mapped[str | None] = mapped_column(String(64))  # SM3 of the pinned terms (fairbid.domain.terms)
    publicity_ends: Mapped[datetime | None]
    open_objections: Mapped[int] = mapped_column(Integer, default=0)
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    next_check: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime]
    __mapper_args__ = {"version_id_col": version}


class DocumentRow(Row):
    """A version of a section's tender document (or an amendment); the file is in the blob store."""

    __tablename__ = "documents"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    section_id: Mapped[str] = mapped_column(ForeignKey("sections.id"), index=True)
    version_no: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    media_type: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(200))
    digest: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    __table_args__ = (UniqueConstraint("section_id", "version_no", "filename"),)


class BidRow(Row):
    """One bidder's bid in one section; the sealed envelope is in the blob store under its digest."""

    __tablename__ = "bids"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    section_id: Mapped[str] = mapped_column(ForeignKey("sections.id"))
    bidder_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    envelope_digest: Mapped[str] = mapped_column(String(64))
    envelope_size: Mapped[int] = mapped_column(Integer)
    submitted_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12))
    revision: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    price: Mapped[Decimal | None]
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    decrypted_at: Mapped[datetime | None]
    reject_reason: Mapped[str | None] = mapped_column(Text)
    # authoring and network facts the collusion checks read (条例 第四十条)
    machine_fingerprint: Mapped[str | None] = mapped_column(String(64))
    signing_key_id: Mapped[str | None] = mapped_column(String(64))
    tool_version: Mapped[str | None] = mapped_column(String(64))
    upload_ip: Mapped[str | None] = mapped_column(String(45))
    decrypt_ip: Mapped[str | None] = mapped_column(String(45))
    __table_args__ = (UniqueConstraint("section_id", "bidder_id"), Index("ix_bids_section", "section_id"))
    __mapper_args__ = {"version_id_col": version}


class OpeningRecordRow(Row):
    """The published opening record (开标记录) of a section."""

    __tablename__ = "opening_records"
    section_id: Mapped[str] = mapped_column(ForeignKey("sections.id"), primary_key=True)
    published_at: Mapped[datetime]
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    digest: Mapped[str] = mapped_column(String(64))


class ExpertRow(Row):
    """An evaluation expert (评标专家) in the pool."""

    __tablename__ = "experts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(80))
    region: Mapped[str] = mapped_column(String(12))
    employer_credit_code: Mapped[str | None] = mapped_column(String(18))
    specialties: Mapped[list[str]] = mapped_column(JSON)
    title: Mapped[str] = mapped_column(String(40))
    years: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12))
    # former employers, declared relationships, availability, draw history: see domain.expert.model
    profile: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class VenueRow(Row):
    """An evaluation venue: the main venue (主场) or a partner centre's secondary venue (副场)."""

    __tablename__ = "venues"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(12))
    regions: Mapped[list[str]] = mapped_column(JSON)


class TenderTermsRow(Row):
    """A version of a section's executable terms (评标办法固化), stored with its document version; immutable.

    ``sections.terms_digest`` names the pinned one; ``terms`` is its canonical JSON (``fairbid-terms/1``).
    """

    __tablename__ = "tender_terms"
    section_id: Mapped[str] = mapped_column(ForeignKey("sections.id"), primary_key=True)
    version_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    terms: Mapped[dict[str, Any]] = mapped_column(JSON)
    digest: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime]


class CommitteeRow(Row):
    """A section's evaluation committee (``fairbid.domain.evaluation.committee.Committee``); only its repository
    reads these columns. ``plan`` is the seating schedule, ``draw`` the draw, ``review`` the machine's review with
    the members' verdicts, ``outcome`` the ranking, ``report`` the issued report and its signatures."""

    __tablename__ = "committees"
    section_id: Mapped[str] = mapped_column(ForeignKey("sections.id"), primary_key=True)
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)
    draw: Mapped[dict[str, Any]] = mapped_column(JSON)
    representatives: Mapped[list[Any]] = mapped_column(JSON, default=list)
    review: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    evaluation_started_at: Mapped[datetime | None]
    __mapper_args__ = {"version_id_col": version}


class ScoreSheetRow(Row):
    """One member's score sheet for one section (subjective items only); revisions keep a reason.

    ``member_id`` is a pool expert's ID or ``rep:<user id>`` for a representative of the tenderee.
    """

    __tablename__ = "score_sheets"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    section_id: Mapped[str] = mapped_column(ForeignKey("sections.id"), index=True)
    member_id: Mapped[str] = mapped_column(String(80))
    sheet: Mapped[dict[str, Any]] = mapped_column(JSON)
    submitted_at: Mapped[datetime | None]
    revision: Mapped[int] = mapped_column(Integer, default=0)
    revision_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (UniqueConstraint("section_id", "member_id"),)
    __mapper_args__ = {"version_id_col": version}


class SessionActionRow(Row):
    """What a member did during a remote evaluation, where and on which device (远程异地评标留痕)."""

    __tablename__ = "session_actions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    section_id: Mapped[str] = mapped_column(ForeignKey("sections.id"), index=True)
    member_id: Mapped[str] = mapped_column(String(80))
    venue_id: Mapped[str] = mapped_column(ForeignKey("venues.id"))
    action: Mapped[str] = mapped_column(String(40))
    device: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime]


class WarningRow(Row):
    """A machine warning (evaluation deviation, collusion signal …) to the committee and/or the supervisor."""

    __tablename__ = "warnings"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    section_id: Mapped[str] = mapped_column(ForeignKey("sections.id"), index=True)
    source: Mapped[str] = mapped_column(String(20))  # evaluation | collusion
    code: Mapped[str] = mapped_column(String(40))
    audience: Mapped[str] = mapped_column(String(40))  # committee | supervisor | committee+supervisor
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolution: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=0)
    __mapper_args__ = {"version_id_col": version}


class ObjectionRow(Row):
    """An objection (异议) at the opening or during publicity, and its answer on the record."""

    __tablename__ = "objections"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    section_id: Mapped[str] = mapped_column(ForeignKey("sections.id"), index=True)
    stage: Mapped[str] = mapped_column(String(12))  # opening | publicity
    raised_by: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    text: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[datetime]
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(36))
    answered_at: Mapped[datetime | None]


class ScoreRow(Row):
    """One score: by the machine (``expert_id`` empty) or by an expert, for one item of one bid."""

    __tablename__ = "scores"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    section_id: Mapped[str] = mapped_column(ForeignKey("sections.id"), index=True)
    bid_id: Mapped[str] = mapped_column(ForeignKey("bids.id"))
    expert_id: Mapped[str | None] = mapped_column(ForeignKey("experts.id"))
    item: Mapped[str] = mapped_column(String(80))
    score: Mapped[Decimal]
    recorded_at: Mapped[datetime]


class CandidateRow(Row):
    """A ranked winning candidate (中标候选人) and, once awarded, the award."""

    __tablename__ = "candidates"
    section_id: Mapped[str] = mapped_column(ForeignKey("sections.id"), primary_key=True)
    rank: Mapped[int] = mapped_column(Integer, primary_key=True)
    bid_id: Mapped[str] = mapped_column(ForeignKey("bids.id"))
    bidder_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    price: Mapped[Decimal]
    awarded_at: Mapped[datetime | None]


class LedgerHeadRow(Row):
    """A signed tree head of the ledger, as published (fairbid.ledger.head)."""

    __tablename__ = "ledger_heads"
    tree_size: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    root_hash: Mapped[str] = mapped_column(String(64))
    timestamp_ms: Mapped[int] = mapped_column(BigInteger)
    signature: Mapped[str] = mapped_column(Text)
    suite: Mapped[str] = mapped_column(String(16))
    published_at: Mapped[datetime]


class _EntryContent:
    """The columns of an entry's content (``fairbid.ledger.chain.EntryContent`` without seq and prev_hash)."""

    recorded_at: Mapped[datetime]
    actor_kind: Mapped[str] = mapped_column(String(8))
    actor_role: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[str] = mapped_column(String(80))
    organisation_id: Mapped[str | None] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(40))
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[str] = mapped_column(String(80))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    payload_digest: Mapped[str] = mapped_column(String(64))
    subject_digest: Mapped[str | None] = mapped_column(String(64))


class LedgerEntryRow(_EntryContent, Row):
    """An append-only, hash-chained ledger entry (电子招标投标办法 第四十九条)."""

    __tablename__ = "ledger_entries"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Entries about bids stay hidden from readers until this section's opening (法 第二十二条).
    embargo_section_id: Mapped[str | None] = mapped_column(String(36))
    # RFC 9162 Merkle nodes this leaf completes (fairbid.ledger.merkle), 32..2048 bytes
    merkle_nodes: Mapped[bytes | None] = mapped_column(LargeBinary)
    __table_args__ = (Index("ix_ledger_subject", "subject_type", "subject_id"),)


class SealedEntryRow(_EntryContent, Row):
    """A ledger entry about a sealed bid, kept out of the ledger until its section's opening (法 第二十二条).

    Chained per section (``link`` = SM3(previous link ‖ commitment)); the opening appends the section's entries
    to the ledger in ``position`` order and notes each one's ``released_seq``. A section that never opens keeps
    them here, its final link recorded in the ledger. ``commitment`` is what the bid's receipt carries
    (``fairbid.ledger.chain.entry_commitment``).
    """

    __tablename__ = "sealed_entries"
    commitment: Mapped[str] = mapped_column(String(64), primary_key=True)
    section_id: Mapped[str] = mapped_column(String(36))
    position: Mapped[int] = mapped_column(Integer)
    link: Mapped[str] = mapped_column(String(64))
    released_seq: Mapped[int | None] = mapped_column(Integer)
    __table_args__ = (UniqueConstraint("section_id", "position", name="uq_sealed_entries_position"),)


class PlatformMarkRow(Row):
    """Facts about this database itself, e.g. ``purpose`` = ``demonstration`` (set by ``fairbid demo``).

    A simulated or accelerated clock runs only on a database so marked: heads and receipts dated by such a
    clock must never sit among production records.
    """

    __tablename__ = "platform_marks"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    set_at: Mapped[datetime]
