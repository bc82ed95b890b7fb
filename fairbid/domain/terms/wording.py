"""The terms in words (评标办法的文字表述): what the tender document and the evaluation report print.

Both print from the pinned terms through these functions, so the words a bidder read are the rule the machine
ran; nothing is typed twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from fairbid.domain.evaluation.price import KMode
from fairbid.domain.evaluation.ranking import EvaluationMethod, TieBreak
from fairbid.domain.terms.model import (
    CertificateTest,
    CreditGradeTest,
    DurationTest,
    GradePoints,
    ObjectiveItem,
    PriceRule,
    SimilarContractsTest,
    StaffCountTest,
    SubjectiveItem,
    TenderTerms,
)

__all__ = [
    "benchmark_text",
    "method_name",
    "objective_test_text",
    "price_score_text",
    "subjective_bands_text",
    "tie_breaks_text",
]

_METHOD = {
    EvaluationMethod.COMPREHENSIVE: "综合评估法",
    EvaluationMethod.LOWEST_EVALUATED_PRICE: "经评审的最低投标价法",
}
_TIE = {
    TieBreak.LOWER_PRICE: "投标报价低的优先",
    TieBreak.HIGHER_TECHNICAL: "技术得分高的优先",
    TieBreak.STATED_RULE: "按招标文件规定的其他因素得分高的优先",
}


def _n(value: Decimal) -> str:
    """A number as people write it: no trailing zeros, no exponent."""
    text = format(value.normalize(), "f")
    return text


def _wan(amount: Decimal) -> str:
    return f"{_n(amount / Decimal(10_000))}万元"


def method_name(method: EvaluationMethod) -> str:
    return _METHOD[method]


def _grades(grades: tuple[GradePoints, ...]) -> str:
    return "，".join(f"{g.grade}得{_n(g.points)}分" for g in grades)


def objective_test_text(item: ObjectiveItem, role_names: Mapping[str, str] | None = None) -> str:
    """The stated test of an objective item (客观评分标准), as the machine scores it; ``role_names`` names the
    key staff roles by their codes (``safety_officer`` → 专职安全员)."""
    test, cap = item.test, _n(item.max_score)
    match test:
        case CertificateTest():
            return f"项目经理注册证书等级：{_grades(test.grades)}；其他等级或未载明得0分。"
        case SimilarContractsTest():
            return (
                f"投标截止日前{test.within_years}年内竣工、单项合同金额不低于{_wan(test.min_amount)}的类似工程业绩，"
                f"每项得{_n(test.points_each)}分，最高{cap}分。"
            )
        case CreditGradeTest():
            return f"开标时交易平台公布的投标人信用评价等级：{_grades(test.grades)}；无等级得0分。"
        case DurationTest():
            return f"承诺工期每比招标工期提前{test.step_days}日得{_n(test.points_per_step)}分，最高{cap}分。"
        case StaffCountTest():
            role = (role_names or {}).get(test.role, test.role)
            return f"投标文件载明的{role}不少于{test.count}人的得{cap}分，否则得0分。"


def subjective_bands_text(item: SubjectiveItem) -> str:
    """The bands of a subjective item (分档), e.g. 优（10～12分）."""
    return "、".join(f"{b.label}（{_n(b.low)}～{_n(b.high)}分）" for b in item.bands) or "未分档"


def benchmark_text(price: PriceRule) -> str:
    """How the benchmark price (评标基准价) is computed, in the tender document's words."""
    parts = ["进入评标基准价计算的投标报价为通过初步评审且不高于最高投标限价的有效投标报价"]
    if price.exclude_beyond is not None:
        parts.append(f"与其算术平均值偏差超过{_n(price.exclude_beyond * 100)}%的投标报价不参与计算")
    for t in sorted(price.trims, key=lambda t: t.min_bids):
        parts.append(f"参与计算的报价不少于{t.min_bids}家时，去掉{t.drop_high}个最高价和{t.drop_low}个最低价")
    mean = "剩余报价的算术平均值为A"
    match price.k_mode:
        case KMode.TIMES_K:
            formula = "评标基准价 = A × K"
        case KMode.ONE_MINUS_K:
            formula = "评标基准价 = A ×（1 − K）"
        case KMode.NONE:
            formula = "评标基准价 = A"
    text = "；".join(parts) + f"；{mean}，{formula}（四舍五入到分）。"
    if price.k_mode is not KMode.NONE:
        text += (
            f"K在开标时由电子交易平台从{'、'.join(_n(k) for k in price.k_values)}中以公开随机数抽取，"
            "随机数的种子承诺、依据和结果记入交易日志，任何人可复算。"
        )
    return text


def price_score_text(price: PriceRule) -> str:
    """How a price scores against the benchmark (价格分)."""
    return (
        "偏差率 = 100% ×（投标报价 − 评标基准价）/ 评标基准价。"
        f"投标报价等于评标基准价的得满分{_n(price.full_score)}分；"
        f"高于评标基准价的，偏差率每1%扣{_n(price.above_per_point)}分；低于评标基准价的，偏差率每1%扣"
        f"{_n(price.below_per_point)}分；不足1%的按比例计算，最低得{_n(price.floor)}分。"
    )


def tie_breaks_text(terms: TenderTerms) -> str:
    """The order in which equal results are separated (never by lot)."""
    steps = [_TIE[t] for t in terms.tie_breaks]
    lead = "综合得分相等时" if terms.method is EvaluationMethod.COMPREHENSIVE else "评标价相等时"
    return f"{lead}，" + "；仍相等的，".join(steps) + "。"
