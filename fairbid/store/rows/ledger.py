"""Rows of the ledger: signed heads, entries, sealed entries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from fairbid.store.rows.base import Row

__all__ = ["LedgerEntryRow", "LedgerHeadRow", "SealedEntryRow"]


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
