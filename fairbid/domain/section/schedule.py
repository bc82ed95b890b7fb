"""The chronograph (as ProZorro's): a section's due events computed from its state and the clock.

``due_events`` lists every time-driven event of the section's current status, blocked ones included;
``next_check`` is the earliest unblocked one. The service ``advance_clock`` applies one due event at a time
and recomputes, so re-running it is harmless and nothing due is missed after a restart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fairbid.domain.section.model import Action, Section, SectionStatus

__all__ = ["DueEvent", "due_events", "next_check"]


@dataclass(frozen=True, slots=True)
class DueEvent:
    """A time-driven event: ``action`` falls due at ``due_at`` unless ``blocked_by`` says why not."""

    action: Action
    due_at: datetime
    blocked_by: str | None = None

    def is_due(self, now: datetime) -> bool:
        return self.blocked_by is None and self.due_at <= now


def due_events(section: Section) -> list[DueEvent]:
    """Every time-driven event of the section in its current status (at most one today, blockers shown)."""
    sched = section.schedule
    match section.status:
        case SectionStatus.PUBLISHED:
            return [DueEvent(Action.START_BIDDING, sched.sale_start)]
        case SectionStatus.BIDDING:
            # The opening is at the deadline itself (条例 第四十四条); too few bids fails it there.
            return [DueEvent(Action.OPEN_BIDS, sched.bid_deadline)]
        case SectionStatus.OPENING:
            return [DueEvent(Action.CLOSE_DECRYPTION, sched.decryption_closes)]
        case SectionStatus.PUBLICISED if section.publicity_ends is not None:
            blocked = (
                f"{section.open_objections} objection(s) to the candidates await an answer (条例 第五十四条)"
                if section.open_objections
                else None
            )
            return [DueEvent(Action.AWARD, section.publicity_ends, blocked)]
        case _:
            return []


def next_check(section: Section) -> datetime | None:
    """When the scheduler should look at this section again; None when nothing time-driven is pending."""
    times = [e.due_at for e in due_events(section) if e.blocked_by is None]
    return min(times) if times else None
