"""Remote evaluation sessions (远程异地评标): each expert checks in at the assigned venue, and every
action records venue, time and device (电子办法 第三十三条: evaluation at lawful venues, monitored;
电子办法 第四十九条: every step logged).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from fairbid.domain.errors import InvalidInput, NotPermitted
from fairbid.domain.expert.draw import CommitteeDraw, DrawnSeat, SeatStatus

__all__ = ["CHECK_IN", "SessionAction", "check_in", "record_action"]

CHECK_IN = "check_in"


@dataclass(frozen=True, slots=True)
class SessionAction:
    """One expert action in the session, with where, when and from which device."""

    expert_id: str
    action: str
    venue_id: str
    device: str
    at: datetime


def _seat(draw: CommitteeDraw, expert_id: str) -> DrawnSeat:
    for seat in draw.active:
        if seat.expert_id == expert_id and seat.status is SeatStatus.ACCEPTED:
            return seat
    raise NotPermitted(f"{expert_id} is not an accepted member of this committee.", field="expert_id")


def check_in(draw: CommitteeDraw, expert_id: str, *, venue_id: str, device: str, at: datetime) -> SessionAction:
    """Check an accepted expert in at the assigned venue only (电子办法 第三十三条)."""
    seat = _seat(draw, expert_id)
    if seat.venue_id != venue_id:
        raise NotPermitted(f"{expert_id} is assigned to venue {seat.venue_id}, not {venue_id}.", field="venue_id")
    if not device.strip():
        raise InvalidInput("A check-in records the device used.", field="device")
    return SessionAction(expert_id, CHECK_IN, venue_id, device.strip(), at)


def record_action(
    draw: CommitteeDraw,
    log: Iterable[SessionAction],
    expert_id: str,
    action: str,
    *,
    venue_id: str,
    device: str,
    at: datetime,
) -> SessionAction:
    """Record an action by an expert who has checked in at this venue (电子办法 第四十九条)."""
    _seat(draw, expert_id)
    if not action.strip() or action == CHECK_IN:
        raise InvalidInput("Name the action (check-in has its own function).", field="action")
    checked_in = any(a.expert_id == expert_id and a.action == CHECK_IN and a.venue_id == venue_id for a in log)
    if not checked_in:
        raise NotPermitted(f"{expert_id} has not checked in at venue {venue_id}.", field="venue_id")
    if not device.strip():
        raise InvalidInput("Every action records the device used.", field="device")
    return SessionAction(expert_id, action.strip(), venue_id, device.strip(), at)
