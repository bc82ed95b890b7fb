"""The opening's public pages: the opening record as a PDF (开标记录), and the objections on the section page.

``objections_for(request, section_id)`` is made available to the templates so that ``_objections.html``,
included by the section page, can list a section's objections and their answers.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from fairbid.api.deps import OptionalActorDep, UowDep
from fairbid.bootstrap import Platform
from fairbid.domain.actor import ANONYMOUS_PUBLIC
from fairbid.services.bidding.opening_record import opening_record_pdf
from fairbid.services.disputes.objection import ObjectionView, list_objections
from fairbid.web.templating import templates

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def objections_for(request: Request, section_id: str) -> list[ObjectionView]:
    """A section's objections and answers, as the public sees them."""
    platform: Platform = request.app.state.platform
    return list_objections(section_id, uow=platform.uow(), actor=ANONYMOUS_PUBLIC)


templates.env.globals["objections_for"] = objections_for


@router.get("/sections/{section_id}/opening-record.pdf")
def opening_record(section_id: str, uow: UowDep, actor: OptionalActorDep) -> Response:
    """The published opening record as a PDF (404 until the decryption window has closed)."""
    pdf = opening_record_pdf(section_id, uow=uow, actor=actor)
    return Response(
        pdf.content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{pdf.filename}"',
            "X-Content-SM3": pdf.sm3,
            "X-Opening-Record-SM3": pdf.record_digest,
        },
    )
