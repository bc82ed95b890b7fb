"""Fixtures for the reliability tests: a simulated clock near real time, cheap test hashes, a live server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fairbid.clock import SimulatedClock
from fairbid.settings import Settings
from tests.reliability.live import LiveServer


@pytest.fixture
def clock() -> SimulatedClock:
    """A simulated clock a month behind the real one, so a section can be set up to close at a real time."""
    return SimulatedClock(datetime.now(UTC) - timedelta(days=30))


@pytest.fixture
def server(settings: Settings, tmp_path: Path) -> Iterator[LiveServer]:
    """``fairbid serve`` on the test's database and data folder; killed at the end whatever happened."""
    logs = tmp_path / "logs"
    logs.mkdir()
    live = LiveServer(settings, logs)
    yield live
    live.kill()
