"""Schemas for the expert pool, venues and committees."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import AwareDatetime, BaseModel, Field

from fairbid.domain.expert import ExpertStatus, VenueRole

__all__ = [
    "AnswerIn",
    "CheckInIn",
    "CommitteeOut",
    "DrawIn",
    "ExpertOut",
    "ExpertPageOut",
    "ImportIn",
    "ImportOut",
    "SeatOut",
    "StatusIn",
    "VenueIO",
    "VenueIn",
]


class ImportIn(BaseModel):
    csv: str = Field(min_length=1, max_length=50_000_000, description="UTF-8 CSV; see docs/evaluation.md")


class ImportOut(BaseModel):
    added: int
    updated: int
    linked: int


class ExpertOut(BaseModel):
    expert_id: str
    name: str
    region: str
    specialties: list[str]
    title: str
    years: int
    status: str
    draws: int


class ExpertPageOut(BaseModel):
    experts: list[ExpertOut]
    total: int


class StatusIn(BaseModel):
    status: ExpertStatus
    reason: str = Field(min_length=1, max_length=2000)


class VenueIn(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    role: VenueRole
    regions: list[str] = Field(min_length=1)


class VenueIO(VenueIn):
    venue_id: str = Field(min_length=1, max_length=36)


class DrawIn(BaseModel):
    specialties: dict[str, int] = Field(description="specialty code → experts")
    venues: dict[str, int] = Field(description="venue ID → experts")
    size: int = Field(5, ge=1, le=51)
    tenderee_representatives: int = Field(0, ge=0, le=17)
    evaluation_start: AwareDatetime | None = None
    evaluation_hours: int = Field(8, ge=1, le=72)
    answer_minutes: int = Field(120, ge=1, le=1440)
    min_secondary_share: Decimal | None = Field(None, ge=0, le=1)
    terms: dict[str, Any] = Field(default_factory=dict, description="overrides of the default evaluation terms")


class AnswerIn(BaseModel):
    accepted: bool
    expert_id: str | None = Field(None, description="operator only: an answer given by phone")


class CheckInIn(BaseModel):
    venue_id: str
    device: str = Field(min_length=1, max_length=120)


class SeatOut(BaseModel):
    venue_id: str
    specialty: str
    round: int
    status: str
    checked_in: bool
    expert_id: str | None
    name: str | None


class CommitteeOut(BaseModel):
    section_id: str
    names_visible: bool
    evaluation_started: bool
    rounds: int
    labels: list[str]
    beacon: str
    seats: list[SeatOut]
    eligible: list[tuple[str, str, int]]
    plan: dict[str, Any]
