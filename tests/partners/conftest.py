"""Fixtures: a bank's and an insurer's guarantor simulator, each fresh per test, and the platform's key."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fairbid.crypto.key import PrivateKey, Suite, generate_key
from tests.partners.simulator_live import Running, running_simulator


@pytest.fixture(scope="module")
def platform_key() -> PrivateKey:
    return generate_key(Suite.GM)


@pytest.fixture
def bank(platform_key: PrivateKey) -> Iterator[Running]:
    """A bank's simulator (fresh state for each test)."""
    yield from running_simulator(platform_key, "模拟银行股份有限公司", "91110000100000000R")


@pytest.fixture
def insurer(platform_key: PrivateKey) -> Iterator[Running]:
    """An insurer's simulator."""
    yield from running_simulator(platform_key, "模拟财产保险股份有限公司", "91110000600037341L")
