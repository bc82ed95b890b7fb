"""Rows of the evaluation context: the expert pool, venues, committees, sheets, session actions, warnings, scores."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from fairbid.store.rows.base import Row

__all__ = ["CommitteeRow", "ExpertRow", "ScoreRow", "ScoreSheetRow", "SessionActionRow", "VenueRow", "WarningRow"]


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
