"""Sample award data for the award, disputes and document tests: one works section, three candidates, one
rejected bid, the publicity opened when the evaluation ended on Tuesday 2026-03-10 15:00 Beijing time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from fairbid.documents.calendar import load_working_calendar
from fairbid.domain.award import (
    Candidate,
    CandidatePublicity,
    EvaluationSummary,
    ObjectionChannel,
    ProjectManager,
    PublicityCandidate,
    RejectedBid,
    ScoreLine,
    build_publicity,
    publicity_window,
)
from fairbid.domain.calendar import WorkingCalendar

BJ = timezone(timedelta(hours=8))
CAL: WorkingCalendar = load_working_calendar()
EVALUATION_ENDED = datetime(2026, 3, 10, 15, 0, tzinfo=BJ)
SECTION_ID = "sec-1"

_ROWS = (
    # rank, bid, bidder, name, credit code, price, score, manager, certificate no
    (1, "bid-a", "org-a", "湖南路桥建设集团有限公司", "91430000183763691X", "11423239.76", "92.35",
     "王建国", "湘143060812345"),
    (2, "bid-b", "org-b", "株洲市政工程有限公司", "914302001842800124", "11508000.00", "90.10",
     "李明", "湘143070900001"),
    (3, "bid-c", "org-c", "长沙城建开发有限公司", "914301001838269996", "11650000.00", "88.75",
     "张伟", "湘143081100077"),
)  # fmt: skip


def candidates() -> tuple[Candidate, ...]:
    return tuple(
        Candidate(r, bid, org, Decimal(price), Decimal(score)) for r, bid, org, _, _, price, score, _, _ in _ROWS
    )


def publicity_candidates() -> tuple[PublicityCandidate, ...]:
    return tuple(
        PublicityCandidate(
            rank=r,
            bid_id=bid,
            bidder_name=name,
            credit_code=code,
            price=Decimal(price),
            quality="合格",
            duration_days=365,
            project_manager=ProjectManager(pm, "一级注册建造师（市政公用工程）", cert),
            qualifications=("市政公用工程施工总承包一级", "安全生产许可证有效"),
            score=Decimal(score),
        )
        for r, bid, _, name, code, price, score, pm, cert in _ROWS
    )


def publicity(*, state_funded_note: str = "") -> CandidatePublicity:
    items = (("价格分", Decimal("45.00")), ("技术分", Decimal("38.00")))
    other_bid = ScoreLine("湘江建工有限公司", items, Decimal("83.00"))
    lines = (
        *(
            ScoreLine(name, (("价格分", Decimal(score) - 40), ("技术分", Decimal(40))), total=Decimal(score))
            for _, _, _, name, _, _, score, _, _ in _ROWS
        ),
        other_bid,
    )
    return build_publicity(
        section_id=SECTION_ID,
        section_code="CDPG-SG-01",
        section_name="滨江路改造工程施工一标段",
        project_name="株洲市滨江路提质改造工程",
        tenderee="株洲市城市建设发展集团有限公司",
        agency="湖南正信招标代理有限公司",
        window=publicity_window(EVALUATION_ENDED, calendar=CAL),
        candidates=publicity_candidates(),
        evaluation=EvaluationSummary("综合评估法", lines, "评标基准价 11,600,000.00 元，下浮系数 K = 0.97"),
        rejected=(
            RejectedBid("岳阳建安工程有限公司", "投标报价高于最高投标限价", "招标投标法实施条例 第五十一条第五项"),
        ),
        objection=ObjectionChannel("登录电子交易平台，在本公示页面在线提出异议", "招标代理机构 刘工 0731-22223333"),
        supervisor="株洲市住房和城乡建设局",
        other=(state_funded_note,) if state_funded_note else (),
    )


BIDDERS = (
    ("org-a", "湖南路桥建设集团有限公司"),
    ("org-b", "株洲市政工程有限公司"),
    ("org-c", "长沙城建开发有限公司"),
    ("org-d", "湘江建工有限公司"),
    ("org-e", "岳阳建安工程有限公司"),
)
