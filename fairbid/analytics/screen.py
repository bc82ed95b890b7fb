"""Statistical screens over the bids of one tender (Imhof 2018; Huber & Imhof 2019; García Rodríguez et al. 2022).

Let ``b1 ≤ b2 ≤ … ≤ bn`` be a tender's bids sorted ascending, ``n`` their number, ``x̄`` their mean and
``s`` their standard deviation with ``ddof = 1``. Every screen is a finite float; where a formula is
undefined (too few bids, a zero denominator) the screen is ``0.0``, the convention the garcia2022 data uses.

=========== ======================================================================= =====================
screen      formula                                                                 defined for
=========== ======================================================================= =====================
CV          s / x̄                                                                   n ≥ 2
SPD         (bn − b1) / b1                                                          n ≥ 2
DIFFP       (b2 − b1) / b1                                                          n ≥ 2
RD          (b2 − b1) / s(b2 … bn)            textbook: SD of the losing bids         n ≥ 3
RD_ALL_BUT  (b2 − b1) / s(b1 … b(n−1))        README variant: SD of all but highest   n ≥ 3
RDNOR       (b2 − b1) / [Σ_{i=1}^{n−1}(b(i+1) − bi) / (n − 1)]                      n ≥ 3
RDALT       (b2 − b1) / [Σ_{i=2}^{n−1}(b(i+1) − bi) / (n − 2)]                      n ≥ 3
KURT        bias-corrected excess kurtosis (scipy ``kurtosis(bias=False)``)         n ≥ 4
SKEW        bias-corrected skewness (scipy ``skew(bias=False)``)                    n ≥ 3
KSTEST      Kolmogorov–Smirnov D of the bids against Uniform[b1, bn]                n ≥ 2, bn > b1
=========== ======================================================================= =====================

CV, SPD, KURT, SKEW and KSTEST reproduce the columns shipped with the garcia2022 data on every tender
(single-bid tenders included, where the data has 0). The shipped DIFFP and RD do not always follow the
textbook; we compute DIFFP and RD as above and offer the README's RD variant as ``RD_ALL_BUT``.

Screens are clues for human review, never proof (发改法规〔2026〕195号 (十一)).

>>> s = compute_screens([100.0, 110.0, 111.0, 112.0])
>>> round(s["DIFFP"], 3), round(s["RDALT"], 1)
(0.1, 10.0)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = ["SCREEN_NAMES", "ScreenTable", "compute_screens", "screen_matrix", "screen_rows", "screen_tenders"]

SCREEN_NAMES: tuple[str, ...] = (
    "CV",
    "SPD",
    "DIFFP",
    "RD",
    "RD_ALL_BUT",
    "RDNOR",
    "RDALT",
    "KURT",
    "SKEW",
    "KSTEST",
)

ScreenTable = dict[str, dict[str, float]]

_FloatArray = NDArray[np.float64]


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den > 0 and np.isfinite(num / den) else 0.0


def _skew_kurt(b: _FloatArray) -> tuple[float, float]:
    n = b.size
    d = b - b.mean()
    m2 = float(np.mean(d * d))
    if m2 <= 0.0 or m2 < (1e-14 * float(np.mean(np.abs(b)))) ** 2:
        return 0.0, 0.0
    m3 = float(np.mean(d**3))
    m4 = float(np.mean(d**4))
    skew = 0.0
    if n > 2:
        skew = float(np.sqrt(n * (n - 1)) / (n - 2) * m3 / m2**1.5)
    kurt = 0.0
    if n > 3:
        kurt = float((n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * m4 / (m2 * m2) - 3 * (n - 1)))
    return skew, kurt


def _ks_uniform(b: _FloatArray) -> float:
    lo, hi = float(b[0]), float(b[-1])
    if hi <= lo:
        return 0.0
    n = b.size
    cdf = (b - lo) / (hi - lo)
    i = np.arange(1, n + 1, dtype=np.float64)
    return float(max(np.max(i / n - cdf), np.max(cdf - (i - 1) / n)))


def compute_screens(bids: Iterable[float]) -> dict[str, float]:
    """All screens of one tender, keyed by ``SCREEN_NAMES`` (see the module docstring for formulas).

    Raises ``ValueError`` on an empty tender or a non-finite or non-positive bid: callers validate
    input first (``fairbid.analytics.dataset`` turns bad rows into a readable ``DatasetProblem``).
    """
    b = np.sort(np.asarray(list(bids), dtype=np.float64))
    if b.size == 0:
        raise ValueError("a tender needs at least one bid")
    if not np.all(np.isfinite(b)) or b[0] <= 0:
        raise ValueError("bids must be finite and positive")
    n = b.size
    out = dict.fromkeys(SCREEN_NAMES, 0.0)
    if n >= 2:
        out["CV"] = _ratio(float(np.std(b, ddof=1)), float(b.mean()))
        out["SPD"] = _ratio(float(b[-1] - b[0]), float(b[0]))
        out["DIFFP"] = _ratio(float(b[1] - b[0]), float(b[0]))
        out["KSTEST"] = _ks_uniform(b)
    if n >= 3:
        gap = float(b[1] - b[0])
        out["RD"] = _ratio(gap, float(np.std(b[1:], ddof=1)))
        out["RD_ALL_BUT"] = _ratio(gap, float(np.std(b[:-1], ddof=1)))
        out["RDNOR"] = _ratio(gap, float(b[-1] - b[0]) / (n - 1))
        out["RDALT"] = _ratio(gap, float(b[-1] - b[1]) / (n - 2))
    out["SKEW"], out["KURT"] = _skew_kurt(b)
    return out


def screen_rows(bids: NDArray[np.float64]) -> _FloatArray:
    """Screens of many tenders of the same size at once: ``bids`` is ``(m, n)``; returns ``(m, len(SCREEN_NAMES))``.

    The vectorised twin of ``compute_screens`` (same formulas and conventions), used for subgroup screens.
    """
    b = np.sort(np.asarray(bids, dtype=np.float64), axis=1)
    m, n = b.shape
    out = np.zeros((m, len(SCREEN_NAMES)), dtype=np.float64)
    col = {k: i for i, k in enumerate(SCREEN_NAMES)}

    def div(num: _FloatArray, den: _FloatArray) -> _FloatArray:
        with np.errstate(divide="ignore", invalid="ignore"):
            r = num / den
        return np.where((den > 0) & np.isfinite(r), r, 0.0)

    if n >= 2:
        mean = b.mean(axis=1)
        out[:, col["CV"]] = div(b.std(axis=1, ddof=1), mean)
        out[:, col["SPD"]] = div(b[:, -1] - b[:, 0], b[:, 0])
        out[:, col["DIFFP"]] = div(b[:, 1] - b[:, 0], b[:, 0])
        span = b[:, -1] - b[:, 0]
        cdf = div(b - b[:, :1], span[:, None])
        i = np.arange(1, n + 1, dtype=np.float64)
        ks = np.maximum((i / n - cdf).max(axis=1), (cdf - (i - 1) / n).max(axis=1))
        out[:, col["KSTEST"]] = np.where(span > 0, ks, 0.0)
        d = b - mean[:, None]
        m2 = (d * d).mean(axis=1)
        ok = m2 > (1e-14 * np.abs(b).mean(axis=1)) ** 2
        m2s = np.where(ok, m2, 1.0)
        if n > 2:
            g1 = np.sqrt(n * (n - 1)) / (n - 2) * (d**3).mean(axis=1) / m2s**1.5
            out[:, col["SKEW"]] = np.where(ok, g1, 0.0)
        if n > 3:
            g2 = (n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * (d**4).mean(axis=1) / (m2s * m2s) - 3 * (n - 1))
            out[:, col["KURT"]] = np.where(ok, g2, 0.0)
    if n >= 3:
        gap = b[:, 1] - b[:, 0]
        out[:, col["RD"]] = div(gap, b[:, 1:].std(axis=1, ddof=1))
        out[:, col["RD_ALL_BUT"]] = div(gap, b[:, :-1].std(axis=1, ddof=1))
        out[:, col["RDNOR"]] = div(gap, (b[:, -1] - b[:, 0]) / (n - 1))
        out[:, col["RDALT"]] = div(gap, (b[:, -1] - b[:, 1]) / (n - 2))
    return out


def screen_tenders(bids_by_tender: Mapping[str, Sequence[float]]) -> ScreenTable:
    """``compute_screens`` for every tender of a mapping tender id → bids."""
    return {tender: compute_screens(bids) for tender, bids in bids_by_tender.items()}


def screen_matrix(groups: Sequence[Sequence[float]], names: Sequence[str] = SCREEN_NAMES) -> _FloatArray:
    """A ``(len(groups), len(names))`` array of screens, one row per group of bids."""
    rows = [compute_screens(g) for g in groups]
    return np.array([[r[k] for k in names] for r in rows], dtype=np.float64).reshape(len(rows), len(names))
