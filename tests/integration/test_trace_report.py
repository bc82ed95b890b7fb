"""The trace report (全程留痕报告): timeline, people apart from the machine, draws, share, proofs, access."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from fairbid.api.app import create_app
from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.domain.actor import ANONYMOUS_PUBLIC
from fairbid.domain.errors import NotPermitted
from fairbid.ledger.export import verify_receipt_proof
from fairbid.ledger.head import KeyHeadVerifier
from fairbid.services.oversight.ledger import publish_head
from fairbid.services.oversight.trace_report import trace_report
from tests.factories import PASSWORD, check_and_publish, make_world


def test_trace_report_of_an_opened_section(platform: Platform, clock: SimulatedClock) -> None:
    w = make_world(platform, clock, bidders=3)
    s = check_and_publish(w, w.section())
    w.jump(s.id)
    for i, b in enumerate(w.bidders):
        w.submit(s.id, b, w.seal(s.id, b, f"91{i}0000.00"))
    w.jump(s.id)  # opening: the machine reveals the seed and draws K
    publish_head(uow=platform.uow(), clock=clock, platform_key=platform.platform_key)
    with pytest.raises(NotPermitted):  # not public before the evaluation is over
        trace_report(s.id, uow=platform.uow(), actor=ANONYMOUS_PUBLIC)
    with pytest.raises(NotPermitted):
        trace_report(s.id, uow=platform.uow(), actor=w.bidders[0].actor)
    r = trace_report(s.id, uow=platform.uow(), actor=w.supervisor.actor)
    actions = [e.action for e in r.events]
    assert actions[0] == "section:created" and "section:opened" in actions
    assert actions.count("bid:submitted") == 3
    kinds = {e.action: e.kind for e in r.events}
    assert kinds["section:published"] == "person" and kinds["section:opened"] == "machine"
    published = next(e for e in r.events if e.action == "section:published")
    assert published.who.startswith("tenderee · ") and "某城投集团有限公司" in published.who
    assert any(d.action == "beacon:revealed" and "seed" in d.inputs and "SM3(seed)" in d.how for d in r.draws)
    assert any(f.action == "section:checked" for f in r.findings)
    share = r.share
    assert share.machine_entries + share.person_entries == len(r.events)
    assert 0 < share.decision_share < 1 and share.machine_decisions >= 3
    assert r.head is not None and set(r.proofs) == {e.seq for e in r.events}
    entry = r.events[-1]
    proof = {"seq": entry.seq, "entry_hash": entry.entry_hash, "tree_head": r.head, "inclusion": r.proofs[entry.seq]}
    verify_receipt_proof(proof, KeyHeadVerifier(platform.platform_key.public))
    with TestClient(create_app(platform=platform)) as client:
        token = client.post("/api/auth/token", data={"username": w.supervisor.username, "password": PASSWORD})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        page = client.get(f"/sections/{s.id}/trace", headers=headers)
        assert page.status_code == 200 and "beacon:revealed" in page.text and "machine · " in page.text
        assert client.get(f"/sections/{s.id}/trace").status_code == 403
        pdf = client.get(f"/sections/{s.id}/trace.pdf", headers=headers)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
