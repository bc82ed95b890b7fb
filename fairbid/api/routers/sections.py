"""Projects and tender sections."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from fairbid.api.deps import ActorDep, ClockDep, OptionalActorDep, PlatformDep, UowDep
from fairbid.api.schemas.section import ProjectIn, ProjectOut, SectionIn, SectionOut
from fairbid.domain.section import Schedule
from fairbid.services.evaluation.session import evaluate_section
from fairbid.services.tendering.section import (
    CreateProject,
    CreateSection,
    cancel_section,
    create_project,
    create_section,
    get_section,
    list_sections,
    publish_section,
    sign_contract,
)

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["sections"])


class CancelIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


@router.post("/projects", status_code=201, operation_id="create_project")
def new_project(body: ProjectIn, uow: UowDep, clock: ClockDep, actor: ActorDep) -> ProjectOut:
    """Open a project for a tenderee."""
    p = create_project(
        CreateProject(body.code, body.name, body.tenderee_id, body.agency_id),
        uow=uow,
        clock=clock,
        actor=actor,
    )
    return ProjectOut(id=p.id, code=p.code, name=p.name, tenderee_id=p.tenderee_id, agency_id=p.agency_id)


@router.post("/sections", status_code=201, operation_id="create_section")
def new_section(body: SectionIn, uow: UowDep, clock: ClockDep, actor: ActorDep) -> SectionOut:
    """Create a draft section with its schedule."""
    sched = body.schedule
    cmd = CreateSection(
        project_id=body.project_id,
        code=body.code,
        name=body.name,
        kind=body.kind,
        estimated_price=body.estimated_price,
        ceiling_price=body.ceiling_price,
        schedule=Schedule(
            sched.sale_start,
            sched.sale_end,
            sched.bid_deadline,
            sched.decryption_minutes,
            sched.publicity_days,
        ),
        state_funded=body.state_funded,
    )
    return SectionOut.of(create_section(cmd, uow=uow, clock=clock, actor=actor))


@router.get("/sections", operation_id="list_sections")
def sections(uow: UowDep, actor: OptionalActorDep) -> list[SectionOut]:
    """Sections the caller may see (published ones for everyone)."""
    return [SectionOut.of(s) for s in list_sections(uow=uow, actor=actor)]


@router.get("/sections/{section_id}", operation_id="get_section")
def section(section_id: str, uow: UowDep, actor: OptionalActorDep) -> SectionOut:
    """One section; it never says whether or how many bids it has before the opening."""
    return SectionOut.of(get_section(section_id, uow=uow, actor=actor))


@router.post("/sections/{section_id}/publish", operation_id="publish_section")
def publish(section_id: str, platform: PlatformDep, actor: ActorDep) -> SectionOut:
    """Publish a checked section (the platform commits to its random seed)."""
    return SectionOut.of(
        publish_section(section_id, uow=platform.uow(), clock=platform.clock, actor=actor, random=platform.random)
    )


@router.post("/sections/{section_id}/cancel", operation_id="cancel_section")
def cancel(section_id: str, body: CancelIn, uow: UowDep, clock: ClockDep, actor: ActorDep) -> SectionOut:
    """Cancel a section, with a reason."""
    return SectionOut.of(cancel_section(section_id, body.reason, uow=uow, clock=clock, actor=actor))


@router.post("/sections/{section_id}/evaluation", operation_id="evaluate_section")
def evaluate(section_id: str, uow: UowDep, clock: ClockDep, actor: ActorDep) -> SectionOut:
    """Run the machine evaluation and start the candidates' publicity."""
    evaluate_section(section_id, uow=uow, clock=clock, actor=actor)
    return SectionOut.of(get_section(section_id, uow=uow, actor=actor))


@router.post("/sections/{section_id}/contract", operation_id="sign_contract")
def contract(section_id: str, uow: UowDep, clock: ClockDep, actor: ActorDep) -> SectionOut:
    """Record the signed contract."""
    return SectionOut.of(sign_contract(section_id, uow=uow, clock=clock, actor=actor))
