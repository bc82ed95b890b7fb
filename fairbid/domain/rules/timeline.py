"""Timeline, amount and committee rules over ``TenderFacts`` (rules-catalog §1, 数值与时限).

Days are calendar days (日) counted on China Standard Time dates; the first day is not counted
(民法典 第二百零一条), so a sale from the 1st to the 6th lasts 5 days.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

from fairbid.domain.calendar import BEIJING
from fairbid.domain.rules.facts import Breach, FactRule, ProjectType, TenderFacts
from fairbid.domain.rules.finding import Severity
from fairbid.domain.rules.law import rule_of

__all__ = ["TIMELINE_RULES", "days_between"]

_BLOCK, _WARN = Severity.BLOCK, Severity.WARN
SECURITY_CAP = Decimal(800_000)  # 80万元 for works and goods (30号令 第三十七条, 27号令 第二十七条)


def days_between(start: datetime, end: datetime) -> int:
    """Calendar days from ``start`` to ``end`` on Beijing dates, the first day not counted."""
    return (end.astimezone(BEIJING).date() - start.astimezone(BEIJING).date()).days


def _sale_period(f: TenderFacts) -> Iterator[Breach]:
    """条例 第十六条: the sale period (发售期) is at least 5 days."""
    if f.sale_end <= f.sale_start:
        yield "schedule.sale_end", "发售截止时间必须晚于发售开始时间。"
    elif (days := days_between(f.sale_start, f.sale_end)) < 5:
        yield "schedule.sale_end", f"招标文件发售期只有 {days} 日，不得少于 5 日：请推迟发售截止时间。"


def _issue_to_deadline(f: TenderFacts) -> Iterator[Breach]:
    """法 第二十四条: from issue to the bid deadline at least 20 days."""
    days = days_between(f.sale_start, f.bid_deadline)
    if days < 20:
        yield (
            "schedule.bid_deadline",
            f"自招标文件开始发出之日至投标截止之日只有 {days} 日，最短不得少于 20 日：请推迟投标截止时间。",
        )
    if f.bid_deadline < f.sale_end:
        yield "schedule.bid_deadline", "投标截止时间早于招标文件发售截止时间：请调整时间安排。"


def _bid_security_ratio(f: TenderFacts) -> Iterator[Breach]:
    """条例 第二十六条: bid security at most 2% of the estimated price (估算价)."""
    security = f.terms.security.amount
    if security > f.estimated_price * Decimal("0.02"):
        limit = (f.estimated_price * Decimal("0.02")).quantize(Decimal("0.01"))
        yield (
            "bid_security.amount",
            f"投标保证金 {security} 元超过估算价的 2%（{limit} 元）：请降至 {limit} 元以内。",
        )


def _bid_security_cap(f: TenderFacts) -> Iterator[Breach]:
    """30号令 第三十七条 / 27号令 第二十七条: works and goods bid security at most 80万元."""
    if f.project_type in (ProjectType.WORKS, ProjectType.GOODS) and f.terms.security.amount > SECURITY_CAP:
        yield (
            "bid_security.amount",
            f"施工、货物招标的投标保证金最高不得超过 80 万元，现为 {f.terms.security.amount} 元。",
        )


def _bid_security_validity(f: TenderFacts) -> Iterator[Breach]:
    """条例 第二十六条: the bid security stays valid exactly as long as the bids do."""
    v = f.terms.security.validity_days
    if f.terms.security.amount > 0 and v is not None and v != f.terms.bid_validity_days:
        yield (
            "bid_security.validity_days",
            f"投标保证金有效期 {v} 日应与投标有效期 {f.terms.bid_validity_days} 日一致。",
        )


def _performance_security(f: TenderFacts) -> Iterator[Breach]:
    """条例 第五十八条: performance security at most 10% of the contract price."""
    if f.performance_security_percent is not None and f.performance_security_percent > 10:
        yield (
            "contract.performance_security_percent",
            f"履约保证金为合同价的 {f.performance_security_percent}%，不得超过 10%。",
        )


def _committee(f: TenderFacts) -> Iterator[Breach]:
    """招标投标法 第三十七条: a committee of 5 or more, odd, technical and economic experts at least 2/3, the rest
    the tenderee's representatives."""
    c = f.terms.committee
    if c.size < 5:
        yield "committee.size", f"评标委员会 {c.size} 人，应为 5 人以上单数。"
    elif c.size % 2 == 0:
        yield "committee.size", f"评标委员会 {c.size} 人，应为单数。"
    if c.drawn + c.representatives != c.size:
        yield (
            "committee.experts",
            f"抽取专家 {c.drawn} 人与招标人代表 {c.representatives} 人之和应等于评标委员会人数 {c.size} 人。",
        )
    elif 3 * c.drawn < 2 * c.size:
        yield (
            "committee.experts",
            f"技术、经济等方面的专家 {c.drawn} 人，不得少于成员总数 {c.size} 人的三分之二。",
        )
    if any(n <= 0 or not s.strip() for s, n in c.experts):
        yield "committee.experts", "每个专业须写明专业代码和抽取人数（大于 0）。"


def _bid_validity_stated(f: TenderFacts) -> Iterator[Breach]:
    """条例 第二十五条: the bid validity (投标有效期) must be stated."""
    if f.terms.bid_validity_days <= 0:
        yield "schedule.bid_validity_days", "招标文件应当载明投标有效期：请填写投标有效期（日）。"


def _bid_validity_room(f: TenderFacts) -> Iterator[Breach]:
    """条例 第二十五条, 12号令 第四十条: award ≥30 working days (≈42 days) before the validity ends."""
    if 0 < f.terms.bid_validity_days < 60:
        yield (
            "schedule.bid_validity_days",
            f"投标有效期 {f.terms.bid_validity_days} 日偏短："
            "评标、定标须在有效期结束前 30 个工作日完成，建议不少于 60 日。",
        )


def _publicity(f: TenderFacts) -> Iterator[Breach]:
    """条例 第五十四条: candidate publicity (公示) at least 3 days."""
    if f.publicity_days < 3:
        yield "schedule.publicity_days", f"中标候选人公示期 {f.publicity_days} 日，不得少于 3 日。"


def _ceiling(f: TenderFacts) -> Iterator[Breach]:
    """条例 第二十七条: a ceiling price, if set, is published; no price floor (最低投标限价)."""
    if f.price_floor is not None:
        yield "price_floor", "招标人不得规定最低投标限价：请删除最低限价。"


def _price_units(f: TenderFacts) -> Iterator[Breach]:
    """数据质量自检: the ceiling against the estimate catches 元/万元 slips (catalog §7)."""
    if f.ceiling_price is not None and f.ceiling_price > f.estimated_price * Decimal("1.2"):
        yield (
            "ceiling_price",
            "最高投标限价高于估算价的 120%：请核对金额单位（元/万元）或估算价。",
        )
    if f.ceiling_price is not None and f.ceiling_price * 100 < f.estimated_price:
        yield "ceiling_price", "最高投标限价不足估算价的 1%：请核对金额单位（元/万元）。"


def _decryption_window(f: TenderFacts) -> Iterator[Breach]:
    """不见面开标 decryption window: 10–30 minutes is the common setting (catalog T30, unverified)."""
    if not 10 <= f.decryption_minutes <= 120:
        yield (
            "schedule.decryption_minutes",
            f"解密时限 {f.decryption_minutes} 分钟不合常规：通常为 10–30 分钟，请核对。",
        )


TIMELINE_RULES: tuple[FactRule, ...] = (
    FactRule(rule_of("T01", "发售期不少于5日", law="条例", article="第十六条", severity=_BLOCK), _sale_period),
    FactRule(
        rule_of("T03", "发出至投标截止不少于20日", law="法", article="第二十四条", severity=_BLOCK),
        _issue_to_deadline,
    ),
    FactRule(
        rule_of("T09", "投标保证金不超过估算价2%", law="条例", article="第二十六条", severity=_BLOCK),
        _bid_security_ratio,
    ),
    FactRule(
        rule_of("T10", "施工货物投标保证金不超过80万元", law="30号令", article="第三十七条", severity=_BLOCK),
        _bid_security_cap,
    ),
    FactRule(
        rule_of("T09V", "保证金有效期与投标有效期一致", law="条例", article="第二十六条", severity=_BLOCK),
        _bid_security_validity,
    ),
    FactRule(
        rule_of("T12", "履约保证金不超过合同价10%", law="条例", article="第五十八条", severity=_BLOCK),
        _performance_security,
    ),
    FactRule(
        rule_of("T13", "评标委员会5人以上单数、专家不少于2/3", law="法", article="第三十七条", severity=_BLOCK),
        _committee,
    ),
    FactRule(
        rule_of("T21", "载明投标有效期", law="条例", article="第二十五条", severity=_BLOCK),
        _bid_validity_stated,
    ),
    FactRule(
        rule_of("T21W", "投标有效期足以完成评标定标", law="12号令", article="第四十条", severity=_WARN),
        _bid_validity_room,
    ),
    FactRule(rule_of("T17", "公示期不少于3日", law="条例", article="第五十四条", severity=_BLOCK), _publicity),
    FactRule(rule_of("T23", "不得设最低投标限价", law="条例", article="第二十七条", severity=_BLOCK), _ceiling),
    FactRule(
        rule_of("U01", "限价与估算价比例合理（单位核对）", law="平台惯例", article="", severity=_WARN),
        _price_units,
    ),
    FactRule(
        rule_of("T30", "解密时限合乎常规", law="电子办法", article="第二十九条", severity=_WARN),
        _decryption_window,
    ),
)
