"""The expert pool, committee draw and scoring over HTTP (in-process client, real database and services)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fairbid.api.app import create_app
from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.domain.actor import Role
from tests.factories import (
    MAIN_REGION,
    PARTNER_REGION,
    PASSWORD,
    Party,
    World,
    in_evaluation,
    make_world,
)


@pytest.fixture
def world(platform: Platform, clock: SimulatedClock) -> World:
    return make_world(platform, clock, bidders=3)


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform=platform)) as c:
        yield c


def token(client: TestClient, party: Party) -> dict[str, str]:
    r = client.post("/api/auth/token", data={"username": party.username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def problem(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body: dict[str, Any] = r.json()
    assert body["code"] == code
    return body


def test_remote_evaluation_over_http(client: TestClient, world: World) -> None:
    w = world
    sid = in_evaluation(w)
    op = token(client, w.operator)
    for venue, role, region in (("main", "main", MAIN_REGION), ("partner", "secondary", PARTNER_REGION)):
        r = client.put(f"/api/venues/{venue}", json={"name": venue, "role": role, "regions": [region]}, headers=op)
        assert r.status_code == 200, r.text
    experts: dict[str, Party] = {}
    lines = ["expert_id,name,specialties,region,employer,title,years,username"]
    for i in range(5):
        party = w.party(Role.EXPERT, f"专家单位{i}")
        with w.p.uow() as uow:
            code = uow.organisations.get(party.organisation_id or "").credit_code
        region = MAIN_REGION if i < 2 else PARTNER_REGION
        lines.append(f"H{i},专家{i},A01,{region},{code},senior,10,{party.username}")
        experts[f"H{i}"] = party
    bad = client.post("/api/experts/import", json={"csv": "\n".join([*lines, "H9,x,A01,1,bad,senior,10,"])}, headers=op)
    assert problem(bad, 422, "invalid-input")["field"] == "employer"
    r = client.post("/api/experts/import", json={"csv": "\n".join(lines)}, headers=op)
    assert r.json() == {"added": 5, "updated": 0, "linked": 5}
    assert client.get("/api/experts", headers=op).json()["total"] == 5
    problem(client.get("/api/experts", headers=token(client, w.bidders[0])), 403, "not-permitted")
    body = {"venues": {"main": 2, "partner": 3}}
    # the committee's make-up is the published terms': an operator cannot choose it after the opening
    chosen = {**body, "size": 7, "specialties": {"A01": 7}}
    refused = problem(client.post(f"/api/sections/{sid}/committee", json=chosen, headers=op), 422, "validation-error")
    assert "size, specialties" in refused["errors"][0]["msg"] and "条例 第四十九条" in refused["errors"][0]["msg"]
    too_many = {"venues": {"main": 4, "partner": 1}}  # only 2 experts sit in the main venue's region
    short = problem(client.post(f"/api/sections/{sid}/committee", json=too_many, headers=op), 422, "rule-violation")
    assert "cannot be filled" in short["detail"] and "eligible" in short["detail"]
    r = client.post(f"/api/sections/{sid}/committee", json=body, headers=op)
    assert r.status_code == 201, r.text
    seats = r.json()["seats"]
    public = client.get(f"/api/sections/{sid}/committee").json()
    assert not public["names_visible"] and all(s["expert_id"] is None for s in public["seats"])
    for seat in seats:
        h = token(client, experts[seat["expert_id"]])
        assert (
            client.post(f"/api/sections/{sid}/committee/answer", json={"accepted": True}, headers=h).status_code == 200
        )
        device = {"venue_id": seat["venue_id"], "device": "terminal"}
        assert client.post(f"/api/sections/{sid}/committee/check-in", json=device, headers=h).status_code == 204
    assert client.post(f"/api/sections/{sid}/committee/start", headers=op).status_code == 204
    heads = {s["expert_id"]: token(client, experts[s["expert_id"]]) for s in seats}
    first = next(iter(heads.values()))
    view = client.get(f"/api/sections/{sid}/scoring", headers=first).json()
    assert len(view["bids"]) == 3 and len(view["checks"]) == 33
    bid = view["bids"][0]
    out = client.put(
        f"/api/sections/{sid}/scoring/bids/{bid}",
        json={"scores": {"construction_plan": "30", "quality_safety": "7"}},
        headers=first,
    )
    assert problem(out, 422, "invalid-input")["field"] == "scores.construction_plan"
    dispute = {"bid_id": bid, "check_id": "duration", "agrees": False, "reason": ""}
    problem(client.post(f"/api/sections/{sid}/scoring/verdicts", json=dispute, headers=first), 422, "invalid-input")
    for n, h in enumerate(heads.values()):
        for b, bid_id in enumerate(view["bids"]):
            scores = {"construction_plan": str(11 - b + n / 10), "quality_safety": str(7 - b / 2)}
            r = client.put(f"/api/sections/{sid}/scoring/bids/{bid_id}", json={"scores": scores}, headers=h)
            assert r.status_code == 200, r.text
    changed = client.put(
        f"/api/sections/{sid}/scoring/bids/{bid}",
        json={"scores": {"construction_plan": "10", "quality_safety": "7"}},
        headers=first,
    )
    problem(changed, 409, "conflict")
    assert len(client.get(f"/api/sections/{sid}/scoring", headers=first).json()["sheets"]) == 15
    r = client.post(f"/api/sections/{sid}/evaluation", headers=op)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "publicised"
