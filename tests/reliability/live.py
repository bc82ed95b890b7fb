"""Helpers for the reliability tests: a real ``fairbid serve`` process on a free loopback port.

The test process builds its world (parties, keys, a section in bidding) through the services on the test's
database and data folder, then starts the real server on the same files as a child process, so it can be
killed with SIGKILL and restarted like a production server. Only loopback is used.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import httpx
from argon2 import PasswordHasher

from fairbid.bootstrap import Platform
from fairbid.domain.section import Section
from fairbid.settings import Settings
from tests.factories import PASSWORD, Party, World, check_and_publish

__all__ = ["FAST_HASHER", "LiveServer", "bidding_section", "login", "run_cli", "stored_envelope_ok"]

FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
_STARTUP_SECONDS = 60.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _child_env(settings: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAIRBID_")}
    env.update(
        FAIRBID_ENVIRONMENT="test",
        FAIRBID_PLATFORM_KEY_PASSPHRASE=settings.platform_key_passphrase.get_secret_value(),
        FAIRBID_SCHEDULER_INTERVAL_SECONDS="0.2",
        **extra,
    )
    return env


def _fairbid_command() -> list[str]:
    script = Path(sys.executable).with_name("fairbid")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from fairbid.cli import main; main()"]


def run_cli(settings: Settings, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``fairbid ARGS --database … --data-dir …`` as a separate process, as an operator would."""
    return subprocess.run(
        [*_fairbid_command(), *args, "--database", settings.database_url, "--data-dir", str(settings.data_dir)],
        env=_child_env(settings),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


class LiveServer:
    """``fairbid serve`` as a child process on a free loopback port; killable with SIGKILL, restartable."""

    def __init__(self, settings: Settings, log_dir: Path) -> None:
        self.settings = settings
        self.log_dir = log_dir
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, speed: float = 1.0, env: dict[str, str] | None = None) -> None:
        """Start the server (``--speed`` accelerates its clock) and wait until /healthz answers."""
        assert self.proc is None, "already running"
        self.port = _free_port()
        self.starts += 1
        log = (self.log_dir / f"server-{self.starts}.log").open("wb")
        cmd = [
            *_fairbid_command(),
            "serve",
            "--database",
            self.settings.database_url,
            "--data-dir",
            str(self.settings.data_dir),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--speed",
            repr(speed),
        ]
        self.proc = subprocess.Popen(cmd, env=_child_env(self.settings, **(env or {})), stdout=log, stderr=log)
        log.close()
        deadline = time.monotonic() + _STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"the server exited with {self.proc.returncode}:\n{self.log_text()}")
            try:
                if httpx.get(self.url + "/healthz", timeout=0.5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.kill()
        raise AssertionError(f"the server did not answer within {_STARTUP_SECONDS} s:\n{self.log_text()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown handler, no flush, no cleanup runs."""
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
            self.proc = None

    def log_text(self) -> str:
        return "\n".join(p.read_text("utf-8", "replace")[-4000:] for p in sorted(self.log_dir.glob("server-*.log")))


def bidding_section(w: World, *, deadline: datetime, start_bidding: bool = True) -> Section:
    """A checked, published section whose bid deadline falls at ``deadline`` (real time).

    The factories' schedule is 1 h to the sale start and 21 days from it to the deadline, which the rule
    catalog accepts; the simulated clock is moved back from ``deadline`` to make that schedule end there.
    With ``start_bidding`` the chronograph starts the bidding here; otherwise the server's scheduler will.
    """
    w.clock.set(deadline - timedelta(days=21, hours=1))
    s = check_and_publish(w, w.section())
    if start_bidding:
        assert w.jump(s.id) == "bidding"
    return s


def login(client: httpx.Client, party: Party) -> dict[str, str]:
    """Sign in over HTTP; the bearer header."""
    r = client.post("/api/auth/token", data={"username": party.username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def stored_envelope_ok(p: Platform, digest: str) -> bool:
    """The blob under ``digest`` exists and its bytes hash to ``digest``."""
    from fairbid.crypto.digest import sm3_hasher

    if not p.blobs.exists(digest):
        return False
    h = sm3_hasher()
    for chunk in p.blobs.iter_chunks(digest):
        h.update(chunk)
    return bool(h.finalize().hex() == digest)
