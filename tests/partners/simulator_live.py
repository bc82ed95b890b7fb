"""Real guarantor simulators on loopback (uvicorn in a thread, on a socket bound to a free port).

The fixtures are in conftest.py; the demo or other tests may reuse :func:`running_simulator`.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import uvicorn

from fairbid.crypto.key import PrivateKey, Suite, generate_key
from fairbid.partners.client import GuarantorClient
from fairbid.partners.guarantor import GuarantorConfig, create_app

__all__ = ["START", "Clock", "Running", "running_simulator", "serve_simulator"]

START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


class Clock:
    """A settable clock shared by the simulator and the test (no wall clock in assertions)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Running:
    """One simulator: its URL, keys, clock, and a client for the platform's side."""

    url: str
    key: PrivateKey
    platform: PrivateKey
    clock: Clock
    client: GuarantorClient
    config: GuarantorConfig


def serve_simulator(config: GuarantorConfig) -> tuple[uvicorn.Server, threading.Thread, str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(config), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the guarantor simulator did not start")
        time.sleep(0.01)
    return server, thread, f"http://127.0.0.1:{port}"


def running_simulator(platform_key: PrivateKey, name: str, code: str) -> Iterator[Running]:
    """Start a simulator with a fresh key and a clock at :data:`START`; stop it when the iterator closes."""
    key = generate_key(Suite.GM)
    clock = Clock(START)
    config = GuarantorConfig(name=name, credit_code=code, key=key, platform_key=platform_key.public, clock=clock)
    server, thread, url = serve_simulator(config)
    client = GuarantorClient(url, platform_key=platform_key, guarantor_key=key.public)
    try:
        yield Running(url, key, platform_key, clock, client, config)
    finally:
        client.close()
        server.should_exit = True
        thread.join(timeout=10)
