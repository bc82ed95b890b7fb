"""Building blocks the text rules combine (规则词表): places, restriction verbs, scoring contexts,
local bodies and awards, designated parties. Each is a regex fragment (a string) to compose.

Real clauses combine a few of these: a place (本市, 长沙市, 项目所在县), a thing (分支机构, 业绩, 纳税),
and a use (须/方可 for a threshold, 得3分/加分/优先 for points). The rules in ``text_*.py`` say which
combination breaks which article.
"""

from __future__ import annotations

import re

from fairbid.domain.rules.place import PLACE_MARK

__all__ = [
    "AWARD",
    "BANK",
    "CONDITION",
    "GAP",
    "INSURER",
    "LEVEL",
    "LOCAL",
    "LOCAL_AWARD_NAME",
    "LOCAL_BODY",
    "NUM",
    "OUTSIDER",
    "REQUIRE",
    "SCORE",
    "compiled",
]

NUM = r"[0-9０-９一二三四五六七八九十百千两零〇壹贰叁肆伍陆柒捌玖拾佰仟.]+"
GAP = r"[^，,。；;\n]"  # any character inside one clause

# Where: 本地 words, masked place names (本 marks from ``Gazetteer.mask``) and, without a gazetteer,
# a named province or city followed by a word that makes it a territory.
_LOCAL_WORD = (
    r"本省|本市(?!政|场)|本县|本区(?!域内)|本地区?|当地|本辖区|辖区内|区域内|省内|(?<!城)市内|县内"
    r"|项目所在(?:地区?|省|市|县|区|州)|我省|我市|我县|我区|县城(?!市)|市区|本行政区域?|本区域"
)
_NAMED = (
    rf"{PLACE_MARK}+(?:省|市|县|区|州|盟|旗)?(?:境内|范围内|行政区域内|辖区内|区域内|内|地区|区域)?"
    r"|[\u4e00-\u9fa5]{2,3}(?:省|市)(?:境内|范围内|行政区域内|辖区内)"
)
LOCAL = f"(?:{_LOCAL_WORD}|{_NAMED})"
OUTSIDER = r"(?:外地|外省|外市|外县|省外|市外|非本地|非本市|非本省|非本县|区外|县外)"

# How: a condition to bid (threshold), or points (score).
REQUIRE = (
    r"(?:须|必须|应当?|要求|具备|具有|持有|取得|提供|方可|才能|才可|否则|无效|否决|不予|资格|仅限|限于|只接受|仅接受)"
)
SCORE = rf"(?:得\s*{NUM}?\s*分|加\s*{NUM}?\s*分|计\s*{NUM}?\s*分|分值|加分|得分|不得分|满分|扣\s*{NUM}?\s*分|优先)"
CONDITION = f"(?:{REQUIRE}|{SCORE})"

# Levels below the nation (省级, 市级…) and the words for awards, honours and titles.
LEVEL = r"(?:省级|市级|县级|区级|省部级|地市级|市州级|省、市级|省市级|省优|市优|县优)"
AWARD = (
    r"(?:奖项?|杯|称号|荣誉|表彰|先进(?:企业|单位|集体|个人)|优秀(?:企业|项目经理|施工企业|单位)|十佳|诚信企业|信用企业"
    r"|文明工地|示范工地|标准化工地|标化工地|安全文明(?:工地|标准化)|守合同重信用|纳税大户|优质工程)"
)
# Provincial quality awards known by name (each granted in one province or city only).
LOCAL_AWARD_NAME = (
    r"(?:长城杯|白玉兰|扬子杯|钱江杯|芙蓉(?:杯|奖)|泰山杯|楚天杯|黄鹤杯|天府杯|中州杯|闽江杯|海河杯|黄山杯|巴渝杯"
    r"|杜鹃花奖|黄果树杯|长安杯|安济杯|汾水杯|飞天奖)"
)

# Local bodies: authorities, trading centres, associations of a place.
LOCAL_BODY = (
    r"(?:住房和城乡建设(?:局|厅|委员会)|住建(?:局|厅|委)|建设(?:局|厅|委员会)|交通运输(?:局|厅)|水利(?:局|厅)"
    r"|财政(?:局|厅)|市场监督管理局|市场监管局|公共资源交易(?:中心|分中心|平台)|交易(?:中心|分中心)|质量安全监督站"
    r"|质监站|监督站|行政审批(?:局|服务局)|协会|商会)"
)

# Named banks and insurers: a clause that names one designates it.
BANK = (
    r"(?:工商银行|建设银行|农业银行|中国银行|交通银行|邮政储蓄银行|邮储银行|农村商业银行|农商银行|农商行|农村信用社"
    r"|招商银行|浦发银行|兴业银行|中信银行|民生银行|光大银行|华夏银行|平安银行|广发银行|城市商业银行)"
)
INSURER = (
    r"(?:人民财产保险|人保财险|中国人保|平安财产保险|平安财险|太平洋财产保险|太平洋财险|太平洋保险|中国人寿"
    r"|国寿财险|大地保险|阳光保险|中华联合)"
)


def compiled(pattern: str) -> re.Pattern[str]:
    """A fragment compiled case-insensitively (ISO, CA, km)."""
    return re.compile(pattern, re.IGNORECASE)
