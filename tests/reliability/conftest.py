"""Fixtures for the reliability tests: a simulated clock near real time, cheap test hashes, a live server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fairbid.clock import SimulatedClock
from fairbid.settings import Settings
from tests.reliability.live import FAST_HASHER, LiveServer


@pytest.fixture
def clock() -> SimulatedClock:
    """A simulated clock a month behind the real one, so a section can be set up to close at a real time."""
    return SimulatedClock(datetime.now(UTC) - timedelta(days=30))


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id at its smallest cost for the test accounts; the server reads the cost from each hash.

    At the production cost (about 0.5 s a hash here) 200 accounts and their sign-ins would take minutes;
    the sign-in path itself is unchanged.
    """
    monkeypatch.setattr("fairbid.services.parties.accounts.hash_password", FAST_HASHER.hash)


@pytest.fixture
def server(settings: Settings, tmp_path: Path) -> Iterator[LiveServer]:
    """``fairbid serve`` on the test's database and data folder; killed at the end whatever happened."""
    logs = tmp_path / "logs"
    logs.mkdir()
    live = LiveServer(settings, logs)
    yield live
    live.kill()
