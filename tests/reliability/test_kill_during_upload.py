"""Kill -9 the real server during uploads: no receipted bid is lost, no half upload counts, the opening proceeds.

Eight bidders upload to a live ``fairbid serve``: three finish and hold receipts, three stall half-way through
their bodies, two are still streaming when the server is killed with SIGKILL. Checked with the server down,
after a restart at normal speed, and after a restart whose accelerated clock passes the deadline so the
scheduler fires the opening by itself.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx

from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.crypto.digest import sm3_hex
from fairbid.crypto.envelope import verify_envelope_stream
from fairbid.crypto.key import PublicKey
from fairbid.crypto.receipt import SignedReceipt, verify_receipt
from fairbid.domain.bid import BidStatus
from fairbid.services.oversight.ledger import verify_ledger
from fairbid.settings import Settings
from tests.factories import SETUP, Party, make_world
from tests.reliability.live import LiveServer, bidding_section, login, run_cli, stored_envelope_ok

DONE, STALLED, RACING = 3, 3, 2
_CHUNK = 64 * 1024
_OCTETS = {"Content-Type": "application/octet-stream"}


class _Upload(threading.Thread):
    """One bidder's POST of its envelope, streamed in chunks; optionally stalling half-way until released."""

    def __init__(self, url: str, headers: dict[str, str], body: bytes, *, stall: bool = False, pace: float = 0):
        super().__init__(daemon=True)
        self.url, self.headers, self.body, self.stall, self.pace = url, headers, body, stall, pace
        self.half_sent = threading.Event()
        self.release = threading.Event()
        self.response: httpx.Response | None = None
        self.error: Exception | None = None

    def _chunks(self) -> Iterator[bytes]:
        half = len(self.body) // 2
        for i in range(0, len(self.body), _CHUNK):
            if self.stall and i >= half and not self.half_sent.is_set():
                self.half_sent.set()
                self.release.wait(30)
            if self.pace:
                time.sleep(self.pace)
            yield self.body[i : i + _CHUNK]

    def run(self) -> None:
        try:
            with httpx.Client(timeout=30) as c:
                self.response = c.post(self.url, content=self._chunks(), headers={**self.headers, **_OCTETS})
        except Exception as e:  # the server died under it: recorded, judged by the test
            self.error = e


def _receipt(p: Platform, r: httpx.Response, envelope: bytes) -> SignedReceipt:
    assert r.status_code == 201, r.text
    receipt = SignedReceipt.from_json(r.json())
    verify_receipt(p.platform_key.public, receipt)
    assert receipt.fields.envelope_sm3 == sm3_hex(envelope)
    return receipt


def _wait_for(what: str, check: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def test_kill_during_upload_keeps_every_receipted_bid_and_counts_no_half_upload(
    platform: Platform, clock: SimulatedClock, server: LiveServer, settings: Settings
) -> None:
    w = make_world(platform, clock, bidders=DONE + STALLED + RACING)
    deadline = datetime.now(UTC) + timedelta(hours=1)
    s = bidding_section(w, deadline=deadline)
    done, stalled, racing = w.bidders[:DONE], w.bidders[DONE : DONE + STALLED], w.bidders[DONE + STALLED :]
    sizes = {**{b.username: 0 for b in done}, **{b.username: 1 << 20 for b in stalled + racing}}
    envelopes = {
        b.username: w.seal(s.id, b, f"{9_000_000 + i * 1_000}.00", size=sizes[b.username])
        for i, b in enumerate(w.bidders)
    }
    tmp_dir = settings.data_dir / "blobs" / "tmp"
    assert not any(tmp_dir.iterdir())

    server.start()
    bids_path = f"/api/sections/{s.id}/bids"
    bids_url = server.url + bids_path
    with httpx.Client(base_url=server.url, timeout=30) as c:
        headers = {b.username: login(c, b) for b in w.bidders}
        receipts: dict[str, SignedReceipt] = {}
        for b in done:
            r = c.post(bids_url, content=envelopes[b.username], headers={**headers[b.username], **_OCTETS})
            receipts[b.username] = _receipt(platform, r, envelopes[b.username])

    # three uploads stall half-way, their temp files open on the server; two more are streaming
    stalls = [_Upload(bids_url, headers[b.username], envelopes[b.username], stall=True) for b in stalled]
    for u in stalls:
        u.start()
    _wait_for("the stalled uploads to reach the server", lambda: all(u.half_sent.is_set() for u in stalls), 10)
    _wait_for("their temp files", lambda: len(list(tmp_dir.iterdir())) >= STALLED, 10)
    races = [_Upload(bids_url, headers[b.username], envelopes[b.username], pace=0.002) for b in racing]
    for u in races:
        u.start()
    time.sleep(0.05)
    server.kill()
    for u in stalls + races:
        u.release.set()
        u.join(30)
        assert not u.is_alive()

    # --- server down: what was acknowledged is stored whole; nothing half-written counts
    for b, u in zip(stalled, stalls, strict=True):
        assert u.response is None and isinstance(u.error, httpx.TransportError), (b.username, u.response)
    unacknowledged: set[str] = set()
    for b, u in zip(racing, races, strict=True):
        if u.response is not None:
            receipts[b.username] = _receipt(platform, u.response, envelopes[b.username])
        else:
            unacknowledged.add(b.username)
    assert len(list(tmp_dir.iterdir())) >= STALLED  # the kill really hit uploads mid-write
    by_org = {b.organisation_id: b for b in w.bidders}
    _check_stored(platform, s.id, by_org, envelopes, receipts, unacknowledged, must_be_absent=stalled)
    report = verify_ledger(uow=platform.uow(), actor=SETUP)
    assert report.ok, report.first_problem

    # --- restart with a clock that reaches the deadline (an hour ahead) about 8 s after the server boots:
    # receipts still stand, leftover temp files harm nothing, a stalled bidder bids again, then the
    # scheduler opens the bids by itself and closes the decryption window (4 s at this speed)
    server.start(speed=3600 / 8)
    with httpx.Client(base_url=server.url, timeout=30) as c:
        for name, receipt in receipts.items():
            b = next(x for x in w.bidders if x.username == name)
            mine = c.get(f"/api/sections/{s.id}/bids/mine", headers=login(c, b)).json()
            assert (mine["status"], mine["envelope_digest"]) == ("sealed", receipt.fields.envelope_sm3)
        again = stalled[0]
        r = c.post(bids_path, content=envelopes[again.username], headers={**login(c, again), **_OCTETS})
        receipts[again.username] = _receipt(platform, r, envelopes[again.username])
    _wait_for("the opening and the close of its window", lambda: _status(platform, s.id) == "evaluation", 30)
    server.kill()
    # not decrypted in the window, so now rejected with that cause (电子招标投标办法 第三十一条)
    _check_stored(
        platform,
        s.id,
        by_org,
        envelopes,
        receipts,
        unacknowledged,
        must_be_absent=stalled[1:],
        status=BidStatus.REJECTED,
    )
    with platform.uow() as uow:
        counted = sorted(b.envelope_digest for b in uow.bids.in_section(s.id))
        revealed = [e for e in uow.ledger.for_subject("section", s.id) if e.action == "beacon:revealed"]
        record = uow.openings.get(s.id)
    assert len(revealed) == 1 and revealed[0].payload["envelope_digests"] == counted
    assert {sm3_hex(envelopes[n]) for n in receipts} <= set(counted)
    assert record is not None and len(record.content["bids"]) == len(counted)
    verified = run_cli(settings, "ledger", "verify", "--json")
    assert verified.returncode == 0 and '"ok": true' in verified.stdout, verified.stdout + verified.stderr


def _status(p: Platform, section_id: str) -> str:
    with p.uow() as uow:
        return uow.sections.get(section_id).status.value


def _check_stored(
    p: Platform,
    section_id: str,
    by_org: dict[str | None, Party],
    envelopes: dict[str, bytes],
    receipts: dict[str, SignedReceipt],
    unacknowledged: set[str],
    *,
    must_be_absent: list[Party],
    status: BidStatus = BidStatus.SEALED,
) -> None:
    """Every receipted bid is in the database with its blob whole and its ledger entry; no other bid counts."""
    with p.uow() as uow:
        bids = {by_org[b.bidder_id].username: b for b in uow.bids.in_section(section_id)}
        keys = {name: uow.keys.active_for(by_org[b.bidder_id].organisation_id or "")[0] for name, b in bids.items()}
        entries = {n: uow.sealed.get(r.fields.entry_commitment) for n, r in receipts.items()}
    for name, receipt in receipts.items():
        bid = bids.get(name)
        assert bid is not None, f"{name} holds a receipt but its bid is gone"
        assert (bid.status, bid.envelope_digest) == (status, receipt.fields.envelope_sm3)
        entry = entries[name]
        assert entry is not None and entry.subject_id == bid.id
        assert entry.payload["envelope_digest"] == receipt.fields.envelope_sm3
    for party in must_be_absent:
        assert party.username not in bids, f"the half-sent upload of {party.username} was counted"
    for name, bid in bids.items():
        # a bid stored without an answer (killed between commit and response) must still be whole
        assert name in receipts or name in unacknowledged, name
        assert bid.envelope_digest == sm3_hex(envelopes[name])
        assert stored_envelope_ok(p, bid.envelope_digest)
        with p.blobs.open(bid.envelope_digest) as f:
            verify_envelope_stream(
                f,
                None,
                bidder_public_key=PublicKey.from_text(keys[name].public_key),
                expected_section_id=section_id,
                expected_bidder_id=bid.bidder_id,
                max_bytes=1 << 30,
            )
