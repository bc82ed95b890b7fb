"""Shared helpers for the collusion analytics tests: where the labelled data lives (never in the repo)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fairbid.analytics.risk import GARCIA_FILES, default_data_dir


@pytest.fixture(scope="session")
def garcia_dir() -> Path:
    """``<repo>/../shared/collusion-data/garcia2022`` or ``$FAIRBID_COLLUSION_DATA/garcia2022``; skip if absent."""
    folder = default_data_dir() / "garcia2022"
    if not all((folder / name).is_file() for name in GARCIA_FILES):
        pytest.skip(f"labelled collusion data not found at {folder} (set FAIRBID_COLLUSION_DATA)")
    return folder
