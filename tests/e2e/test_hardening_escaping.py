"""Output escaping (OWASP ASVS 5.3.1, 5.3.3): names with markup are shown as text on every page that shows names.

The templates hold no ``|safe`` and no ``Markup`` (checked below too); Jinja2 autoescapes; data for scripts goes
through ``tojson``, which escapes ``<`` so a name cannot close the ``<script>`` element it sits in.
"""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from markupsafe import escape

from fairbid.api.app import create_app
from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.templating import TEMPLATE_ROOT
from tests.factories import PASSWORD, check_and_publish, make_world, run_evaluation

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = "\"'><img src=x onerror=alert(2)>"
NAMES = [SCRIPT + "路桥有限公司", ATTRIBUTE + "建工集团有限公司"]


def test_templates_never_mark_data_safe() -> None:
    for template in [*TEMPLATE_ROOT.rglob("*.html"), *TEMPLATE_ROOT.rglob("*.j2")]:
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"\|\s*safe\b|Markup|autoescape\s+false", text), template.name


def test_bidder_names_with_markup_are_shown_as_text_on_every_page(platform: Platform, clock: SimulatedClock) -> None:
    w = make_world(platform, clock, bidders=2)
    for name in NAMES:
        w.add_bidder(name)
    s = check_and_publish(w, w.section())
    w.jump(s.id)
    for b in w.bidders:
        w.submit(s.id, b, w.seal(s.id, b, f"{9000000 + len(b.username)}.00"))
    w.jump(s.id)
    for b in w.bidders:
        w.decrypt(s.id, b)
    w.jump(s.id)
    run_evaluation(w, s.id)
    w.clock.advance(timedelta(days=4))
    w.jump(s.id)
    # pages that show organisation names, and every other page (none may carry the markup live)
    showing = [f"/sections/{s.id}", f"/sections/{s.id}/trace", "/supervision/leads"]
    others = ["/", "/ledger", "/supervision", f"/sections/{s.id}/committee", f"/sections/{s.id}/score-sheet"]
    with TestClient(create_app(platform=platform)) as client:
        r = client.post("/api/auth/token", data={"username": w.supervisor.username, "password": PASSWORD})
        supervisor = {"Authorization": f"Bearer {r.json()['access_token']}"}
        for path in showing + others:
            page = client.get(path, headers=supervisor)
            assert page.status_code == 200 and page.headers["content-type"].startswith("text/html"), path
            assert "alert(1)</script>" not in page.text and "<img src=x" not in page.text, path
            if path in showing:
                for name in NAMES:
                    assert str(escape(name)) in page.text, (path, name)  # shown, as text
    with platform.uow() as uow:  # escaped on output, not mangled on input: stored as registered
        assert uow.organisations.get(w.bidders[-2].organisation_id or "").name == NAMES[0]
