"""The tender-documents API router and the form page, in-process against a small app."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from fairbid.api.problems import install_problem_handlers
from fairbid.api.routers import tender_documents
from fairbid.documents import demo_form_json
from fairbid.web import tender_form


class FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 11, 27, 2, tzinfo=UTC)


class Client:
    """A synchronous face over httpx's ASGI transport (starlette's TestClient wants httpx2)."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
                return await c.request(method, url, **kwargs)

        return asyncio.run(go())

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)


@pytest.fixture(scope="module")
def client() -> Client:
    app = FastAPI()
    app.state.platform = SimpleNamespace(clock=FixedClock())
    install_problem_handlers(app)
    app.include_router(tender_documents.router)
    app.include_router(tender_form.router)
    return Client(app)


def demo() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(demo_form_json())
    return data


def test_check_clean_form_returns_no_findings(client: Client) -> None:
    resp = client.post("/api/tender-documents/check", json=demo())
    assert resp.status_code == 200
    assert resp.json() == {"checked_on": "2026-11-27", "blocking": False, "findings": []}


def test_check_blocking_form_returns_findings_with_fields(client: Client) -> None:
    data = demo()
    data["committee"]["representatives"] = 4  # 3 experts of 7: fewer than two thirds
    data["committee"]["experts"] = [{"specialty": "A01", "count": 3}]
    data["contract"]["special_terms"] = "投标保证金只接受现金。"
    body = client.post("/api/tender-documents/check", json=data).json()
    assert body["blocking"] is True
    rules = {f["rule"]: f for f in body["findings"]}
    assert rules["T13"]["field"] == "committee.experts"
    assert rules["X18"]["span"]["text"].startswith("保证金")


def test_check_malformed_form_is_422_with_every_error(client: Client) -> None:
    data = demo()
    data["estimated_price"] = "many"
    data["schedule"]["decryption_minutes"] = -1
    resp = client.post("/api/tender-documents/check", json=data)
    assert resp.status_code == 422
    assert len(resp.json()["errors"]) == 2


def test_check_text_upload_returns_spans(client: Client) -> None:
    files = {"file": ("doc.txt", "投标人须于开标前到代理机构报名。".encode(), "text/plain")}
    body = client.post("/api/tender-documents/check-text", files=files).json()
    assert [f["rule"] for f in body["findings"]] == ["X08"]
    assert body["findings"][0]["span"] == {"start": 13, "end": 15, "text": "报名"}


def test_check_text_unreadable_upload_is_a_problem(client: Client) -> None:
    files = {"file": ("doc.pdf", b"not a pdf", "application/pdf")}
    resp = client.post("/api/tender-documents/check-text", files=files)
    assert resp.status_code == 422
    assert resp.headers["content-type"].startswith("application/problem+json")
    assert "not a PDF" in resp.json()["detail"]


def test_render_returns_three_digests_and_preview(client: Client) -> None:
    body = client.post("/api/tender-documents/render", json=demo()).json()
    assert [f["name"].rsplit(".", 1)[1] for f in body["files"]] == ["html", "docx", "pdf"]
    assert all(len(f["sm3"]) == 64 for f in body["files"])
    assert "招标公告" in body["html"] and body["check"]["blocking"] is False


def test_form_page_renders_with_script_and_demo_data(client: Client) -> None:
    resp = client.get("/tender-form")
    assert resp.status_code == 200
    assert '<script src="/static/tender_form.js"' in resp.text
    assert 'data-path="schedule.sale_end"' in resp.text and 'id="form-data"' in resp.text


def test_rules_endpoint_lists_the_catalog_with_citations(client: Client) -> None:
    body = client.get("/api/tender-documents/rules").json()
    by_id = {r["id"]: r for r in body}
    assert by_id["T03"]["citation"] == "招标投标法 第二十四条"
    assert by_id["X08"]["applies_until"] == "2027-08-31"
