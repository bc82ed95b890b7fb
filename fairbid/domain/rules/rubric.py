"""Proportionality (条例 第三十二条(二)) and scoring-rubric consistency rules (rules-catalog §2.4, §4).

The proportionality thresholds are design values (catalog [U]): a requirement above the estimated price
itself is out of proportion with the project; drafters may still justify it to a human reviewer.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from fairbid.domain.evaluation.price import KMode
from fairbid.domain.evaluation.ranking import EvaluationMethod
from fairbid.domain.rules.facts import Breach, FactRule, TenderFacts
from fairbid.domain.rules.finding import Severity
from fairbid.domain.rules.law import rule_of
from fairbid.domain.terms.model import (
    PRICE_ITEM,
    CertificateTest,
    CreditGradeTest,
    DurationTest,
    ObjectiveItem,
    SimilarContractsTest,
    StaffCountTest,
)

__all__ = ["K_MAX", "K_MIN", "RUBRIC_RULES", "SUBJECTIVE_SHARE_LIMIT"]

_BLOCK, _WARN = Severity.BLOCK, Severity.WARN
K_MIN, K_MAX = Decimal("0.85"), Decimal("1.00")  # catalog §4: K commonly 0.90–0.99
SUBJECTIVE_SHARE_LIMIT = Decimal("0.30")
MAX_PAST_PROJECTS = 3


def _wan(amount: Decimal) -> str:
    return f"{(amount / 10_000).quantize(Decimal('0.01'))} 万元"


def _capital(f: TenderFacts) -> Iterator[Breach]:
    """条例 第三十二条(二): registered capital out of proportion with the estimated price."""
    if f.registered_capital_min is not None and f.registered_capital_min > f.estimated_price:
        yield (
            "qualification.registered_capital_min",
            f"注册资本要求 {_wan(f.registered_capital_min)} 高于估算价 {_wan(f.estimated_price)}，"
            "与项目规模不相适应：请降低或删除该要求。",
        )


def _turnover(f: TenderFacts) -> Iterator[Breach]:
    """条例 第三十二条(二): annual turnover out of proportion with the estimated price."""
    if f.annual_turnover_min is not None and f.annual_turnover_min > 2 * f.estimated_price:
        yield (
            "qualification.annual_turnover_min",
            f"年营业收入要求 {_wan(f.annual_turnover_min)} 超过估算价的 2 倍，与项目规模不相适应：请降低。",
        )


def _past_project_value(f: TenderFacts) -> Iterator[Breach]:
    """招标投标法实施条例 第三十二条第二项: one past project larger than the project itself (catalog: > 1× estimate),
    as a qualification threshold or as a scoring test."""
    similar = f.terms.qualification.similar_contracts
    if similar is not None and similar.min_amount > f.estimated_price:
        yield (
            "qualification.similar_contracts.min_amount",
            f"类似业绩单项金额要求 {_wan(similar.min_amount)} 高于本项目估算价 {_wan(f.estimated_price)}，"
            "与项目规模不相适应：请降至估算价以内。",
        )
    for n, item in enumerate(_objective(f)):
        if isinstance(item.test, SimilarContractsTest) and item.test.min_amount > f.estimated_price:
            yield (
                f"evaluation.objective.{n}.test.min_amount",
                f"评分因素“{item.name}”要求单项合同金额 {_wan(item.test.min_amount)}，高于本项目估算价 "
                f"{_wan(f.estimated_price)}，与项目规模不相适应：请降至估算价以内。",
            )


def _past_project_count(f: TenderFacts) -> Iterator[Breach]:
    """招标投标法实施条例 第三十二条第二项: more past projects than needed to show capacity."""
    similar = f.terms.qualification.similar_contracts
    if similar is not None and similar.count > MAX_PAST_PROJECTS:
        yield (
            "qualification.similar_contracts.count",
            f"要求 {similar.count} 个类似业绩，超过 {MAX_PAST_PROJECTS} 个可能排斥潜在投标人：请减少。",
        )


def _objective(f: TenderFacts) -> tuple[ObjectiveItem, ...]:
    return () if f.terms.scoring is None else f.terms.scoring.objective


def _rubric_total(f: TenderFacts) -> Iterator[Breach]:
    """评标委员会和评标方法暂行规定 第三十条、招标投标法实施条例 第四十九条: item maxima add up to the stated total."""
    table = f.terms.scoring
    if table is None:
        return
    if table.item_total != table.total:
        yield (
            "evaluation.total",
            f"价格分 {table.price.full_score} 分与各评分因素分值之和为 {table.item_total} 分，"
            f"与总分 {table.total} 分不符。",
        )
    named: list[tuple[str, int, str, Decimal]] = [
        *(("objective", n, i.name, i.max_score) for n, i in enumerate(table.objective)),
        *(("subjective", n, i.name, i.max_score) for n, i in enumerate(table.subjective)),
    ]
    for kind, n, name, max_score in named:
        if max_score <= 0:
            yield f"evaluation.{kind}.{n}.maximum", f"评分因素“{name}”的分值必须大于 0。"
    ids = [PRICE_ITEM, *(i.item_id for i in table.objective), *(i.item_id for i in table.subjective)]
    if len(set(ids)) != len(ids):
        yield "evaluation", "评分因素的编号重复：每个评分因素须有不同的编号。"


def _method_stated(f: TenderFacts) -> Iterator[Breach]:
    """评标委员会和评标方法暂行规定 第三十五条: the comprehensive method states its factors and weights; the lowest
    evaluated price method (第三十条) has no scoring table."""
    table = f.terms.scoring
    if f.terms.method is EvaluationMethod.COMPREHENSIVE and table is None:
        yield "evaluation.price", "综合评估法须在招标文件中载明评分因素及其分值、价格分计算方法：请填写评分表。"
    if f.terms.method is EvaluationMethod.LOWEST_EVALUATED_PRICE and table is not None:
        yield "evaluation.method", "经评审的最低投标价法不打分：请删除评分表，或改用综合评估法。"


def _objective_tests(f: TenderFacts) -> Iterator[Breach]:
    """发改法规规〔2022〕1117号 （五）: objective items carry a test every expert would apply the same way; the
    machine applies it, so the test must be complete."""
    for n, item in enumerate(_objective(f)):
        test = item.test
        if isinstance(test, CertificateTest | CreditGradeTest) and not test.grades:
            yield f"evaluation.objective.{n}.test", f"客观评分因素“{item.name}”没有列出各等级的分值。"
        if isinstance(test, CertificateTest | CreditGradeTest) and any(g.points > item.max_score for g in test.grades):
            yield f"evaluation.objective.{n}.test", f"客观评分因素“{item.name}”某等级的分值超过该项满分。"
        if isinstance(test, SimilarContractsTest) and (test.points_each <= 0 or test.within_years <= 0):
            yield f"evaluation.objective.{n}.test", f"客观评分因素“{item.name}”的业绩分值和年限须大于 0。"
        if isinstance(test, DurationTest) and (test.step_days <= 0 or test.points_per_step <= 0):
            yield f"evaluation.objective.{n}.test", f"客观评分因素“{item.name}”的工期档距和分值须大于 0。"
        if isinstance(test, StaffCountTest) and (test.count <= 0 or not test.role.strip()):
            yield f"evaluation.objective.{n}.test", f"客观评分因素“{item.name}”须写明人员岗位和人数。"


def _subjective_bands(f: TenderFacts) -> Iterator[Breach]:
    """发改法规规〔2022〕1117号 （五）: subjective items score within stated bands, not 酌情 (at discretion)."""
    table = f.terms.scoring
    for n, item in enumerate(() if table is None else table.subjective):
        if not item.bands:
            yield f"evaluation.subjective.{n}.bands", f"主观评分因素“{item.name}”没有分档标准：请写明各档分值区间。"
        elif any(b.low > b.high or b.high > item.max_score or b.low < item.min_score for b in item.bands):
            yield f"evaluation.subjective.{n}.bands", f"主观评分因素“{item.name}”的分档区间超出该项分值范围。"


def _price_formula(f: TenderFacts) -> Iterator[Breach]:
    """招标投标法实施条例 第四十九条 (catalog §4): K drawn from a stated, non-empty set inside sane bounds; deductions
    valid; the trims never drop every bid."""
    table = f.terms.scoring
    if table is None:
        return
    p = table.price
    if p.k_mode is not KMode.NONE and not p.k_values:
        yield "evaluation.price.k_values", "下浮系数 K 的取值集合为空：请列出开标时抽取 K 的候选值。"
    low, high = (K_MIN, K_MAX) if p.k_mode is KMode.TIMES_K else (Decimal(0), Decimal(1) - K_MIN)
    for n, k in enumerate(p.k_values if p.k_mode is not KMode.NONE else ()):
        if not low <= k <= high:
            yield (
                f"evaluation.price.k_values.{n}",
                f"K={k} 超出 {low}–{high}：{'过低的系数' if p.k_mode is KMode.TIMES_K else '过高的下浮率'}"
                "会把评标基准价压到成本以下。",
            )
    if len(set(p.k_values)) != len(p.k_values):
        yield "evaluation.price.k_values", "K 的候选值有重复，抽取不再等概率：请去重。"
    if p.above_per_point <= 0 or p.below_per_point < 0:
        yield "evaluation.price", "偏差扣分系数必须为正数。"
    elif p.below_per_point >= p.above_per_point:
        yield "evaluation.price.below_per_point", "低于基准价的扣分系数应小于高于基准价的扣分系数。"
    if not Decimal(0) <= p.floor <= p.full_score:
        yield "evaluation.price.floor", "价格分保底分须在 0 与价格分满分之间。"
    for n, t in enumerate(p.trims):
        if t.drop_high < 0 or t.drop_low < 0 or t.min_bids < 1:
            yield f"evaluation.price.trims.{n}", "去掉最高价、最低价的个数不能为负，适用家数至少为 1。"
        elif t.drop_high + t.drop_low >= t.min_bids:
            yield (
                f"evaluation.price.trims.{n}",
                f"有效投标人 {t.min_bids} 家时去掉 {t.drop_high} 个最高价和 {t.drop_low} 个最低价，可能一个不剩："
                "请减少去掉的个数或提高适用家数。",
            )
    if p.exclude_beyond is not None and not Decimal(0) < p.exclude_beyond < Decimal(1):
        yield "evaluation.price.exclude_beyond", "剔除偏离平均值过大报价的比例须在 0 与 100% 之间。"


def _subjective_share(f: TenderFacts) -> Iterator[Breach]:
    """发改法规规〔2022〕1117号 （五）, catalog §2.4: subjective points above 30 % of the total invite favouritism."""
    table = f.terms.scoring
    if table is not None and table.total > 0 and table.subjective_total / table.total > SUBJECTIVE_SHARE_LIMIT:
        share = (100 * table.subjective_total / table.total).quantize(Decimal("0.1"))
        yield "evaluation.subjective", f"主观分占总分 {share}%，超过 30%：请增加客观分或细化分档。"


def _grade(f: TenderFacts) -> Iterator[Breach]:
    """条例 第三十二条(二): 特级 (top-grade) qualification for a project far below its scale."""
    if f.qualification_grade and "特级" in f.qualification_grade and f.estimated_price < Decimal(300_000_000):
        yield "qualification.grade", "估算价低于 3 亿元却要求特级资质，与项目规模不相适应：请核对资质等级。"


RUBRIC_RULES: tuple[FactRule, ...] = (
    FactRule(
        rule_of("P01", "注册资本与项目规模相适应", law="条例", article="第三十二条第二项", severity=_BLOCK),
        _capital,
    ),
    FactRule(
        rule_of("P02", "营业收入与项目规模相适应", law="条例", article="第三十二条第二项", severity=_BLOCK),
        _turnover,
    ),
    FactRule(
        rule_of("P03", "类似业绩金额不高于估算价", law="条例", article="第三十二条第二项", severity=_BLOCK),
        _past_project_value,
    ),
    FactRule(
        rule_of("P04", "类似业绩个数合理", law="条例", article="第三十二条第二项", severity=_WARN),
        _past_project_count,
    ),
    FactRule(
        rule_of("P05", "资质等级与项目规模相适应", law="条例", article="第三十二条第二项", severity=_WARN),
        _grade,
    ),
    FactRule(
        rule_of("R01", "评分因素分值之和等于总分", law="12号令", article="第三十条", severity=_BLOCK),
        _rubric_total,
    ),
    FactRule(
        rule_of("R02", "评标方法与评分表相符", law="12号令", article="第三十五条", severity=_BLOCK),
        _method_stated,
    ),
    FactRule(
        rule_of("R03", "客观评分因素有客观标准", law="1117号", article="（五）", severity=_BLOCK),
        _objective_tests,
    ),
    FactRule(
        rule_of("R04", "价格分公式参数有效", law="条例", article="第四十九条", severity=_BLOCK),
        _price_formula,
    ),
    FactRule(
        rule_of("R05", "主观分占比不超过30%", law="1117号", article="（五）", severity=_BLOCK),
        _subjective_share,
    ),
    FactRule(
        rule_of("R06", "主观评分因素有分档标准", law="1117号", article="（五）", severity=_WARN),
        _subjective_bands,
    ),
)
