"""The evaluation committee: draw, view (names as the caller may see them), answers, check-in, start."""

from __future__ import annotations

from fastapi import APIRouter

from fairbid.api.deps import ActorDep, ClockDep, OptionalActorDep, PlatformDep, UowDep
from fairbid.api.schemas.expert import (
    AnswerIn,
    CheckInIn,
    CommitteeOut,
    DrawIn,
    MemberKeyIn,
    MemberKeyOut,
    RepresentativesIn,
    RepresentativesOut,
    SeatOut,
)
from fairbid.services.evaluation.committee import (
    CheckIn,
    DrawRequest,
    answer_invitation,
    check_in_member,
    draw_committee_for_section,
    name_representatives,
    replace_vacancies,
)
from fairbid.services.evaluation.report import register_signing_key
from fairbid.services.evaluation.session import start_evaluation
from fairbid.services.shared.participation import CommitteeView, committee_view

__all__ = ["router"]

router = APIRouter(prefix="/api/sections/{section_id}/committee", tags=["committees"])


def _out(v: CommitteeView) -> CommitteeOut:
    return CommitteeOut(
        section_id=v.section_id,
        names_visible=v.names_visible,
        evaluation_started=v.evaluation_started,
        rounds=v.rounds,
        labels=list(v.labels),
        beacon=v.beacon,
        seats=[SeatOut(**{f: getattr(s, f) for f in SeatOut.model_fields}) for s in v.seats],
        eligible=list(v.eligible),
        representatives=v.representatives,
        evaluation_start=v.evaluation_start,
        evaluation_end=v.evaluation_end,
    )


@router.post("", status_code=201, operation_id="draw_committee")
def draw(section_id: str, body: DrawIn, platform: PlatformDep, actor: ActorDep) -> CommitteeOut:
    """Draw the committee from the pool, seeded by the section's beacon (法 第三十七条); invitations are sent."""
    cmd = DrawRequest(section_id, **body.model_dump())
    uow = platform.uow()
    draw_committee_for_section(cmd, uow=uow, clock=platform.clock, actor=actor, notifier=platform.notifier)
    return _out(committee_view(section_id, uow=uow, actor=actor))


@router.get("", operation_id="get_committee")
def committee(section_id: str, uow: UowDep, actor: OptionalActorDep) -> CommitteeOut:
    """The committee; names only for those allowed to see them yet."""
    return _out(committee_view(section_id, uow=uow, actor=actor))


@router.post("/answer", operation_id="answer_invitation")
def answer(section_id: str, body: AnswerIn, uow: UowDep, clock: ClockDep, actor: ActorDep) -> CommitteeOut:
    """Accept or decline the invitation."""
    answer_invitation(section_id, body.accepted, uow=uow, clock=clock, actor=actor, expert_id=body.expert_id)
    return _out(committee_view(section_id, uow=uow, actor=actor))


@router.post("/replacements", operation_id="replace_vacancies")
def replacements(section_id: str, platform: PlatformDep, actor: ActorDep) -> CommitteeOut:
    """Expire unanswered invitations and draw replacements from the next round's stream; they are invited."""
    uow = platform.uow()
    replace_vacancies(section_id, uow=uow, clock=platform.clock, actor=actor, notifier=platform.notifier)
    return _out(committee_view(section_id, uow=uow, actor=actor))


@router.put("/representatives", operation_id="name_representatives")
def representatives(
    section_id: str, body: RepresentativesIn, uow: UowDep, clock: ClockDep, actor: ActorDep
) -> RepresentativesOut:
    """The tenderee names its representatives, as many as the pinned terms give it seats (法 第三十七条)."""
    return RepresentativesOut(named=name_representatives(section_id, body.usernames, uow=uow, clock=clock, actor=actor))


@router.put("/key", operation_id="register_member_key")
def member_key(section_id: str, body: MemberKeyIn, uow: UowDep, clock: ClockDep, actor: ActorDep) -> MemberKeyOut:
    """A tenderee's representative registers the public key they sign this committee's report with."""
    key_id = register_signing_key(body.public_key, uow=uow, clock=clock, actor=actor, section_id=section_id)
    return MemberKeyOut(key_id=key_id)


@router.post("/check-in", status_code=204, operation_id="check_in")
def check_in(section_id: str, body: CheckInIn, uow: UowDep, clock: ClockDep, actor: ActorDep) -> None:
    """Check in at the assigned venue, naming the device (experts and the tenderee's representatives)."""
    check_in_member(CheckIn(section_id, body.venue_id, body.device), uow=uow, clock=clock, actor=actor)


@router.post("/start", status_code=204, operation_id="start_evaluation")
def start(section_id: str, uow: UowDep, clock: ClockDep, actor: ActorDep) -> None:
    """Start the session: machine review and price scores; names open to the session's participants."""
    start_evaluation(section_id, uow=uow, clock=clock, actor=actor)
