"""The evaluation report (评标报告): issued by the machine, read by those it goes to, signed by the members."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from fairbid.api.deps import ActorDep, ClockDep, PlatformDep, UowDep
from fairbid.services.evaluation.report import (
    ReportView,
    SignReport,
    evaluation_report_pdf,
    evaluation_report_view,
    issue_evaluation_report,
    sign_evaluation_report,
)

__all__ = ["router"]

router = APIRouter(prefix="/api/sections/{section_id}/evaluation-report", tags=["evaluation report"])


class SignatureOut(BaseModel):
    seat: int
    signed_at: str
    dissent: str


class ReportOut(BaseModel):
    section_id: str
    pdf_digest: str = Field(description="SM3 of the PDF, as in the ledger")
    docx_digest: str
    issued_at: str
    message: str = Field(description="hex of the bytes each member signs with their registered key")
    members: int
    signatures: list[SignatureOut]

    @classmethod
    def of(cls, v: ReportView) -> ReportOut:
        return cls(
            section_id=v.section_id,
            pdf_digest=v.pdf_digest,
            docx_digest=v.docx_digest,
            issued_at=v.issued_at,
            message=v.message,
            members=v.members,
            signatures=[SignatureOut(seat=s.seat, signed_at=s.signed_at, dissent=s.dissent) for s in v.signatures],
        )


class SignIn(BaseModel):
    signature: str = Field(min_length=2, max_length=1024, description="hex, over the report's ``message``")
    dissent: str = Field("", max_length=4000, description="a member who disagrees says so, with reasons")


@router.post("", status_code=201, operation_id="issue_evaluation_report")
def issue(section_id: str, platform: PlatformDep, actor: ActorDep) -> ReportOut:
    """Render and store the report (PDF and DOCX) once the evaluation is over; its digests go to the ledger."""
    issue_evaluation_report(section_id, uow=platform.uow(), clock=platform.clock, actor=actor, blobs=platform.blobs)
    return ReportOut.of(evaluation_report_view(section_id, uow=platform.uow(), actor=actor))


@router.get("", operation_id="get_evaluation_report")
def report(section_id: str, uow: UowDep, actor: ActorDep) -> ReportOut:
    """The report's digests and signatures, for the centre, the supervisor, the tenderee, its agency, the members."""
    return ReportOut.of(evaluation_report_view(section_id, uow=uow, actor=actor))


@router.get("/pdf", operation_id="download_evaluation_report", response_class=Response)
def pdf(section_id: str, platform: PlatformDep, actor: ActorDep) -> Response:
    """The report's PDF (its SM3 is ``pdf_digest``)."""
    data = evaluation_report_pdf(section_id, uow=platform.uow(), actor=actor, blobs=platform.blobs)
    return Response(data, media_type="application/pdf")


@router.post("/signatures", operation_id="sign_evaluation_report")
def sign(section_id: str, body: SignIn, uow: UowDep, clock: ClockDep, actor: ActorDep) -> ReportOut:
    """A member signs the issued report with their registered key; dissent is recorded (条例 第五十三条)."""
    sign_evaluation_report(SignReport(section_id, body.signature, body.dissent), uow=uow, clock=clock, actor=actor)
    return ReportOut.of(evaluation_report_view(section_id, uow=uow, actor=actor))
