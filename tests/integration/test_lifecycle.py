"""One section through its whole life on the real database, blob store and sealed-bid crypto."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.domain.errors import (
    DeadlinePassed,
    Duplicate,
    InvalidEnvelope,
    InvalidInput,
    InvalidKey,
    InvalidSignature,
    InvalidTransition,
    NotPermitted,
)
from fairbid.scheduler import run_due
from fairbid.services.bidding.bid import DecryptBid, decrypt_bid, withdraw_bid
from fairbid.services.evaluation.session import evaluate_section
from fairbid.services.oversight.ledger import verify_ledger
from fairbid.services.parties.accounts import RegisterOrganisation, register_organisation
from fairbid.services.tendering.section import publish_section
from fairbid.store.rows import BidRow, LedgerEntryRow
from tests.factories import SETUP, World, check_and_publish, make_world, run_evaluation


@pytest.fixture
def world(platform: Platform, clock: SimulatedClock) -> World:
    return make_world(platform, clock, bidders=4)


def _counts(p: Platform) -> tuple[int, int]:
    with p.uow() as uow:
        bids = uow.session.scalar(select(func.count()).select_from(BidRow)) or 0
        entries = uow.session.scalar(select(func.count()).select_from(LedgerEntryRow)) or 0
    return bids, entries


def _opened(w: World) -> str:
    s = check_and_publish(w, w.section())
    assert w.jump(s.id) == "bidding"
    w.clock.advance(timedelta(days=6))
    for i, b in enumerate(w.bidders):
        w.submit(s.id, b, w.seal(s.id, b, f"{9000000 + i * 10000}.00"))
    assert w.jump(s.id) == "opening"
    return s.id


def test_whole_lifecycle_ends_awarded_with_a_verified_ledger(world: World) -> None:
    w = world
    sid = _opened(w)
    for b in w.bidders[:-1]:
        w.decrypt(sid, b)
    assert w.jump(sid) == "evaluation"
    result = run_evaluation(w, sid)
    assert [c.bidder_id for c in result.candidates] == [b.organisation_id for b in w.bidders[:3]]
    assert w.jump(sid) == "awarded"
    with w.p.uow() as uow:
        bids = {b.bidder_id: b for b in uow.bids.in_section(sid)}
        record = uow.openings.get(sid)
    assert bids[w.bidders[-1].organisation_id].status.value == "rejected"
    assert "第三十一条" in (bids[w.bidders[-1].organisation_id].reject_reason or "")
    assert record is not None and len(record.content["bids"]) == 4
    report = verify_ledger(uow=w.p.uow(), actor=SETUP)
    assert report.ok, report.first_problem


def test_fewer_than_three_bids_fails_the_section_with_its_reason(world: World) -> None:
    w = world
    s = check_and_publish(w, w.section())
    w.jump(s.id)
    w.clock.advance(timedelta(days=6))
    for b in w.bidders[:2]:
        w.submit(s.id, b, w.seal(s.id, b, "9000000.00"))
    assert w.jump(s.id) == "failed"
    with w.p.uow() as uow:
        reason = uow.sections.get(s.id).outcome_reason or ""
    assert "条例 第四十四条" in reason and "2 bid(s)" in reason


def test_withdrawn_bid_does_not_count_towards_the_opening(world: World) -> None:
    w = world
    s = check_and_publish(w, w.section())
    w.jump(s.id)
    w.clock.advance(timedelta(days=6))
    for b in w.bidders[:3]:
        w.submit(s.id, b, w.seal(s.id, b, "9000000.00"))
    withdraw_bid(s.id, uow=w.p.uow(), clock=w.clock, actor=w.bidders[0].actor)
    assert w.jump(s.id) == "failed"


def test_upload_one_millisecond_late_is_refused_and_stores_nothing(world: World) -> None:
    w = world
    s = check_and_publish(w, w.section())
    w.jump(s.id)
    envelope = w.seal(s.id, w.bidders[0], "9000000.00")
    w.clock.set(s.schedule.bid_deadline + timedelta(milliseconds=1))
    before = _counts(w.p)
    with pytest.raises(DeadlinePassed, match="1 ms after the deadline"):
        w.submit(s.id, w.bidders[0], envelope)
    assert _counts(w.p) == before


@pytest.mark.parametrize("damage", ["garbage", "truncated", "bitflip", "other_section", "other_bidder"])
def test_bad_envelopes_are_refused_and_store_nothing(world: World, damage: str) -> None:
    w = world
    s = check_and_publish(w, w.section())
    other = check_and_publish(w, w.section())
    w.jump(s.id)
    w.jump(other.id)
    b = w.bidders[0]
    good = w.seal(s.id, b, "9000000.00")
    bad = {
        "garbage": b"not an envelope at all",
        "truncated": good[: len(good) // 2],
        "bitflip": good[:-40] + bytes([good[-40] ^ 1]) + good[-39:],
        "other_section": w.seal(other.id, b, "9000000.00"),  # replayed into s
        "other_bidder": w.seal(s.id, w.bidders[1], "9000000.00"),
    }[damage]
    before = _counts(w.p)
    with pytest.raises((InvalidEnvelope, InvalidSignature)):
        w.submit(s.id, b, bad)
    assert _counts(w.p) == before
    w.submit(s.id, b, good)  # the bidder can still bid
    assert _counts(w.p)[0] == before[0] + 1


def test_oversized_upload_is_refused(world: World) -> None:
    w = world
    s = check_and_publish(w, w.section())
    w.jump(s.id)
    big = w.seal(s.id, w.bidders[0], "9000000.00", size=9 * 1024 * 1024)
    with pytest.raises(InvalidEnvelope):
        w.submit(s.id, w.bidders[0], big)
    assert _counts(w.p)[0] == 0


def test_wrong_content_key_is_refused_and_the_bidder_can_retry(world: World) -> None:
    w = world
    sid = _opened(w)
    b = w.bidders[0]
    with pytest.raises(InvalidKey):
        decrypt_bid(
            DecryptBid(sid, bytes(16)),
            uow=w.p.uow(),
            clock=w.clock,
            actor=b.actor,
            blobs=w.p.blobs,
            max_plaintext_bytes=10**9,
        )
    w.decrypt(sid, b)


def test_decryption_after_the_window_is_refused(world: World) -> None:
    w = world
    sid = _opened(w)
    w.clock.advance(timedelta(minutes=31))
    with pytest.raises(DeadlinePassed):
        w.decrypt(sid, w.bidders[0])


def test_a_stored_envelope_changed_on_disk_is_caught_at_decryption(world: World) -> None:
    w = world
    sid = _opened(w)
    b = w.bidders[0]
    with w.p.uow() as uow:
        bid = uow.bids.for_bidder(sid, b.organisation_id or "")
    assert bid is not None
    path = w.p.blobs._path(bid.envelope_digest)
    data = bytearray(path.read_bytes())
    data[-50] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises((InvalidEnvelope, InvalidKey)):
        w.decrypt(sid, b)


def test_roles_acting_outside_their_rights_are_refused(world: World) -> None:
    w = world
    s = w.section()
    with pytest.raises(NotPermitted):
        register_organisation(
            RegisterOrganisation("X", "91110108551385082Q"), uow=w.p.uow(), clock=w.clock, actor=w.bidders[0].actor
        )
    with pytest.raises(InvalidTransition):  # unchecked drafts cannot be published
        publish_section(s.id, uow=w.p.uow(), clock=w.clock, actor=w.tenderee.actor, random=w.p.random)
    check_and_publish(w, s)
    w.jump(s.id)
    with pytest.raises(NotPermitted):
        w.submit(s.id, w.party(w.tenderee.actor.role, "另一个招标人"), b"")
    with pytest.raises(NotPermitted):
        evaluate_section(s.id, uow=w.p.uow(), clock=w.clock, actor=w.supervisor.actor)


def test_duplicate_organisation_and_bad_credit_code_leave_the_database_as_it_was(world: World) -> None:
    w = world
    register_organisation(
        RegisterOrganisation("甲公司", "91110108551385082Q"), uow=w.p.uow(), clock=w.clock, actor=SETUP
    )
    before = _counts(w.p)
    with pytest.raises(Duplicate):
        register_organisation(
            RegisterOrganisation("乙公司", "91110108551385082Q"), uow=w.p.uow(), clock=w.clock, actor=SETUP
        )
    with pytest.raises(InvalidInput, match="check character"):
        register_organisation(
            RegisterOrganisation("丙公司", "91110108551385082R"), uow=w.p.uow(), clock=w.clock, actor=SETUP
        )
    assert _counts(w.p) == before


def test_scheduler_after_a_restart_fires_everything_that_fell_due(world: World) -> None:
    w = world
    s = check_and_publish(w, w.section())
    # the server was down from before the sale start until after the deadline: nothing may be missed
    w.clock.set(s.schedule.bid_deadline + timedelta(minutes=5))
    assert run_due(w.p) == 2  # start_bidding, then open_bids (which fails: no bids)
    with w.p.uow() as uow:
        assert uow.sections.get(s.id).status.value == "failed"
    assert run_due(w.p) == 0  # running again is harmless


@pytest.mark.parametrize(
    "target",
    ["bid_price", "candidate_price", "opening_record", "ledger_payload", "null_payload", "section_owner"],
)
def test_plain_sql_changes_are_caught_by_ledger_verification(world: World, target: str) -> None:
    w = world
    sid = _opened(w)
    for b in w.bidders:
        w.decrypt(sid, b)
    w.jump(sid)
    run_evaluation(w, sid)
    assert verify_ledger(uow=w.p.uow(), actor=SETUP).ok
    statements = {
        "bid_price": "UPDATE bids SET price = '1.00' WHERE section_id = :s",
        "candidate_price": "UPDATE candidates SET price = '1.00' WHERE section_id = :s AND rank = 1",
        "opening_record": "UPDATE opening_records SET digest = digest WHERE section_id = :s",
        "ledger_payload": "UPDATE ledger_entries SET payload_digest = :z WHERE seq = 5",
        "null_payload": "UPDATE ledger_entries SET payload = 'null' WHERE seq = 5",  # JSON null, not SQL NULL
        # another organisation as the tenderee: it could then cancel, publish or sign for this section
        "section_owner": "UPDATE sections SET tenderee_id = agency_id WHERE id = :s",
    }
    with w.p.engine.begin() as conn:
        if target == "opening_record":
            row = conn.execute(
                text("SELECT content FROM opening_records WHERE section_id = :s"), {"s": sid}
            ).scalar_one()
            import json

            content = json.loads(row) if isinstance(row, str) else row
            content["bids"][0]["price"] = "1.00"
            conn.execute(
                text("UPDATE opening_records SET content = :c WHERE section_id = :s"),
                {"c": json.dumps(content, ensure_ascii=False), "s": sid},
            )
        else:
            conn.execute(text(statements[target]), {"s": sid, "z": "0" * 64})
    report = verify_ledger(uow=w.p.uow(), actor=SETUP)
    assert not report.ok
    problem = report.first_problem
    assert problem is not None
    if target in ("ledger_payload", "null_payload"):
        assert problem.seq == 5
    else:
        with w.p.uow() as uow:
            entry = uow.session.get(LedgerEntryRow, problem.seq)
        assert entry is not None and entry.subject_type in ("bid", "candidate", "opening_record", "section")


def test_replaced_bid_keeps_one_row_and_its_history_in_the_ledger(world: World) -> None:
    w = world
    s = check_and_publish(w, w.section())
    w.jump(s.id)
    b = w.bidders[0]
    w.submit(s.id, b, w.seal(s.id, b, "9000000.00"))
    w.submit(s.id, b, w.seal(s.id, b, "8900000.00"))
    with w.p.uow() as uow:
        bids = uow.bids.in_section(s.id)
        sealed = [r.action for r in uow.sealed.in_section(s.id) if r.subject_id == bids[0].id]
        in_ledger = uow.ledger.for_subject("bid", bids[0].id)
    assert len(bids) == 1 and bids[0].revision == 2
    assert sealed == ["bid:submitted", "bid:replaced"] and in_ledger == []  # sealed until the opening
    for other in w.bidders[1:3]:
        w.submit(s.id, other, w.seal(s.id, other, "9100000.00"))
    assert w.jump(s.id) == "opening"
    with w.p.uow() as uow:
        actions = [r.action for r in uow.ledger.for_subject("bid", bids[0].id)]
    assert actions == ["bid:submitted", "bid:replaced"]


_ = io
