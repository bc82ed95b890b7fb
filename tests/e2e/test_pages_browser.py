"""The public pages in a real headless Chromium against a real server process thread (uvicorn)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from tests.factories import World, check_and_publish, make_world, run_evaluation

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def test_public_follows_a_section_from_sealed_to_awarded(
    served: str, platform: Platform, clock: SimulatedClock
) -> None:
    w: World = make_world(platform, clock, bidders=3)
    w.add_bidder("<script>alert(1)</script>路桥有限公司")
    s = check_and_publish(w, w.section())
    w.jump(s.id)
    for b in w.bidders:
        w.submit(s.id, b, w.seal(s.id, b, f"{9000000 + len(b.username)}.00"))
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(served + "/")
        page.click(f"text={s.code}")
        assert page.inner_text("#status") == "bidding"
        assert "nobody" in page.inner_text("#secrecy")
        assert page.locator("#opening-record").count() == 0
        w.jump(s.id)
        for b in w.bidders:
            w.decrypt(s.id, b)
        w.jump(s.id)
        run_evaluation(w, s.id)
        w.clock.advance(timedelta(days=4))
        w.jump(s.id)
        page.reload()
        assert page.inner_text("#status") == "awarded"
        rows = page.locator("#opening-record tbody tr")
        assert rows.count() == 4
        assert "<script>alert(1)</script>路桥有限公司" in page.inner_text("#opening-record")  # shown as text
        assert page.locator("#candidates tbody tr").count() == 3
        assert "节资率" in page.inner_text("#savings")
        page.screenshot(path=str(w.p.settings.data_dir / "section.png"), full_page=True)
        browser.close()
    assert dialogs == []  # the markup in the bidder's name never ran
