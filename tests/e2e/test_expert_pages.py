"""The expert's score sheet and the committee's progress page in a real headless Chromium over a real server."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.services.evaluation.scoring import sheets_view
from fairbid.services.evaluation.session import start_evaluation
from tests.factories import PASSWORD, check_and_publish, draw_and_seat, expert_pool, make_world

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]


def test_expert_scores_in_the_browser_and_the_progress_page_keeps_names_secret(
    platform: Platform, clock: SimulatedClock, served: str
) -> None:
    w = make_world(platform, clock, bidders=3)
    s = check_and_publish(w, w.section())
    w.jump(s.id)
    w.clock.advance(timedelta(days=6))
    for i, b in enumerate(w.bidders):
        w.submit(s.id, b, w.seal(s.id, b, f"{9000000 + i * 10000}.00"))
    w.jump(s.id)
    for b in w.bidders:
        w.decrypt(s.id, b)
    w.jump(s.id)
    experts = expert_pool(w)
    members = draw_and_seat(w, s.id, experts)
    me = experts[members[0]]
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        logs: list[str] = []
        page.on("console", lambda m: logs.append(m.text))
        page.on("pageerror", lambda e: logs.append(str(e)))
        page.goto(f"{served}/sections/{s.id}/committee")
        assert "secret" in page.inner_text("#secrecy")
        assert page.locator("section.venue").count() == 2
        assert "2 of 2 checked in" in page.inner_text("#venue-main")
        assert all(m not in page.content() for m in members)
        start_evaluation(s.id, uow=w.p.uow(), clock=w.clock, actor=w.operator.actor)
        page.goto(f"{served}/sections/{s.id}/score-sheet")
        page.fill("#login input[name=username]", me.username)
        page.fill("#login input[name=password]", PASSWORD)
        page.click("#login button")
        page.wait_for_selector("form.bid")
        assert page.locator("#checks tbody tr").count() == 33  # 11 checks × 3 bids
        assert page.locator("form.bid ul.objective li").count() == 12  # 4 objective items × 3 bids, with evidence
        assert "项目经理证书等级" in page.inner_text("form.bid ul.objective")
        forms = page.locator("form.bid")
        assert forms.count() == 3
        for n in range(3):
            form = page.locator("form.bid").nth(n)
            form.locator("input[name=construction_plan]").fill(str(11 - n))
            form.locator("input[name=quality_safety]").fill("7")
            form.locator("button").click()
            sync_api.expect(page.locator("#message")).to_contain_text("Submitted")
            sync_api.expect(page.locator("form.bid input[name=construction_plan]").nth(n)).to_have_value(str(11 - n))
        # a dispute without a reason is refused with the server's explanation
        page.locator("#checks tbody tr").first.locator("button", has_text="Dispute").click()
        sync_api.expect(page.locator("#message")).to_contain_text("reason")
        browser.close()
    view = sheets_view(s.id, uow=w.p.uow(), actor=me.actor)
    assert len(view.sheets) == 3 and {sh.scores["quality_safety"] for sh in view.sheets} == {7}
