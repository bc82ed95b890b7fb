"""The access matrix page (/access): who may do what in which state, as enforced and tested."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from fairbid.domain.access import ACCESS, STAGES, CommitteePhase, is_allowed, operations
from fairbid.domain.actor import Role
from fairbid.web.templating import templates

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
_ROLES = [r for r in Role if r is not Role.MACHINE]


def _cell(role: Role, operation: str, sectionless: bool) -> str:
    if sectionless:
        return "✓" if is_allowed(role, operation, None) else "—"
    stages = [(s, p) for s, p in STAGES if is_allowed(role, operation, s, p)]
    if not stages:
        return "—"
    if len(stages) == len(STAGES):
        return "any state"
    shown: dict[str, list[CommitteePhase | None]] = {}
    for status, phase in stages:
        shown.setdefault(status.value, []).append(phase)
    parts = []
    for name, phases in shown.items():
        if None in phases or len(phases) == len(CommitteePhase):
            parts.append(name)
        else:  # in evaluation, only some of the committee's phases
            parts.append(f"{name} ({' / '.join(p.value for p in phases if p)})")
    return ", ".join(parts)


@router.get("/access", response_class=HTMLResponse)
def access_page(request: Request) -> Any:
    rows = []
    for op in operations():
        grants = [g for g in ACCESS if g.operation == op]
        sectionless = all(g.states is None for g in grants)
        rows.append(
            {
                "operation": op,
                "kind": grants[0].kind,
                "rules": [g.rule for g in grants],
                "cells": [_cell(role, op, sectionless) for role in _ROLES],
            }
        )
    return templates.TemplateResponse(request, "pages/access.html", {"roles": [r.value for r in _ROLES], "rows": rows})
