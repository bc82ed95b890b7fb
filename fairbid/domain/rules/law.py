"""The law versions rules belong to, with the date each version applies from (法律版本).

Searching a citation (条例16, 审查规则6…) finds the rules built on it in ``timeline``, ``rubric`` and
``text_catalog``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fairbid.domain.rules.finding import Rule, Severity

__all__ = ["LAW", "Law", "rule_of"]


@dataclass(frozen=True, slots=True)
class Law:
    """A named version of a law or rule with the dates it applies (``until`` inclusive)."""

    short: str
    version: str
    since: date
    until: date | None = None


LAW: dict[str, Law] = {
    "法": Law("招标投标法", "招标投标法(2017修正)", date(2017, 12, 28)),
    "条例": Law("招标投标法实施条例", "招标投标法实施条例(2019修订)", date(2019, 3, 2)),
    "12号令": Law("评标委员会和评标方法暂行规定", "七部委12号令(2013修订)", date(2013, 5, 1)),
    "30号令": Law("工程建设项目施工招标投标办法", "七部委30号令(2013修订)", date(2013, 5, 1)),
    "27号令": Law("工程建设项目货物招标投标办法", "七部委27号令(2013修订)", date(2013, 5, 1)),
    "电子办法": Law("电子招标投标办法", "八部委20号令(2013)", date(2013, 5, 1)),
    # 关于严格执行招标投标法规制度进一步规范招标投标主体行为的若干意见, valid to 2027-08-31
    "1117号": Law(
        "发改法规规〔2022〕1117号",
        "发改法规规〔2022〕1117号",
        date(2022, 7, 18),
        date(2027, 8, 31),
    ),
    "审查规则": Law("招标投标领域公平竞争审查规则", "国家发展改革委等2024年第16号令", date(2024, 5, 1)),
    "平台惯例": Law("Fairbid 数据质量自检（设计阈值，非法条）", "Fairbid 设计值 2026", date(2019, 3, 2)),
}


def rule_of(rule_id: str, title: str, *, law: str, article: str, severity: Severity) -> Rule:
    """A ``Rule`` citing ``article`` of the law keyed ``law`` in ``LAW`` (e.g. ``"条例", "第十六条"``)."""
    source = LAW[law]
    return Rule(
        id=rule_id,
        title=title,
        citation=f"{source.short} {article}".strip(),
        severity=severity,
        law_version=source.version,
        applies_from=source.since,
        applies_until=source.until,
    )
