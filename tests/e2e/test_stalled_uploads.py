"""Sixty uploads that stop sending mid-body, against a real uvicorn server: nothing else waits on them.

Thirty bidders open two raw sockets each, send the headers and half an envelope, then only trickle a byte
now and then, so all sixty stay in flight for as long as the checks take, however slow the machine. Meanwhile
/healthz, a read and another bidder's upload must succeed, and a third upload of a stalling bidder is
refused with 429. Then the trickle stops: each stalled upload must be cut with 408 once the (shortened)
idle timeout has passed, its temp file gone and nothing stored; the stalling bidders can upload again.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx
import pytest

from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.crypto.digest import sm3_hex
from fairbid.crypto.receipt import SignedReceipt, verify_receipt
from fairbid.settings import Settings
from tests.factories import check_and_publish, make_world
from tests.reliability.live import login

IDLE = 8.0  # the test's idle timeout, seconds: a stalled upload is cut after this much silence
STALLERS = 30  # bidders, each with two stalled uploads (the most one organisation may have at once)
_TRICKLE_EVERY = 0.25  # seconds between the single bytes that keep the stalled uploads alive
_OCTETS = {"Content-Type": "application/octet-stream"}


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """The test's settings with the shortened idle timeout, and any knobs a test passes (indirect)."""
    return settings.model_copy(update={"upload_idle_timeout_seconds": IDLE, **getattr(request, "param", {})})


def _wait_for(what: str, check: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class _Stalled:
    """One raw-socket upload: headers and half the body sent, then a byte at a time on request."""

    def __init__(self, url: str, path: str, token: dict[str, str], body: bytes) -> None:
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), timeout=30)
        self.rest = body[len(body) // 2 :]
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: application/octet-stream\r\n"
            f"Authorization: {token['Authorization']}\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        self.sock.sendall(head + body[: len(body) // 2])

    def trickle(self) -> None:
        assert len(self.rest) > 1, "the trickle must never finish the body"
        self.sock.sendall(self.rest[:1])
        self.rest = self.rest[1:]

    def answered(self) -> bool:
        self.sock.setblocking(False)
        try:
            self.sock.recv(1, socket.MSG_PEEK)  # a byte of an answer, or b"" for a closed connection
            return True
        except BlockingIOError:
            return False
        finally:
            self.sock.setblocking(True)

    def answer(self, timeout: float) -> bytes:
        self.sock.settimeout(timeout)
        data = b""
        while chunk := self.sock.recv(65536):
            data += chunk
        self.sock.close()
        return data


def test_stalled_uploads_hold_no_thread_and_are_cut_after_the_idle_timeout_with_nothing_stored(
    platform: Platform, clock: SimulatedClock, served: str
) -> None:
    w = make_world(platform, clock, bidders=STALLERS + 1)
    s = check_and_publish(w, w.section())
    assert w.jump(s.id) == "bidding"
    stallers, normal = w.bidders[:STALLERS], w.bidders[STALLERS]
    envelopes = {b.username: w.seal(s.id, b, f"{9_000_000 + i}.00", size=16_384) for i, b in enumerate(w.bidders)}
    path = f"/api/sections/{s.id}/bids"
    tmp_dir = platform.blobs.tmp_dir
    with httpx.Client(base_url=served, timeout=60) as c:
        tokens = {b.username: login(c, b) for b in w.bidders}

    stalled = [_Stalled(served, path, tokens[b.username], envelopes[b.username]) for b in stallers for _ in (1, 2)]
    _wait_for("the 60 uploads to be received into temp files", lambda: len(list(tmp_dir.iterdir())) >= 60, 60)
    trickling = threading.Event()
    trickling.set()

    def trickle() -> None:
        while trickling.is_set():
            for u in stalled:
                u.trickle()
            time.sleep(_TRICKLE_EVERY)

    trickler = threading.Thread(target=trickle, daemon=True)
    trickler.start()
    try:
        with httpx.Client(base_url=served, timeout=60) as c:
            assert c.get("/healthz").status_code == 200
            r = c.post(path, content=envelopes[normal.username], headers={**tokens[normal.username], **_OCTETS})
            assert r.status_code == 201, r.text
            receipt = SignedReceipt.from_json(r.json())
            verify_receipt(platform.platform_key.public, receipt)
            assert receipt.fields.envelope_sm3 == sm3_hex(envelopes[normal.username])
            mine = c.get(f"{path}/mine", headers=tokens[normal.username])
            assert mine.status_code == 200 and mine.json()["status"] == "sealed"
            first = stallers[0].username
            third = c.post(path, content=envelopes[first], headers={**tokens[first], **_OCTETS})
            assert third.status_code == 429, third.text
            assert third.headers["content-type"].startswith("application/problem+json")
            assert third.json()["code"] == "too-many-uploads" and "2 uploads in progress" in third.json()["detail"]
            assert c.get("/healthz").status_code == 200
        # all of that happened while the sixty were still in flight
        assert not any(u.answered() for u in stalled)
    finally:
        trickling.clear()
        trickler.join(10)
    last_byte = time.monotonic()

    for u in stalled:
        answer = u.answer(timeout=IDLE + 60)
        assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
        assert b'"code":"upload-stalled"' in answer and b"nothing was stored" in answer
    assert time.monotonic() - last_byte >= IDLE - 0.5  # cut by the idle timeout, not by anything sooner
    assert not list(tmp_dir.iterdir())
    with platform.uow() as uow:
        bidders = {b.bidder_id for b in uow.bids.in_section(s.id)}
    assert bidders == {normal.organisation_id}

    # the stalling bidders' slots were released: one of them now uploads whole
    again = stallers[1]
    with httpx.Client(base_url=served, timeout=60) as c:
        r = c.post(path, content=envelopes[again.username], headers={**tokens[again.username], **_OCTETS})
    assert r.status_code == 201, r.text


@pytest.mark.parametrize("settings", [{"uploads_in_flight": 1}], indirect=True)
def test_past_the_server_cap_an_upload_is_refused_with_503_and_a_dropped_upload_frees_its_place(
    platform: Platform, clock: SimulatedClock, served: str
) -> None:
    w = make_world(platform, clock, bidders=2)
    s = check_and_publish(w, w.section())
    assert w.jump(s.id) == "bidding"
    first, second = w.bidders
    envelopes = {b.username: w.seal(s.id, b, "9000000.00", size=16_384) for b in w.bidders}
    path = f"/api/sections/{s.id}/bids"
    tmp_dir = platform.blobs.tmp_dir
    with httpx.Client(base_url=served, timeout=60) as c:
        tokens = {b.username: login(c, b) for b in w.bidders}
        held = _Stalled(served, path, tokens[first.username], envelopes[first.username])
        _wait_for("the first upload to be received into a temp file", lambda: any(tmp_dir.iterdir()), 60)

        r = c.post(path, content=envelopes[second.username], headers={**tokens[second.username], **_OCTETS})
        assert r.status_code == 503, r.text
        assert r.headers["content-type"].startswith("application/problem+json") and r.headers["retry-after"]
        assert r.json()["code"] == "uploads-busy"
        assert c.get("/healthz").status_code == 200

        held.sock.close()  # the client gives up mid-body: its spool file goes, its place is freed
        _wait_for("the dropped upload's temp file to be removed", lambda: not any(tmp_dir.iterdir()), 60)
        r = c.post(path, content=envelopes[second.username], headers={**tokens[second.username], **_OCTETS})
        assert r.status_code == 201, r.text
    with platform.uow() as uow:
        assert {b.bidder_id for b in uow.bids.in_section(s.id)} == {second.organisation_id}
