"""The rule catalog as data and its checks (招标文件核验): structured facts, free text, amendments.

>>> from datetime import date
>>> [f.rule for f in check_text("投标人须在本市设立分公司。", on=date(2026, 6, 1))]
['X03']
"""

from fairbid.domain.rules.amendment import amended_deadline
from fairbid.domain.rules.catalog import FACT_RULES, TEXT_RULES, check_facts, check_text, rule, rules
from fairbid.domain.rules.facts import Breach, FactRule, ProjectType, TenderFacts
from fairbid.domain.rules.finding import Finding, Rule, Severity, Span, blocking, raise_if_blocking
from fairbid.domain.rules.place import Division, Gazetteer, Level, gazetteer
from fairbid.domain.rules.text import TextRule

__all__ = [
    "FACT_RULES",
    "TEXT_RULES",
    "Breach",
    "Division",
    "FactRule",
    "Finding",
    "Gazetteer",
    "Level",
    "ProjectType",
    "Rule",
    "Severity",
    "Span",
    "TenderFacts",
    "TextRule",
    "amended_deadline",
    "blocking",
    "check_facts",
    "check_text",
    "gazetteer",
    "raise_if_blocking",
    "rule",
    "rules",
]
