"""Screens: documented formulas, conventions, and the exact match with the columns shipped in garcia2022."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from fairbid.analytics.risk import GARCIA_FILES
from fairbid.analytics.screen import SCREEN_NAMES, compute_screens, screen_rows

EXACT = ("CV", "SPD", "KURT", "SKEW", "KSTEST")
ROUNDING = 0.5e-4 + 1e-9  # the shipped columns are rounded to 4 decimals


@pytest.mark.parametrize("name", GARCIA_FILES)
def test_screens_reproduce_the_shipped_exact_match_columns_on_every_tender(garcia_dir: Path, name: str) -> None:
    with (garcia_dir / name).open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    tenders: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        tenders.setdefault(r["Tender"], []).append(r)
    for tender, bids in tenders.items():
        ours = compute_screens(float(r["Bid_value"]) for r in bids)
        for screen in EXACT:
            shipped = float(bids[0][screen])
            assert abs(ours[screen] - shipped) <= ROUNDING, (name, tender, screen, ours[screen], shipped)


def test_formulas_on_a_hand_worked_tender() -> None:
    b = [100.0, 110.0, 111.0, 112.0, 120.0]
    s = compute_screens(b)
    sd = float(np.std(b, ddof=1))
    assert s["CV"] == pytest.approx(sd / np.mean(b))
    assert s["SPD"] == pytest.approx(0.20)
    assert s["DIFFP"] == pytest.approx(0.10)
    assert s["RD"] == pytest.approx(10 / np.std([110, 111, 112, 120], ddof=1))
    assert s["RD_ALL_BUT"] == pytest.approx(10 / np.std([100, 110, 111, 112], ddof=1))
    assert s["RDNOR"] == pytest.approx(10 / (20 / 4))
    assert s["RDALT"] == pytest.approx(10 / (10 / 3))
    assert s["KURT"] == pytest.approx(stats.kurtosis(b, bias=False))
    assert s["SKEW"] == pytest.approx(stats.skew(b, bias=False))
    assert s["KSTEST"] == pytest.approx(stats.kstest(b, "uniform", args=(100, 20)).statistic)


def test_undefined_screens_are_zero_as_in_the_data() -> None:
    assert compute_screens([5.0]) == dict.fromkeys(SCREEN_NAMES, 0.0)
    two = compute_screens([5.0, 6.0])
    assert two["RD"] == two["KURT"] == two["SKEW"] == 0.0
    equal = compute_screens([7.0, 7.0, 7.0, 7.0])
    assert all(v == 0.0 and math.isfinite(v) for v in equal.values())


def test_bad_bids_are_refused() -> None:
    with pytest.raises(ValueError):
        compute_screens([])
    with pytest.raises(ValueError):
        compute_screens([1.0, float("nan")])
    with pytest.raises(ValueError):
        compute_screens([0.0, 3.0])


@pytest.mark.parametrize("n", [1, 2, 3, 4, 9])
def test_vectorised_screens_equal_the_scalar_ones(n: int) -> None:
    rng = np.random.default_rng(n)
    bids = rng.uniform(1e5, 2e5, size=(50, n))
    bids[0] = 1.5e5
    expected = np.array([[compute_screens(r)[k] for k in SCREEN_NAMES] for r in bids])
    np.testing.assert_allclose(screen_rows(bids), expected, rtol=1e-9, atol=1e-12)
