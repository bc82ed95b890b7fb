"""Collusion warnings at the opening (围标串标预警, 招标投标法实施条例 第四十条): screening on demand, and who may
read them (the supervisor and the centre always, the committee's members once the session is open).

The screening itself is ``services.shared.screening`` (the chronograph runs it when the decryption window closes).
Signals are clues for human review, never proof, and never shown to bidders (发改法规〔2026〕195号 (十一)).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fairbid.domain.actor import Actor, Role
from fairbid.domain.errors import Conflict, NotFound, NotPermitted
from fairbid.domain.records import CollusionWarningRecord
from fairbid.domain.section import SectionStatus
from fairbid.ports import Clock, UnitOfWork
from fairbid.services.shared.participation import member_of
from fairbid.services.shared.screening import FLAGGED_RISK, screen_within

__all__ = ["CollusionWarning", "list_section_warnings", "screen_opened_section"]

_NOT_OPENED = frozenset(
    {SectionStatus.DRAFT, SectionStatus.CHECKED, SectionStatus.PUBLISHED, SectionStatus.BIDDING, SectionStatus.OPENING}
)
_NO_WARNINGS = "No collusion warnings for this section."


@dataclass(frozen=True, slots=True)
class CollusionWarning:
    """A stored warning: ``kind`` is "signal" (a section signal) or "risk" (the tender's risk score)."""

    id: str
    section_id: str
    code: str
    kind: str
    flagged: bool
    created_at: datetime
    payload: dict[str, Any]


def _view(w: CollusionWarningRecord) -> CollusionWarning:
    kind = str(w.payload.get("kind", "signal"))
    flagged = kind == "signal" or w.payload.get("level") in FLAGGED_RISK
    return CollusionWarning(w.id, w.section_id, w.code, kind, flagged, w.created_at, dict(w.payload))


def screen_opened_section(section_id: str, *, uow: UnitOfWork, clock: Clock) -> list[CollusionWarning]:
    """Screen an opened section in its own transaction (on demand; idempotent). 条例 第四十条."""
    now = clock.now()
    with uow:
        section = uow.sections.get(section_id)
        if section.status in _NOT_OPENED:
            raise Conflict(f"Section {section.code} is not opened yet; bids are screened once decryption closes.")
        out = [_view(w) for w in screen_within(uow, section_id, now=now)]
        uow.commit()
    return out


def _may_read(uow: UnitOfWork, section_id: str, actor: Actor) -> bool:
    if actor.role in (Role.SUPERVISOR, Role.OPERATOR):
        return True
    committee = uow.committees.find(section_id)
    if committee is None or not committee.started:
        return False
    try:  # the committee's members — experts and the tenderee's representatives — once the session is open
        member_of(uow, committee, actor)
    except NotPermitted:
        return False
    return True


def list_section_warnings(section_id: str, *, uow: UnitOfWork, actor: Actor) -> list[CollusionWarning]:
    """The section's collusion warnings: supervisor and operator always, the section's committee once the
    evaluation has started. Anyone else gets the same ``NotFound`` as for a section with none (法 第二十二条
    style secrecy: a bidder must not learn it is suspected)."""
    with uow:
        if not _may_read(uow, section_id, actor):
            raise NotFound(_NO_WARNINGS)
        found = [_view(w) for w in uow.collusion_warnings.for_section(section_id)]
    if not found:
        raise NotFound(_NO_WARNINGS)
    return found
