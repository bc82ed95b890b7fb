"""The tender section (标段): its lifecycle, schedule and chronograph."""

from fairbid.domain.section.document import DocumentVersion
from fairbid.domain.section.model import (
    Action,
    Schedule,
    Section,
    SectionKind,
    SectionStatus,
    apply_transition,
    can_take,
    validate_schedule,
)
from fairbid.domain.section.schedule import DueEvent, due_events, next_check

__all__ = [
    "Action",
    "DocumentVersion",
    "DueEvent",
    "Schedule",
    "Section",
    "SectionKind",
    "SectionStatus",
    "apply_transition",
    "can_take",
    "due_events",
    "next_check",
    "validate_schedule",
]
