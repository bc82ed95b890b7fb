"""Objections (异议) at the opening and against the candidates, and their answers on the record."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from fairbid.api.deps import ActorDep, ClockDep, OptionalActorDep, UowDep
from fairbid.services.disputes.objection import (
    MAX_TEXT,
    AnswerObjection,
    ObjectionView,
    RaiseObjection,
    answer_objection,
    list_objections,
    raise_objection,
)

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["objections"])


class ObjectionIn(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_TEXT)


class AnswerIn(BaseModel):
    answer: str = Field(min_length=1, max_length=MAX_TEXT)


class ObjectionOut(BaseModel):
    id: str
    section_id: str
    stage: str
    raised_by: str
    raised_by_name: str
    text: str
    raised_at: datetime
    answer_due: datetime | None
    answer: str | None
    answered_at: datetime | None
    answered_late: bool

    @classmethod
    def of(cls, v: ObjectionView) -> ObjectionOut:
        return cls(
            id=v.id,
            section_id=v.section_id,
            stage=v.stage,
            raised_by=v.raised_by,
            raised_by_name=v.raised_by_name,
            text=v.text,
            raised_at=v.raised_at,
            answer_due=v.answer_due,
            answer=v.answer,
            answered_at=v.answered_at,
            answered_late=v.answered_late,
        )


@router.post("/sections/{section_id}/objections", status_code=201, operation_id="raise_objection")
def raise_(section_id: str, body: ObjectionIn, uow: UowDep, clock: ClockDep, actor: ActorDep) -> ObjectionOut:
    """A bidder of the section objects at the opening (条例 第四十四条) or during the publicity (第五十四条)."""
    return ObjectionOut.of(raise_objection(RaiseObjection(section_id, body.text), uow=uow, clock=clock, actor=actor))


@router.post("/objections/{objection_id}/answer", operation_id="answer_objection")
def answer(objection_id: str, body: AnswerIn, uow: UowDep, clock: ClockDep, actor: ActorDep) -> ObjectionOut:
    """The tenderee or its agency answers an objection, once."""
    view = answer_objection(AnswerObjection(objection_id, body.answer), uow=uow, clock=clock, actor=actor)
    return ObjectionOut.of(view)


@router.get("/sections/{section_id}/objections", operation_id="list_objections")
def objections(section_id: str, uow: UowDep, actor: OptionalActorDep) -> list[ObjectionOut]:
    """A section's objections and answers (public once the section has opened)."""
    return [ObjectionOut.of(v) for v in list_objections(section_id, uow=uow, actor=actor)]
