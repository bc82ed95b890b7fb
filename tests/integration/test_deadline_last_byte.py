"""The last byte decides (电子招标投标办法 第二十七条), on the simulated clock: no test here reads the real one.

A bid whose last byte arrives before the deadline counts, even when its check ends after the deadline; one whose
last byte arrives at or after the deadline is refused and not counted; the opening waits (bounded, recorded)
for bids still being checked; a withdrawal and the opening are ordered by the section's lock.
"""

from __future__ import annotations

import io
import threading
from datetime import timedelta
from typing import Any

import pytest

from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.crypto.digest import sm3_hex
from fairbid.domain.bid import BidStatus
from fairbid.domain.errors import DeadlinePassed
from fairbid.domain.section import Section
from fairbid.scheduler import run_due
from fairbid.services.bidding import bid as bid_service
from fairbid.services.bidding.bid import SubmitBid, submit_bid, withdraw_bid
from fairbid.services.tendering.chronograph import advance_clock
from tests.factories import Party, World, check_and_publish, make_world


@pytest.fixture
def world(platform: Platform, clock: SimulatedClock) -> World:
    return make_world(platform, clock, bidders=4)


def _bidding(w: World, *, early: int) -> Section:
    """A section in bidding, ``early`` bidders' bids in, the clock a minute before the deadline."""
    s = check_and_publish(w, w.section())
    w.jump(s.id)
    for b in w.bidders[:early]:
        w.submit(s.id, b, w.seal(s.id, b, "9000000.00"))
    w.clock.set(s.schedule.bid_deadline - timedelta(minutes=1))
    return s


def _submit_arrived(w: World, s: Section, bidder: Party, envelope: bytes, arrived: Any) -> Any:
    return submit_bid(
        SubmitBid(s.id, io.BytesIO(envelope), last_byte_at=arrived.at),
        uow=w.p.uow(),
        clock=w.clock,
        actor=bidder.actor,
        blobs=w.p.blobs,
        platform_key=w.p.platform_key,
        max_bytes=w.p.settings.max_envelope_bytes,
    )


def _beacon_digests(w: World, s: Section) -> list[str]:
    with w.p.uow() as uow:
        (entry,) = [e for e in uow.ledger.for_subject("section", s.id) if e.action == "beacon:revealed"]
        return list(entry.payload["envelope_digests"])


def _opened_entry(w: World, s: Section) -> dict[str, Any]:
    with w.p.uow() as uow:
        (entry,) = [e for e in uow.ledger.for_subject("section", s.id) if e.action == "section:opened"]
        return dict(entry.payload)


def _status(w: World, s: Section) -> str:
    with w.p.uow() as uow:
        return uow.sections.get(s.id).status.value


def test_last_byte_one_ms_before_the_deadline_counts_though_its_check_ends_after_the_opening_began(
    world: World,
) -> None:
    w = world
    s = _bidding(w, early=2)
    late_checker = w.bidders[2]
    envelope = w.seal(s.id, late_checker, "8800000.00")
    w.clock.set(s.schedule.bid_deadline - timedelta(milliseconds=1))
    arrived = w.p.arrivals.arrive(s.id, w.clock)  # the upload route stamps the last byte here
    w.clock.set(s.schedule.bid_deadline + timedelta(seconds=5))
    assert run_due(w.p) == 0 and _status(w, s) == "bidding"  # the opening waits for the bid being checked
    view = _submit_arrived(w, s, late_checker, envelope, arrived)  # the check ends after the deadline
    w.p.arrivals.settle(arrived)
    assert view.receipt is not None and view.receipt.fields.server_time == arrived.at  # one time for the bid
    assert view.submitted_at == arrived.at < s.schedule.bid_deadline
    w.clock.advance(timedelta(seconds=1))
    run_due(w.p)
    assert _status(w, s) == "opening"
    assert sm3_hex(envelope) in _beacon_digests(w, s) and len(_beacon_digests(w, s)) == 3
    assert _opened_entry(w, s)["opened_after_deadline_ms"] == 6000  # when it began is recorded
    with w.p.uow() as uow:
        entries = [e for e in uow.ledger.for_subject("bid", view.bid_id) if e.action == "bid:submitted"]
    assert [e.recorded_at for e in entries] == [arrived.at]


def test_last_byte_one_ms_after_the_deadline_is_refused_and_not_counted(world: World) -> None:
    w = world
    s = _bidding(w, early=3)
    latecomer = w.bidders[3]
    envelope = w.seal(s.id, latecomer, "8800000.00")
    w.clock.set(s.schedule.bid_deadline + timedelta(milliseconds=1))
    arrived = w.p.arrivals.arrive(s.id, w.clock)
    try:
        with pytest.raises(DeadlinePassed, match=r"transmission not complete.*1 ms after the deadline"):
            _submit_arrived(w, s, latecomer, envelope, arrived)
    finally:
        w.p.arrivals.settle(arrived)
    assert run_due(w.p) >= 1 and _status(w, s) == "opening"  # a late upload never holds the opening
    assert sm3_hex(envelope) not in _beacon_digests(w, s) and len(_beacon_digests(w, s)) == 3


def test_the_deadline_instant_itself_is_late(world: World) -> None:
    w = world
    s = _bidding(w, early=3)
    w.clock.set(s.schedule.bid_deadline)
    arrived = w.p.arrivals.arrive(s.id, w.clock)
    with pytest.raises(DeadlinePassed, match="transmission not complete"):
        _submit_arrived(w, s, w.bidders[3], w.seal(s.id, w.bidders[3], "8800000.00"), arrived)
    w.p.arrivals.settle(arrived)


def test_the_opening_waits_no_longer_than_its_bound_then_refuses_the_unchecked_bid(world: World) -> None:
    w = world
    s = _bidding(w, early=3)
    slow = w.bidders[3]
    envelope = w.seal(s.id, slow, "8800000.00")
    w.clock.set(s.schedule.bid_deadline - timedelta(milliseconds=1))
    arrived = w.p.arrivals.arrive(s.id, w.clock)
    bound = timedelta(seconds=w.p.settings.opening_wait_seconds)
    w.clock.set(s.schedule.bid_deadline + bound - timedelta(milliseconds=1))
    assert run_due(w.p) == 0 and _status(w, s) == "bidding"
    w.clock.set(s.schedule.bid_deadline + bound)
    assert run_due(w.p) >= 1 and _status(w, s) == "opening"  # the bound is reached: the opening goes ahead
    opened = _opened_entry(w, s)
    assert opened["opened_after_deadline_ms"] == int(bound.total_seconds() * 1000)
    assert opened["bids_in_check_at_the_wait_bound"] == 1
    with pytest.raises(DeadlinePassed, match="check was still running when the opening"):
        _submit_arrived(w, s, slow, envelope, arrived)
    w.p.arrivals.settle(arrived)
    assert sm3_hex(envelope) not in _beacon_digests(w, s)
    with w.p.uow() as uow:
        assert uow.bids.for_bidder(s.id, slow.organisation_id or "") is None  # nothing stored


def test_uploads_of_another_section_do_not_hold_this_opening(world: World) -> None:
    w = world
    s = _bidding(w, early=3)
    other = w.p.arrivals.arrive("another-section", w.clock)
    w.clock.set(s.schedule.bid_deadline)
    assert run_due(w.p) >= 1 and _status(w, s) == "opening"
    w.p.arrivals.settle(other)


def _paused(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> tuple[threading.Event, threading.Event]:
    """Make ``module.name`` stop inside its caller's transaction until released; (inside, release)."""
    inside, release = threading.Event(), threading.Event()
    original = getattr(module, name)

    def stalled(*args: Any, **kwargs: Any) -> Any:
        inside.set()
        assert release.wait(30)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, stalled)
    return inside, release


def test_a_withdrawal_stalled_before_the_opening_is_not_counted(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The withdrawal holds the section while it stalls: the opening, due meanwhile, waits for it."""
    w = world
    s = _bidding(w, early=4)
    before_deadline = SimulatedClock(s.schedule.bid_deadline - timedelta(milliseconds=1))
    inside, release = _paused(monkeypatch, bid_service, "withdraw")
    outcome: dict[str, Any] = {}

    def withdrawal() -> None:
        try:
            outcome["view"] = withdraw_bid(s.id, uow=w.p.uow(), clock=before_deadline, actor=w.bidders[0].actor)
        except Exception as e:  # recorded, asserted below
            outcome["error"] = e

    t = threading.Thread(target=withdrawal)
    t.start()
    assert inside.wait(30)
    w.clock.set(s.schedule.bid_deadline)
    opener = threading.Thread(target=lambda: advance_clock(s.id, uow=w.p.uow(), clock=w.clock))
    opener.start()
    opener.join(0.5)  # the opening is blocked on the section (or would run now, if the lock were missing)
    release.set()
    t.join(30)
    opener.join(30)
    assert "error" not in outcome, outcome
    assert _status(w, s) == "opening"
    digests = _beacon_digests(w, s)
    with w.p.uow() as uow:
        withdrawn = uow.bids.for_bidder(s.id, w.bidders[0].organisation_id or "")
    assert withdrawn is not None and withdrawn.status is BidStatus.WITHDRAWN
    assert withdrawn.envelope_digest not in digests and len(digests) == 3


def test_a_withdrawal_after_the_opening_began_is_refused_and_the_bid_counts(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The opening holds the section: a withdrawal sent a millisecond before the deadline waits, then is refused."""
    from fairbid.services.tendering import chronograph as chronograph

    w = world
    s = _bidding(w, early=4)
    inside, release = _paused(monkeypatch, chronograph, "pinned_k_values")  # inside the opening
    w.clock.set(s.schedule.bid_deadline)
    opener = threading.Thread(target=lambda: advance_clock(s.id, uow=w.p.uow(), clock=w.clock))
    opener.start()
    assert inside.wait(30)
    outcome: dict[str, Any] = {}
    before_deadline = SimulatedClock(s.schedule.bid_deadline - timedelta(milliseconds=1))

    def withdrawal() -> None:
        try:
            withdraw_bid(s.id, uow=w.p.uow(), clock=before_deadline, actor=w.bidders[0].actor)
        except Exception as e:  # recorded, asserted below
            outcome["error"] = e

    t = threading.Thread(target=withdrawal)
    t.start()
    t.join(0.5)
    release.set()
    opener.join(30)
    t.join(30)
    assert isinstance(outcome.get("error"), DeadlinePassed), outcome
    with w.p.uow() as uow:
        counted = uow.bids.for_bidder(s.id, w.bidders[0].organisation_id or "")
    assert counted is not None and counted.status is BidStatus.SEALED
    assert counted.envelope_digest in _beacon_digests(w, s)
