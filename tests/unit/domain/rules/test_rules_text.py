"""Text rules: spans, negations, quoted law, "或相当于", and the catalog as data (catalog §2)."""

from __future__ import annotations

from datetime import date

import pytest

from fairbid.domain.errors import RuleViolation
from fairbid.domain.rules import TEXT_RULES, Severity, blocking, check_text, raise_if_blocking, rule, rules

ON = date(2026, 11, 27)


def test_text_finding_carries_exact_span_rule_and_citation() -> None:
    text = "一、资格要求。投标人须在本市设立分公司。"
    [found] = check_text(text, on=ON)
    assert found.span is not None
    assert text[found.span.start : found.span.end] == found.span.text == "本市设立分公司"
    assert (found.rule, found.severity, found.citation) == (
        "X03",
        Severity.BLOCK,
        "招标投标领域公平竞争审查规则 第六条第二项",
    )
    assert found.message


def test_prohibition_before_the_match_is_not_a_violation() -> None:
    assert check_text("招标人不得要求投标人在本地设立分支机构或缴纳社保。", on=ON) == []


def test_disclaimer_after_the_match_is_not_a_violation() -> None:
    assert check_text("本市完成的业绩不作为加分条件。", on=ON) == []


def test_disclaimer_turned_round_by_non_is_a_violation() -> None:
    assert [f.rule for f in check_text("非本市业绩不予计分。", on=ON)] == ["X01"]


def test_quoted_law_is_not_a_violation() -> None:
    text = "《招标投标领域公平竞争审查规则》第六条规定：“不得要求经营主体在本地注册设立分支机构，在本地缴纳社会保险”。"
    assert check_text(text, on=ON) == []


def test_equivalent_clause_lifts_the_brand_rule() -> None:
    assert check_text("配电柜断路器采用施耐德品牌或相当于。", on=ON) == []
    assert [f.rule for f in check_text("配电柜断路器采用施耐德品牌。", on=ON)] == ["X07"]


def test_spans_index_the_whole_text_across_sentences() -> None:
    text = "第一条 一般要求。\n第二条 投标人须于开标前到代理机构报名。\n第三条 法定代表人须到场参加开标会。"
    found = check_text(text, on=ON)
    assert [f.rule for f in found] == ["X08", "X09"]
    assert all(text[f.span.start : f.span.end] == f.span.text for f in found if f.span)
    assert blocking(found)


def test_text_rules_respect_their_dates() -> None:
    # 审查规则 applies from 2024-05-01: its local-branch rule does not run on a 2024-04-30 check.
    assert check_text("投标人须在本市设立分公司。", on=date(2024, 4, 30)) == []


def test_every_rule_has_citation_version_and_start_date() -> None:
    for r in rules():
        assert r.id and r.title and r.citation and r.law_version
        assert r.applies_from <= ON or r.applies_until is not None
    assert len({t.rule.id for t in TEXT_RULES}) == len(TEXT_RULES)
    assert rule("X01").citation == "招标投标法实施条例 第三十二条第三项"


def test_raise_if_blocking_names_the_first_blocking_rule() -> None:
    found = check_text("投标人须在本市设立分公司。开标时法定代表人须亲自到场。", on=ON)
    with pytest.raises(RuleViolation) as info:
        raise_if_blocking(found)
    assert info.value.rule == "X03" and info.value.citation.endswith("第六条第二项")
    assert "1 more blocking" in info.value.detail


def test_raise_if_blocking_passes_warnings() -> None:
    raise_if_blocking(check_text("施工组织设计由评委酌情打分。", on=ON))
