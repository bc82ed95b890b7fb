"""Text rules on locality (地方保护): local track record, awards, branches, taxes, registration, bodies,
certificates, products and proximity. Sources: 招标投标法实施条例 第三十二条第三项; 招标投标领域公平竞争审查规则
第五条第十项, 第六条第二至六项, 第七条第三项; 发改法规规〔2022〕1117号 （三）.
"""

from __future__ import annotations

from fairbid.domain.rules.finding import Severity
from fairbid.domain.rules.law import rule_of
from fairbid.domain.rules.lexicon import (
    AWARD,
    CONDITION,
    GAP,
    LEVEL,
    LOCAL,
    LOCAL_AWARD_NAME,
    LOCAL_BODY,
    NUM,
    OUTSIDER,
    SCORE,
    compiled,
)
from fairbid.domain.rules.text import TextRule

__all__ = ["LOCAL_RULES"]

_BLOCK, _WARN = Severity.BLOCK, Severity.WARN
_DID = r"(?:承接过|承建过|完成过|参与过|实施过|服务过|提供过|承担过|主持完成)"
_TRACK = r"(?:业绩|奖项|获奖|奖|荣誉|优质工程|项目经验|施工经验|经验|经历|类似工程|类似项目|同类项目|同类工程|承接过)"
_BRANCH = (
    r"(?:分支机构|分公司|子公司|办事处|常设(?:办事)?机构|常驻机构|服务网点|(?:售后)?服务(?:机构|站|中心|网点)|售后网点|维修站点?|维修点"
    r"|技术服务中心|服务站|驻点|服务团队|办公场所|经营场所|办公地点|仓库)"
)
_PROMISE_ONLY = (
    r"^(?!.*(?:得\s*[0-9一二三四五六七八九十.]*\s*分|加\s*[0-9一二三四五六七八九十.]*\s*分|加分|得分|不得分|优先)).*"
)

LOCAL_RULES: tuple[TextRule, ...] = (
    TextRule(
        rule_of("X01", "特定区域业绩、奖项作为加分或中标条件", law="条例", article="第三十二条第三项", severity=_BLOCK),
        compiled(
            rf"{LOCAL}{GAP}{{0,20}}?{_TRACK}"
            rf"|(?:业绩|奖项|获奖|经验){GAP}{{0,10}}?(?:须|必须|应当?|限于|仅限|在|位于|属于)(?:为|在|是|于)?{LOCAL}"
            rf"|{LOCAL}(?:承建|承接|完成|实施){GAP}{{0,20}}?(?:项目|工程)"
            rf"|{_DID}{GAP}{{0,4}}?{LOCAL}{GAP}{{0,24}}?(?:项目|工程|服务|村)"
            rf"|{LOCAL}{GAP}{{0,14}}?(?:提供过|服务过|承接过|完成过|实施过|承建过)"
            rf"|(?:省|市|县|区)级?(?:重点|示范|试点)(?:工程|项目){GAP}{{0,8}}?(?:业绩|经验)"
        ),
        "以特定行政区域的业绩、经验或奖项作为资格、加分或中标条件：请改为不限地域的类似业绩，按工程性质和规模界定。",
        anchor=compiled(r"业绩|奖|荣誉|工程|项目|承接|经验|经历|服务|村"),
    ),
    TextRule(
        rule_of("X02", "特定行业业绩、奖项作为加分或中标条件", law="条例", article="第三十二条第三项", severity=_BLOCK),
        compiled(
            rf"[\u4e00-\u9fa5\ue000]{{2,4}}(?:系统|行业)内(?:部)?{GAP}{{0,12}}?(?:业绩|奖项|获奖|工程|项目|经验)"
            rf"|(?:业绩|奖项){GAP}{{0,10}}?(?:须|必须|应当?|限于|仅限){GAP}{{0,4}}?[\u4e00-\u9fa5\ue000]{{2,4}}(?:系统|行业)(?:内|的)"
            rf"|仅认可[\u4e00-\u9fa5\ue000]{{2,4}}(?:系统|行业)"
        ),
        "以特定行业（系统）的业绩或奖项作为条件：类似业绩应按工程性质和规模界定，不限行业。",
        anchor=compiled(r"系统|行业"),
    ),
    TextRule(
        rule_of("X03", "要求设立本地分支机构或服务网点", law="审查规则", article="第六条第二项", severity=_BLOCK),
        compiled(
            rf"{LOCAL}{GAP}{{0,10}}?{_BRANCH}"
            rf"|{_BRANCH}{GAP}{{0,4}}?(?:须|必须|应当?)?(?:位于|设在|设于){LOCAL}"
        ),
        "要求在本地设立分支机构、服务网点或按其所在地计分（含承诺设立计分）：可改为中标后承诺提供服务，不作评分因素。",
        context=compiled(f"{CONDITION}|设有|设立|拥有|成立"),
        exempt=compiled(rf"{_PROMISE_ONLY}(?:中标后(?!不)|成交后|签订合同后|合同签订后|承诺)"),
        anchor=compiled(
            r"分支机构|分公司|子公司|办事处|常设|常驻机构|网点|服务机构|维修|场所|服务站|服务中心|驻点|服务团队|办公地点|仓库"
        ),
    ),
    TextRule(
        rule_of("X04", "要求在本地缴纳税收、社保", law="审查规则", article="第六条第二项", severity=_BLOCK),
        compiled(
            rf"{LOCAL}{GAP}{{0,12}}?(?:税收|纳税|税款|完税|社保|社会保险|养老保险|个人所得税|参保|税务登记)"
            rf"|(?:税收|纳税|社保|社会保险|养老保险|医疗保险){GAP}{{0,8}}?(?:须|必须|应)?(?:在|于){LOCAL}"
            rf"|(?:缴纳地|参保地|纳税地|缴交地)(?:须|应)?(?:为|在|是){LOCAL}"
        ),
        "要求在本地缴纳税收或社会保险：请删除，可要求在投标人本单位缴纳社保。",
        exempt=compiled(r"计取|费率|计价|报价|计入"),
        anchor=compiled(r"税|社保|社会保险|养老保险|医疗保险|参保|缴纳地|缴交地"),
    ),
    TextRule(
        rule_of("X05", "限定注册地址或所在地", law="1117号", article="（三）", severity=_BLOCK),
        compiled(
            rf"(?:注册地|注册地址|注册所在地|住所地|营业执照注册地|企业所在地|工商注册地){GAP}{{0,8}}?(?:须|必须|应当?|限于|限定|仅限)"
            rf"|(?:注册地|注册地址|住所地|所在地)(?:须|应)?(?:在|为|位于|属于){LOCAL}"
            rf"|{OUTSIDER}(?:注册的?)?(?:企业|投标人|供应商|单位|公司)"
            rf"|{LOCAL}{GAP}{{0,12}}?(?:注册|登记)的?(?:企业|投标人|供应商|单位|公司|法人)"
        ),
        "限定投标人的注册地址或所在地：请删除地域限制。",
        anchor=compiled(r"注册|住所地|所在地|外地|外省|外市|外县|省外|市外|非本|区外|县外|登记"),
    ),
    TextRule(
        rule_of("X15", "要求行业协会会员资格", law="审查规则", article="第六条第五项", severity=_BLOCK),
        compiled(rf"(?:协会|商会|学会|联合会){GAP}{{0,6}}?(?:会员|理事|会长|副会长)|(?:会员|理事|副?会长)单位"),
        "要求行业组织成员身份或按其计分：请删除。",
        context=compiled(f"{CONDITION}|为"),
        exempt=compiled(r"自愿|不影响"),
        anchor=compiled(r"会员|理事|会长"),
    ),
    TextRule(
        rule_of("X22", "地方奖项、荣誉、称号作为加分或门槛", law="审查规则", article="第六条第三项", severity=_BLOCK),
        compiled(
            rf"{LEVEL}(?:及以上)?{GAP}{{0,12}}?{AWARD}"
            rf"|{LOCAL_AWARD_NAME}"
            rf"|{LOCAL}{GAP}{{0,14}}?(?:称号|诚信企业|信用企业|十佳|先进(?:企业|单位)|优秀(?:企业|项目经理|民营企业)|纳税大户|表彰)"
            rf"|(?:被|获)评?{LOCAL}{GAP}{{0,10}}?(?:评为|授予)"
        ),
        "以地方（省、市、县）颁发的奖项、荣誉或称号计分或作门槛：请删除，或只认可国家级且与履约相关的奖项。",
        context=compiled(f"{CONDITION}|为"),
        exempt=compiled(r"争创|创优|申报|目标"),
        anchor=compiled(
            r"奖|杯|称号|荣誉|表彰|先进|优秀|十佳|诚信|信用企业|工地|守合同|纳税大户|优质工程|评为|授予|白玉兰"
        ),
    ),
    TextRule(
        rule_of("X23", "要求在本地备案、登记、入库或注册", law="审查规则", article="第六条第六项", severity=_BLOCK),
        compiled(
            rf"(?:入|进)(?![场入行户驻])[\u4e00-\u9fa5\ue000]{{1,2}}{GAP}{{0,8}}?(?:备案|登记)"
            rf"|{OUTSIDER}{GAP}{{0,24}}?(?:备案|登记|入库)"
            rf"|{LOCAL}{GAP}{{0,20}}?(?:备案|登记|注册(?!的?(?:企业|投标人|供应商|单位|公司|法人|成立|地))|入库|诚信库)"
            rf"|(?:省|市|县|区|州)[\u4e00-\u9fa5\ue000]{{0,6}}?{LOCAL_BODY}{GAP}{{0,8}}?(?:备案|登记|注册|入库)"
        ),
        "要求在本地主管部门、交易中心或分中心备案、登记、注册或入库：请删除，以全国统一的主体信息登记为准。",
        context=compiled(f"{CONDITION}|办理|完成"),
        exempt=compiled(r"不设地域|不限地域|不受地域|全国(?:公共资源交易平台|建筑市场监管)|施工许可|无需|不需"),
        anchor=compiled(r"备案|登记|注册|入库|诚信库"),
    ),
    TextRule(
        rule_of(
            "X27", "要求特定地区颁发的培训证、上岗证等人员证书", law="审查规则", article="第六条第四项", severity=_BLOCK
        ),
        compiled(
            rf"{LOCAL}{GAP}{{0,18}}?(?:培训证|培训合格证|上岗证|考核合格证|岗位证书|岗位培训合格证|备案证|造价员证|安全员证"
            rf"|资格证书?|证书)"
        ),
        "要求人员持有特定地区颁发的培训、上岗或岗位证书：请改为全国通用的法定执业资格或不限发证地。",
        context=compiled(CONDITION),
        exempt=compiled(r"不限|全国通用|营业执照"),
        anchor=compiled(r"证"),
    ),
    TextRule(
        rule_of("X33", "按产品产地或本地企业、劳务区别对待", law="审查规则", article="第七条第三项", severity=_BLOCK),
        compiled(
            rf"{LOCAL}{GAP}{{0,10}}?(?:生产|制造|出产)的?{GAP}{{0,6}}?(?:产品|材料|建材|设备|商品|货物)?"
            rf"|(?:产地|原产地|生产地){GAP}{{0,4}}?(?:在|为|位于|属于){LOCAL}"
            rf"|{LOCAL}{GAP}{{0,6}}?(?:劳务队伍|劳务人员|劳务企业|供应商|企业|厂家)(?:生产|供应|提供)"
            rf"|(?:使用|采用|采购|选用){LOCAL}{GAP}{{0,6}}?(?:劳务|产品|材料|企业)"
        ),
        "按产品产地或是否本地企业、本地劳务区别对待：请删除，以技术标准和质量要求代替。",
        context=compiled(f"{CONDITION}|由"),
        anchor=compiled(r"生产|制造|出产|产地|劳务|供应商|企业|厂家|产品|材料"),
    ),
    TextRule(
        rule_of("X34", "按距离或到场时间计分或设门槛", law="条例", article="第三十二条第二项", severity=_WARN),
        compiled(
            rf"(?:距离?|离){GAP}{{0,10}}?(?:项目|现场|采购人|采购单位|招标人|本项目|工地){GAP}{{0,12}}?(?:公里|千米|km|最近|以内|范围内)"
            rf"|{NUM}\s*(?:分钟|小时)(?:内|以内)?(?:到达|抵达|赶到)"
        ),
        "以办公地、仓库到项目的距离或到场时间计分或作门槛，实为变相的地域限制：请改为响应时间承诺且不作为评分因素。",
        context=compiled(rf"{SCORE}|否则|无效|不予"),
        anchor=compiled(r"距|离|到达|抵达|赶到"),
    ),
    TextRule(
        rule_of("X35", "依本地产品名单、优先采购名录采购", law="审查规则", article="第五条第十项", severity=_BLOCK),
        compiled(rf"{LOCAL}{GAP}{{0,8}}?(?:创新产品|优先采购|推荐产品|产品目录|产品名录|采购名录|名录内|目录内)"),
        "以本地区创新产品名单、优先采购产品名录等地方扶持名单计分或限定：请删除。",
        context=compiled(f"{CONDITION}|采用|选用|列入"),
        anchor=compiled(r"产品|名录|目录|优先采购"),
    ),
)
