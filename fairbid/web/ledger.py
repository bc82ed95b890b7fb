"""The public page of signed tree heads (/ledger): every head ever published, and how to check them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from fairbid.api.deps import PlatformDep, UowDep
from fairbid.services.oversight.ledger import list_heads
from fairbid.web.templating import templates

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/ledger", response_class=HTMLResponse)
def ledger_page(request: Request, uow: UowDep, platform: PlatformDep) -> Any:
    heads = list_heads(uow=uow)
    return templates.TemplateResponse(
        request,
        "pages/ledger.html",
        {
            "heads": [(h.to_json(), at) for h, at in reversed(heads)],
            "public_key": platform.platform_key.public.to_text(),
        },
    )
