"""The evaluation report (评标报告) over HTTP: issued once, read by those it goes to, signed by every member."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from fairbid.api.app import create_app
from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.crypto.digest import sm3_hex
from fairbid.crypto.key import generate_key, sign
from fairbid.services.evaluation.session import start_evaluation
from fairbid.services.oversight.ledger import verify_ledger
from tests.e2e.test_expert_api import problem, token
from tests.factories import World, answer_all_warnings, draw_and_seat, expert_pool, in_evaluation, make_world, score_all


@pytest.fixture
def world(platform: Platform, clock: SimulatedClock) -> World:
    return make_world(platform, clock, bidders=3)


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform=platform)) as c:
        yield c


def test_report_issued_once_read_by_its_addressees_and_signed_by_every_member(client: TestClient, world: World) -> None:
    w = world
    sid = in_evaluation(w)
    experts = expert_pool(w)
    members = draw_and_seat(w, sid, experts)
    start_evaluation(sid, uow=w.p.uow(), clock=w.clock, actor=w.operator.actor)
    score_all(w, sid, members, experts)
    answer_all_warnings(w, sid, members, experts)
    op = token(client, w.operator)
    url = f"/api/sections/{sid}/evaluation-report"
    problem(client.post(url, headers=op), 409, "invalid-transition")  # the evaluation is not finished
    assert client.post(f"/api/sections/{sid}/evaluation", headers=op).status_code == 200
    issued = client.post(url, headers=op)
    assert issued.status_code == 201, issued.text
    report = issued.json()
    problem(client.post(url, headers=op), 409, "invalid-transition")  # once: members sign that very PDF

    pdf = client.get(f"{url}/pdf", headers=token(client, w.tenderee))
    assert pdf.headers["content-type"] == "application/pdf"
    assert sm3_hex(pdf.content) == report["pdf_digest"]
    assert len(PdfReader(io.BytesIO(pdf.content)).pages) >= 1
    for outsider in (token(client, w.bidders[0]), token(client, w.guarantor), {}):
        r = client.get(url, headers=outsider)
        assert r.status_code in (401, 404) and report["pdf_digest"] not in r.text

    message = bytes.fromhex(report["message"])
    for n, expert_id in enumerate(members):
        h = token(client, experts[expert_id])
        key = generate_key()
        body = {"signature": sign(key, message).hex()}
        problem(client.post(f"{url}/signatures", json=body, headers=h), 409, "invalid-transition")  # no key yet
        r = client.put("/api/experts/me/key", json={"public_key": key.public.to_text()}, headers=h)
        assert r.status_code == 200, r.text
        wrong = {"signature": sign(generate_key(), message).hex()}
        assert client.post(f"{url}/signatures", json=wrong, headers=h).status_code == 422
        if n == 0:
            body["dissent"] = "第3项评分依据不足，保留意见。"
        signed = client.post(f"{url}/signatures", json=body, headers=h)
        assert signed.status_code == 200, signed.text
        assert len(signed.json()["signatures"]) == n + 1
        problem(client.post(f"{url}/signatures", json=body, headers=h), 409, "invalid-transition")
    final = client.get(url, headers=token(client, w.supervisor)).json()
    assert final["members"] == len(members) == len(final["signatures"])
    assert final["signatures"][0]["dissent"].startswith("第3项")
    with w.p.uow() as uow:
        actions = [e.action for e in uow.ledger.for_subject("committee", sid)]
    assert actions.count("evaluation_report:signed") == len(members)
    assert verify_ledger(uow=w.p.uow(), actor=w.operator.actor).ok
