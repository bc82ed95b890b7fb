"""OWASP ASVS level 2 on the web side: security headers everywhere, token expiry and revocation, upload checks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from fairbid.api.app import create_app
from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.services.parties.accounts import SignIn
from fairbid.store.rows import BidRow, LedgerEntryRow
from tests.factories import PASSWORD, World, check_and_publish, make_world

LIFETIME = SignIn("-", "-").lifetime


@pytest.fixture
def world(platform: Platform, clock: SimulatedClock) -> World:
    return make_world(platform, clock, bidders=1)


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform=platform)) as c:
        yield c


def _bearer(client: TestClient, username: str) -> dict[str, str]:
    r = client.post("/api/auth/token", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _assert_problem(r: object, status: int, code: str) -> str:
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    assert r.headers["content-type"].startswith("application/problem+json")  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert body["code"] == code
    return str(body.get("detail", ""))


def test_every_kind_of_answer_carries_the_security_headers(client: TestClient, world: World) -> None:
    s = check_and_publish(world, world.section())
    answers = {
        "api": client.get("/api/sections"),
        "api problem": client.get("/api/sections/nope"),
        "validation problem": client.post("/api/auth/token", data={}),
        "page": client.get(f"/sections/{s.id}"),
        "page index": client.get("/"),
        "ledger page": client.get("/ledger"),
        "static": client.get("/static/fairbid.css"),
        "unknown path": client.get("/no/such/page"),
        "openapi": client.get("/openapi.json"),
        "docs": client.get("/docs"),
        "redoc": client.get("/redoc"),
    }
    for what, r in answers.items():
        assert r.status_code < 500, what
        h = r.headers
        assert h["x-content-type-options"] == "nosniff", what
        assert h["x-frame-options"] == "DENY", what
        assert h["referrer-policy"] == "same-origin", what
        assert h["strict-transport-security"].startswith("max-age="), what
        csp = h["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp, what
        if what not in ("docs", "redoc"):
            assert "script-src 'self';" in csp and "unsafe-inline' https" not in csp, what  # no inline scripts
    assert "cdn.jsdelivr.net" in answers["docs"].headers["content-security-policy"]


def test_token_answers_and_authenticated_answers_are_not_cached(client: TestClient, world: World) -> None:
    r = client.post("/api/auth/token", data={"username": world.operator.username, "password": PASSWORD})
    assert r.headers["cache-control"] == "no-store"
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"})
    assert me.headers["cache-control"] == "no-store"


def test_a_token_expires_after_its_lifetime(client: TestClient, world: World, clock: SimulatedClock) -> None:
    h = _bearer(client, world.operator.username)
    clock.advance(LIFETIME - timedelta(seconds=1))
    assert client.get("/api/auth/me", headers=h).status_code == 200
    clock.advance(timedelta(seconds=1))
    assert "expired" in _assert_problem(client.get("/api/auth/me", headers=h), 401, "not-authenticated")
    assert client.get("/api/auth/me", headers=h).headers["www-authenticate"] == "Bearer"
    assert client.get("/api/auth/me", headers=_bearer(client, world.operator.username)).status_code == 200


def test_a_revoked_token_stops_at_once_and_alone(client: TestClient, world: World) -> None:
    first, second = _bearer(client, world.operator.username), _bearer(client, world.operator.username)
    assert client.post("/api/auth/logout", headers=first).status_code == 204
    assert "revoked" in _assert_problem(client.get("/api/auth/me", headers=first), 401, "not-authenticated")
    assert client.get("/api/auth/me", headers=second).status_code == 200  # other sessions go on
    with TestClient(create_app(platform=world.p)) as elsewhere:  # and the revocation holds in another app
        assert elsewhere.get("/api/auth/me", headers=first).status_code == 401


def test_short_passwords_are_refused_and_stored_ones_are_argon2id(
    client: TestClient, world: World, platform: Platform
) -> None:
    h = _bearer(client, world.operator.username)
    user = {"username": "public.wang", "role": "public", "display_name": "王"}
    r = client.post("/api/users", json={**user, "password": "9 chars!!"}, headers=h)
    assert r.status_code == 422 and "password" in r.json()["detail"], r.text
    assert client.post("/api/users", json={**user, "password": "ten chars!"}, headers=h).status_code == 201
    with platform.uow() as uow:
        found = uow.users.by_username("public.wang")
    assert found is not None and found[1].startswith("$argon2id$") and "ten chars!" not in found[1]


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def _counts(platform: Platform) -> tuple[int, int]:
    with platform.uow() as uow:
        bids = uow.session.scalar(select(func.count()).select_from(BidRow)) or 0
        entries = uow.session.scalar(select(func.count()).select_from(LedgerEntryRow)) or 0
    return bids, entries


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_an_oversized_envelope_is_refused_with_413_and_nothing_is_stored(
    client: TestClient, world: World, platform: Platform, chunked: bool
) -> None:
    s = check_and_publish(world, world.section())
    world.jump(s.id)
    b = world.bidders[0]
    h = {**_bearer(client, b.username), "Content-Type": "application/octet-stream"}
    limit = platform.settings.max_envelope_bytes
    envelope = world.seal(s.id, b, "9100000.00")
    oversized = envelope + bytes(limit + 1 - len(envelope))
    before_files, before_counts = _files(platform.blobs.root), _counts(platform)
    body = (oversized[i : i + (1 << 20)] for i in range(0, len(oversized), 1 << 20)) if chunked else oversized
    r = client.post(f"/api/sections/{s.id}/bids", content=body, headers=h)
    detail = _assert_problem(r, 413, "envelope-too-large")
    assert str(limit) in detail and "nothing was stored" in detail
    assert _files(platform.blobs.root) == before_files and _counts(platform) == before_counts
    ok = client.post(f"/api/sections/{s.id}/bids", content=envelope, headers=h)
    assert ok.status_code == 201, ok.text  # the limit, not the bidder, was the problem


@pytest.mark.parametrize(
    "body",
    [b"%PDF-1.7 not an envelope at all", b"", "投标文件.docx".encode() * 100],
    ids=["pdf", "empty", "text"],
)
def test_an_upload_that_is_not_a_sealed_envelope_is_refused_and_nothing_is_stored(
    client: TestClient, world: World, platform: Platform, body: bytes
) -> None:
    s = check_and_publish(world, world.section())
    world.jump(s.id)
    h = {**_bearer(client, world.bidders[0].username), "Content-Type": "application/octet-stream"}
    before_files, before_counts = _files(platform.blobs.root), _counts(platform)
    r = client.post(f"/api/sections/{s.id}/bids", content=body, headers=h)
    assert r.status_code == 422 and r.json()["code"] == "invalid-envelope", r.text
    assert _files(platform.blobs.root) == before_files and _counts(platform) == before_counts
