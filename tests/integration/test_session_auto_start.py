"""The machine opens an evaluation session at its scheduled start once the committee is seated (机器管)."""

from __future__ import annotations

from datetime import timedelta

from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.scheduler import run_due
from fairbid.services.evaluation.committee import CheckIn, DrawRequest, answer_invitation, check_in_member
from fairbid.services.evaluation.committee import draw_committee_for_section as draw
from fairbid.services.evaluation.session import start_due_sessions
from tests.factories import Party, World, expert_pool, in_evaluation, make_world


def _drawn(w: World, sid: str, experts: dict[str, Party], *, check_in: int) -> None:
    """A committee whose session is due in an hour; everyone accepts, the first ``check_in`` check in."""
    experts.update(expert_pool(w))
    request = DrawRequest(sid, {"main": 2, "partner": 3}, evaluation_start=w.clock.now() + timedelta(hours=1))
    d = draw(request, uow=w.p.uow(), clock=w.clock, actor=w.operator.actor)
    for n, seat in enumerate(d.seats):
        actor = experts[seat.expert_id].actor
        answer_invitation(sid, True, uow=w.p.uow(), clock=w.clock, actor=actor)
        if n < check_in:
            check_in_member(CheckIn(sid, seat.venue_id, "终端"), uow=w.p.uow(), clock=w.clock, actor=actor)


def _started(w: World, sid: str) -> bool:
    with w.p.uow() as uow:
        return uow.committees.get(sid).started


def test_the_scheduler_opens_a_seated_session_at_its_start_and_not_before(
    platform: Platform, clock: SimulatedClock
) -> None:
    w = make_world(platform, clock, bidders=3)
    ready, short = in_evaluation(w), in_evaluation(w)
    experts: dict[str, Party] = {}
    _drawn(w, ready, experts, check_in=5)
    _drawn(w, short, experts, check_in=4)  # one member has not checked in
    run_due(platform)
    assert not _started(w, ready) and not _started(w, short)  # not yet time
    clock.advance(timedelta(hours=1))
    run_due(platform)
    assert _started(w, ready)
    assert not _started(w, short)  # waits for the last member (or the operator)
    with platform.uow() as uow:
        [entry] = [e for e in uow.ledger.for_subject("committee", ready) if e.action == "evaluation:started"]
    assert (entry.actor_role, entry.actor_id) == ("machine", "evaluation-session")
    assert start_due_sessions(uow=platform.uow(), clock=clock) == []  # running again is harmless
