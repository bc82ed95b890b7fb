"""The HTTP API in-process: problem details, sealed submission over HTTP, and secrecy before the opening."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fairbid.api.app import create_app
from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.crypto.receipt import SignedReceipt, verify_receipt
from fairbid.domain.actor import Role
from tests.factories import PASSWORD, Party, World, check_and_publish, make_world


@pytest.fixture
def world(platform: Platform, clock: SimulatedClock) -> World:
    return make_world(platform, clock, bidders=4)


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform=platform)) as c:
        yield c


def token(client: TestClient, party: Party) -> dict[str, str]:
    r = client.post("/api/auth/token", data={"username": party.username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def assert_problem(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    assert body["status"] == status and body["code"] == code
    assert body["type"].endswith("/" + code) and body["title"] and body["trace_id"]
    return body


def test_invalid_credit_code_is_a_problem_naming_the_field(client: TestClient, world: World) -> None:
    h = token(client, world.operator)
    r = client.post("/api/organisations", json={"name": "甲", "credit_code": "91110108551385082R"}, headers=h)
    body = assert_problem(r, 422, "invalid-input")
    assert body["field"] == "credit_code" and "check character" in body["detail"]


def test_duplicate_organisation_is_a_conflict(client: TestClient, world: World) -> None:
    h = token(client, world.operator)
    ok = client.post("/api/organisations", json={"name": "甲", "credit_code": "91110108551385082Q"}, headers=h)
    assert ok.status_code == 201
    again = client.post("/api/organisations", json={"name": "乙", "credit_code": "91110108551385082Q"}, headers=h)
    assert_problem(again, 409, "duplicate")


def test_malformed_request_lists_every_bad_field(client: TestClient, world: World) -> None:
    h = token(client, world.agency)
    r = client.post("/api/sections", json={"code": "", "kind": "bridges"}, headers=h)
    body = assert_problem(r, 422, "validation-error")
    fields = {".".join(e["loc"][1:]) for e in body["errors"]}
    assert {"project_id", "code", "kind", "schedule", "estimated_price"} <= fields


def test_schedule_out_of_order_names_the_field(client: TestClient, world: World) -> None:
    h = token(client, world.agency)
    s = world.section()
    sched = {
        "sale_start": "2026-04-01T00:00:00Z",
        "sale_end": "2026-03-30T00:00:00Z",
        "bid_deadline": "2026-04-30T00:00:00Z",
    }
    r = client.post(
        "/api/sections",
        json={
            "project_id": s.project_id,
            "code": "X-1",
            "name": "x",
            "kind": "works",
            "estimated_price": "100.00",
            "ceiling_price": "100.00",
            "schedule": sched,
        },
        headers=h,
    )
    assert assert_problem(r, 422, "invalid-input")["field"] == "schedule.sale_end"


def test_unauthenticated_and_unpermitted_calls_are_refused(client: TestClient, world: World) -> None:
    assert_problem(
        client.post("/api/organisations", json={"name": "x", "credit_code": "91110108551385082Q"}),
        401,
        "not-authenticated",
    )
    bad = {"Authorization": "Bearer not-a-token"}
    assert_problem(client.get("/api/auth/me", headers=bad), 401, "not-authenticated")
    h = token(client, world.bidders[0])
    r = client.post("/api/organisations", json={"name": "x", "credit_code": "91110108551385082Q"}, headers=h)
    assert_problem(r, 403, "not-permitted")


def test_revoked_token_stops_working(client: TestClient, world: World) -> None:
    h = token(client, world.operator)
    assert client.get("/api/auth/me", headers=h).status_code == 200
    assert client.post("/api/auth/logout", headers=h).status_code == 204
    assert_problem(client.get("/api/auth/me", headers=h), 401, "not-authenticated")


def test_wrong_state_is_a_conflict_and_unknown_section_is_not_found(client: TestClient, world: World) -> None:
    s = world.section()
    r = client.post(f"/api/sections/{s.id}/publish", headers=token(client, world.tenderee))
    assert_problem(r, 409, "invalid-transition")
    assert_problem(client.get("/api/sections/nope"), 404, "not-found")


def test_sealed_bid_over_http_gets_a_verifiable_receipt(client: TestClient, world: World) -> None:
    s = check_and_publish(world, world.section())
    world.jump(s.id)
    b = world.bidders[0]
    h = token(client, b)
    envelope = world.seal(s.id, b, "9100000.00")
    r = client.post(
        f"/api/sections/{s.id}/bids", content=envelope, headers={**h, "Content-Type": "application/octet-stream"}
    )
    assert r.status_code == 201, r.text
    receipt = SignedReceipt.from_json(r.json())
    verify_receipt(world.p.platform_key.public, receipt)
    assert receipt.fields.section_id == s.id and receipt.fields.bidder_id == b.organisation_id
    mine = client.get(f"/api/sections/{s.id}/bids/mine", headers=h).json()
    assert mine["envelope_digest"] == receipt.fields.envelope_sm3 and mine["status"] == "sealed"
    garbage = client.post(f"/api/sections/{s.id}/bids", content=b"\x00" * 100, headers=h)
    assert_problem(garbage, 422, "invalid-envelope")
    assert client.get(f"/api/sections/{s.id}/bids/mine", headers=h).json() == mine


def _snapshot(client: TestClient, world: World, section_id: str, party: Party | None) -> dict[str, Any]:
    headers = {} if party is None else token(client, party)  # fresh: the clock moves days between looks
    urls = [
        "/api/sections",
        f"/api/sections/{section_id}",
        f"/api/sections/{section_id}/bids",
        f"/api/sections/{section_id}/bids/mine",
        "/api/ledger/entries?limit=1000",
        "/api/ledger/verification",
        "/",
        f"/sections/{section_id}",
    ]
    out = {}
    for url in urls:
        r = client.get(url, headers=headers)
        body = r.text
        if r.headers.get("content-type", "").startswith("application/problem+json"):
            body = {k: v for k, v in r.json().items() if k != "trace_id"}  # type: ignore[assignment]
        out[url] = (r.status_code, body)
    return out


def test_no_role_learns_whether_or_how_many_have_bid_before_the_opening(client: TestClient, world: World) -> None:
    """招标投标法 第二十二条: every role, every read endpoint, before and after bids arrive — nothing changes."""
    s = check_and_publish(world, world.section())
    world.jump(s.id)
    outsider = world.add_bidder("未投标的投标人有限公司")
    watchers: dict[str, Party | None] = {"anonymous public": None}
    for name, party in [
        ("operator", world.operator),
        ("supervisor", world.supervisor),
        ("tenderee", world.tenderee),
        ("agency", world.agency),
        ("expert", world.expert),
        ("guarantor", world.guarantor),
        ("bidder who did not bid", outsider),
        ("public account", world.party(Role.PUBLIC, "公众", with_org=False)),
    ]:
        watchers[name] = party
    before = {name: _snapshot(client, world, s.id, p) for name, p in watchers.items()}
    world.clock.advance(timedelta(days=6))
    for b in world.bidders[:3]:
        world.submit(s.id, b, world.seal(s.id, b, "9000000.00"))
        for name, p in watchers.items():
            assert _snapshot(client, world, s.id, p) == before[name], f"{name} can tell that a bid arrived"
    bidder_view = client.get(f"/api/sections/{s.id}/bids/mine", headers=token(client, world.bidders[0]))
    assert bidder_view.status_code == 200  # the bidder itself sees its own bid
    assert client.get(f"/api/sections/{s.id}/bids", headers=token(client, world.bidders[0])).status_code == 404


def test_after_the_opening_the_bids_are_public(client: TestClient, world: World) -> None:
    s = check_and_publish(world, world.section())
    world.jump(s.id)
    for b in world.bidders[:3]:
        world.submit(s.id, b, world.seal(s.id, b, "9000000.00"))
    world.jump(s.id)
    r = client.get(f"/api/sections/{s.id}/bids", headers=token(client, world.supervisor))
    assert r.status_code == 200 and len(r.json()) == 3
    entries = client.get("/api/ledger/entries?limit=1000").json()
    assert any(e["action"] == "bid:submitted" for e in entries)


def test_pages_escape_markup_in_names(client: TestClient, world: World) -> None:
    s = check_and_publish(world, world.section())
    page = client.get(f"/sections/{s.id}")
    assert page.status_code == 200 and "Bids are sealed" in page.text
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" in page.headers
