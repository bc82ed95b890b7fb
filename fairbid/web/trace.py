"""The trace report page of a section (/sections/{id}/trace) and its PDF (全程留痕报告)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from fairbid.api.deps import OptionalActorDep, UowDep
from fairbid.services.oversight.trace_report import trace_report
from fairbid.templating import render_pdf
from fairbid.web.templating import templates

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/sections/{section_id}/trace", response_class=HTMLResponse)
def trace_page(section_id: str, request: Request, uow: UowDep, actor: OptionalActorDep) -> Any:
    report = trace_report(section_id, uow=uow, actor=actor)
    return templates.TemplateResponse(request, "pages/trace.html", {"r": report})


@router.get("/sections/{section_id}/trace.pdf")
def trace_pdf(section_id: str, uow: UowDep, actor: OptionalActorDep) -> Response:
    report = trace_report(section_id, uow=uow, actor=actor)
    html = templates.get_template("reports/trace_pdf.html").render(r=report)
    return Response(
        render_pdf(html),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="trace-{report.code}.pdf"'},
    )
