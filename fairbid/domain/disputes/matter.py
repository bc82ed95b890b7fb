"""The open disputes of a section as the alarms read them (``award.alarm.OpenMatter``): each unanswered
objection with its answer's due time, each complaint with the supervisor's next due time."""

from __future__ import annotations

from collections.abc import Iterable

from fairbid.domain.award.alarm import MatterKind, OpenMatter
from fairbid.domain.disputes.complaint import Complaint, ComplaintState
from fairbid.domain.disputes.objection import Objection, ObjectionState

__all__ = ["open_matters"]


def open_matters(objections: Iterable[Objection], complaints: Iterable[Complaint]) -> tuple[OpenMatter, ...]:
    """Every objection still open and every complaint awaiting acceptance or decision, with its due time."""
    matters = [
        OpenMatter(MatterKind.OBJECTION, o.id, o.answer_due) for o in objections if o.state is ObjectionState.OPEN
    ]
    for c in complaints:
        due = c.due_at()
        if due is None:
            continue
        kind = MatterKind.COMPLAINT_ACCEPTANCE if c.state is ComplaintState.FILED else MatterKind.COMPLAINT_DECISION
        matters.append(OpenMatter(kind, c.id, due))
    return tuple(sorted(matters, key=lambda m: (m.due_at, m.id)))
