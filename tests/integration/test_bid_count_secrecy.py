"""No observable channel counts bids before the opening (招标投标法 第二十二条), played as an attacker would.

The attacker holds a tenderee account and a bidder account and reads everything public. Strategy 1 (planted
heads): publish throwaway sections whose sale starts fall at chosen instants around the competitors' bids, and
read the signed heads and the public ledger around them. Strategy 2 (own receipts): bid, then replace the bid
twice while the competitors bid, and read the receipts. The same moves are played against a section that gets
three competing bids and against one that gets none: what the attacker sees must be the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fairbid.api.app import create_app
from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.domain.section import Section
from fairbid.scheduler import run_due
from tests.factories import PASSWORD, Party, World, check_and_publish, make_world

WINDOW = timedelta(seconds=600)  # the default head cadence (settings.head_interval_seconds)


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform=platform)) as c:
        yield c


def _token(client: TestClient, party: Party) -> dict[str, str]:
    body = client.post("/api/auth/token", data={"username": party.username, "password": PASSWORD}).json()
    return {"Authorization": f"Bearer {body['access_token']}", "Content-Type": "application/octet-stream"}


def _public(client: TestClient) -> tuple[list[int], list[tuple[str, str]]]:
    heads = [h["tree_size"] for h in client.get("/api/ledger/heads").json()]
    entries: list[tuple[str, str]] = []
    after = -1
    while page := client.get("/api/ledger/entries", params={"after": after, "limit": 1000}).json():
        entries += [(e["action"], e["subject_type"]) for e in page]
        after = page[-1]["seq"]
    return heads, entries


def _aligned(moment: datetime) -> datetime:
    step = int(WINDOW.total_seconds())
    return datetime.fromtimestamp((int(moment.timestamp()) // step + 1) * step, tz=moment.tzinfo)


def _play(
    w: World,
    client: TestClient,
    target: Section,
    planted: tuple[Section, Section],
    competitors: list[Party],
    at: datetime,
) -> list[Any]:
    """The attacker's moves and what it reads after each, as offsets from what it read at the start."""
    attacker = w.bidders[0]
    w.clock.set(at)
    run_due(w.p)
    heads0, entries0 = _public(client)
    seen: list[Any] = []

    def look(step: str) -> None:
        heads, entries = _public(client)
        seen.append((step, [h - (heads0[-1] if heads0 else 0) for h in heads[len(heads0) :]], entries[len(entries0) :]))

    def bid(price: str) -> None:
        r = client.post(
            f"/api/sections/{target.id}/bids",
            content=w.seal(target.id, attacker, price),
            headers=_token(client, attacker),
        )
        assert r.status_code == 201, r.text
        body = r.json()
        head = body["ledger"]["tree_head"]
        seen.append(
            ("receipt", sorted(body["receipt"]), sorted(body["ledger"]), head and head["tree_size"] - heads0[-1])
        )

    bid("9300000.00")
    look("own bid")
    w.clock.set(at + timedelta(seconds=60))
    for c in competitors:
        r = client.post(
            f"/api/sections/{target.id}/bids", content=w.seal(target.id, c, "9100000.00"), headers=_token(client, c)
        )
        assert r.status_code == 201, r.text
    look("competitors")
    for i, throwaway in enumerate(planted):
        w.clock.set(throwaway.schedule.sale_start)  # an instant the attacker chose when it published the section
        run_due(w.p)
        look(f"planted transition {i}")
        w.clock.advance(timedelta(seconds=30))
        bid(f"92{i}0000.00")  # the attacker replaces its bid
        look(f"replacement {i}")
    w.clock.set(at + WINDOW + timedelta(seconds=1))  # the next head of the fixed cadence
    run_due(w.p)
    look("next head")
    return seen


def test_an_attacker_learns_nothing_about_the_number_of_bids_before_the_opening(
    platform: Platform, clock: SimulatedClock, client: TestClient
) -> None:
    w = make_world(platform, clock, bidders=4)
    round_three = _aligned(clock.now() + timedelta(days=2))
    round_none = round_three + 4 * WINDOW
    targets = {}
    planted = {}
    for name, at in (("three", round_three), ("none", round_none)):
        targets[name] = check_and_publish(w, w.section())
        # throwaway sections whose sale starts the attacker (the tenderee) places inside the round
        planted[name] = tuple(
            check_and_publish(w, w.section(start=at + timedelta(seconds=120 + 120 * i) - timedelta(hours=1)))
            for i in range(2)
        )
    clock.set(targets["three"].schedule.sale_start)
    run_due(platform)  # both targets in bidding
    assert clock.now() < round_three
    seen_three = _play(w, client, targets["three"], planted["three"], w.bidders[1:4], round_three)  # type: ignore[arg-type]
    seen_none = _play(w, client, targets["none"], planted["none"], [], round_none)  # type: ignore[arg-type]
    assert seen_three == seen_none
    # and the receipts hold no position in the ledger
    assert all(step[0] != "receipt" or "ledger_index" not in step[1] for step in seen_three)
    assert any(step[0] == "next head" and step[1] for step in seen_three)  # heads do come, on the cadence


def _cancel(w: World, s: Section) -> dict[str, Any]:
    from fairbid.services.section import cancel_section

    cancel_section(s.id, "项目取消", uow=w.p.uow(), clock=w.clock, actor=w.tenderee.actor)
    with w.p.uow() as uow:
        (entry,) = [e for e in uow.ledger.for_subject("section", s.id) if e.action == "section:cancelled"]
        return dict(entry.payload)


def test_a_section_cancelled_during_bidding_keeps_its_bids_sealed_and_anchored(
    platform: Platform, clock: SimulatedClock, client: TestClient
) -> None:
    from sqlalchemy import update

    from fairbid.ledger.chain import GENESIS_HASH
    from fairbid.services.ledger import verify_ledger
    from fairbid.store.rows import SealedEntryRow
    from tests.factories import SETUP

    w = make_world(platform, clock, bidders=2)
    with_bids, without = check_and_publish(w, w.section()), check_and_publish(w, w.section())
    w.jump(with_bids.id)
    w.jump(without.id)
    for b in w.bidders:
        w.submit(with_bids.id, b, w.seal(with_bids.id, b, "9000000.00"))
    entries_before = _public(client)[1]
    anchors = [_cancel(w, with_bids)["sealed_anchor"], _cancel(w, without)["sealed_anchor"]]
    # the anchors look alike: neither says "no bids" (the chain's genesis) nor how many
    assert GENESIS_HASH not in anchors and len(set(anchors)) == 2
    new_entries = _public(client)[1][len(entries_before) :]
    assert new_entries == [("section:cancelled", "section")] * 2  # nothing about the bids, ever
    assert verify_ledger(uow=platform.uow(), actor=SETUP).ok
    with platform.uow() as uow:  # a sealed entry dropped behind the platform's back is caught by the anchor
        uow.session.execute(
            update(SealedEntryRow)
            .where(SealedEntryRow.section_id == with_bids.id, SealedEntryRow.position == 1)
            .values(section_id="elsewhere")
        )
        uow.commit()
    report = verify_ledger(uow=platform.uow(), actor=SETUP)
    assert not report.ok and any("recorded when it closed" in m.reason for m in report.merkle)
