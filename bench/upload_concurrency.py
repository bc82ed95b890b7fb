"""Sealed-bid upload under load: N concurrent bids of M MB against a live ``fairbid serve``, same run baseline.

    .venv/bin/python bench/upload_concurrency.py [--bidders 200] [--mb 5] [--stalled 60 [--only-stalled]]

Setup (not timed): a fresh SQLite database and data folder; N bidders with keys, a section in bidding
whose deadline is an hour away, and one envelope of M MB sealed per bidder (random attachments, so the
envelope is M MB on the wire), in a process per core. Each bidder signs in before the clock starts.

Timed, one after the other on loopback, each server in its own process:

* bare: a tiny FastAPI app on the same stack (uvicorn, Starlette, FastAPI) whose endpoint streams the
  body to a temp file while computing its SM3 and returns the digest: the cost of just receiving;
* fairbid: ``fairbid serve``'s ``POST /api/sections/{id}/bids``: bearer token, streaming envelope check
  (layout, header, signature), temp file, content-addressed blob, bid row, ledger entry, signed receipt.

All N uploads start together (a barrier); throughput is envelope MB over the wall time from the start to
the last answer; latency is per upload; the server's CPU time (from /proc) over the run shows what each
server spends per GB when the loopback client, on the same cores, is what limits the wall clock.
Printed: MB/s, p50 and p99 latency, server CPU s/GB, and the ratios fairbid/bare.

With ``--stalled N`` (then on the same server, after the rush unless ``--only-stalled``): /healthz latency
over ``--health-calls`` sequential calls, first with nothing else going on, then while N uploads (two per
bidder, the most allowed at once) have sent their headers and half a body and stopped; one more bidder's
upload is timed during the stall; then how long until the server cut the stalled ones (its idle timeout is
set to ``--idle`` seconds). A /healthz call that takes longer than 10 s counts as failed.
"""

from __future__ import annotations

import argparse
import io
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
from cryptography.hazmat.primitives import hashes
from fastapi import FastAPI, Request
from rich.console import Console
from rich.table import Table

from fairbid.crypto import AttachmentSource, BidForm, seal_envelope
from fairbid.crypto.key import PrivateKey

_OCTETS = {"Content-Type": "application/octet-stream"}


def bare_app() -> FastAPI:
    """The baseline: stream the body to a temp file, hashing it with SM3; answer the digest."""
    app = FastAPI()
    tmp = Path(tempfile.mkdtemp(prefix="bare-upload-"))

    @app.post("/upload", status_code=201)
    async def upload(request: Request) -> dict[str, object]:
        h = hashes.Hash(hashes.SM3())
        size = 0
        fd, name = tempfile.mkstemp(dir=tmp)
        with os.fdopen(fd, "wb") as out:
            async for chunk in request.stream():
                h.update(chunk)
                out.write(chunk)
                size += len(chunk)
        os.unlink(name)
        return {"sm3": h.finalize().hex(), "size": size}

    @app.get("/healthz")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc), to compare what each server spends."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True, slots=True)
class Run:
    label: str
    wall: float
    latencies: list[float]
    mb: float
    failures: int
    server_cpu: float = 0.0

    @property
    def throughput(self) -> float:
        return self.mb / self.wall

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _rush(url: str, bodies: list[bytes], headers: list[dict[str, str]], label: str, pid: int) -> Run:
    n = len(bodies)
    cpu0 = _cpu_seconds(pid)
    go = threading.Barrier(n + 1)
    limits = httpx.Limits(max_connections=n + 10, max_keepalive_connections=n + 10)
    with httpx.Client(timeout=600, limits=limits) as c:

        def one(i: int) -> tuple[float, int]:
            go.wait()
            t = time.perf_counter()
            r = c.post(url, content=bodies[i], headers={**headers[i], **_OCTETS})
            return time.perf_counter() - t, r.status_code

        with ThreadPoolExecutor(n) as pool:
            futures = [pool.submit(one, i) for i in range(n)]
            go.wait()
            t0 = time.perf_counter()
            results = [f.result() for f in futures]
            wall = time.perf_counter() - t0
    mb = sum(len(b) for b in bodies) / 1e6
    failures = sum(1 for _, s in results if s != 201)
    return Run(label, wall, [lat for lat, _ in results], mb, failures, _cpu_seconds(pid) - cpu0)


def _serve_bare(port: int) -> None:
    import uvicorn

    uvicorn.run(bare_app(), host="127.0.0.1", port=port, log_level="warning")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bidders", type=int, default=200)
    parser.add_argument("--mb", type=float, default=5.0)
    parser.add_argument("--stalled", type=int, default=0, help="then time /healthz with this many stalled uploads")
    parser.add_argument("--only-stalled", action="store_true", help="skip the bare and fairbid rush runs")
    parser.add_argument("--idle", type=float, default=15.0, help="the server's upload idle timeout, seconds")
    parser.add_argument("--health-calls", type=int, default=200)
    parser.add_argument("--serve-bare", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bare:
        _serve_bare(args.serve_bare)
        return
    if args.stalled and args.bidders < args.stalled // 2 + 1:
        parser.error("--stalled N needs at least N/2 + 1 bidders")
    console = Console()
    with tempfile.TemporaryDirectory(prefix="fairbid-upload-bench-") as work:
        bodies, headers, url, server, platform = _setup(
            Path(work), args.bidders, int(args.mb * 1024 * 1024), console, idle=args.idle
        )
        try:
            if args.stalled:
                stall = _stall_run(url, bodies, headers, args.stalled, args.health_calls, args.idle, console)
                _print_stall(stall, args, console)
            if args.only_stalled:
                return
            bare = _bare_run(bodies, console)
            console.print("fairbid: uploading …")
            assert server.proc is not None  # type: ignore[attr-defined]
            real = _rush(url, bodies, headers, "fairbid", server.proc.pid)  # type: ignore[attr-defined]
            with platform.uow() as uow:
                stored = len(uow.bids.in_section(url.rsplit("/", 2)[-2]))
        finally:
            server.kill()
            platform.close()
    table = Table(title=f"{args.bidders} concurrent uploads of {args.mb:g} MB on loopback ({os.cpu_count()} cores)")
    for col in ("endpoint", "MB/s", "p50 s", "p99 s", "wall s", "server CPU s/GB", "failed"):
        table.add_column(col, justify="right")
    for run in (bare, real):
        table.add_row(
            run.label,
            f"{run.throughput:.1f}",
            f"{run.percentile(0.5):.2f}",
            f"{run.percentile(0.99):.2f}",
            f"{run.wall:.2f}",
            f"{run.server_cpu / run.mb * 1000:.1f}",
            str(run.failures),
        )
    console.print(table)
    console.print(
        f"fairbid / bare: throughput {real.throughput / bare.throughput:.2f}x, "
        f"p50 latency {real.percentile(0.5) / bare.percentile(0.5):.2f}x, "
        f"p99 latency {real.percentile(0.99) / bare.percentile(0.99):.2f}x, "
        f"server CPU per MB {real.server_cpu / real.mb / (bare.server_cpu / bare.mb):.2f}x; "
        f"bids stored {stored} of {args.bidders}"
    )


def _health(base: str, calls: int) -> tuple[list[float], int]:
    """Latencies of ``calls`` sequential GET /healthz (one connection) and how many failed or took over 10 s."""
    latencies: list[float] = []
    failed = 0
    with httpx.Client(base_url=base, timeout=10) as c:
        for _ in range(calls):
            t = time.perf_counter()
            try:
                ok = c.get("/healthz").status_code == 200
            except httpx.TransportError:
                ok = False
            latencies.append(time.perf_counter() - t)
            failed += not ok
    return latencies, failed


@dataclass(frozen=True, slots=True)
class StallRun:
    quiet: tuple[list[float], int]
    stalled: tuple[list[float], int]
    upload: tuple[float, int]  # latency and status of another bidder's upload during the stall
    cut: list[float | None]  # per stalled upload: seconds from its stall to the server's answer, None if none


def _stall_run(
    url: str, bodies: list[bytes], headers: list[dict[str, str]], n: int, calls: int, idle: float, console: Console
) -> StallRun:
    parts = httpx.URL(url)
    base = f"http://{parts.host}:{parts.port}"
    console.print(f"stall: /healthz × {calls} with nothing else going on …")
    quiet = _health(base, calls)
    console.print(f"stall: {n} uploads send half a body and stop …")
    socks: list[tuple[socket.socket, float]] = []
    for i in range(n):
        who = i // 2
        body = bodies[who]
        s = socket.create_connection((parts.host, parts.port))
        s.sendall(
            (
                f"POST {parts.raw_path.decode()} HTTP/1.1\r\nHost: {parts.host}\r\n"
                f"Authorization: {headers[who]['Authorization']}\r\nContent-Type: application/octet-stream\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode()
            + body[: len(body) // 2]
        )
        socks.append((s, time.monotonic()))
    time.sleep(1.0)  # let the server take them all in
    stalled = _health(base, calls)
    other = n // 2
    t = time.perf_counter()
    try:
        with httpx.Client(timeout=max(60.0, idle * 3)) as c:
            status = c.post(url, content=bodies[other], headers={**headers[other], **_OCTETS}).status_code
    except httpx.TransportError:
        status = 0
    upload = (time.perf_counter() - t, status)
    console.print("stall: waiting for the server to cut the stalled uploads …")
    cut: list[float | None] = []
    for s, since in socks:
        s.settimeout(max(0.1, since + idle + 30 - time.monotonic()))
        try:
            answer = s.recv(64)
            cut.append(time.monotonic() - since if answer.startswith(b"HTTP/1.1 408") else None)
        except OSError:
            cut.append(None)
        s.close()
    return StallRun(quiet, stalled, upload, cut)


def _print_stall(run: StallRun, args: argparse.Namespace, console: Console) -> None:
    table = Table(
        title=f"/healthz, {args.health_calls} sequential calls, without and with {args.stalled} stalled uploads"
    )
    for col in ("phase", "p50 ms", "p99 ms", "max ms", "failed"):
        table.add_column(col, justify="right")
    for label, (lat, failed) in (("quiet", run.quiet), (f"{args.stalled} stalled", run.stalled)):
        ordered = sorted(lat)
        p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
        table.add_row(
            label, f"{statistics.median(lat) * 1e3:.1f}", f"{p99 * 1e3:.1f}", f"{ordered[-1] * 1e3:.1f}", str(failed)
        )
    console.print(table)
    cut = [c for c in run.cut if c is not None]
    console.print(
        f"another bidder's {args.mb:g} MB upload during the stall: HTTP {run.upload[1]} in {run.upload[0]:.2f} s; "
        f"stalled uploads cut with 408: {len(cut)} of {len(run.cut)}"
        + (f", {min(cut):.1f}–{max(cut):.1f} s after they stopped (idle timeout {args.idle:g} s)" if cut else "")
    )


def _bare_run(bodies: list[bytes], console: Console) -> Run:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, __file__, "--serve-bare", str(port)])
    try:
        for _ in range(600):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=0.5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        console.print("bare: uploading …")
        return _rush(f"http://127.0.0.1:{port}/upload", bodies, [{}] * len(bodies), "bare stream + SM3", proc.pid)
    finally:
        proc.kill()
        proc.wait()


def _setup(
    work: Path, n: int, size: int, console: Console, *, idle: float = 30.0
) -> tuple[list[bytes], list[dict[str, str]], str, object, object]:
    from argon2 import PasswordHasher

    import fairbid.services.parties.accounts
    from fairbid.bootstrap import bootstrap
    from fairbid.clock import SimulatedClock
    from fairbid.settings import Settings
    from tests.factories import make_world
    from tests.reliability.live import LiveServer, bidding_section, login

    # The accounts' password cost is irrelevant here and 2 × N Argon2id runs would dominate the setup.
    fairbid.services.parties.accounts.hash_password = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash  # type: ignore[assignment]
    settings = Settings(
        environment="test",
        database_url=f"sqlite:///{work / 'fairbid.db'}",
        data_dir=work / "data",
        platform_key_passphrase="bench-passphrase",  # type: ignore[arg-type]
    )
    clock = SimulatedClock(datetime.now(UTC) - timedelta(days=30))
    platform = bootstrap(settings, clock=clock)
    console.print(f"setup: {n} bidders, keys, a section in bidding …")
    w = make_world(platform, clock, bidders=n)
    section = bidding_section(w, deadline=datetime.now(UTC) + timedelta(hours=1))
    console.print(f"setup: sealing {n} envelopes of {size / 2**20:g} MiB …")
    t = time.perf_counter()
    jobs = [(b.key, section.id, b.organisation_id, i, size) for i, b in enumerate(w.bidders)]
    with ProcessPoolExecutor(os.cpu_count() or 2) as pool:
        bodies = list(pool.map(_seal_one, jobs, chunksize=4))
    console.print(f"setup: sealed in {time.perf_counter() - t:.1f} s; starting fairbid serve …")
    logs = work / "logs"
    logs.mkdir()
    server = LiveServer(settings, logs)
    server.start(env={"FAIRBID_UPLOAD_IDLE_TIMEOUT_SECONDS": repr(idle)})
    with httpx.Client(base_url=server.url, timeout=60) as c, ThreadPoolExecutor(8) as pool:
        headers = list(pool.map(lambda b: login(c, b), w.bidders))
    console.print("setup: every bidder signed in")
    return bodies, headers, f"{server.url}/api/sections/{section.id}/bids", server, platform


def _seal_one(args: tuple[PrivateKey, str, str, int, int]) -> bytes:
    """One bidder's envelope, sealed in a worker process: the bid form and ``size`` random bytes attached."""
    key, section_id, bidder_id, i, size = args
    out = io.BytesIO()
    seal_envelope(
        out,
        form=BidForm(Decimal(f"{9_000_000 + i}.00"), 360, "合格", f"PM-{i}", f"EG-{i}"),
        attachments=[AttachmentSource("scan.pdf", io.BytesIO(os.urandom(size)), size)],
        section_id=section_id,
        bidder_id=bidder_id,
        private_key=key,
        now=datetime.now(UTC),
        machine_fingerprint=f"{i:064x}",
        tool_version="fairbid-bench/1",
    )
    return out.getvalue()


if __name__ == "__main__":
    main()
