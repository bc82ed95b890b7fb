"""A points scorecard (评分卡): optimal binning, weights of evidence, logistic regression, points, calibration.

Built with optbinning (a kept library: ``BinningProcess`` finds the bins by mathematical programming,
``Scorecard`` fits a logistic regression on the bins' weights of evidence and scales it to points). A numeric
variable's bins are constrained to a monotonic event rate, rising or falling as the data choose
(``auto_asc_desc``), so its points move one way with the value and each point is easy to explain. Points
follow the usual scaling: ``base_points`` at odds ``base_odds``:1 (good:bad), and ``pdo`` more points double the
odds; a higher score is a better credit. The probability of default comes from the logistic regression,
then optionally recalibrated by Platt scaling (``sigmoid``) or isotonic regression fitted on out-of-fold
scores of the training data only (3 inner folds, then one refit on all of it), as scikit-learn's
``CalibratedClassifierCV(ensemble=False)`` does.

The default is no recalibration: a logistic regression fitted by maximum likelihood on weights of evidence
is calibrated in the large by construction, and on the Taiwan sample recalibration measured no gain
(``bench/credit_scorecard.py`` prints the 5×2 cross-validated Brier score and calibration slope of each),
so it stays an option for data where it helps.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from optbinning import BinningProcess, Scorecard
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

__all__ = ["Calibration", "FittedScorecard", "PointsRow", "ScorecardSettings", "fit_scorecard"]


class Calibration(StrEnum):
    """How the scorecard's probabilities are recalibrated."""

    NONE = "none"
    SIGMOID = "sigmoid"
    ISOTONIC = "isotonic"


@dataclass(frozen=True, slots=True)
class ScorecardSettings:
    """Scaling and binning settings; the defaults are common industry values, not law."""

    base_points: float = 600.0
    base_odds: float = 50.0
    pdo: float = 20.0
    min_bin_size: float = 0.05  # each bin holds at least 5 % of the rows
    calibration: Calibration = Calibration.NONE
    seed: int = 0


@dataclass(frozen=True, slots=True)
class PointsRow:
    """One bin of one variable: its cases, event (bad) rate, weight of evidence, information value, points."""

    variable: str
    bin: str
    count: int
    event_rate: float
    woe: float
    iv: float
    points: float


@contextmanager
def _quiet() -> Iterator[None]:
    """optbinning 1.0 builds its tables with a dtype change that pandas 3 flags for a future version."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=pd.errors.Pandas4Warning)
        yield


def _scorecard(data: pd.DataFrame, categorical: tuple[str, ...], settings: ScorecardSettings) -> Scorecard:
    numeric = [c for c in data.columns if c not in categorical]
    process = BinningProcess(
        list(data.columns),
        categorical_variables=list(categorical) or None,
        min_bin_size=settings.min_bin_size,
        binning_fit_params={c: {"monotonic_trend": "auto_asc_desc"} for c in numeric},
    )
    return Scorecard(
        binning_process=process,
        estimator=LogisticRegression(max_iter=1000),
        scaling_method="pdo_odds",
        scaling_method_params={
            "pdo": settings.pdo,
            "odds": settings.base_odds,
            "scorecard_points": settings.base_points,
        },
    )


def _fit(data: pd.DataFrame, y: NDArray[np.int64], categorical: tuple[str, ...], s: ScorecardSettings) -> Scorecard:
    card = _scorecard(data, categorical, s)
    with _quiet():
        card.fit(data, y)
    return card


def _proba(card: Scorecard, data: pd.DataFrame) -> NDArray[np.float64]:
    with _quiet():
        return np.asarray(card.predict_proba(data)[:, 1], dtype=np.float64)


class _Calibrator:
    def __init__(self, method: Calibration) -> None:
        self.method = method
        self._platt = LogisticRegression()
        self._iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)

    def fit(self, p: NDArray[np.float64], y: NDArray[np.int64]) -> _Calibrator:
        if self.method is Calibration.SIGMOID:
            self._platt.fit(_logit(p).reshape(-1, 1), y)
        elif self.method is Calibration.ISOTONIC:
            self._iso.fit(p, y)
        return self

    def apply(self, p: NDArray[np.float64]) -> NDArray[np.float64]:
        if self.method is Calibration.SIGMOID:
            return np.asarray(self._platt.predict_proba(_logit(p).reshape(-1, 1))[:, 1], dtype=np.float64)
        if self.method is Calibration.ISOTONIC:
            return np.asarray(self._iso.predict(p), dtype=np.float64)
        return p


def _logit(p: NDArray[np.float64]) -> NDArray[np.float64]:
    q = np.clip(p, 1e-9, 1 - 1e-9)
    return np.asarray(np.log(q / (1 - q)), dtype=np.float64)


@dataclass(frozen=True)
class FittedScorecard:
    """A trained scorecard: probabilities of default, scores, and the points table that explains them."""

    card: Scorecard
    calibrator: _Calibrator
    settings: ScorecardSettings

    def predict_pd(self, data: pd.DataFrame) -> NDArray[np.float64]:
        """Calibrated probability of default (bad) per row."""
        return self.calibrator.apply(_proba(self.card, data))

    def score(self, data: pd.DataFrame) -> NDArray[np.float64]:
        """Points per row (higher is better credit)."""
        with _quiet():
            return np.asarray(self.card.score(data), dtype=np.float64)

    def points_table(self) -> tuple[PointsRow, ...]:
        """Every variable's bins with their counts, event rates, weights of evidence and points."""
        with _quiet():
            table = self.card.table(style="detailed")
        return tuple(
            PointsRow(
                str(r["Variable"]),
                str(r["Bin"]),
                int(r["Count"]),
                float(r["Event rate"]),
                float(r["WoE"]),
                float(r["IV"]),
                float(r["Points"]),
            )
            for _, r in table.iterrows()
        )


def fit_scorecard(
    data: pd.DataFrame,
    y: NDArray[np.int64],
    *,
    categorical: tuple[str, ...] = (),
    settings: ScorecardSettings | None = None,
) -> FittedScorecard:
    """Train on ``data`` and ``y`` (1 = bad); with calibration, on out-of-fold probabilities of 3 inner folds."""
    s = settings or ScorecardSettings()
    calibrator = _Calibrator(s.calibration)
    if s.calibration is not Calibration.NONE:
        oof = np.zeros(len(y), dtype=np.float64)
        inner = StratifiedKFold(n_splits=3, shuffle=True, random_state=s.seed)
        for train, held in inner.split(data, y):
            oof[held] = _proba(_fit(data.iloc[train], y[train], categorical, s), data.iloc[held])
        calibrator.fit(oof, y)
    return FittedScorecard(_fit(data, y, categorical, s), calibrator, s)
