"""Rows of the bidding context: sealed bids and the opening record."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from fairbid.store.rows.base import Row

__all__ = ["BidRow", "OpeningRecordRow"]


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
