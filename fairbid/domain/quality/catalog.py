"""The catalog of data-quality checks (数据质量自检目录): id, category, basis, severity, what fails it.

Shaped like Open Contracting's Pelican (field, compiled-release and dataset checks, each scored) and extended
with the Chinese rules: GB 32100 credit codes, GB/T 2260 region codes, the 统一交易标识码 of
发改办法规〔2018〕1156号, the schedule of 招标投标法 and its 实施条例, 化整为零, random expert draws.
Each basis is cited whole where the rule is decided; ``docs/quality.md`` prints this table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["CATALOG", "Category", "Check", "FixPlace", "Severity", "check_of"]


class Category(StrEnum):
    """What a check looks at: one field, one record's coherence or consistency, references, the dataset, time."""

    FORMAT = "format"
    COHERENCE = "coherence"
    CONSISTENCY = "consistency"
    REFERENCE = "reference"
    DATASET = "dataset"
    TIME = "time"


class Severity(StrEnum):
    """``error``: the record is wrong and must be corrected; ``warning``: a person must look (a clue, not proof)."""

    ERROR = "error"
    WARNING = "warning"


class FixPlace(StrEnum):
    """Where a failing record is corrected; the platform turns ``(place, target id)`` into a link."""

    PARTY = "party"  # the party's registration (交易主体信息)
    SECTION = "section"  # the section's master data (标段信息)
    SCHEDULE = "schedule"  # the section's schedule and phase times
    BID = "bid"  # the bid and its opening data
    OPENING = "opening"  # the opening record (开标记录)
    AWARD = "award"  # candidates and award (中标候选人/中标结果)
    CONTRACT = "contract"  # the contract (合同)
    SUPERVISION = "supervision"  # a pattern across sections: the supervisor reviews it (行政监督)


@dataclass(frozen=True, slots=True)
class Check:
    """One catalog entry. ``basis`` is the full citation (law, article, item) or the named design threshold."""

    id: str
    category: Category
    title: str
    description: str
    basis: str
    severity: Severity
    fix_place: FixPlace


_E, _W = Severity.ERROR, Severity.WARNING
_DESIGN = "Fairbid 数据质量自检（设计阈值，非法条）"

_CHECKS = (
    Check(
        "F01",
        Category.FORMAT,
        "统一社会信用代码校验位",
        "A party's credit code has 18 characters of the GB 32100 alphabet and the right check character.",
        "GB 32100-2015《法人和其他组织统一社会信用代码编码规则》第4章（校验码）",
        _E,
        FixPlace.PARTY,
    ),
    Check(
        "F02",
        Category.FORMAT,
        "行政区划代码",
        "A party's and a section's region code is a six-digit code of the GB/T 2260 list in force.",
        "GB/T 2260-2007《中华人民共和国行政区划代码》及民政部公布的县级以上行政区划代码",
        _E,
        FixPlace.SECTION,
    ),
    Check(
        "F03",
        Category.FORMAT,
        "统一交易标识码格式",
        "The trading code is the platform's 18-character credit code, an 8-digit date and a 6-digit serial and "
        "one check character (hyphens optional); the embedded credit code and the date are valid.",
        "发改办法规〔2018〕1156号《公共资源交易平台系统数据规范（V2.0）》统一交易标识码",
        _E,
        FixPlace.SECTION,
    ),
    Check(
        "F04",
        Category.FORMAT,
        "金额与时间可解析",
        "Every amount is a finite, non-negative number of yuan with at most two decimals; every time is aware, "
        "every event time is not after the run; nothing held by the source failed to parse.",
        "发改办法规〔2018〕1156号《公共资源交易平台系统数据规范（V2.0）》数据项类型与格式",
        _E,
        FixPlace.SECTION,
    ),
    Check(
        "C01",
        Category.COHERENCE,
        "环节时间顺序",
        "notice ≤ sale start ≤ deadline = opening ≤ evaluation ≤ publicity ≤ award ≤ contract.",
        "招标投标法 第三十四条（开标与投标截止同一时间）；招标投标法实施条例 第十六条、第五十四条；"
        "招标投标法 第四十五条、第四十六条",
        _E,
        FixPlace.SCHEDULE,
    ),
    Check(
        "C02",
        Category.COHERENCE,
        "中标价不高于最高投标限价",
        "The award price does not exceed the section's ceiling price.",
        "招标投标法实施条例 第五十一条第五项（投标报价高于最高投标限价应否决）",
        _E,
        FixPlace.AWARD,
    ),
    Check(
        "C03",
        Category.COHERENCE,
        "中标后订立合同或告警",
        "A section awarded more than 30 days ago has a contract, or an overdue alarm stands.",
        "招标投标法 第四十六条（自中标通知书发出之日起三十日内订立书面合同）",
        _E,
        FixPlace.CONTRACT,
    ),
    Check(
        "K01",
        Category.CONSISTENCY,
        "有效投标数一致",
        "The number of valid bids the opening record states equals the valid bids stored.",
        "评标委员会和评标方法暂行规定 第四十二条（评标报告载明符合要求的投标一览表）",
        _E,
        FixPlace.OPENING,
    ),
    Check(
        "K02",
        Category.CONSISTENCY,
        "节资率在[0,1)",
        "The savings rate (ceiling − award price) / ceiling lies in [0, 1).",
        f"{_DESIGN}；节资率口径见 rules-catalog §7",
        _E,
        FixPlace.AWARD,
    ),
    Check(
        "K03",
        Category.CONSISTENCY,
        "合同价等于中标价",
        "The contract price equals the award price and the contract is with the winner.",
        "招标投标法 第四十六条；招标投标法实施条例 第五十七条（合同价款与中标人的投标文件一致）",
        _E,
        FixPlace.CONTRACT,
    ),
    Check(
        "K04",
        Category.CONSISTENCY,
        "开标记录摘要一致",
        "The SM3 digest of the stored opening record file equals the digest pinned when it was published.",
        "电子招标投标办法 第三十条（开标记录的公布）；Fairbid 账本（docs/ledger.md）",
        _E,
        FixPlace.OPENING,
    ),
    Check(
        "R01",
        Category.REFERENCE,
        "中标人为本标段投标人",
        "The winner and every candidate bid in the section with a valid bid, and the award names that bid.",
        "招标投标法实施条例 第五十五条（确定排名第一的中标候选人为中标人）",
        _E,
        FixPlace.AWARD,
    ),
    Check(
        "R02",
        Category.REFERENCE,
        "引用的主体存在",
        "Every party a record refers to (tenderee, agency, bidder, guarantor, expert, supplier) is registered.",
        "发改办法规〔2018〕1156号《公共资源交易平台系统数据规范（V2.0）》主体信息与交易信息关联",
        _E,
        FixPlace.PARTY,
    ),
    Check(
        "D01",
        Category.DATASET,
        "中标金额重复",
        "The same award amount recurs across sections more often than the configured limit.",
        f"{_DESIGN}（对照 Pelican distribution: value repetition）",
        _W,
        FixPlace.SUPERVISION,
    ),
    Check(
        "D02",
        Category.DATASET,
        "代理机构集中",
        "One agency holds more than the configured share of one tenderee's sections (with enough sections).",
        "招标投标法 第十二条（任何单位和个人不得为招标人指定招标代理机构）",
        _W,
        FixPlace.SUPERVISION,
    ),
    Check(
        "D03",
        Category.DATASET,
        "评标专家集中",
        "One expert sits on more than the configured share of one tenderee's evaluated sections.",
        "招标投标法实施条例 第四十六条（评标专家以随机抽取方式确定）",
        _W,
        FixPlace.SUPERVISION,
    ),
    Check(
        "D04",
        Category.DATASET,
        "化整为零规避招标",
        "A tenderee's sections of one kind, each below the threshold for compulsory tendering, within the "
        "configured window sum to at least that threshold.",
        "招标投标法 第四条（不得化整为零规避招标）；必须招标的工程项目规定（国家发展改革委令第16号）第五条",
        _W,
        FixPlace.SUPERVISION,
    ),
    Check(
        "T01",
        Category.TIME,
        "交易标识码不变",
        "A section's trading code is the one it had at the previous run, and no section disappears.",
        "发改办法规〔2018〕1156号《公共资源交易平台系统数据规范（V2.0）》统一交易标识码（全流程唯一）",
        _E,
        FixPlace.SECTION,
    ),
    Check(
        "T02",
        Category.TIME,
        "环节不倒退",
        "A section's phase never moves back between two runs (the lifecycle only goes forward).",
        f"{_DESIGN}；标段生命周期（DESIGN.md，fairbid.domain.section.model.TRANSITIONS）",
        _E,
        FixPlace.SCHEDULE,
    ),
)

CATALOG: Mapping[str, Check] = {c.id: c for c in _CHECKS}


def check_of(check_id: str) -> Check:
    """The catalog entry ``check_id`` (``KeyError`` for an unknown id)."""
    return CATALOG[check_id]
