"""The expert pool and the committee draw through the services, on a real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.crypto.draw import BeaconStream
from fairbid.domain.errors import InvalidInput, InvalidTransition, NotFound, NotPermitted, RuleViolation
from fairbid.domain.evaluation.committee import draw_label
from fairbid.domain.expert import ExpertStatus, SeatStatus, draw_committee
from fairbid.notify import MemoryNotifier
from fairbid.services.evaluation.committee import (
    CheckIn,
    DrawRequest,
    answer_invitation,
    check_in_member,
    draw_committee_for_section,
    replace_vacancies,
)
from fairbid.services.evaluation.pool import import_experts, list_experts, set_expert_status
from fairbid.services.evaluation.session import evaluate_section, start_evaluation
from fairbid.services.oversight.ledger import verify_ledger
from fairbid.services.shared.participation import committee_view
from fairbid.services.shared.terms import pinned_terms
from fairbid.store.rows import CommitteeRow, ExpertRow
from tests.factories import (
    SETUP,
    World,
    draw_and_seat,
    expert_pool,
    in_evaluation,
    make_world,
)


@pytest.fixture
def world(platform: Platform, clock: SimulatedClock) -> World:
    return make_world(platform, clock, bidders=3)


def _count(w: World, row: type) -> int:
    with w.p.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(row)) or 0)


def test_import_refuses_a_bad_file_whole_and_only_the_operator_imports(world: World) -> None:
    w = world
    good = "expert_id,name,specialties,region,employer,title,years\nE1,甲,A01,430100,91110108551385082Q,senior,10\n"
    with pytest.raises(NotPermitted):
        import_experts(good, uow=w.p.uow(), clock=w.clock, actor=w.tenderee.actor)
    bad = good + "E2,乙,A01,430100,91110108551385082R,senior,10\n"
    with pytest.raises(InvalidInput, match="Line 3, column employer"):
        import_experts(bad, uow=w.p.uow(), clock=w.clock, actor=w.operator.actor)
    assert _count(w, ExpertRow) == 0
    assert import_experts(good, uow=w.p.uow(), clock=w.clock, actor=w.operator.actor).added == 1
    set_expert_status("E1", ExpertStatus.SUSPENDED, "under investigation", uow=w.p.uow(), clock=w.clock, actor=SETUP)
    page = list_experts(uow=w.p.uow(), actor=w.supervisor.actor, status="suspended")
    assert [e.expert_id for e in page.experts] == ["E1"] and page.total == 1
    with pytest.raises(InvalidInput, match="reason"):
        set_expert_status("E1", ExpertStatus.ACTIVE, " ", uow=w.p.uow(), clock=w.clock, actor=SETUP)
    with pytest.raises(NotPermitted):
        list_experts(uow=w.p.uow(), actor=w.bidders[0].actor)


def test_draw_is_recomputable_from_the_beacon_notifies_and_keeps_names_secret(world: World) -> None:
    w = world
    sid = in_evaluation(w)
    experts = expert_pool(w)
    notifier = MemoryNotifier()
    with pytest.raises(NotPermitted):
        draw_committee_for_section(
            DrawRequest(sid, {"main": 2, "partner": 3}),
            uow=w.p.uow(),
            clock=w.clock,
            actor=w.tenderee.actor,
        )
    members = draw_and_seat(w, sid, experts, notifier=notifier)
    assert len(members) == 5 and len(notifier.sent) == 5
    assert {n.to for n in notifier.sent} == {f"{m}@experts.test" for m in members}
    # anyone with the beacon recomputes the draw: same pool, same plan, same stream
    with w.p.uow() as uow:
        section = uow.sections.get(sid)
        pool = uow.experts.pool()
        committee = uow.committees.get(sid)
        from fairbid.services.evaluation.committee import _parties, _plan

        plan = _plan(uow, pinned_terms(uow, section), committee.schedule)
        parties = _parties(uow, section)
    again = draw_committee(
        pool, plan, parties, BeaconStream(bytes.fromhex(section.beacon or ""), draw_label(sid, 0)), now=w.clock.now()
    )
    # the pool now carries this draw in its history; the recomputation at the same instant sees the same pool
    assert [s.expert_id for s in again.seats] == members
    # names: the operator sees them, the tenderee only once the evaluation starts, a bidder only after award
    assert all(s.expert_id for s in committee_view(sid, uow=w.p.uow(), actor=w.operator.actor).seats)
    assert not any(s.expert_id for s in committee_view(sid, uow=w.p.uow(), actor=w.tenderee.actor).seats)
    own = committee_view(sid, uow=w.p.uow(), actor=experts[members[0]].actor).seats
    assert [s.expert_id for s in own if s.expert_id] == [members[0]]
    start_evaluation(sid, uow=w.p.uow(), clock=w.clock, actor=w.operator.actor)
    assert all(s.expert_id for s in committee_view(sid, uow=w.p.uow(), actor=w.tenderee.actor).seats)
    assert not any(s.expert_id for s in committee_view(sid, uow=w.p.uow(), actor=w.bidders[0].actor).seats)
    # the public ledger names seats, never experts
    with w.p.uow() as uow:
        payloads = [str(r.payload) for r in uow.ledger.for_subject("committee", sid)]
    assert payloads and not any(m in p for m in members for p in payloads)
    assert verify_ledger(uow=w.p.uow(), actor=SETUP).ok


def test_a_draw_that_cannot_be_filled_says_which_quota_and_stores_nothing(world: World) -> None:
    w = world
    sid = in_evaluation(w)
    expert_pool(w, main=1, partner=4)
    before = _count(w, CommitteeRow)
    with pytest.raises(RuleViolation, match="quota of 2 experts in specialty A01 at venue main") as caught:
        draw_committee_for_section(
            DrawRequest(sid, {"main": 2, "partner": 3}), uow=w.p.uow(), clock=w.clock, actor=SETUP
        )
    assert "1 eligible" in caught.value.detail and "lower this quota to 1" in caught.value.detail
    assert _count(w, CommitteeRow) == before
    with pytest.raises(InvalidInput, match="published terms draw 5 experts; the venues given seat 6"):
        draw_committee_for_section(
            DrawRequest(sid, {"main": 2, "partner": 4}), uow=w.p.uow(), clock=w.clock, actor=SETUP
        )
    assert _count(w, CommitteeRow) == before


def test_decline_and_no_answer_are_replaced_from_the_next_round(world: World) -> None:
    w = world
    sid = in_evaluation(w)
    experts = expert_pool(w, main=4, partner=4)
    draw = draw_committee_for_section(
        DrawRequest(sid, {"main": 2, "partner": 3}, answer_minutes=30),
        uow=w.p.uow(),
        clock=w.clock,
        actor=SETUP,
    )
    first, second, *rest = [s.expert_id for s in draw.seats]
    with pytest.raises(InvalidTransition):  # nothing vacant yet
        replace_vacancies(sid, uow=w.p.uow(), clock=w.clock, actor=SETUP)
    answer_invitation(sid, False, uow=w.p.uow(), clock=w.clock, actor=experts[first].actor)
    with pytest.raises(InvalidTransition):  # answered already
        answer_invitation(sid, True, uow=w.p.uow(), clock=w.clock, actor=experts[first].actor)
    for e in rest:
        answer_invitation(sid, True, uow=w.p.uow(), clock=w.clock, actor=experts[e].actor)
    w.clock.advance(timedelta(minutes=31))  # the second never answers
    new = replace_vacancies(sid, uow=w.p.uow(), clock=w.clock, actor=SETUP)
    assert new.rounds == 2
    statuses = {s.expert_id: s.status for s in new.seats}
    assert statuses[first] is SeatStatus.DECLINED and statuses[second] is SeatStatus.NO_ANSWER
    fresh = [s for s in new.seats if s.round == 1]
    assert len(fresh) == 2 and not {s.expert_id for s in fresh} & {first, second}
    # a fresh expert checks in only at the assigned venue, after accepting
    seat = fresh[0]
    with pytest.raises(NotPermitted):
        check_in_member(
            CheckIn(sid, seat.venue_id, "pc"), uow=w.p.uow(), clock=w.clock, actor=experts[seat.expert_id].actor
        )
    answer_invitation(sid, True, uow=w.p.uow(), clock=w.clock, actor=experts[seat.expert_id].actor)
    other = "partner" if seat.venue_id == "main" else "main"
    with pytest.raises(NotPermitted, match="assigned to venue"):
        check_in_member(CheckIn(sid, other, "pc"), uow=w.p.uow(), clock=w.clock, actor=experts[seat.expert_id].actor)
    with pytest.raises(InvalidTransition, match="accept"):
        start_evaluation(sid, uow=w.p.uow(), clock=w.clock, actor=SETUP)
    with pytest.raises(NotPermitted):  # not drawn for this section
        outsider = next(p for e, p in experts.items() if e not in statuses)
        check_in_member(CheckIn(sid, "main", "pc"), uow=w.p.uow(), clock=w.clock, actor=outsider.actor)
    with pytest.raises(NotFound, match="draw one first"):
        evaluate_section(in_evaluation(w), uow=w.p.uow(), clock=w.clock, actor=SETUP)
