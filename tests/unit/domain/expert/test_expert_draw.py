"""The random draw: quotas per venue and specialty, avoidance, recomputability, replacements, shortfalls."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairbid.domain.credit_code import check_character
from fairbid.domain.errors import InvalidInput, InvalidTransition, RuleViolation
from fairbid.domain.expert import (
    AvoidancePolicy,
    CommitteeSpec,
    DrawParties,
    DrawPlan,
    Expert,
    ExpertStatus,
    Period,
    SeatQuota,
    SeatStatus,
    Title,
    Venue,
    VenueRole,
    avoidance_reasons,
    draw_committee,
    draw_replacements,
    expire_unanswered,
    plan_quotas,
    record_answer,
)

NOW = datetime(2026, 11, 27, 8, tzinfo=UTC)
WINDOW = Period(NOW + timedelta(days=1), NOW + timedelta(days=2))


class Counting:
    """A deterministic stream (a linear congruential generator); the real one is BeaconStream."""

    def __init__(self, seed: int) -> None:
        self.state = seed

    def below(self, n: int) -> int:
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) % 2**64
        return (self.state >> 11) % n


def code(n: int) -> str:
    first17 = f"91320100{n:09d}"
    return first17 + check_character(first17)


TENDEREE, AGENCY = code(1), code(2)
BIDDERS = frozenset(code(100 + i) for i in range(5))
PARTIES = DrawParties(tenderee=TENDEREE, agency=AGENCY, bidders=BIDDERS)
VENUES = (
    Venue("main", "主场", VenueRole.MAIN, frozenset({"320100"})),
    Venue("sub", "副场", VenueRole.SECONDARY, frozenset({"320200", "320300"})),
)
REGIONS = ("320100", "320200", "320300")


def pool(n: int = 120) -> list[Expert]:
    experts = []
    for i in range(n):
        experts.append(
            Expert(
                expert_id=f"E{i:04d}",
                name=f"专家{i}",
                specialties=frozenset({("A01", "B02", "C03")[i % 3]}),
                region=REGIONS[(i // 3) % 3],
                employer=sorted(BIDDERS)[i % 5] if i % 10 == 0 else code(1000 + i),
                title=Title.SENIOR,
                years=10,
                status=ExpertStatus.SUSPENDED if i % 17 == 0 else ExpertStatus.ACTIVE,
            )
        )
    return experts


def plan(**changes: object) -> DrawPlan:
    base = DrawPlan(
        committee=CommitteeSpec(7, 1),
        quotas=plan_quotas({"A01": 3, "B02": 3}, {"main": 3, "sub": 3}),
        venues=VENUES,
        evaluation=WINDOW,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_draw_committee_fills_every_quota_cell() -> None:
    experts = {e.expert_id: e for e in pool()}
    draw = draw_committee(list(experts.values()), plan(), PARTIES, Counting(1), now=NOW)
    cells = Counter((s.venue_id, s.specialty) for s in draw.seats)
    assert cells == {("main", "A01"): 3, ("sub", "B02"): 3}
    for seat in draw.seats:
        e = experts[seat.expert_id]
        assert seat.specialty in e.specialties
        assert e.region in {v.venue_id: v for v in VENUES}[seat.venue_id].regions
    assert len({s.expert_id for s in draw.seats}) == 6


def test_draw_committee_same_stream_same_draw_whatever_pool_order() -> None:
    experts = pool()
    first = draw_committee(experts, plan(), PARTIES, Counting(7), now=NOW)
    second = draw_committee(list(reversed(experts)), plan(), PARTIES, Counting(7), now=NOW)
    assert first == second


def test_draw_committee_different_streams_differ() -> None:
    draws = {tuple(s.expert_id for s in draw_committee(pool(), plan(), PARTIES, Counting(k), now=NOW).seats)
             for k in range(5)}  # fmt: skip
    assert len(draws) > 1


def test_draw_committee_records_eligible_counts() -> None:
    draw = draw_committee(pool(), plan(), PARTIES, Counting(1), now=NOW)
    assert [c[:2] for c in draw.eligible_counts] == [("main", "A01"), ("sub", "B02")]
    assert all(c[2] >= 3 for c in draw.eligible_counts)


def test_draw_committee_shortfall_names_quota_and_remedy() -> None:
    tight = plan(
        committee=CommitteeSpec(13),
        quotas=(SeatQuota("main", "A01", 13),),
    )
    with pytest.raises(RuleViolation) as caught:
        draw_committee(pool(), tight, PARTIES, Counting(1), now=NOW)
    detail = caught.value.detail
    assert caught.value.rule == "expert-quota"
    assert "13 experts in specialty A01 at venue main" in detail
    assert "12 eligible of 14 matching" in detail
    assert "employer_is_party 1, not_active 1" in detail
    assert "widen the venue's regions (partner regions hold" in detail
    assert "lower this quota to 12" in detail


def test_draw_committee_rejects_quotas_not_matching_seats() -> None:
    with pytest.raises(RuleViolation, match="expert seats"):
        draw_committee(pool(), plan(quotas=(SeatQuota("main", "A01", 5),)), PARTIES, Counting(1), now=NOW)


def test_draw_committee_rejects_unknown_venue() -> None:
    with pytest.raises(InvalidInput, match="not part of this draw"):
        draw_committee(pool(), plan(quotas=(SeatQuota("x", "A01", 6),)), PARTIES, Counting(1), now=NOW)


def test_draw_committee_secondary_share_rule() -> None:
    lopsided = plan(quotas=plan_quotas({"A01": 6}, {"main": 5, "sub": 1}), min_secondary_share=Decimal("0.5"))
    with pytest.raises(RuleViolation, match="secondary venues"):
        draw_committee(pool(), lopsided, PARTIES, Counting(1), now=NOW)


def test_record_answer_then_replacement_draws_from_same_cell() -> None:
    experts = pool()
    draw = draw_committee(experts, plan(), PARTIES, Counting(3), now=NOW)
    declined = draw.seats[0]
    draw = record_answer(draw, declined.expert_id, accepted=False, at=NOW + timedelta(minutes=5))
    assert draw.vacant == (draw.seats[0],)
    draw = draw_replacements(draw, experts, plan(), PARTIES, Counting(99), now=NOW + timedelta(minutes=6))
    new = draw.seats[-1]
    assert (new.venue_id, new.specialty, new.round) == (declined.venue_id, declined.specialty, 1)
    assert new.expert_id != declined.expert_id
    assert not draw.vacant
    assert len(draw.active) == 6
    assert draw.rounds == 2


def test_expire_unanswered_frees_seats_after_deadline() -> None:
    draw = draw_committee(pool(), plan(), PARTIES, Counting(3), now=NOW)
    draw = record_answer(draw, draw.seats[1].expert_id, accepted=True, at=NOW + timedelta(minutes=1))
    early = expire_unanswered(draw, now=NOW + timedelta(minutes=29), answer_within=timedelta(minutes=30))
    assert early == draw
    late = expire_unanswered(draw, now=NOW + timedelta(minutes=30), answer_within=timedelta(minutes=30))
    assert len(late.vacant) == 5
    assert late.seats[1].status is SeatStatus.ACCEPTED


def test_record_answer_twice_is_refused() -> None:
    draw = draw_committee(pool(), plan(), PARTIES, Counting(3), now=NOW)
    draw = record_answer(draw, draw.seats[0].expert_id, accepted=True, at=NOW)
    with pytest.raises(InvalidTransition):
        record_answer(draw, draw.seats[0].expert_id, accepted=False, at=NOW)
    with pytest.raises(InvalidInput):
        record_answer(draw, "nobody", accepted=True, at=NOW)


def test_draw_replacements_without_vacancy_is_refused() -> None:
    draw = draw_committee(pool(), plan(), PARTIES, Counting(3), now=NOW)
    with pytest.raises(InvalidTransition):
        draw_replacements(draw, pool(), plan(), PARTIES, Counting(4), now=NOW)


def test_committee_draw_is_complete_when_all_accept() -> None:
    draw = draw_committee(pool(), plan(), PARTIES, Counting(3), now=NOW)
    assert not draw.is_complete
    for seat in draw.seats:
        draw = record_answer(draw, seat.expert_id, accepted=True, at=NOW)
    assert draw.is_complete


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    bad=st.sets(st.integers(min_value=0, max_value=119), max_size=60),
)
def test_draw_committee_never_picks_avoided_expert(seed: int, bad: set[int]) -> None:
    experts = [
        Expert(
            e.expert_id, e.name, e.specialties, e.region,
            sorted(BIDDERS)[0] if i in bad else e.employer, e.title, 5 if i % 7 == 0 else e.years, e.status,
        )
        for i, e in enumerate(pool())
    ]  # fmt: skip
    by_id = {e.expert_id: e for e in experts}
    small = plan(committee=CommitteeSpec(5), quotas=plan_quotas({"A01": 2, "B02": 3}, {"main": 2, "sub": 3}))
    try:
        draw = draw_committee(experts, small, PARTIES, Counting(seed), now=NOW)
    except RuleViolation as error:
        assert error.rule == "expert-quota"
        return
    for seat in draw.seats:
        assert avoidance_reasons(by_id[seat.expert_id], PARTIES, AvoidancePolicy(), window=WINDOW, now=NOW) == ()
