"""Leads across tenders for the supervisor (大数据分析移送线索): service, pages, PDF, dashboard and CLI."""

from __future__ import annotations

import json
from datetime import timedelta
from importlib.util import find_spec

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from fairbid.api.app import create_app
from fairbid.bootstrap import Platform
from fairbid.cli import app as cli
from fairbid.clock import SimulatedClock
from fairbid.domain.errors import NotPermitted
from fairbid.services.evaluation.session import evaluate_section, start_evaluation
from fairbid.services.oversight.supervision import leads_for_supervisor, supervision_overview
from fairbid.settings import Settings
from tests.factories import (
    PASSWORD,
    World,
    answer_all_warnings,
    check_and_publish,
    draw_and_seat,
    expert_pool,
    make_world,
    score_all,
)


@pytest.fixture
def world(platform: Platform, clock: SimulatedClock) -> World:
    return make_world(platform, clock, bidders=4)


def _two_opened_sections(w: World) -> list[str]:
    """Two sections in which bidders 0-2 seal on one machine and hand in the factory's one proposal."""
    sections = [check_and_publish(w, w.section()) for _ in range(2)]
    for s in sections:
        w.jump(s.id)
    w.clock.advance(timedelta(days=6))
    prices = ("9100000.00", "9150000.00", "9200000.00", "7423456.78")
    for s in sections:
        for i, b in enumerate(w.bidders):
            w.submit(s.id, b, w.seal(s.id, b, prices[i], fingerprint="ring" if i < 3 else ""))
    for s in sections:
        w.jump(s.id)
        for b in w.bidders:
            w.decrypt(s.id, b)
    for s in sections:
        assert w.jump(s.id) == "evaluation"
    return [s.code for s in sections]


def test_leads_dashboard_and_cli_for_the_supervisor_only(
    world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = world
    codes = _two_opened_sections(w)

    report = leads_for_supervisor(uow=w.p.uow(), clock=w.clock, actor=w.supervisor.actor)
    assert report["leads"], report
    top = report["leads"][0]
    assert set(codes) <= set(top["tenders"])
    with w.p.uow() as uow:
        ring = {
            f"{o.name} [{o.credit_code}]"
            for o in uow.organisations.names([b.organisation_id or "" for b in w.bidders[:3]]).values()
        }
    assert ring <= set(top["bidders"])
    sources = {(s["source"], s["code"]) for s in top["signals"]}
    assert {("section", "same-machine"), ("section", "equal-price-steps")} <= sources
    assert report["audience"] == ["supervisor"] and "never proof" in report["advisory"]
    json.dumps(report)  # JSON-native throughout

    overview = supervision_overview(uow=w.p.uow(), actor=w.operator.actor)
    assert [s["code"] for s in overview.sections] == sorted(codes)
    assert all(s["signals"] >= 3 and s["strong"] >= 1 for s in overview.sections)
    assert overview.per_signal["same-machine"] == 2

    for party in (*w.bidders, w.tenderee, w.agency, w.expert, w.guarantor):
        with pytest.raises(NotPermitted):
            leads_for_supervisor(uow=w.p.uow(), clock=w.clock, actor=party.actor)
        with pytest.raises(NotPermitted):
            supervision_overview(uow=w.p.uow(), actor=party.actor)

    with TestClient(create_app(platform=w.p)) as client:

        def auth(username: str) -> dict[str, str]:
            token = client.post("/api/auth/token", data={"username": username, "password": PASSWORD})
            return {"Authorization": f"Bearer {token.json()['access_token']}"}

        sup = auth(w.supervisor.username)
        page = client.get("/supervision/leads", headers=sup)
        assert page.status_code == 200 and top["lead_id"] in page.text
        assert client.get("/supervision/leads.json", headers=sup).json()["leads"][0]["lead_id"] == top["lead_id"]
        pdf = client.get("/supervision/leads.pdf", headers=sup)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        board = client.get("/supervision", headers=sup)
        assert board.status_code == 200 and codes[0] in board.text and "/static/plotly.min.js" in board.text
        assert (
            "Plotly.newPlot" in client.get("/supervision/dashboard.js").text
        )  # a file: the CSP allows no inline script
        js = client.get("/static/plotly.min.js")
        assert js.status_code == (200 if find_spec("plotly") else 404)  # plotly is an optional wheel
        for path in ("/supervision/leads", "/supervision/leads.json", "/supervision"):
            assert client.get(path, headers=auth(w.bidders[0].username)).status_code == 403
            assert client.get(path).status_code == 403

    monkeypatch.setenv("FAIRBID_PLATFORM_KEY_PASSPHRASE", "test-passphrase")
    base = ["supervision", "leads", "--database", settings.database_url, "--data-dir", str(settings.data_dir)]
    result = CliRunner().invoke(cli, [*base, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["leads"][0]["lead_id"] == top["lead_id"]
    bad = CliRunner().invoke(cli, [*base, "--format", "pdf"])
    assert bad.exit_code != 0 and "--output" in bad.output


def test_bids_the_committee_disqualified_feed_the_red_flags(world: World) -> None:
    """R036: the lowest bid failed the review (duration over the tender's 365 days, 条例 第五十一条) and another
    bidder won — a disqualification the supervisor sees only if the committee's outcome reaches the records."""
    w = world
    s = check_and_publish(w, w.section())
    w.jump(s.id)
    w.clock.advance(timedelta(days=6))
    for i, b in enumerate(w.bidders[:3]):
        w.submit(s.id, b, w.seal(s.id, b, f"{8800000 + i * 100000}.00", duration=999 if i == 0 else 360))
    w.jump(s.id)
    for b in w.bidders[:3]:
        w.decrypt(s.id, b)
    assert w.jump(s.id) == "evaluation"
    experts = expert_pool(w)
    members = draw_and_seat(w, s.id, experts)
    start_evaluation(s.id, uow=w.p.uow(), clock=w.clock, actor=w.operator.actor)
    score_all(w, s.id, members, experts)
    answer_all_warnings(w, s.id, members, experts)
    before = leads_for_supervisor(uow=w.p.uow(), clock=w.clock, actor=w.supervisor.actor)
    assert not [f for f in before["red_flags"] if f["code"] == "R036"]
    result = evaluate_section(s.id, uow=w.p.uow(), clock=w.clock, actor=w.operator.actor)
    assert result.candidates[0].bidder_id == w.bidders[1].organisation_id
    assert w.jump(s.id) == "awarded"
    report = leads_for_supervisor(uow=w.p.uow(), clock=w.clock, actor=w.supervisor.actor)
    flagged = [f for f in report["red_flags"] if f["code"] == "R036"]
    assert [f["subject_id"] for f in flagged] == [s.code]
    assert "8,800,000.00" in flagged[0]["detail"]
