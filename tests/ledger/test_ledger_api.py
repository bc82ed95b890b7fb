"""Heads in receipts, proofs over HTTP, and the public page of heads."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from fairbid.api.app import create_app
from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.crypto.receipt import SignedReceipt
from fairbid.ledger.export import verify_commitment_proof
from fairbid.ledger.head import KeyHeadVerifier, SignedTreeHead
from fairbid.scheduler import run_due
from tests.factories import PASSWORD, check_and_publish, make_world


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform=platform)) as c:
        yield c


def test_receipt_commits_to_its_entry_and_the_proof_follows_the_opening(
    client: TestClient, platform: Platform, clock: SimulatedClock
) -> None:
    w = make_world(platform, clock, bidders=3)
    s = check_and_publish(w, w.section())
    w.jump(s.id)  # bidding
    assert run_due(platform) == 0  # nothing due, but the ledger grew and no head exists yet: the first is signed
    before = client.get("/api/ledger/heads").json()
    assert len(before) == 1
    b = w.bidders[0]
    token = client.post("/api/auth/token", data={"username": b.username, "password": PASSWORD}).json()
    r = client.post(
        f"/api/sections/{s.id}/bids",
        content=w.seal(s.id, b, "9100000.00"),
        headers={"Authorization": f"Bearer {token['access_token']}", "Content-Type": "application/octet-stream"},
    )
    assert r.status_code == 201, r.text
    body = r.json()
    commitment = SignedReceipt.from_json(body).fields.entry_commitment
    ledger = body["ledger"]
    assert ledger["entry_commitment"] == commitment and ledger["inclusion"] is None and "seq" not in ledger
    held = SignedTreeHead.from_json(ledger["tree_head"])
    assert held.tree_size == before[0]["tree_size"]
    clock.advance(timedelta(hours=1))
    run_due(platform)  # a new cadence window, but the bid's entry is not in the ledger: no head to sign
    assert client.get("/api/ledger/heads").json() == before
    assert client.get(f"/api/ledger/commitments/{commitment}").status_code == 404  # as for a made-up one
    assert client.get(f"/api/ledger/commitments/{'0' * 64}").status_code == 404
    w.submit(s.id, w.bidders[1], w.seal(s.id, w.bidders[1], "9200000.00"))
    w.submit(s.id, w.bidders[2], w.seal(s.id, w.bidders[2], "9300000.00"))
    w.jump(s.id)  # the opening appends the sealed entries
    run_due(platform)
    proof = client.get(f"/api/ledger/commitments/{commitment}").json()
    head = verify_commitment_proof(proof, commitment, KeyHeadVerifier(platform.platform_key.public))
    heads = client.get("/api/ledger/heads").json()
    seq = proof["seq"]
    assert head.tree_size == heads[-1]["tree_size"] > seq >= held.tree_size
    assert proof["entry"]["action"] == "bid:submitted" and proof["entry"]["subject_id"] == body["bid"]["bid_id"]
    c = client.get("/api/ledger/consistency", params={"first": held.tree_size, "second": head.tree_size})
    assert c.status_code == 200 and c.json()["path"]
    page = client.get("/ledger")
    assert page.status_code == 200 and heads[-1]["root_hash"] in page.text
    assert platform.platform_key.public.to_text() in page.text
