"""Schemas for the expert pool, venues and committees."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

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
    "MemberKeyIn",
    "MemberKeyOut",
    "RepresentativesIn",
    "RepresentativesOut",
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


_TERMS_KEYS = frozenset({"size", "specialties", "tenderee_representatives", "representatives", "terms"})


class DrawIn(BaseModel):
    """How the drawn experts split over the centre's venues and when the committee sits. The committee's size,
    specialties and representatives are the published tender document's (条例 第四十九条), so they are refused
    here with a message naming them."""

    model_config = ConfigDict(extra="forbid")

    venues: dict[str, int] = Field(description="venue ID → experts; they add up to the experts the terms draw")
    evaluation_start: AwareDatetime | None = None
    evaluation_hours: int = Field(8, ge=1, le=72)
    answer_minutes: int = Field(120, ge=1, le=1440)
    min_secondary_share: Decimal | None = Field(None, ge=0, le=1)

    @model_validator(mode="before")
    @classmethod
    def _no_terms(cls, data: Any) -> Any:
        if isinstance(data, dict):
            named = sorted(_TERMS_KEYS & data.keys())
            if named:
                raise ValueError(
                    f"{', '.join(named)}: the committee's size, specialties and representatives are the published "
                    "tender document's pinned terms (条例 第四十九条); a draw names only venues and the sitting"
                )
        return data


class MemberKeyIn(BaseModel):
    public_key: str = Field(min_length=8, max_length=400, description="gm:04… (SM2) or intl:… (Ed25519)")


class MemberKeyOut(BaseModel):
    key_id: str


class RepresentativesIn(BaseModel):
    usernames: list[str] = Field(min_length=1, max_length=17, description="users of the tenderee, one per seat")


class RepresentativesOut(BaseModel):
    named: int


class AnswerIn(BaseModel):
    accepted: bool
    expert_id: str | None = Field(None, description="operator only: an answer given by phone")


class CheckInIn(BaseModel):
    venue_id: str
    device: str = Field(min_length=1, max_length=120)


class SeatOut(BaseModel):
    seat: str = Field(description='"0".. for drawn experts, "r0".. for the tenderee\'s representatives')
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
    representatives: int
    evaluation_start: str
    evaluation_end: str
