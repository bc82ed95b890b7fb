"""Shared fixtures for the crypto tests."""

from __future__ import annotations

import pytest
from crypto_vectors import read_vectors


@pytest.fixture
def sm2_vectors() -> dict[str, dict[str, str]]:
    return {block["name"]: block for block in read_vectors("sm2_gbt32918.txt")}
