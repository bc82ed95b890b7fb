"""Honest measurement of credit models: stratified 5×2 cross-validation, ROC-AUC, KS, Gini and Brier.

Each repetition splits the rows in two stratified halves; a model trains on one half and is scored on the
other, then the halves swap (Dietterich 1998's 5×2 design). Every figure is the mean over the ``2 ×
repetitions`` held-out halves, so no row is ever scored by a model that saw it. The same splits (one seed)
serve every model, so the scorecard and the plain logistic regression are compared on identical data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score, roc_curve
from sklearn.model_selection import RepeatedStratifiedKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from fairbid.analytics.credit.data import CreditData
from fairbid.analytics.credit.scorecard import ScorecardSettings, fit_scorecard

__all__ = ["Measurement", "cross_validate", "evaluate_logistic", "evaluate_scorecard", "metrics"]

Predictor = Callable[[pd.DataFrame, NDArray[np.int64], pd.DataFrame], NDArray[np.float64]]


@dataclass(frozen=True, slots=True)
class Measurement:
    """Means (and standard deviations) over the held-out halves."""

    model: str
    roc_auc: float
    ks: float
    gini: float
    brier: float
    roc_auc_std: float
    calibration_slope: float  # 1 when the probabilities are neither over- nor under-confident
    folds: int

    def as_json(self) -> dict[str, float]:
        """The four figures, rounded to four places."""
        return {
            "roc_auc": round(self.roc_auc, 4),
            "ks": round(self.ks, 4),
            "gini": round(self.gini, 4),
            "brier": round(self.brier, 4),
        }


def metrics(y: NDArray[np.int64], p: NDArray[np.float64]) -> dict[str, float]:
    """ROC-AUC, KS (the largest gap between the bad and good cumulative distributions), Gini, Brier, and the
    calibration slope (of the outcome's log-odds on the predicted log-odds; Cox 1958)."""
    auc = float(roc_auc_score(y, p))
    fpr, tpr, _ = roc_curve(y, p)
    q = np.clip(p, 1e-9, 1 - 1e-9)
    slope = LogisticRegression(C=1e6).fit(np.log(q / (1 - q)).reshape(-1, 1), y).coef_[0][0]
    return {
        "roc_auc": auc,
        "ks": float(np.max(tpr - fpr)),
        "gini": 2 * auc - 1,
        "brier": float(brier_score_loss(y, p)),
        "calibration_slope": float(slope),
    }


def cross_validate(data: CreditData, predict: Predictor, *, model: str, repetitions: int, seed: int) -> Measurement:
    """Stratified 2-fold cross-validation repeated ``repetitions`` times with ``predict(train_X, train_y, test_X)``."""
    if repetitions < 1:
        raise ValueError("repetitions must be at least 1")
    splits = RepeatedStratifiedKFold(n_splits=2, n_repeats=repetitions, random_state=seed)
    rows = []
    for train, test in splits.split(data.features, data.target):
        p = predict(data.features.iloc[train], data.target[train], data.features.iloc[test])
        rows.append(metrics(data.target[test], p))
    mean = {k: float(np.mean([r[k] for r in rows])) for k in rows[0]}
    return Measurement(
        model, mean["roc_auc"], mean["ks"], mean["gini"], mean["brier"],
        float(np.std([r["roc_auc"] for r in rows])), mean["calibration_slope"], len(rows),
    )  # fmt: skip


def evaluate_scorecard(
    data: CreditData, *, repetitions: int = 5, seed: int = 0, settings: ScorecardSettings | None = None
) -> Measurement:
    """The binning + WoE + logistic-regression scorecard, calibrated as ``settings`` say."""
    s = settings or ScorecardSettings(seed=seed)

    def predict(x: pd.DataFrame, y: NDArray[np.int64], test: pd.DataFrame) -> NDArray[np.float64]:
        return fit_scorecard(x, y, categorical=data.categorical, settings=s).predict_pd(test)

    return cross_validate(data, predict, model=f"scorecard ({s.calibration.value})", repetitions=repetitions, seed=seed)


def _plain_logistic(data: CreditData) -> Pipeline:
    numeric = [c for c in data.feature_names if c not in data.categorical]
    steps = [("numeric", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric)]
    if data.categorical:
        encoder = make_pipeline(
            SimpleImputer(strategy="constant", fill_value="(missing)"), OneHotEncoder(handle_unknown="ignore")
        )
        steps.append(("categorical", encoder, list(data.categorical)))
    return make_pipeline(ColumnTransformer(steps), LogisticRegression(max_iter=1000))


def evaluate_logistic(data: CreditData, *, repetitions: int = 5, seed: int = 0) -> Measurement:
    """The baseline: a plain logistic regression on standardised raw features (categorical ones one-hot)."""

    def predict(x: pd.DataFrame, y: NDArray[np.int64], test: pd.DataFrame) -> NDArray[np.float64]:
        model = _plain_logistic(data).fit(x, y)
        return np.asarray(model.predict_proba(test)[:, 1], dtype=np.float64)

    return cross_validate(data, predict, model="logistic regression", repetitions=repetitions, seed=seed)
