"""Recusal on the bidder list: declarations, who may evaluate, and the replacement from the next draw round."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fairbid.domain.credit_code import check_character
from fairbid.domain.errors import InvalidInput, InvalidTransition, NotFound, NotPermitted
from fairbid.domain.evaluation.reading import ensure_may_read_bid, record_reading
from fairbid.domain.evaluation.recusal import (
    RecusalGround,
    SeatKind,
    apply_recusals,
    declare,
    ensure_may_evaluate,
    undeclared_members,
)
from fairbid.domain.expert import (
    AvoidancePolicy,
    CommitteeDraw,
    CommitteeSpec,
    DrawParties,
    DrawPlan,
    Expert,
    ExpertStatus,
    Period,
    SeatStatus,
    Title,
    Venue,
    VenueRole,
    check_in,
    draw_committee,
    draw_replacements,
    plan_quotas,
    record_answer,
)

NOW = datetime(2026, 11, 27, 8, tzinfo=UTC)
BIDDER_LIST = ("湖南湘江建工集团有限公司", "长沙某某建设有限公司", "株洲某某路桥有限公司")


class Counting:
    def __init__(self, seed: int) -> None:
        self.state = seed

    def below(self, n: int) -> int:
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) % 2**64
        return (self.state >> 11) % n


def _code(n: int) -> str:
    first17 = f"91320100{n:09d}"
    return first17 + check_character(first17)


PARTIES = DrawParties(tenderee=_code(1), agency=_code(2), bidders=frozenset(_code(100 + i) for i in range(3)))
VENUE = Venue("main", "主场", VenueRole.MAIN, frozenset({"320100"}))
POOL = [
    Expert(
        f"E{i:03d}", f"专家{i}", frozenset({"A01"}), "320100", _code(1000 + i), Title.SENIOR, 10, ExpertStatus.ACTIVE
    )
    for i in range(20)
]
PLAN = DrawPlan(
    committee=CommitteeSpec(5, 1),
    quotas=plan_quotas({"A01": 4}, {"main": 4}),
    venues=(VENUE,),
    evaluation=Period(NOW + timedelta(days=1), NOW + timedelta(days=2)),
    policy=AvoidancePolicy(),
)


def _seated() -> CommitteeDraw:
    draw = draw_committee(POOL, PLAN, PARTIES, Counting(5), now=NOW)
    for seat in draw.seats:
        draw = record_answer(draw, seat.expert_id, accepted=True, at=NOW)
    return draw


def test_members_declare_before_evaluating() -> None:
    draw = _seated()
    members = [s.expert_id for s in draw.seats] + ["T1"]
    first = members[0]
    with pytest.raises(NotPermitted, match="declare"):
        ensure_may_evaluate(first, [])
    declaration = declare(first, seat=SeatKind.EXPERT, members=members, bidders=BIDDER_LIST, recused=False, at=NOW)
    ensure_may_evaluate(first, [declaration])
    assert undeclared_members(members, [declaration]) == tuple(members[1:])
    with pytest.raises(NotPermitted):
        declare("X", seat=SeatKind.EXPERT, members=members, bidders=BIDDER_LIST, recused=False, at=NOW)


def test_a_recusal_names_its_ground_and_is_final() -> None:
    members = ["E1", "T1"]
    with pytest.raises(InvalidInput, match="ground"):
        declare("E1", seat=SeatKind.EXPERT, members=members, bidders=BIDDER_LIST, recused=True, at=NOW)
    no_conflict = declare("E1", seat=SeatKind.EXPERT, members=members, bidders=BIDDER_LIST, recused=False, at=NOW)
    later = declare(
        "E1",
        seat=SeatKind.EXPERT,
        members=members,
        bidders=BIDDER_LIST,
        recused=True,
        ground=RecusalGround.NEAR_RELATIVE,
        statement="配偶任长沙某某建设有限公司副总经理",
        at=NOW + timedelta(minutes=5),
        earlier=[no_conflict],
    )
    with pytest.raises(NotPermitted, match="recused"):
        ensure_may_evaluate("E1", [no_conflict, later])
    with pytest.raises(InvalidTransition):
        declare(
            "E1",
            seat=SeatKind.EXPERT,
            members=members,
            bidders=BIDDER_LIST,
            recused=False,
            at=NOW + timedelta(minutes=6),
            earlier=[no_conflict, later],
        )


def test_an_expert_recusal_is_replaced_from_the_next_round_of_the_same_draw() -> None:
    draw = _seated()
    members = [s.expert_id for s in draw.seats] + ["T1"]
    leaving = draw.seats[1].expert_id
    recusal = declare(
        leaving,
        seat=SeatKind.EXPERT,
        members=members,
        bidders=BIDDER_LIST,
        recused=True,
        ground=RecusalGround.ECONOMIC_INTEREST,
        statement="持有株洲某某路桥有限公司股份",
        at=NOW,
    )
    outcome = apply_recusals(draw, [recusal])
    assert [s.expert_id for s in outcome.expert_seats] == [leaving] and outcome.tenderee_members == ()
    assert [s.expert_id for s in outcome.draw.vacant] == [leaving]
    assert apply_recusals(outcome.draw, [recusal]).expert_seats == ()  # applied once
    with pytest.raises(NotPermitted):
        check_in(outcome.draw, leaving, venue_id="main", device="pc-1", at=NOW)
    refilled = draw_replacements(outcome.draw, POOL, PLAN, PARTIES, Counting(99), now=NOW)
    newcomer = refilled.seats[-1]
    assert newcomer.round == 1 and newcomer.expert_id not in {s.expert_id for s in draw.seats}
    assert [s.status for s in refilled.seats if s.expert_id == leaving] == [SeatStatus.RECUSED]
    assert not refilled.vacant and len(refilled.active) == 4
    # recomputable: the same stream for round 1 gives the same replacement
    again = draw_replacements(apply_recusals(_seated(), [recusal]).draw, POOL, PLAN, PARTIES, Counting(99), now=NOW)
    assert again.seats[-1].expert_id == newcomer.expert_id


def test_a_tenderee_representative_recusal_goes_to_the_tenderee() -> None:
    draw = _seated()
    recusal = declare(
        "T1",
        seat=SeatKind.TENDEREE_REPRESENTATIVE,
        members=["T1"],
        bidders=BIDDER_LIST,
        recused=True,
        ground=RecusalGround.OTHER_INTEREST,
        statement="曾任投标人顾问",
        at=NOW,
    )
    outcome = apply_recusals(draw, [recusal])
    assert outcome.tenderee_members == ("T1",) and outcome.expert_seats == () and outcome.draw == draw


def test_a_recusal_of_someone_without_an_accepted_seat_is_refused() -> None:
    draw = draw_committee(POOL, PLAN, PARTIES, Counting(5), now=NOW)  # invited, not accepted
    who = draw.seats[0].expert_id
    recusal = declare(
        who,
        seat=SeatKind.EXPERT,
        members=[who],
        bidders=BIDDER_LIST,
        recused=True,
        ground=RecusalGround.NEAR_RELATIVE,
        statement="近亲属",
        at=NOW,
    )
    with pytest.raises(InvalidInput, match="not accepted"):
        apply_recusals(draw, [recusal])


def test_reading_a_bid_needs_a_seat_a_declaration_and_an_open_session() -> None:
    members = ["E1", "E2", "T1"]
    fine = declare("E1", seat=SeatKind.EXPERT, members=members, bidders=BIDDER_LIST, recused=False, at=NOW)
    gone = declare(
        "E2",
        seat=SeatKind.EXPERT,
        members=members,
        bidders=BIDDER_LIST,
        recused=True,
        ground=RecusalGround.NEAR_RELATIVE,
        statement="近亲属",
        at=NOW,
    )
    event = record_reading(
        "E1",
        "bid-a",
        file_name="技术标.pdf",
        file_sm3="AB" * 32,
        at=NOW,
        seated=members,
        declarations=[fine, gone],
        session_open=True,
        shown_as="暗标03",
    )
    assert (event.member_id, event.bid_id, event.file_sm3, event.shown_as) == ("E1", "bid-a", "ab" * 32, "暗标03")
    for who, open_ in (("E1", False), ("E2", True), ("T1", True), ("X9", True)):
        with pytest.raises(NotFound, match="No such bid"):
            ensure_may_read_bid(who, seated=members, declarations=[fine, gone], session_open=open_)
