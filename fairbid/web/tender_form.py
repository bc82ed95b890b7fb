"""The tender-form page (招标文件编制): an agency fills the form and sees the findings as it types."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from fairbid.documents import demo_form
from fairbid.documents.form import to_terms
from fairbid.domain.terms import wording
from fairbid.web.templating import templates

__all__ = ["router"]

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/tender-form", response_class=HTMLResponse)
def tender_form_page(request: Request) -> HTMLResponse:
    """The form, pre-filled with the demo section; tender_form.js posts it to the check as you type."""
    form = demo_form()
    return templates.TemplateResponse(
        request,
        "pages/tender_form.html",
        {
            "form": form,
            "form_data": form.model_dump(mode="json"),
            "terms": to_terms(form),
            "wording": wording,
            "role_names": {s.code: s.role for s in form.qualification.key_staff},
        },
    )
