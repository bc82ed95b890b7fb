"""Text rules on thresholds and points out of proportion (门槛与规模): certifications, years in business,
size, market share, fixed-period proofs, abolished qualifications. Sources: 招标投标法实施条例 第三十二条
第二项; 招标投标领域公平竞争审查规则 第六条第一项, 第七条第四项; 发改法规规〔2022〕1117号 （三）.

Rules and their citations, written whole:

- X10 发改法规规〔2022〕1117号 （三）: 以非强制认证作为资格条件
- X10W 发改法规规〔2022〕1117号 （三）: 以非强制认证加分
- X12 招标投标法实施条例 第三十二条第二项: 设置成立年限门槛
- X13 招标投标法实施条例 第三十二条第二项: 设置注册资本、资产、营业额、人数门槛
- X14 发改法规规〔2022〕1117号 （三）: 要求市场占有率或排名
- X26 招标投标领域公平竞争审查规则 第六条第一项: 要求已取消的资质或资格
- X31 招标投标领域公平竞争审查规则 第七条第四项: 按规模、注册资本、营业收入等计分
- X32 招标投标法实施条例 第三十二条第二项: 要求固定年份、连续期间的财务或纳税社保证明
"""

from __future__ import annotations

from fairbid.domain.rules.abolished import ABOLISHED, abolished_by
from fairbid.domain.rules.finding import Severity
from fairbid.domain.rules.law import rule_of
from fairbid.domain.rules.lexicon import CONDITION, GAP, NUM, REQUIRE, SCORE, compiled
from fairbid.domain.rules.text import TextRule

__all__ = ["THRESHOLD_RULES"]

_BLOCK, _WARN = Severity.BLOCK, Severity.WARN
_CERT = (
    r"(?:ISO\s*9001|ISO\s*14001|ISO\s*45001|ISO\s*27001|ISO\s*20000|OHSAS\s*18001|GB/T\s*19001|GB/T\s*24001"
    r"|GB/T\s*45001|质量管理体系认证|环境管理体系认证|职业健康安全管理体系认证|信息安全管理体系认证|CMMI|ITSS"
    r"|AAA级?信用|信用等级AAA|AAA级信用等级|3A信用|守合同重信用|高新技术企业|科技型中小企业|专精特新)"
)
_SIZE = (
    r"(?:注册资本|注册资金|实缴资本|净资产|总资产|资产总额|年?营业收入|年?营业额|年产值|职工人数|员工人数|从业人员"
    r"|利润|纳税额)"
)
_CERT_ANCHOR = compiled(r"ISO|OHSAS|GB/T|体系认证|CMMI|ITSS|AAA|3A|守合同|高新技术|科技型|专精特新")
_YEARS = r"(?:[2-9２-９两二三四五六七八九十]|1[0-9])"
_MONTHS = r"(?:1[2-9]|[2-9][0-9]|十二|十八|二十四|三十六)"

THRESHOLD_RULES: tuple[TextRule, ...] = (
    TextRule(
        rule_of("X10", "以非强制认证作为资格条件", law="1117号", article="（三）", severity=_BLOCK),
        compiled(_CERT),
        "以非强制性资质认证作为资格条件：请删除该门槛。",
        context=compiled(f"{REQUIRE}|须为|应为"),
        exempt=compiled(SCORE),
        anchor=_CERT_ANCHOR,
    ),
    TextRule(
        rule_of("X10W", "以非强制认证加分", law="1117号", article="（三）", severity=_WARN),
        compiled(_CERT),
        "以非强制性认证加分：请确认与项目履约相关，否则删除。",
        context=compiled(SCORE),
        exempt=compiled(r"不影响评分"),
        anchor=_CERT_ANCHOR,
    ),
    TextRule(
        rule_of("X12", "设置成立年限门槛", law="条例", article="第三十二条第二项", severity=_BLOCK),
        compiled(
            rf"(?:成立|经营年限|营业年限|注册成立){GAP}{{0,6}}?(?:满|不少于|不低于|不短于|达到|超过|须满|已满)\s*{NUM}\s*个?(?:年|周年)"
            rf"|成立\s*{NUM}\s*(?:年|周年)(?:以上|及以上)"
            rf"|(?:取得营业执照|营业执照签发|注册成立){GAP}{{0,10}}?(?:须满|满|已满|不少于|不低于|超过)\s*{NUM}\s*个?(?:年|周年)"
        ),
        "以企业成立年限作为门槛或计分与履约能力无关：请删除。",
        anchor=compiled(r"成立|年限|营业执照"),
    ),
    TextRule(
        rule_of("X13", "设置注册资本、资产、营业额、人数门槛", law="条例", article="第三十二条第二项", severity=_WARN),
        compiled(
            rf"{_SIZE}{GAP}{{0,8}}?(?:不少于|不低于|不得低于|达到|须达|以上|≥|>=|大于|超过)\s*(?:人民币)?\s*{NUM}\s*(?:万|亿|元|人|名)"
        ),
        "以注册资本、资产、营业额或人数设门槛：须与项目规模相适应，请核对或删除（政府采购项目不得设置）。",
        exempt=compiled(SCORE),
        anchor=compiled(r"资本|资金|资产|营业|产值|人数|从业人员|利润|纳税额"),
    ),
    TextRule(
        rule_of("X14", "要求市场占有率或排名", law="1117号", article="（三）", severity=_BLOCK),
        compiled(
            rf"市场{GAP}{{0,4}}?(?:占有率|份额)|销售排名|销量排名|行业排名|行业前\s*{NUM}\s*名|百强|500强|五百强"
            rf"|(?:规模|产值|营收|收入)排名"
        ),
        "以市场占有率、排名等作为条件或加分：请删除。",
        anchor=compiled(r"市场|排名|行业前|百强|500强|五百强"),
    ),
    TextRule(
        rule_of("X26", "要求已取消的资质或资格", law="审查规则", article="第六条第一项", severity=_BLOCK),
        compiled("|".join(a.pattern for a in ABOLISHED)),
        "要求已经取消的资质或资格：请删除",
        context=compiled(CONDITION),
        exempt=compiled(r"不作要求|不要求|无需"),
        anchor=compiled(r"资质|资格"),
        note=abolished_by,
    ),
    TextRule(
        rule_of("X31", "按规模、注册资本、营业收入等计分", law="审查规则", article="第七条第四项", severity=_BLOCK),
        compiled(rf"{_SIZE}[^。；;\n]{{0,24}}?{SCORE}|{_SIZE}(?:规模)?(?:排名|排序)"),
        "按投标人的规模、注册资本、资产、营业收入或人数设置差异性得分：请删除。",
        anchor=compiled(r"资本|资金|资产|营业|产值|人数|从业人员|利润|纳税额"),
    ),
    TextRule(
        rule_of(
            "X32", "要求固定年份、连续期间的财务或纳税社保证明", law="条例", article="第三十二条第二项", severity=_WARN
        ),
        compiled(
            rf"(?:20\d\d年(?:度)?[、，,和及至-]?\s*){{2,}}{GAP}{{0,8}}?(?:经审计|审计报告|财务报告|财务报表)"
            rf"|连续{GAP}{{0,4}}?(?:{_YEARS}\s*年|{_MONTHS}\s*个月)?{GAP}{{0,10}}?(?:经审计|审计|财务|纳税|缴纳税收|完税|社保|社会保险|盈利)"
            rf"|近\s*{_MONTHS}\s*个月{GAP}{{0,4}}?连续"
            r"|连续盈利"
        ),
        "要求固定年份或连续期间的财务、纳税或社保证明，会排除新成立的企业：请允许以信用承诺替代，成立不足期限的按实际提供。",
        context=compiled(REQUIRE),
        exempt=compiled(r"成立不足|新成立|承诺函|承诺书|按实际|可提供"),
        anchor=compiled(r"审计|财务|连续"),
    ),
)
