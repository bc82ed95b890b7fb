"""Cross-site request forgery (OWASP ASVS 4.2.2, 13.2.3): nothing a browser sends for another site changes state.

First the reason it cannot work at all (bearer tokens in a header, no cookie), then the defence in depth: the
same-origin guard in ``fairbid.api.app`` refuses state-changing requests that a browser marks as coming from
another site, in process and in a real Chromium.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from fairbid.api.app import create_app
from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.domain.actor import Role
from fairbid.services.parties.accounts import CreateUser, create_user
from fairbid.store.rows import LedgerEntryRow, OrganisationRow, SignInFailureRow, TokenRow
from tests.factories import PASSWORD, SETUP, credit_code

OPERATOR = "operator-csrf"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def client(platform: Platform, clock: SimulatedClock) -> Iterator[TestClient]:
    create_user(CreateUser(OPERATOR, PASSWORD, Role.OPERATOR, "交易中心"), uow=platform.uow(), clock=clock, actor=SETUP)
    with TestClient(create_app(platform=platform)) as c:  # its own origin is http://testserver
        yield c


def _stored(platform: Platform) -> dict[str, int]:
    with platform.uow() as uow:
        return {
            row.__tablename__: int(uow.session.scalar(select(func.count()).select_from(row)) or 0)
            for row in (OrganisationRow, LedgerEntryRow, SignInFailureRow, TokenRow)
        }


def _bearer(client: TestClient) -> dict[str, str]:
    r = client.post("/api/auth/token", data={"username": OPERATOR, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _assert_refused(r: Any, why: str) -> None:
    assert r.status_code == 403, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["code"] == "cross-site-request" and body["type"].endswith("/cross-site-request")
    assert why in body["detail"]
    assert r.headers["x-frame-options"] == "DENY"  # the refusal carries the security headers too


def test_credentials_cannot_ride_a_cross_site_form(client: TestClient, platform: Platform) -> None:
    r = client.post("/api/auth/token", data={"username": OPERATOR, "password": PASSWORD})
    assert r.status_code == 200 and "set-cookie" not in r.headers  # the token comes in the body, never a cookie
    assert not client.cookies
    before = _stored(platform)
    # what a cross-site form can send: no Authorization header (forms cannot set one), whatever the Origin says
    form = {"name": "甲", "credit_code": credit_code()}
    r = client.post("/api/organisations", data=form, headers=FORM)
    assert r.status_code == 401 and r.json()["code"] == "not-authenticated"
    assert _stored(platform) == before


def test_a_cross_site_form_post_is_refused_and_changes_nothing(client: TestClient, platform: Platform) -> None:
    h = _bearer(client)
    before = _stored(platform)
    evil = {**FORM, "Origin": "https://evil.example"}
    # sign-in needs no credentials: without the guard a hostile page could spend a user's failed attempts
    r = client.post("/api/auth/token", data={"username": OPERATOR, "password": "a guessed password"}, headers=evil)
    _assert_refused(r, "'https://evil.example'")
    r = client.post("/api/organisations", data={"name": "甲", "credit_code": credit_code()}, headers={**evil, **h})
    _assert_refused(r, "evil.example")
    r = client.post("/api/auth/logout", headers={"Origin": "https://evil.example", **h})
    _assert_refused(r, "evil.example")
    assert _stored(platform) == before
    assert client.get("/api/auth/me", headers=h).status_code == 200  # the token was not revoked either


@pytest.mark.parametrize(
    ("headers", "why"),
    [
        ({"Origin": "http://testserver.evil.example"}, "Origin"),
        ({"Origin": "http://testserver:8080"}, "Origin"),
        ({"Origin": "null"}, "null"),
        ({"Referer": "https://evil.example/page.html"}, "Referer is on evil.example"),
        ({"Sec-Fetch-Site": "cross-site"}, "Sec-Fetch-Site: cross-site"),
        ({"Sec-Fetch-Site": "same-site", "Origin": "http://testserver"}, "same-site"),
    ],
)
def test_other_marks_of_another_site_are_refused(
    client: TestClient, platform: Platform, headers: dict[str, str], why: str
) -> None:
    h = _bearer(client)
    before = _stored(platform)
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        r = client.request(method, "/api/organisations", json={"name": "甲"}, headers={**headers, **h})
        _assert_refused(r, why)
    assert _stored(platform) == before


@pytest.mark.parametrize(
    "headers",
    [
        {},  # the CLI, the bidder tool, curl
        {"Origin": "http://testserver"},
        {"Origin": "HTTP://TestServer:80"},  # the default port and case do not matter
        {"Origin": "https://testserver"},  # behind a TLS proxy the app sees http: the scheme is not compared
        {"Referer": "http://testserver/sections/x"},
        {"Origin": "null", "Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},
    ],
)
def test_same_site_and_non_browser_requests_pass(
    client: TestClient, platform: Platform, headers: dict[str, str]
) -> None:
    r = client.post("/api/auth/token", data={"username": OPERATOR, "password": PASSWORD}, headers=headers)
    assert r.status_code == 200, r.text
    h = {"Authorization": f"Bearer {r.json()['access_token']}"}
    r = client.post("/api/organisations", json={"name": "甲", "credit_code": credit_code()}, headers={**headers, **h})
    assert r.status_code == 201, r.text


def test_reads_from_another_site_are_not_refused(client: TestClient) -> None:
    r = client.get("/api/auth/me", headers={"Origin": "https://evil.example", **_bearer(client)})
    assert r.status_code == 200


@pytest.mark.browser
def test_in_chromium_a_hostile_page_cannot_post_but_our_pages_can(served: str, platform: Platform) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    create_user(
        CreateUser(OPERATOR, PASSWORD, Role.OPERATOR, "交易中心"),
        uow=platform.uow(),
        clock=platform.clock,
        actor=SETUP,
    )
    hostile = (
        f'<form id="f" method="post" action="{served}/api/auth/token">'
        f'<input name="username" value="{OPERATOR}"><input name="password" value="a guessed password"></form>'
        '<script>document.getElementById("f").submit()</script>'
    )
    before = _stored(platform)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.route("https://evil.example/**", lambda route: route.fulfill(content_type="text/html", body=hostile))
        with page.expect_response(f"{served}/api/auth/token") as answer:
            page.goto("https://evil.example/")
        assert answer.value.status == 403
        assert answer.value.json()["code"] == "cross-site-request"
        assert _stored(platform) == before  # not even a failed sign-in was recorded
        page.goto(served + "/")  # our own page (Referrer-Policy: same-origin) posts as the expert sheet does
        status = page.evaluate(
            """async ([name, password]) => (await fetch("/api/auth/token",
                   {method: "POST", body: new URLSearchParams({username: name, password: password})})).status""",
            [OPERATOR, PASSWORD],
        )
        browser.close()
    assert status == 200
