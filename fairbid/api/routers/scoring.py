"""Expert score sheets, verdicts on the machine review and answers to warnings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header

from fairbid.api.deps import ActorDep, ClockDep, UowDep
from fairbid.api.schemas.evaluation import AnswerWarningIn, RaisedOut, SheetIn, SheetsOut, VerdictIn
from fairbid.services.evaluation.scoring import (
    AnswerWarning,
    SubmitSheet,
    Verdict,
    answer_score_warning,
    give_verdict,
    sheets_view,
    submit_score_sheet,
)

__all__ = ["router"]

router = APIRouter(prefix="/api/sections/{section_id}/scoring", tags=["scoring"])
Device = Annotated[str, Header(alias="X-Device", max_length=120)]


@router.get("", operation_id="my_score_sheets")
def sheets(section_id: str, uow: UowDep, actor: ActorDep) -> SheetsOut:
    """The caller's sheets (everyone's once all are in), the machine's results and warnings for the caller."""
    return SheetsOut.of(sheets_view(section_id, uow=uow, actor=actor))


@router.put("/bids/{bid_id}", operation_id="submit_score_sheet")
def submit(
    section_id: str, bid_id: str, body: SheetIn, uow: UowDep, clock: ClockDep, actor: ActorDep, device: Device = "api"
) -> RaisedOut:
    """Submit the subjective scores for one bid (once; changes only in answer to a warning)."""
    cmd = SubmitSheet(section_id, bid_id, body.scores, body.stated_total, device)
    return RaisedOut(warnings_raised=submit_score_sheet(cmd, uow=uow, clock=clock, actor=actor))


@router.post("/warnings/{warning_id}", operation_id="answer_warning")
def answer(
    section_id: str,
    warning_id: str,
    body: AnswerWarningIn,
    uow: UowDep,
    clock: ClockDep,
    actor: ActorDep,
    device: Device = "api",
) -> RaisedOut:
    """Confirm or revise a warned score, with a written reason."""
    cmd = AnswerWarning(section_id, warning_id, body.revised, body.reason, body.scores, body.stated_total, device)
    return RaisedOut(warnings_raised=answer_score_warning(cmd, uow=uow, clock=clock, actor=actor))


@router.post("/verdicts", status_code=204, operation_id="give_verdict")
def verdict(
    section_id: str, body: VerdictIn, uow: UowDep, clock: ClockDep, actor: ActorDep, device: Device = "api"
) -> None:
    """Confirm or dispute (with a reason) one machine review result."""
    cmd = Verdict(section_id, body.bid_id, body.check_id, body.agrees, body.reason, device)
    give_verdict(cmd, uow=uow, clock=clock, actor=actor)
