"""Collusion warnings of a section (围标串标预警): for the supervisor, the operator and the seated committee.

Anyone else, signed in or not, gets the same 404 as for a section without warnings.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from fairbid.api.deps import OptionalActorDep, UowDep
from fairbid.services.oversight.collusion import list_section_warnings

__all__ = ["router"]

router = APIRouter(prefix="/api/sections", tags=["warnings"])


class CollusionWarningOut(BaseModel):
    id: str
    code: str
    kind: str  # signal | risk
    flagged: bool
    created_at: datetime
    payload: dict[str, Any]  # bidders, evidence, strength, citation, advisory (signal); score, screens (risk)


@router.get("/{section_id}/warnings", operation_id="list_section_warnings")
def section_warnings(section_id: str, uow: UowDep, actor: OptionalActorDep) -> list[CollusionWarningOut]:
    """The section's collusion warnings: clues for human review, never proof, never shown to bidders."""
    return [
        CollusionWarningOut(
            id=w.id, code=w.code, kind=w.kind, flagged=w.flagged, created_at=w.created_at, payload=w.payload
        )
        for w in list_section_warnings(section_id, uow=uow, actor=actor)
    ]
