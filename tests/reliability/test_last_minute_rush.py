"""200 bidders upload at once around the deadline, over real sockets, to a real server with its scheduler running.

Time is the server's simulated clock, which only this test moves, so the outcome never depends on how loaded the
machine is: every upload sends its body but for its last bytes, then the bidders finish in batches, the clock set
just before each batch (some before the deadline, some at it, some after). The scheduler runs on its own thread
and fires the opening whenever it sees the deadline pass, which may be while on-time bids are still being
checked. The last byte decides (电子招标投标办法 第二十七条): the bids whose last byte came before the deadline get
receipts dated then and are exactly the ones the opening counts; the others are refused as late.
"""

from __future__ import annotations

import socket
import statistics
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn

from fairbid.api.app import create_app
from fairbid.arrival import Arrival, ArrivalBoard
from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.crypto.digest import sm3_hex
from fairbid.crypto.receipt import SignedReceipt, verify_receipt
from fairbid.domain.actor import Actor, Role
from fairbid.ports import Clock
from fairbid.services.ledger import verify_ledger
from fairbid.services.party import SignIn, sign_in
from fairbid.settings import Settings
from tests.factories import PASSWORD, check_and_publish, make_world

pytestmark = pytest.mark.slow

BIDDERS = 200
# when each batch's last bytes arrive, relative to the deadline (ms), and how many bidders finish then
_BATCHES = ((-3000, 40), (-300, 40), (-1, 60), (0, 30), (1, 20), (2500, 10))


class RecordingBoard(ArrivalBoard):
    """The server's arrival board, also telling the test how many last bytes have arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.stamped: list[Arrival] = []
        self.changed = threading.Condition()

    def arrive(self, section_id: str, clock: Clock) -> Arrival:
        arrival = super().arrive(section_id, clock)
        with self.changed:
            self.stamped.append(arrival)
            self.changed.notify_all()
        return arrival

    def wait_for(self, n: int) -> None:
        with self.changed:
            assert self.changed.wait_for(lambda: len(self.stamped) >= n, timeout=120), (len(self.stamped), n)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # uploads are held open on purpose until their batch is released; the scheduler polls the simulated clock
    return settings.model_copy(update={"upload_idle_timeout_seconds": 600.0, "scheduler_interval_seconds": 0.02})


@pytest.fixture
def served(platform: Platform) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(platform=platform, run_scheduler=True)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", limit_concurrency=400)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(400):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


@dataclass
class _Outcome:
    name: str
    status: int
    body: dict[str, object]
    content_type: str


def _body(envelope: bytes, go: threading.Event) -> Iterator[bytes]:
    yield envelope[:-16]
    assert go.wait(300)
    yield envelope[-16:]


def test_a_rush_around_the_deadline_splits_exactly_by_the_last_byte(
    platform: Platform, clock: SimulatedClock, served: str, tmp_path: Path
) -> None:
    board = RecordingBoard()
    platform.arrivals = board
    w = make_world(platform, clock, bidders=BIDDERS)
    s = check_and_publish(w, w.section())
    w.jump(s.id)
    deadline = s.schedule.bid_deadline
    clock.set(deadline - timedelta(minutes=1))
    envelopes = {b.username: w.seal(s.id, b, f"{9_000_000 + i}.00") for i, b in enumerate(w.bidders)}
    headers = {}
    for b in w.bidders:
        issued = sign_in(SignIn(b.username, PASSWORD), uow=platform.uow(), clock=clock, random=platform.random)
        headers[b.username] = {"Authorization": f"Bearer {issued.token}", "Content-Type": "application/octet-stream"}
    names = list(envelopes)
    batches: list[tuple[datetime, list[str], threading.Event]] = []
    start = 0
    for offset_ms, count in _BATCHES:
        batches.append((deadline + timedelta(milliseconds=offset_ms), names[start : start + count], threading.Event()))
        start += count
    assert start == BIDDERS
    go = {name: event for _, members, event in batches for name in members}

    health: list[int] = []
    rushing = threading.Event()
    rushing.set()

    def poll_health() -> None:
        with httpx.Client(base_url=served, timeout=60) as h:
            while rushing.is_set():
                health.append(h.get("/healthz").status_code)
                time.sleep(0.05)

    limits = httpx.Limits(max_connections=BIDDERS + 10, max_keepalive_connections=BIDDERS + 10)
    url = f"{served}/api/sections/{s.id}/bids"
    with httpx.Client(timeout=300, limits=limits) as c, ThreadPoolExecutor(BIDDERS + 1) as pool:

        def upload(name: str) -> _Outcome:
            r = c.post(url, content=_body(envelopes[name], go[name]), headers=headers[name])
            return _Outcome(name, r.status_code, r.json(), r.headers["content-type"])

        poller = threading.Thread(target=poll_health, daemon=True)
        poller.start()
        futures = [pool.submit(upload, name) for name in names]
        stamped = 0
        for at, members, event in batches:
            clock.set(at)  # the instant this batch's last bytes arrive
            event.set()
            stamped += len(members)
            board.wait_for(stamped)  # every one of them stamped before the clock moves on
        clock.set(deadline + timedelta(seconds=5))
        outcomes = [f.result(timeout=300) for f in futures]
        rushing.clear()
        poller.join(60)

    on_time = {name for at, members, _ in batches if at < deadline for name in members}
    arrived = {a.token: a.at for a in board.stamped}
    assert len(arrived) == BIDDERS
    receipts: dict[str, SignedReceipt] = {}
    for o in outcomes:
        if o.name in on_time:
            assert o.status == 201, (o.name, o.status, o.body)
            receipt = SignedReceipt.from_json(o.body)
            verify_receipt(platform.platform_key.public, receipt)
            assert receipt.fields.envelope_sm3 == sm3_hex(envelopes[o.name])
            assert receipt.fields.server_time < deadline
            assert receipt.fields.server_time in arrived.values()  # dated at its last byte, nothing else
            receipts[o.name] = receipt
        else:
            assert o.status == 409 and o.content_type.startswith("application/problem+json"), (o.status, o.body)
            assert o.body["code"] == "deadline-passed" and "transmission not complete" in str(o.body["detail"])
    assert len(receipts) == len(on_time) == 140

    for _ in range(600):  # the scheduler opens once the on-time bids are checked
        with platform.uow() as uow:
            if uow.sections.get(s.id).status.value != "bidding":
                break
        time.sleep(0.05)
    with platform.uow() as uow:
        revealed = [e for e in uow.ledger.for_subject("section", s.id) if e.action == "beacon:revealed"]
    assert len(revealed) == 1
    assert revealed[0].payload["envelope_digests"] == sorted(r.fields.envelope_sm3 for r in receipts.values())
    report = verify_ledger(uow=platform.uow(), actor=Actor(role=Role.MACHINE, job="test"))
    assert report.ok, report.first_problem
    assert health and all(status == 200 for status in health), health
    print(
        f"\nrush: {len(receipts)} receipts before the deadline, {BIDDERS - len(receipts)} refused as late; "
        f"/healthz {len(health)} calls, all 200; median batch {statistics.median(n for _, n in _BATCHES)}"
    )
