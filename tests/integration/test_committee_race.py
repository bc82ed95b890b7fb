"""Two experts answering their invitations at the same instant: both answers are kept.

The committee is one versioned aggregate. On PostgreSQL both requests read it at version v (a barrier in front of
the save makes the race certain rather than likely); the first to write makes it v+1; the second's write is
refused as stale (``Conflict``) and the use case runs again on the first's result. On SQLite a unit of work takes
the write lock at BEGIN (BEGIN IMMEDIATE), so the two run one after the other and neither needs a retry. Either
way no answer is lost.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.domain.expert import SeatStatus
from fairbid.services.evaluation.committee import DrawRequest, answer_invitation, draw_committee_for_section
from fairbid.services.oversight.ledger import verify_ledger
from fairbid.store.evaluation import CommitteeRepository
from tests.factories import SETUP, World, expert_pool, in_evaluation, make_world


@pytest.fixture
def world(platform: Platform, clock: SimulatedClock) -> World:
    return make_world(platform, clock, bidders=3)


def test_two_experts_answering_at_once_both_answers_are_kept(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    w = world
    sid = in_evaluation(w)
    experts = expert_pool(w)
    draw = draw_committee_for_section(
        DrawRequest(sid, {"main": 2, "partner": 3}), uow=w.p.uow(), clock=w.clock, actor=SETUP
    )
    first, second = (experts[s.expert_id] for s in draw.seats[:2])
    both_read = threading.Barrier(2, timeout=30)
    calls: dict[int, int] = {}
    original = CommitteeRepository.save

    serialised = w.p.engine.dialect.name == "sqlite"

    def save_after_both_read(self: CommitteeRepository, committee: Any, *, now: Any) -> None:
        me = threading.get_ident()
        calls[me] = calls.get(me, 0) + 1
        if calls[me] == 1 and not serialised:  # only the first attempt: the retry must not wait for a partner
            both_read.wait()
        original(self, committee, now=now)

    monkeypatch.setattr(CommitteeRepository, "save", save_after_both_read)
    errors: list[BaseException] = []

    def answer(party: Any, accepted: bool) -> None:
        try:
            answer_invitation(sid, accepted, uow=w.p.uow(), clock=w.clock, actor=party.actor)
        except BaseException as e:  # collected and asserted below
            errors.append(e)

    threads = [
        threading.Thread(target=answer, args=(first, True)),
        threading.Thread(target=answer, args=(second, False)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert sorted(calls.values()) == ([1, 1] if serialised else [1, 2])  # on PostgreSQL one lost and ran again
    with w.p.uow() as uow:
        seats = {s.expert_id: s.status for s in uow.committees.get(sid).draw.seats}
        answers = [e for e in uow.ledger.for_subject("committee", sid) if e.action == "committee:answered"]
    assert seats[draw.seats[0].expert_id] is SeatStatus.ACCEPTED
    assert seats[draw.seats[1].expert_id] is SeatStatus.DECLINED
    assert len(answers) == 2
    assert verify_ledger(uow=w.p.uow(), actor=SETUP).ok
