"""Pages of the evaluation: the expert's score sheet and the committee's progress by venue.

The score sheet is a shell: the expert signs in on the page and its script talks to the scoring API
with the token (kept in the tab's sessionStorage only). The progress page is rendered on the server with
the committee as the caller may see it: names only once they may be shown (法 第三十七条).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from fairbid.api.deps import OptionalActorDep, UowDep
from fairbid.services.shared.participation import committee_view
from fairbid.services.tendering.section import get_section
from fairbid.web.templating import templates

__all__ = ["router"]

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/sections/{section_id}/score-sheet", response_class=HTMLResponse)
def score_sheet(section_id: str, request: Request, uow: UowDep, actor: OptionalActorDep) -> Any:
    """The expert's score sheet: subjective items per bid, machine results to confirm or dispute, warnings."""
    section = get_section(section_id, uow=uow, actor=actor)
    return templates.TemplateResponse(request, "pages/expert_sheet.html", {"section": section})


@router.get("/sections/{section_id}/committee", response_class=HTMLResponse)
def progress(section_id: str, request: Request, uow: UowDep, actor: OptionalActorDep) -> Any:
    """The draw and the session's progress by venue: answers and check-ins per seat."""
    section = get_section(section_id, uow=uow, actor=actor)
    view = committee_view(section_id, uow=uow, actor=actor)
    venues: dict[str, list[Any]] = {}
    for seat in view.seats:
        venues.setdefault(seat.venue_id, []).append(seat)
    return templates.TemplateResponse(
        request, "pages/operator_progress.html", {"section": section, "view": view, "venues": venues}
    )
