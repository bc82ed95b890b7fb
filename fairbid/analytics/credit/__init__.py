"""Credit scorecards measured on labelled data (信用评分卡): loading, training, points, cross-validation.

The scorecard is built with optbinning (binning, weights of evidence, logistic regression, points) and
measured with stratified 5×2 cross-validation (ROC-AUC, KS, Gini, Brier). It measures the scoring machinery
on public labelled data; the grades that price guarantees come from conduct records only
(``fairbid.domain.credit``), as 招标投标领域公平竞争审查规则 第九条 requires.
"""

from fairbid.analytics.credit.data import MIN_PER_CLASS, CreditData, CreditDataProblem, load_credit_csv
from fairbid.analytics.credit.measure import (
    Measurement,
    cross_validate,
    evaluate_logistic,
    evaluate_scorecard,
    metrics,
)
from fairbid.analytics.credit.scorecard import (
    Calibration,
    FittedScorecard,
    PointsRow,
    ScorecardSettings,
    fit_scorecard,
)

__all__ = [
    "MIN_PER_CLASS",
    "Calibration",
    "CreditData",
    "CreditDataProblem",
    "FittedScorecard",
    "Measurement",
    "PointsRow",
    "ScorecardSettings",
    "cross_validate",
    "evaluate_logistic",
    "evaluate_scorecard",
    "fit_scorecard",
    "load_credit_csv",
    "metrics",
]
