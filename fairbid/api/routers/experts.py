"""The expert pool and evaluation venues (operator; the supervisor may read the pool)."""

from __future__ import annotations

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from fairbid.api.deps import ActorDep, ClockDep, UowDep
from fairbid.api.schemas.expert import ExpertOut, ExpertPageOut, ImportIn, ImportOut, StatusIn, VenueIn, VenueIO
from fairbid.services.evaluation.pool import (
    ExpertLine,
    SaveVenue,
    import_experts,
    list_experts,
    list_venues,
    save_venue,
    set_expert_status,
)
from fairbid.services.evaluation.report import register_signing_key

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["experts"])


def _out(e: ExpertLine) -> ExpertOut:
    return ExpertOut(
        expert_id=e.expert_id,
        name=e.name,
        region=e.region,
        specialties=list(e.specialties),
        title=e.title,
        years=e.years,
        status=e.status,
        draws=e.draws,
    )


@router.post("/experts/import", operation_id="import_experts")
def import_pool(body: ImportIn, uow: UowDep, clock: ClockDep, actor: ActorDep) -> ImportOut:
    """Add or update experts from CSV; a wrong row refuses the whole file, naming line and column."""
    r = import_experts(body.csv, uow=uow, clock=clock, actor=actor)
    return ImportOut(added=r.added, updated=r.updated, linked=r.linked)


@router.get("/experts", operation_id="list_experts")
def experts(
    uow: UowDep,
    actor: ActorDep,
    status: str | None = None,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> ExpertPageOut:
    """The pool, page by page."""
    page = list_experts(uow=uow, actor=actor, status=status, limit=limit, offset=offset)
    return ExpertPageOut(experts=[_out(e) for e in page.experts], total=page.total)


@router.post("/experts/{expert_id}/status", operation_id="set_expert_status")
def status(expert_id: str, body: StatusIn, uow: UowDep, clock: ClockDep, actor: ActorDep) -> ExpertOut:
    """Suspend, retire or reinstate an expert, with a reason."""
    return _out(set_expert_status(expert_id, body.status, body.reason, uow=uow, clock=clock, actor=actor))


@router.put("/venues/{venue_id}", operation_id="save_venue")
def venue(venue_id: str, body: VenueIn, uow: UowDep, clock: ClockDep, actor: ActorDep) -> VenueIO:
    """Add or change a venue (主场/副场) and the regions whose experts sit there."""
    v = save_venue(SaveVenue(venue_id, body.name, body.role, tuple(body.regions)), uow=uow, clock=clock, actor=actor)
    return VenueIO(venue_id=v.venue_id, name=v.name, role=v.role, regions=sorted(v.regions))


@router.get("/venues", operation_id="list_venues")
def venues(uow: UowDep, actor: ActorDep) -> list[VenueIO]:
    """Every venue."""
    return [
        VenueIO(venue_id=v.venue_id, name=v.name, role=v.role, regions=sorted(v.regions))
        for v in list_venues(uow=uow, actor=actor)
    ]


class ExpertKeyIn(BaseModel):
    public_key: str = Field(min_length=8, max_length=400, description="gm:04… (SM2) or intl:… (Ed25519)")


class ExpertKeyOut(BaseModel):
    key_id: str


@router.put("/experts/me/key", operation_id="register_expert_key")
def expert_key(body: ExpertKeyIn, uow: UowDep, clock: ClockDep, actor: ActorDep) -> ExpertKeyOut:
    """An expert registers the public key they sign evaluation reports with (the newest one counts)."""
    return ExpertKeyOut(key_id=register_signing_key(body.public_key, uow=uow, clock=clock, actor=actor))
