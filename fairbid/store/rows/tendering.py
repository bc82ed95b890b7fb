"""Rows of the tendering context: projects, sections, document versions, the executable terms."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from fairbid.store.rows.base import Row

__all__ = ["DocumentRow", "ProjectRow", "SectionRow", "TenderTermsRow"]


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
