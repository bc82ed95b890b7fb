"""Place names in the text rules: the gazetteer masks named places (same length), the rules see them as
local, spans and clauses quote the original text; severities order; abolished qualifications name their act."""

from __future__ import annotations

from datetime import date

import pytest

from fairbid.domain.rules import Severity, check_text
from fairbid.domain.rules.place import PLACE_MARK, Division, Level, gazetteer
from fairbid.domain.rules.text import scan
from fairbid.domain.rules.text_catalog import TEXT_RULES

ON = date(2026, 11, 27)
PLACES = gazetteer(
    [
        Division("430000", "湖南省", "湖南", Level.PROVINCE),
        Division("110000", "北京市", "北京", Level.PROVINCE),
        Division("430100", "长沙市", "长沙", Level.PREFECTURE),
        Division("430121", "长沙县", "长沙县", Level.COUNTY),
        Division("430181", "浏阳市", "浏阳", Level.COUNTY),
        Division("542500", "阿里地区", "阿里", Level.PREFECTURE),
    ]
)


def test_mask_keeps_length_and_prefers_the_longest_name() -> None:
    text = "在长沙县、长沙市和湖南设有网点"
    masked = PLACES.mask(text)
    assert len(masked) == len(text)
    assert masked == "在" + PLACE_MARK * 3 + "、" + PLACE_MARK * 3 + "和" + PLACE_MARK * 2 + "设有网点"


def test_mask_skips_county_short_forms_ambiguous_short_forms_and_times() -> None:
    assert PLACES.mask("浏阳设有网点") == "浏阳设有网点"  # a two-character county short form
    assert PLACES.mask("浏阳市设有网点").startswith(PLACE_MARK * 3)
    assert PLACES.mask("阿里云的业绩") == "阿里云的业绩"  # 阿里 is searched only as 阿里地区
    assert PLACES.mask("北京时间9时截止") == "北京时间9时截止"


def test_named_place_is_local_only_with_the_gazetteer() -> None:
    text = "投标人须在长沙设有分公司。"
    assert check_text(text, on=ON) == []
    [found] = check_text(text, on=ON, places=PLACES)
    assert found.rule == "X03" and found.span is not None
    assert found.span.text == "长沙设有分公司" == text[found.span.start : found.span.end]


def test_finding_carries_the_clause_around_its_span() -> None:
    text = "第一条 一般要求。\n  第二条 投标人近三年须有在长沙市完成的类似业绩。\n第三条 其他。"
    [found] = check_text(text, on=ON, places=PLACES)
    assert found.clause is not None and found.span is not None
    assert found.clause.text == "第二条 投标人近三年须有在长沙市完成的类似业绩"
    assert text[found.clause.start : found.clause.end] == found.clause.text
    assert found.clause.start <= found.span.start < found.span.end <= found.clause.end


def test_scan_refuses_a_masked_text_of_another_length() -> None:
    with pytest.raises(ValueError, match="length"):
        scan("本市", TEXT_RULES, masked="本")


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("在本市设有售后服务机构的得3分，在省内其他城市设有的得1分。", "X03"),
        ("承诺中标后在本县设立服务机构的，得1分。", "X03"),
        ("获得市级文明工地称号的，每项得0.5分。", "X22"),
        ("外省建筑企业须办理入湘备案手续后方可投标。", "X23"),
        ("投标人须缴纳诚信保证金5万元。", "X30"),
        ("投标人近三年年均营业收入超过2亿元的，加2分。", "X31"),
        ("承诺接到通知后30分钟内到达现场的得3分，1小时内到达的得2分。", "X34"),
        ("投标人须在长沙市公共资源交易中心诚信库登记入库。", "X23"),
    ],
)
def test_category_rules_catch_graded_scoring_and_threshold_forms(text: str, rule: str) -> None:
    assert rule in {f.rule for f in check_text(text, on=ON, places=PLACES)}


@pytest.mark.parametrize(
    "text",
    [
        "中标人承诺中标后在本市提供本地化售后服务（不作为评分因素）。",
        "投标保证金可以现金、银行保函、保证保险或担保公司保函等形式提交。",
        "本项目专门面向中小企业采购，供应商须提供中小企业声明函。",
        "招标文件在交易平台免费下载，不设现场获取环节。",
        "分公司可以凭总公司的授权以总公司名义参加投标。",
        "项目名称：长沙市某小学改扩建工程，建设地点位于长沙市。",
    ],
)
def test_lawful_near_neighbours_are_not_flagged(text: str) -> None:
    assert check_text(text, on=ON, places=PLACES) == []


def test_abolished_qualification_names_the_abolishing_act() -> None:
    [found] = check_text("投标人须具有城市园林绿化企业二级资质。", on=ON)
    assert found.rule == "X26" and "国发〔2017〕46号" in found.message


def test_severity_order_for_minimum_filters() -> None:
    assert Severity.BLOCK.at_least(Severity.WARN) and Severity.WARN.at_least(Severity.REVIEW)
    assert not Severity.REVIEW.at_least(Severity.WARN)
    assert not Severity.REVIEW.at_least(Severity.BLOCK)
