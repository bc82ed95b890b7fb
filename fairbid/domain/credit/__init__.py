"""The credit registry (信用评价): conduct records, grades A–D with reasons, debarment, external lists, premiums.

Pure and deterministic. A grade rests only on conduct records; the configuration admits no factor of
region, ownership or size (招标投标领域公平竞争审查规则 第九条). The trained scorecard that measures the
scoring machinery on labelled data is ``fairbid.analytics.credit``.
"""

from fairbid.domain.credit.grade import (
    DEFAULT_POINTS,
    FAIRNESS_CITATION,
    CreditGrade,
    Debarment,
    Grade,
    GradingPolicy,
    ScoreLine,
    debarment_of,
    grade_of,
)
from fairbid.domain.credit.listing import HEADERS, ListImport, ListProblem, parse_external_list
from fairbid.domain.credit.premium import PremiumPolicy, PremiumQuote, price_for_grade, quote_premium
from fairbid.domain.credit.record import (
    CITATIONS,
    CONDUCT_OF_CLAIM,
    EXTERNAL_KINDS,
    ConductKind,
    ConductRecord,
    CreditRecordWithdrawn,
    Withdrawal,
    is_active,
    withdraw_record,
)

__all__ = [
    "CITATIONS",
    "CONDUCT_OF_CLAIM",
    "DEFAULT_POINTS",
    "EXTERNAL_KINDS",
    "FAIRNESS_CITATION",
    "HEADERS",
    "ConductKind",
    "ConductRecord",
    "CreditGrade",
    "CreditRecordWithdrawn",
    "Debarment",
    "Grade",
    "GradingPolicy",
    "ListImport",
    "ListProblem",
    "PremiumPolicy",
    "PremiumQuote",
    "ScoreLine",
    "Withdrawal",
    "debarment_of",
    "grade_of",
    "is_active",
    "parse_external_list",
    "price_for_grade",
    "quote_premium",
    "withdraw_record",
]
