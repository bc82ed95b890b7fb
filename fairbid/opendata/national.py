"""The trading data of the national data specification (公共资源交易平台系统数据规范, 发改办法规〔2018〕1156号).

Rows for the 工程建设 (GCJS) tables a trading system reports: the section, the tender notice, the opening record,
the winning candidates, the result notice, the contract. The specification's text was not at hand: the table and
field names are those that two independent platform integrations use (a Shanxi platform's JAXB classes and a
public resource trading service's entities) — marked ``I`` in ``FIELDS`` — or Fairbid's reading where no
implementation was found — marked ``U`` (unverified). Amounts the implementations document in 万元 are given in
万元 (six decimals, so no fen is lost); times in Beijing time as ``yyyyMMddHHmmss`` (format ``U``).

The sealed rule holds here too: no opening record, candidate or result for a section whose bids are sealed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from fairbid.domain.calendar import BEIJING
from fairbid.domain.quality import PartyRecord, TradingRecord

__all__ = ["FIELDS", "TABLES", "national_rows"]

TABLES: Mapping[str, str] = {
    "GCJS_SECTION": "标段（包）",
    "GCJS_NOTICE": "招标公告与资格预审公告",
    "GCJS_OPENING_RECORD": "开标记录",
    "GCJS_WIN_CANDIDATE": "中标候选人公示",
    "GCJS_RESULT_NOTICE": "中标结果公示",
    "GCJS_CONTRACT": "合同",
}
_I, _U = "I", "U"
FIELDS: Mapping[str, Mapping[str, tuple[str, str]]] = {
    "GCJS_SECTION": {
        "TENDER_PROJECT_CODE": (_I, "招标项目编号"),
        "BID_SECTION_CODE": (_I, "标段（包）编号"),
        "UNIFIED_DEAL_CODE": (_I, "统一交易标识码"),
        "BID_SECTION_NAME": (_I, "标段（包）名称"),
        "TENDER_PROJECT_CLASSIFY_CODE": (_U, "标段（包）分类代码（取值表未核实）"),
        "CONTRACT_RECKON_PRICE": (_I, "标段合同估算价（万元）"),
        "PLATFORM_CODE": (_I, "交易系统标识码"),
        "DATA_TIMESTAMP": (_I, "数据时间戳"),
    },
    "GCJS_NOTICE": {
        "TENDER_PROJECT_CODE": (_I, "招标项目编号"),
        "BID_SECTION_CODES": (_I, "相关标段（包）编号"),
        "UNIFIED_DEAL_CODES": (_I, "统一交易标识码"),
        "NOTICE_NAME": (_I, "公告标题"),
        "NOTICE_SEND_TIME": (_I, "公告发布时间"),
        "DOC_GET_START_TIME": (_I, "招标文件获取开始时间"),
        "BID_DOC_REFER_END_TIME": (_I, "投标文件递交截止时间"),
        "BID_OPEN_TIME": (_I, "开标时间"),
        "TENDERER_NAME": (_I, "招标人名称"),
        "TENDERER_CODE": (_I, "招标人代码"),
        "TENDER_AGENCY_NAME": (_I, "招标代理机构名称"),
        "TENDER_AGENCY_CODE": (_I, "招标代理机构代码"),
        "PLATFORM_CODE": (_I, "交易系统标识码"),
        "DATA_TIMESTAMP": (_I, "数据时间戳"),
    },
    "GCJS_OPENING_RECORD": {
        "TENDER_PROJECT_CODE": (_I, "招标项目编号"),
        "BID_SECTION_CODES": (_I, "相关标段（包）编号"),
        "UNIFIED_DEAL_CODES": (_I, "相关统一交易标识码"),
        "BID_OPENING_TIME": (_I, "开标时间"),
        "BID_OPENING_ADDRESS": (_I, "开标地点"),
        "BID_OPENING_CONTENT": (_I, "开标记录内容"),
        "PLATFORM_CODE": (_I, "交易系统标识码"),
        "DATA_TIMESTAMP": (_I, "数据时间戳"),
    },
    "GCJS_WIN_CANDIDATE": {
        "TENDER_PROJECT_CODE": (_I, "招标项目编号"),
        "BID_SECTION_CODE": (_I, "标段（包）编号"),
        "UNIFIED_DEAL_CODE": (_I, "统一交易标识码"),
        "WIN_CANDIDATE_NAME": (_I, "中标候选人名称"),
        "WIN_CANDIDATE_CODE": (_I, "中标候选人代码"),
        "WIN_CANDIDATE_ORDER": (_I, "中标候选人排名"),
        "BID_PRICE": (_U, "投标价格（单位未核实，取万元）"),
        "PLATFORM_CODE": (_I, "交易系统标识码"),
        "DATA_TIMESTAMP": (_I, "数据时间戳"),
    },
    "GCJS_RESULT_NOTICE": {
        "TENDER_PROJECT_CODE": (_I, "招标项目编号"),
        "BID_SECTION_CODE": (_I, "标段（包）编号"),
        "UNIFIED_DEAL_CODE": (_I, "统一交易标识码"),
        "WIN_BIDDER_NAME": (_I, "中标人名称"),
        "WIN_BIDDER_CODE": (_I, "中标人代码"),
        "BID_AMOUNT": (_I, "中标金额（万元）"),
        "NOTICE_SEND_TIME": (_I, "公告发布时间"),
        "PLATFORM_CODE": (_I, "交易系统标识码"),
        "DATA_TIMESTAMP": (_I, "数据时间戳"),
    },
    "GCJS_CONTRACT": {
        "BID_SECTION_CODE": (_U, "标段（包）编号"),
        "UNIFIED_DEAL_CODE": (_U, "统一交易标识码"),
        "CONTRACT_NAME": (_U, "合同名称"),
        "CONTRACT_AMOUNT": (_U, "合同金额（万元）"),
        "WIN_BIDDER_CODE": (_U, "中标人代码"),
        "CONTRACT_SIGN_TIME": (_U, "合同签订时间"),
        "PLATFORM_CODE": (_U, "交易系统标识码"),
        "DATA_TIMESTAMP": (_U, "数据时间戳"),
    },
}


def _time(value: datetime | None) -> str:
    return "" if value is None else value.astimezone(BEIJING).strftime("%Y%m%d%H%M%S")


def _wan(amount: Decimal | None) -> str:
    return "" if amount is None else str((amount / 10000).quantize(Decimal("0.000001")))


def national_rows(
    record: TradingRecord, parties: Mapping[str, PartyRecord], *, platform_code: str, now: datetime
) -> dict[str, list[dict[str, str]]]:
    """The GCJS rows of one section (only the tables its progress and secrecy allow), field → text."""
    s, times = record.section, record.section.times

    def name(pid: str | None) -> str:
        return "" if pid is None else (parties[pid].name if pid in parties else pid)

    def code(pid: str | None) -> str:
        party = parties.get(pid) if pid is not None else None
        return (party.credit_code or "") if party is not None else ""

    common = {"PLATFORM_CODE": platform_code, "DATA_TIMESTAMP": _time(now)}
    project = s.project_id or s.code
    deal = s.trading_code or ""
    rows: dict[str, list[dict[str, str]]] = {
        "GCJS_SECTION": [
            {
                "TENDER_PROJECT_CODE": project,
                "BID_SECTION_CODE": s.code,
                "UNIFIED_DEAL_CODE": deal,
                "BID_SECTION_NAME": s.name,
                "TENDER_PROJECT_CLASSIFY_CODE": s.kind,
                "CONTRACT_RECKON_PRICE": _wan(s.estimated_price),
                **common,
            }
        ],
    }
    if times.notice_at is not None:
        rows["GCJS_NOTICE"] = [
            {
                "TENDER_PROJECT_CODE": project,
                "BID_SECTION_CODES": s.code,
                "UNIFIED_DEAL_CODES": deal,
                "NOTICE_NAME": f"{s.name}招标公告",
                "NOTICE_SEND_TIME": _time(times.notice_at),
                "DOC_GET_START_TIME": _time(times.sale_start),
                "BID_DOC_REFER_END_TIME": _time(times.deadline),
                "BID_OPEN_TIME": _time(times.deadline),
                "TENDERER_NAME": name(s.tenderee_id),
                "TENDERER_CODE": code(s.tenderee_id),
                "TENDER_AGENCY_NAME": name(s.agency_id),
                "TENDER_AGENCY_CODE": code(s.agency_id),
                **common,
            }
        ]
    if s.bids_sealed:  # 招标投标法 第二十二条: nothing about the bids before the opening
        return rows
    content = "；".join(f"{name(b.bidder_id)} {b.price}元" for b in record.bids if b.price is not None)
    rows["GCJS_OPENING_RECORD"] = [
        {
            "TENDER_PROJECT_CODE": project,
            "BID_SECTION_CODES": s.code,
            "UNIFIED_DEAL_CODES": deal,
            "BID_OPENING_TIME": _time(times.opening_at),
            "BID_OPENING_ADDRESS": "不见面开标（线上）",
            "BID_OPENING_CONTENT": content,
            **common,
        }
    ]
    if record.candidates:
        rows["GCJS_WIN_CANDIDATE"] = [
            {
                "TENDER_PROJECT_CODE": project,
                "BID_SECTION_CODE": s.code,
                "UNIFIED_DEAL_CODE": deal,
                "WIN_CANDIDATE_NAME": name(c.bidder_id),
                "WIN_CANDIDATE_CODE": code(c.bidder_id),
                "WIN_CANDIDATE_ORDER": str(c.rank),
                "BID_PRICE": _wan(c.price),
                **common,
            }
            for c in record.candidates
        ]
    if record.award is not None:
        rows["GCJS_RESULT_NOTICE"] = [
            {
                "TENDER_PROJECT_CODE": project,
                "BID_SECTION_CODE": s.code,
                "UNIFIED_DEAL_CODE": deal,
                "WIN_BIDDER_NAME": name(record.award.bidder_id),
                "WIN_BIDDER_CODE": code(record.award.bidder_id),
                "BID_AMOUNT": _wan(record.award.price),
                "NOTICE_SEND_TIME": _time(record.award.notified_at),
                **common,
            }
        ]
    if record.contract is not None:
        rows["GCJS_CONTRACT"] = [
            {
                "BID_SECTION_CODE": s.code,
                "UNIFIED_DEAL_CODE": deal,
                "CONTRACT_NAME": f"{s.name}合同",
                "CONTRACT_AMOUNT": _wan(record.contract.price),
                "WIN_BIDDER_CODE": code(record.contract.supplier_id),
                "CONTRACT_SIGN_TIME": _time(record.contract.signed_at),
                **common,
            }
        ]
    return rows
