"""Proportionality (条例 第三十二条(二)) and scoring-rubric consistency rules (rules-catalog §2.4, §4).

The proportionality thresholds are design values (catalog [U]): a requirement above the estimated price
itself is out of proportion with the project; drafters may still justify it to a human reviewer.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from fairbid.domain.rules.facts import Breach, EvaluationMethod, FactRule, TenderFacts
from fairbid.domain.rules.finding import Severity
from fairbid.domain.rules.law import rule_of

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
    """条例 第三十二条(二): one past project larger than the project itself (catalog: >1× estimate)."""
    if f.past_project_value_min is not None and f.past_project_value_min > f.estimated_price:
        yield (
            "qualification.past_project_value_min",
            f"类似业绩单项金额要求 {_wan(f.past_project_value_min)} 高于本项目估算价：请降至估算价以内。",
        )


def _past_project_count(f: TenderFacts) -> Iterator[Breach]:
    """条例 第三十二条(二): more past projects than needed to show capacity."""
    if f.past_project_count > MAX_PAST_PROJECTS:
        yield (
            "qualification.past_project_count",
            f"要求 {f.past_project_count} 个类似业绩，超过 {MAX_PAST_PROJECTS} 个可能排斥潜在投标人：请减少。",
        )


def _rubric_total(f: TenderFacts) -> Iterator[Breach]:
    """12号令 第三十条、条例 第四十九条: item maxima add up to the stated total."""
    if f.evaluation_method is EvaluationMethod.COMPREHENSIVE and f.rubric:
        total = sum((i.maximum for i in f.rubric), Decimal(0))
        if total != f.rubric_total:
            yield "evaluation.items", f"各评分因素分值之和为 {total} 分，与总分 {f.rubric_total} 分不符。"
        for n, item in enumerate(f.rubric):
            if item.maximum <= 0:
                yield f"evaluation.items.{n}.maximum", f"评分因素“{item.name}”的分值必须大于 0。"


def _rubric_stated(f: TenderFacts) -> Iterator[Breach]:
    """12号令 第三十五条: the comprehensive method states its factors and weights."""
    if f.evaluation_method is EvaluationMethod.COMPREHENSIVE and not f.rubric:
        yield "evaluation.items", "综合评估法须在招标文件中载明评分因素及其分值：请填写评分表。"


def _objective_tests(f: TenderFacts) -> Iterator[Breach]:
    """1117号(五): objective items carry a test every expert applies the same way."""
    for n, item in enumerate(f.rubric):
        if item.objective and not item.is_price and not item.test.strip():
            yield f"evaluation.items.{n}.test", f"客观评分因素“{item.name}”没有可量化的评分标准：请写明条件。"


def _subjective_bands(f: TenderFacts) -> Iterator[Breach]:
    """1117号(五): subjective items score within stated bands, not 酌情 (at discretion)."""
    for n, item in enumerate(f.rubric):
        if not item.objective and not item.test.strip():
            yield f"evaluation.items.{n}.test", f"主观评分因素“{item.name}”没有分档标准：请写明各档分值区间。"


def _price_formula(f: TenderFacts) -> Iterator[Breach]:
    """条例 第四十九条 (catalog §4): K set inside sane bounds, penalties valid, price item present."""
    p = f.price_formula
    if p is None:
        if f.evaluation_method is EvaluationMethod.COMPREHENSIVE and any(i.is_price for i in f.rubric):
            yield "evaluation.price_formula", "评分表含价格分，但未载明价格分计算公式。"
        return
    if not p.k_values:
        yield "evaluation.price_formula.k_values", "下浮系数 K 的取值集合为空：请列出开标时抽取 K 的候选值。"
    for n, k in enumerate(p.k_values):
        if not K_MIN <= k <= K_MAX:
            yield (
                f"evaluation.price_formula.k_values.{n}",
                f"下浮系数 K={k} 超出 {K_MIN}–{K_MAX}：过低的 K 会把评标基准价压到成本以下。",
            )
    if len(set(p.k_values)) != len(p.k_values):
        yield "evaluation.price_formula.k_values", "下浮系数 K 的候选值有重复，抽取不再等概率：请去重。"
    if p.above_penalty <= 0 or p.below_penalty < 0:
        yield "evaluation.price_formula", "偏差扣分系数必须为正数。"
    elif p.below_penalty >= p.above_penalty:
        yield "evaluation.price_formula.below_penalty", "低于基准价的扣分系数应小于高于基准价的扣分系数。"
    price_items = [i for i in f.rubric if i.is_price]
    if price_items and p.full_score != price_items[0].maximum:
        yield "evaluation.price_formula.full_score", "价格分满分与评分表中价格分分值不一致。"


def _subjective_share(f: TenderFacts) -> Iterator[Breach]:
    """1117号(五), catalog §2.4: subjective points above 30% of the total invite favouritism."""
    subjective = sum((i.maximum for i in f.rubric if not i.objective), Decimal(0))
    if f.rubric and f.rubric_total > 0 and subjective / f.rubric_total > SUBJECTIVE_SHARE_LIMIT:
        share = (100 * subjective / f.rubric_total).quantize(Decimal("0.1"))
        yield "evaluation.items", f"主观分占总分 {share}%，超过 30%：请增加客观分或细化分档。"


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
        rule_of("R02", "综合评估法载明评分因素和分值", law="12号令", article="第三十五条", severity=_BLOCK),
        _rubric_stated,
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
        rule_of("R05", "主观分占比不超过30%", law="1117号", article="（五）", severity=_WARN),
        _subjective_share,
    ),
    FactRule(
        rule_of("R06", "主观评分因素有分档标准", law="1117号", article="（五）", severity=_WARN),
        _subjective_bands,
    ),
)
