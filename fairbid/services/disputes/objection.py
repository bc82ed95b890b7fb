"""Objections (异议): at the opening, raised and answered on the spot (条例 第四十四条); against the candidates,
raised during the publicity and answered within 3 days, the award waiting meanwhile (条例 第五十四条).

Only a bidder of the section raises one; only the section's tenderee or its agency answers, once. Both are
in the ledger, and the section's ``open_objections`` counts the unanswered ones, which the chronograph reads
to hold the award (``domain.section.schedule``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from fairbid.domain.actor import Actor, Role
from fairbid.domain.bid import BidStatus
from fairbid.domain.errors import DeadlinePassed, InvalidInput, InvalidTransition, NotFound, NotPermitted
from fairbid.domain.records import ObjectionRecord
from fairbid.domain.section import Section, SectionStatus
from fairbid.ledger.chain import LedgerAction
from fairbid.ledger.snapshot import SubjectType, objection_snapshot
from fairbid.ports import Clock, UnitOfWork

__all__ = [
    "ANSWER_DAYS",
    "AnswerObjection",
    "ObjectionView",
    "RaiseObjection",
    "answer_objection",
    "list_objections",
    "raise_objection",
]

ANSWER_DAYS = 3  # 条例 第五十四条: the tenderee answers an objection to the candidates within 3 days
MAX_TEXT = 4000
_STAGES = {SectionStatus.OPENING: "opening", SectionStatus.PUBLICISED: "publicity"}


@dataclass(frozen=True, slots=True)
class RaiseObjection:
    section_id: str
    text: str


@dataclass(frozen=True, slots=True)
class AnswerObjection:
    objection_id: str
    answer: str


@dataclass(frozen=True, slots=True)
class ObjectionView:
    """An objection as the record shows it: who, what, when, and the answer with its time."""

    id: str
    section_id: str
    stage: str
    raised_by: str  # organisation ID
    raised_by_name: str
    text: str
    raised_at: datetime
    answer_due: datetime | None  # publicity objections: 3 days after they were raised
    answer: str | None
    answered_at: datetime | None

    @property
    def answered_late(self) -> bool:
        return self.answer_due is not None and self.answered_at is not None and self.answered_at > self.answer_due


def _text(value: str, field: str) -> str:
    value = value.strip()
    if not value:
        raise InvalidInput("Say what the objection (or the answer) is.", field=field)
    if len(value) > MAX_TEXT:
        raise InvalidInput(f"At most {MAX_TEXT} characters.", field=field)
    return value


def _stage(section: Section, now: datetime) -> str:
    """The stage at which an objection may be raised now, or why none may."""
    stage = _STAGES.get(section.status)
    if stage is None:
        raise InvalidTransition(
            f"Section {section.code} is {section.status}: objections are raised at the opening (条例 第四十四条) "
            "or during the candidates' publicity (条例 第五十四条)."
        )
    if stage == "publicity" and section.publicity_ends is not None and now >= section.publicity_ends:
        raise DeadlinePassed(
            f"The publicity of section {section.code} ended at {section.publicity_ends.isoformat()}; "
            "objections to the candidates are raised during it (条例 第五十四条)."
        )
    return stage


def raise_objection(cmd: RaiseObjection, *, uow: UnitOfWork, clock: Clock, actor: Actor) -> ObjectionView:
    """A bidder of the section objects, at the opening or during the candidates' publicity; recorded."""
    now = clock.now()
    text = _text(cmd.text, "text")
    with uow:
        section = uow.sections.get(cmd.section_id)
        if actor.role is not Role.BIDDER or actor.organisation_id is None:
            raise NotPermitted("Only a bidder of this section may raise an objection here.")
        bid = uow.bids.for_bidder(section.id, actor.organisation_id)
        if bid is None or bid.status is BidStatus.WITHDRAWN:
            raise NotPermitted("Only a bidder of this section may raise an objection here.")
        stage = _stage(section, now)
        objections = uow.objections
        stored = ObjectionRecord(
            str(uuid.uuid4()), section.id, stage, actor.organisation_id, text, now, None, None, None
        )
        objections.add(stored)
        section.open_objections = objections.open_count(section.id)
        uow.sections.save(section)
        uow.record(
            actor=actor,
            action=LedgerAction.OBJECTION_RAISED,
            subject_type=SubjectType.OBJECTION,
            subject_id=stored.id,
            payload={"section_id": section.id, "stage": stage, "raised_by": actor.organisation_id, "text": text},
            snapshot=objection_snapshot(stored),
            now=now,
        )
        name = uow.organisations.get(actor.organisation_id).name
        uow.commit()
    return _view(stored, name)


def answer_objection(cmd: AnswerObjection, *, uow: UnitOfWork, clock: Clock, actor: Actor) -> ObjectionView:
    """The tenderee or its agency answers, once; the award may go ahead when none is left open."""
    now = clock.now()
    answer = _text(cmd.answer, "answer")
    with uow:
        objections = uow.objections
        found = objections.get(cmd.objection_id)
        if found is None:
            raise NotFound(f"No objection with id {cmd.objection_id}.")
        section = uow.sections.get(found.section_id)
        if actor.role not in (Role.TENDEREE, Role.AGENCY) or actor.organisation_id not in (
            section.tenderee_id,
            section.agency_id,
        ):
            raise NotPermitted("Only this section's tenderee or its agency answers objections.")
        if found.answered_at is not None:
            raise InvalidTransition(
                f"This objection was answered at {found.answered_at.isoformat()}; answers are final."
            )
        stored = objections.answer(found.id, answer=answer, answered_by=actor.user_id or "", now=now)
        section.open_objections = objections.open_count(section.id)
        uow.sections.save(section)  # the award may now fall due
        uow.record(
            actor=actor,
            action=LedgerAction.OBJECTION_ANSWERED,
            subject_type=SubjectType.OBJECTION,
            subject_id=stored.id,
            payload={"section_id": section.id, "stage": stored.stage, "answer": answer},
            snapshot=objection_snapshot(stored),
            now=now,
        )
        name = uow.organisations.get(stored.raised_by).name
        uow.commit()
    return _view(stored, name)


def list_objections(section_id: str, *, uow: UnitOfWork, actor: Actor) -> list[ObjectionView]:
    """A section's objections and answers, for everyone (they are part of the public record)."""
    with uow:
        try:
            section = uow.sections.get(section_id)
        except NotFound:
            return []
        if section.bids_sealed:  # none can exist before the opening; say nothing more
            return []
        stored = uow.objections.in_section(section.id)
        names = uow.organisations.names([o.raised_by for o in stored])
    return [_view(o, names[o.raised_by].name if o.raised_by in names else o.raised_by) for o in stored]


def _view(o: ObjectionRecord, name: str) -> ObjectionView:
    due = o.raised_at + timedelta(days=ANSWER_DAYS) if o.stage == "publicity" else None
    return ObjectionView(
        o.id, o.section_id, o.stage, o.raised_by, name, o.text, o.raised_at, due, o.answer, o.answered_at
    )
