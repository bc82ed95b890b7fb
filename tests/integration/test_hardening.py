"""Hardening: sign-in rate limit, upload checks, and no secrets in the logs of a whole lifecycle."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from fairbid.api.app import create_app
from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.crypto.envelope import unwrap_content_key
from fairbid.documents.extract import MAX_UPLOAD_BYTES
from fairbid.services.parties.accounts import MAX_FAILED_SIGN_INS, SIGN_IN_WINDOW
from tests.factories import PASSWORD, check_and_publish, make_world


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform=platform)) as c:
        yield c


def _sign_in(client: TestClient, username: str, password: str) -> object:
    return client.post("/api/auth/token", data={"username": username, "password": password})


def test_sign_in_is_refused_after_five_failures_until_the_window_passes(
    client: TestClient, platform: Platform, clock: SimulatedClock
) -> None:
    w = make_world(platform, clock, bidders=1)
    name = w.bidders[0].username
    for _ in range(MAX_FAILED_SIGN_INS):
        r = _sign_in(client, name, "wrong password!")
        assert r.status_code == 403  # type: ignore[attr-defined]
    blocked = _sign_in(client, name, PASSWORD)  # even the right password: the name is locked for now
    assert blocked.status_code == 429  # type: ignore[attr-defined]
    body = blocked.json()  # type: ignore[attr-defined]
    assert body["code"] == "too-many-attempts" and "try again after" in body["detail"]
    assert _sign_in(client, w.operator.username, PASSWORD).status_code == 200  # type: ignore[attr-defined]
    for _ in range(MAX_FAILED_SIGN_INS):  # unknown names are limited alike (no account enumeration)
        _sign_in(client, "nobody-here", "x" * 12)
    assert _sign_in(client, "nobody-here", "x" * 12).status_code == 429  # type: ignore[attr-defined]
    clock.advance(SIGN_IN_WINDOW)
    assert _sign_in(client, name, PASSWORD).status_code == 200  # type: ignore[attr-defined]


def test_success_clears_earlier_failures(client: TestClient, platform: Platform, clock: SimulatedClock) -> None:
    w = make_world(platform, clock, bidders=1)
    name = w.bidders[0].username
    for _ in range(MAX_FAILED_SIGN_INS - 1):
        _sign_in(client, name, "wrong password!")
    assert _sign_in(client, name, PASSWORD).status_code == 200  # type: ignore[attr-defined]
    for _ in range(MAX_FAILED_SIGN_INS - 1):
        _sign_in(client, name, "wrong password!")
    clock.advance(timedelta(minutes=1))
    assert _sign_in(client, name, PASSWORD).status_code == 200  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("tender.exe", b"MZ\x90\x00binary", "Unsupported file type"),
        ("tender.pdf", "这不是PDF".encode(), "not a PDF"),
        ("tender.txt", b"", "empty"),
        ("tender.txt", b"a" * (MAX_UPLOAD_BYTES + 1), "larger than"),
    ],
)
def test_tender_text_upload_checks_type_and_size(
    client: TestClient, filename: str, content: bytes, message: str
) -> None:
    r = client.post("/api/tender-documents/check-text", files={"file": (filename, content, "application/octet-stream")})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json") and message in r.json()["detail"]


def test_no_secret_reaches_the_logs_during_a_lifecycle(
    client: TestClient, platform: Platform, clock: SimulatedClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    w = make_world(platform, clock, bidders=3)
    s = check_and_publish(w, w.section())
    w.jump(s.id)
    tokens = []
    for b in w.bidders:
        token = _sign_in(client, b.username, PASSWORD).json()["access_token"]  # type: ignore[attr-defined]
        tokens.append(token)
        h = {"Authorization": f"Bearer {token}", "Content-Type": "application/octet-stream"}
        assert (
            client.post(f"/api/sections/{s.id}/bids", content=w.seal(s.id, b, "9100000.00"), headers=h).status_code
            == 201
        )
    _sign_in(client, w.bidders[0].username, "a wrong password")
    w.jump(s.id)  # opening: the seed is revealed into the ledger
    keys = []
    for b in w.bidders:
        token = _sign_in(client, b.username, PASSWORD).json()["access_token"]  # type: ignore[attr-defined]
        tokens.append(token)  # the first ones expired over the three weeks of bidding
        with platform.uow() as uow:
            bid = uow.bids.for_bidder(s.id, b.organisation_id or "")
        assert bid is not None and b.key is not None
        with platform.blobs.open(bid.envelope_digest) as src:
            key = unwrap_content_key(src, b.key).hex()
        keys.append(key)
        r = client.post(
            f"/api/sections/{s.id}/bids/mine/decryption",
            json={"content_key": key},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert r.status_code == 200, r.text
    client.post("/api/auth/logout", headers={"Authorization": f"Bearer {tokens[-1]}"})
    with platform.uow() as uow:
        seed = uow.sections.seed(s.id)
    assert seed and caplog.records, "the lifecycle logged nothing: the test would prove nothing"
    logged = caplog.text + " ".join(str(r.args) for r in caplog.records)
    for secret in [
        seed,
        PASSWORD,
        "a wrong password",
        *tokens,
        *keys,
        platform.settings.platform_key_passphrase.get_secret_value(),
    ]:
        assert secret not in logged
