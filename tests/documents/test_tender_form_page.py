"""The tender-form page in headless Chromium: findings appear as the agency types."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from fairbid.api.problems import install_problem_handlers
from fairbid.api.routers import tender_documents
from fairbid.web import tender_form
from fairbid.web.templating import STATIC_DIR

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")


class FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 11, 27, 2, tzinfo=UTC)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    app = FastAPI()
    app.state.platform = SimpleNamespace(clock=FixedClock())
    install_problem_handlers(app)
    app.include_router(tender_documents.router)
    app.include_router(tender_form.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_findings_appear_and_clear_as_the_agency_types(base_url: str) -> None:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(f"{base_url}/tender-form")
            status = page.locator("#status")
            sync_api.expect(status).to_have_class("ok", timeout=15_000)

            page.fill('[data-path="committee.size"]', "6")
            sync_api.expect(page.locator("#finding-list li.block").first).to_contain_text("T13", timeout=15_000)
            sync_api.expect(page.locator('[data-path="committee.size"]')).to_have_class("flag-block")

            page.fill('[data-path="free_text.other"]', "投标人须在本市设立分公司。")
            sync_api.expect(page.locator("#finding-list")).to_contain_text("本市设立分公司", timeout=15_000)
            sync_api.expect(status).to_have_class("blocked")

            page.fill('[data-path="committee.size"]', "7")
            page.fill('[data-path="free_text.other"]', "")
            sync_api.expect(status).to_have_class("ok", timeout=15_000)
        finally:
            browser.close()
