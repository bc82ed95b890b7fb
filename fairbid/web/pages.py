"""Public pages: published sections, a section's page with its opening record and candidates."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from fairbid.api.deps import OptionalActorDep, UowDep
from fairbid.services.tendering.record import section_record
from fairbid.services.tendering.section import list_sections
from fairbid.web.templating import templates

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def index(request: Request, uow: UowDep, actor: OptionalActorDep) -> Any:
    return templates.TemplateResponse(request, "pages/index.html", {"sections": list_sections(uow=uow, actor=actor)})


@router.get("/sections/{section_id}", response_class=HTMLResponse)
def section_page(section_id: str, request: Request, uow: UowDep, actor: OptionalActorDep) -> Any:
    return templates.TemplateResponse(
        request, "pages/section.html", {"r": section_record(section_id, uow=uow, actor=actor)}
    )
