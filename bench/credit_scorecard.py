"""The credit scorecard against a plain logistic regression, on the same stratified 5×2 splits, in one run.

Run: ``python bench/credit_scorecard.py [DATASET.csv --target default --bad 1] [--repetitions 5] [--json]``

Without a dataset it reads ``$FAIRBID_CREDIT_DATA`` or ``<repo>/../shared/credit-data`` and uses the Taiwan
sample (``taiwan-sample/UCI_Credit_Card.csv``, target ``default``, bad ``1``). It prints, for every model on
identical splits, the means over the held-out halves of ROC-AUC, KS, Gini, Brier and the calibration slope:
the optbinning scorecard without recalibration and with Platt (sigmoid) and isotonic recalibration, a plain
logistic regression on standardised raw features, and scikit-learn's histogram gradient boosting. The data
README's reference figures (measured there with 5×2 stratified cross-validation) are printed beside them:
logistic regression ROC-AUC 0.610, histogram gradient boosting 0.626.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from sklearn.ensemble import HistGradientBoostingClassifier

from fairbid.analytics.credit import (
    Calibration,
    CreditData,
    Measurement,
    ScorecardSettings,
    cross_validate,
    evaluate_logistic,
    evaluate_scorecard,
    load_credit_csv,
)

REFERENCE_AUC = {"logistic regression": 0.610, "histogram gradient boosting": 0.626}


def _data_dir() -> Path:
    env = os.environ.get("FAIRBID_CREDIT_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared" / "credit-data"


def _boosting(data: CreditData, repetitions: int, seed: int) -> Measurement:
    def predict(x: pd.DataFrame, y: NDArray[np.int64], test: pd.DataFrame) -> NDArray[np.float64]:
        model = HistGradientBoostingClassifier(
            random_state=seed,
            categorical_features="from_dtype",
            max_depth=3,
            learning_rate=0.05,
            max_iter=150,
            min_samples_leaf=50,
        )  # shallow and slow: with scikit-learn's defaults it overfits 6,000 rows (ROC-AUC 0.597)
        cats = list(data.categorical)
        xx, tt = x.copy(), test.copy()
        for c in cats:
            xx[c], tt[c] = (
                xx[c].astype("category"),
                pd.Categorical(tt[c], categories=xx[c].astype("category").cat.categories),
            )
        return np.asarray(model.fit(xx, y).predict_proba(tt)[:, 1], dtype=np.float64)

    return cross_validate(data, predict, model="histogram gradient boosting", repetitions=repetitions, seed=seed)


def main() -> None:
    """Run every model on the same splits; print a table and, with ``--json``, the raw figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dataset", nargs="?", type=Path)
    ap.add_argument("--target", default="default")
    ap.add_argument("--bad", default="1")
    ap.add_argument("--repetitions", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true", help="also print the results as JSON")
    args = ap.parse_args()
    path = args.dataset or _data_dir() / "taiwan-sample" / "UCI_Credit_Card.csv"
    data = load_credit_csv(path, target=args.target, bad=args.bad)
    print(f"{data.name}: {len(data.target)} rows, {data.bad_rate:.1%} bad; stratified 2-fold × {args.repetitions}")
    header = (
        f"{'model':32} {'ROC-AUC':>8} {'sd':>6} {'KS':>6} {'Gini':>6} {'Brier':>7} {'slope':>6} {'ref AUC':>7} {'s':>5}"
    )
    print(header)
    print("-" * len(header))
    results = []
    runs = [
        *(
            (lambda c=c: evaluate_scorecard(data, repetitions=args.repetitions, seed=args.seed,
                                            settings=ScorecardSettings(calibration=c, seed=args.seed)))
            for c in Calibration
        ),
        lambda: evaluate_logistic(data, repetitions=args.repetitions, seed=args.seed),
        lambda: _boosting(data, args.repetitions, args.seed),
    ]  # fmt: skip
    for run in runs:
        t = time.perf_counter()
        m = run()
        seconds = time.perf_counter() - t
        ref = REFERENCE_AUC.get(m.model)
        print(
            f"{m.model:32} {m.roc_auc:8.4f} {m.roc_auc_std:6.4f} {m.ks:6.4f} {m.gini:6.4f} {m.brier:7.4f} "
            f"{m.calibration_slope:6.3f} {'' if ref is None else f'{ref:.3f}':>7} {seconds:5.1f}"
        )
        results.append({"model": m.model, **m.as_json(), "calibration_slope": round(m.calibration_slope, 4),
                        "reference_roc_auc": ref, "seconds": round(seconds, 1)})  # fmt: skip
    if args.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
