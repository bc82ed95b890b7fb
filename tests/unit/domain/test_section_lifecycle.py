"""The section state machine and the chronograph, with a fixed clock and no database."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from fairbid.domain.actor import Actor, Role
from fairbid.domain.award import rank_lowest_price, savings_rate
from fairbid.domain.bid import Bid, BidStatus, OpenedBidData, accept_submission, reject_undecrypted
from fairbid.domain.errors import DeadlinePassed, InvalidInput, InvalidTransition, NotPermitted
from fairbid.domain.section import (
    Action,
    Schedule,
    Section,
    SectionKind,
    SectionStatus,
    apply_transition,
    due_events,
    next_check,
    validate_schedule,
)

T0 = datetime(2026, 5, 1, 1, 0, tzinfo=UTC)
MACHINE = Actor(role=Role.MACHINE, job="chronograph")
TENDEREE = Actor(role=Role.TENDEREE, user_id="u1", organisation_id="org-t")


def schedule() -> Schedule:
    return Schedule(T0, T0 + timedelta(days=5), T0 + timedelta(days=21), 30, 3)


def section(status: SectionStatus = SectionStatus.DRAFT) -> Section:
    return Section(
        id="s1",
        project_id="p1",
        code="S-1",
        name="标段",
        kind=SectionKind.WORKS,
        estimated_price=Decimal("100"),
        ceiling_price=Decimal("100"),
        schedule=schedule(),
        tenderee_id="org-t",
        status=status,
    )


def test_schedule_out_of_order_names_the_field() -> None:
    bad = Schedule(T0, T0 - timedelta(days=1), T0 + timedelta(days=21))
    with pytest.raises(InvalidInput) as e:
        validate_schedule(bad)
    assert e.value.field == "schedule.sale_end"
    with pytest.raises(InvalidInput) as e:
        validate_schedule(Schedule(T0, T0 + timedelta(days=5), T0 + timedelta(days=2)))
    assert e.value.field == "schedule.bid_deadline"


def test_naive_times_are_refused() -> None:
    with pytest.raises(InvalidInput):
        validate_schedule(Schedule(datetime(2026, 5, 1), T0 + timedelta(days=5), T0 + timedelta(days=21)))


def test_publish_from_draft_is_an_invalid_transition() -> None:
    s = section()
    with pytest.raises(InvalidTransition) as e:
        apply_transition(s, Action.PUBLISH, actor=TENDEREE, now=T0)
    assert "draft" in e.value.detail
    assert s.status is SectionStatus.DRAFT


def test_bidder_may_not_publish() -> None:
    s = section(SectionStatus.CHECKED)
    with pytest.raises(NotPermitted):
        apply_transition(s, Action.PUBLISH, actor=Actor(role=Role.BIDDER), now=T0)
    assert s.status is SectionStatus.CHECKED


def test_people_cannot_fire_machine_events() -> None:
    s = section(SectionStatus.BIDDING)
    for role in Role:
        if role is Role.MACHINE:
            continue
        with pytest.raises(NotPermitted):
            apply_transition(s, Action.OPEN_BIDS, actor=Actor(role=role), now=T0)


def test_chronograph_lists_the_next_event_of_each_state() -> None:
    s = section(SectionStatus.PUBLISHED)
    assert next_check(s) == T0
    s.status = SectionStatus.BIDDING
    assert [e.action for e in due_events(s)] == [Action.OPEN_BIDS]
    assert next_check(s) == schedule().bid_deadline
    s.status = SectionStatus.OPENING
    assert next_check(s) == schedule().bid_deadline + timedelta(minutes=30)
    s.status = SectionStatus.EVALUATION
    assert next_check(s) is None


def test_award_is_blocked_while_an_objection_is_open() -> None:
    s = section(SectionStatus.PUBLICISED)
    s.publicity_ends = T0
    s.open_objections = 1
    (event,) = due_events(s)
    assert event.blocked_by is not None and not event.is_due(T0 + timedelta(days=9))
    assert next_check(s) is None
    s.open_objections = 0
    assert next_check(s) == T0


def test_submission_one_millisecond_late_is_refused() -> None:
    s = section(SectionStatus.BIDDING)
    late = schedule().bid_deadline + timedelta(milliseconds=1)
    with pytest.raises(DeadlinePassed) as e:
        accept_submission(s, None, bid_id="b", bidder_id="o", envelope_digest="d", envelope_size=1, last_byte_at=late)
    assert "1 ms after the deadline" in e.value.detail and "transmission not complete" in e.value.detail


def test_submission_at_the_deadline_itself_is_late() -> None:
    s = section(SectionStatus.BIDDING)
    with pytest.raises(DeadlinePassed):
        accept_submission(
            s,
            None,
            bid_id="b",
            bidder_id="o",
            envelope_digest="d",
            envelope_size=1,
            last_byte_at=schedule().bid_deadline,
        )


def test_resubmission_replaces_and_counts_revisions() -> None:
    s = section(SectionStatus.BIDDING)
    now = T0 + timedelta(days=6)
    bid = accept_submission(s, None, bid_id="b", bidder_id="o", envelope_digest="d1", envelope_size=1, last_byte_at=now)
    again = accept_submission(
        s, bid, bid_id="x", bidder_id="o", envelope_digest="d2", envelope_size=2, last_byte_at=now
    )
    assert again is bid and bid.revision == 2 and bid.envelope_digest == "d2"


def _bid(i: int, price: str | None) -> Bid:
    b = Bid(f"b{i}", "s1", f"o{i}", "d", 1, T0 + timedelta(minutes=i))
    if price is not None:
        b.status, b.data = BidStatus.DECRYPTED, OpenedBidData(Decimal(price), 300, "合格", "pm")
    return b


def test_ranking_keeps_three_valid_bids_by_price() -> None:
    bids = [_bid(1, "90"), _bid(2, "80"), _bid(3, None), _bid(4, "85"), _bid(5, "95")]
    assert reject_undecrypted(bids[2]) and bids[2].status is BidStatus.REJECTED
    ranked = rank_lowest_price(bids)
    assert [(c.rank, c.bidder_id) for c in ranked] == [(1, "o2"), (2, "o4"), (3, "o1")]


def test_savings_rate_against_the_baseline() -> None:
    assert savings_rate(Decimal("12800000"), Decimal("11423239.76")) == Decimal("10.76")
    with pytest.raises(InvalidInput):
        savings_rate(Decimal(0), Decimal(1))
