"""Heads in receipts, proofs over HTTP, and the public page of heads."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from fairbid.api.app import create_app
from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.crypto.receipt import SignedReceipt
from fairbid.ledger.export import verify_receipt_proof
from fairbid.ledger.head import KeyHeadVerifier, SignedTreeHead
from fairbid.scheduler import run_due
from tests.factories import PASSWORD, check_and_publish, make_world


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform=platform)) as c:
        yield c


def test_receipt_head_then_proof_after_the_next_transition(
    client: TestClient, platform: Platform, clock: SimulatedClock
) -> None:
    w = make_world(platform, clock, bidders=3)
    s = check_and_publish(w, w.section())
    w.jump(s.id)  # bidding
    assert run_due(platform) == 0  # nothing due, but a section changed: the scheduler publishes a head
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
    seq = SignedReceipt.from_json(body).fields.ledger_index
    ledger = body["ledger"]
    assert ledger["seq"] == seq and ledger["inclusion"] is None  # no head per bid: it would count the bids
    held = SignedTreeHead.from_json(ledger["tree_head"])
    assert held.tree_size == before[0]["tree_size"] <= seq
    assert client.get("/api/ledger/heads").json() == before  # the bid published nothing
    assert client.get(f"/api/ledger/proofs/{seq}").status_code == 404
    w.submit(s.id, w.bidders[1], w.seal(s.id, w.bidders[1], "9200000.00"))
    w.jump(s.id)  # the opening
    run_due(platform)
    proof = client.get(f"/api/ledger/proofs/{seq}").json()
    head = verify_receipt_proof(proof, KeyHeadVerifier(platform.platform_key.public))
    heads = client.get("/api/ledger/heads").json()
    assert head.tree_size == heads[-1]["tree_size"] > seq
    c = client.get("/api/ledger/consistency", params={"first": held.tree_size, "second": head.tree_size})
    assert c.status_code == 200 and c.json()["path"]
    page = client.get("/ledger")
    assert page.status_code == 200 and heads[-1]["root_hash"] in page.text
    assert platform.platform_key.public.to_text() in page.text
