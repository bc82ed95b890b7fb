"""The candidates' publicity (中标候选人公示): its window and its required contents, as one typed model.

- 招标投标法实施条例 第五十四条: the tenderee publicises the candidates within 3 days of receiving the
  evaluation report, for no less than 3 days; objections to the result are raised during it. The platform
  publishes the moment the evaluation ends, and the window runs to 24:00 Beijing time of its last day,
  counted as 中华人民共和国民法典 第二百零一条、第二百零三条 count periods (``domain.calendar``).
- 国家发展改革委令第10号 第六条 (招标公告和公示信息发布管理办法): the publicity states (一) the candidates'
  ranks, names, bid prices, quality, duration (工期/交货期) and the evaluation (评标情况); (二) the project
  manager each promised, with the certificate's name and number; (三) the qualifications stated in the
  bid; (四) how to object; (五) anything else the tender document says to publicise.
- 发改法规规〔2022〕1117号 (五): scores made public, reasons for rejecting bids made known; (六): the
  objection channel names a contact and accepts objections online.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from fairbid.domain.award.candidate import MAX_CANDIDATES
from fairbid.domain.calendar import WorkingCalendar, period_end
from fairbid.domain.errors import InvalidInput, RuleViolation

__all__ = [
    "CONTENTS_CITATION",
    "MIN_PUBLICITY_DAYS",
    "CandidatePublicity",
    "EvaluationSummary",
    "ObjectionChannel",
    "ProjectManager",
    "PublicityCandidate",
    "PublicityWindow",
    "RejectedBid",
    "ScoreLine",
    "build_publicity",
    "publicity_window",
]

MIN_PUBLICITY_DAYS = 3  # 招标投标法实施条例 第五十四条第一款 (T17)
WINDOW_CITATION = "招标投标法实施条例 第五十四条; 中华人民共和国民法典 第二百零一条、第二百零三条"
CONTENTS_CITATION = "国家发展改革委令第10号 第六条"


@dataclass(frozen=True, slots=True)
class PublicityWindow:
    """From publication to 24:00 Beijing time of the last day; ``ends_at`` is the first instant outside."""

    opens_at: datetime
    ends_at: datetime
    days: int
    citation: str = WINDOW_CITATION

    def is_open(self, at: datetime) -> bool:
        """Whether ``at`` falls within the publicity (an objection then is in time, 条例 第五十四条第二款)."""
        return self.opens_at <= at < self.ends_at


def publicity_window(
    opens_at: datetime, *, days: int = MIN_PUBLICITY_DAYS, calendar: WorkingCalendar
) -> PublicityWindow:
    """The publicity opened at ``opens_at`` (the evaluation's end), lasting ``days`` days counted to 24:00.

    >>> from datetime import UTC
    >>> from fairbid.domain.calendar import WorkingCalendar
    >>> w = publicity_window(datetime(2026, 3, 10, 7, tzinfo=UTC), calendar=WorkingCalendar.plain())
    >>> w.ends_at.isoformat()  # 2026-03-13 24:00 Beijing time
    '2026-03-13T16:00:00+00:00'
    """
    if days < MIN_PUBLICITY_DAYS:
        raise RuleViolation(
            f"The publicity lasts {days} days; it may not be shorter than {MIN_PUBLICITY_DAYS}.",
            rule="T17",
            citation="招标投标法实施条例 第五十四条",
            field="publicity_days",
        )
    return PublicityWindow(opens_at, period_end(opens_at, days, calendar), days)


@dataclass(frozen=True, slots=True)
class ProjectManager:
    """项目负责人 as promised in the bid: name, certificate name (e.g. 一级注册建造师) and number."""

    name: str
    certificate_name: str
    certificate_no: str


@dataclass(frozen=True, slots=True)
class PublicityCandidate:
    """One candidate as 10号令 第六条 (一)–(三) require it shown."""

    rank: int
    bid_id: str
    bidder_name: str
    credit_code: str
    price: Decimal  # 投标报价 (after any correction the committee made, 12号令 第十九条)
    quality: str
    duration_days: int  # 工期 or 交货期, calendar days
    project_manager: ProjectManager
    qualifications: tuple[str, ...]  # 响应招标文件要求的资格能力条件, as stated in the bid
    score: Decimal | None = None  # total score (综合评估法); None under the lowest-price method


@dataclass(frozen=True, slots=True)
class ScoreLine:
    """One valid bid's evaluation figures (评标情况): the items' scores and the total, or evaluated price."""

    bidder_name: str
    items: tuple[tuple[str, Decimal], ...]  # (item, score), in the rubric's order
    total: Decimal | None = None
    evaluated_price: Decimal | None = None


@dataclass(frozen=True, slots=True)
class EvaluationSummary:
    """评标情况: the method and every valid bid's figures (1117号 (五): scores made public)."""

    method: str  # 综合评估法 / 经评审的最低投标价法
    lines: tuple[ScoreLine, ...]
    note: str = ""  # e.g. the benchmark price and K, as the evaluation report states them


@dataclass(frozen=True, slots=True)
class RejectedBid:
    """A rejected bid (否决投标) with the committee's reason and the rule it applied."""

    bidder_name: str
    reason: str
    citation: str  # e.g. 招标投标法实施条例 第五十一条第五项


@dataclass(frozen=True, slots=True)
class ObjectionChannel:
    """提出异议的渠道和方式: where and how, whom to contact, how soon the answer comes."""

    how: str  # e.g. "登录电子交易平台，在本公示页面在线提出异议"
    contact: str  # 受理异议的联系人和联系方式 (1117号 (六))
    answer_days: int = 3  # 招标投标法实施条例 第五十四条第二款


@dataclass(frozen=True, slots=True)
class CandidatePublicity:
    """Everything the candidates' publicity shows, ready to render (``documents.award``)."""

    section_id: str
    section_code: str
    section_name: str
    project_name: str
    tenderee: str
    agency: str | None
    window: PublicityWindow
    candidates: tuple[PublicityCandidate, ...]
    evaluation: EvaluationSummary
    rejected: tuple[RejectedBid, ...]
    objection: ObjectionChannel
    supervisor: str  # 行政监督部门, where complaints go
    other: tuple[str, ...] = ()  # (五) 招标文件规定公示的其他内容
    citation: str = CONTENTS_CITATION

    def candidate(self, bid_id: str) -> PublicityCandidate:
        """The candidate of ``bid_id``."""
        for c in self.candidates:
            if c.bid_id == bid_id:
                return c
        raise InvalidInput(f"{bid_id} is not a publicised candidate.", field="bid_id")


def _missing(candidates: Sequence[PublicityCandidate]) -> list[str]:
    gaps: list[str] = []
    for c in candidates:
        label = f"candidate ranked {c.rank}"
        for what, value in (("name", c.bidder_name), ("quality", c.quality)):
            if not value.strip():
                gaps.append(f"{label}: {what} (第六条第一项)")
        if c.price <= 0 or c.duration_days <= 0:
            gaps.append(f"{label}: a positive price and duration (第六条第一项)")
        pm = c.project_manager
        if not (pm.name.strip() and pm.certificate_name.strip() and pm.certificate_no.strip()):
            gaps.append(f"{label}: the project manager's name, certificate name and number (第六条第二项)")
        if not any(q.strip() for q in c.qualifications):
            gaps.append(f"{label}: the qualifications stated in the bid (第六条第三项)")
    return gaps


def build_publicity(
    *,
    section_id: str,
    section_code: str,
    section_name: str,
    project_name: str,
    tenderee: str,
    agency: str | None,
    window: PublicityWindow,
    candidates: Sequence[PublicityCandidate],
    evaluation: EvaluationSummary,
    rejected: Sequence[RejectedBid],
    objection: ObjectionChannel,
    supervisor: str,
    other: Sequence[str] = (),
) -> CandidatePublicity:
    """The publicity, or ``RuleViolation`` (国家发展改革委令第10号 第六条) naming every required item missing.

    Candidates come ranked 1..n (n ≤ 3, 招标投标法实施条例 第五十三条); each appears in the evaluation
    summary; each rejected bid carries its reason; the objection channel says how and whom to contact.
    """
    ranked = tuple(sorted(candidates, key=lambda c: c.rank))
    if not 1 <= len(ranked) <= MAX_CANDIDATES or [c.rank for c in ranked] != list(range(1, len(ranked) + 1)):
        raise RuleViolation(
            f"Publicise 1 to {MAX_CANDIDATES} candidates ranked 1, 2, 3; got ranks {[c.rank for c in ranked]}.",
            rule="T16",
            citation="招标投标法实施条例 第五十三条",
            field="candidates",
        )
    gaps = _missing(ranked)
    summarised = {line.bidder_name for line in evaluation.lines}
    gaps += [f"candidate ranked {c.rank}: its line in the evaluation summary (第六条第一项)"
             for c in ranked if c.bidder_name not in summarised]  # fmt: skip
    gaps += [f"rejected bid of {r.bidder_name}: the reason" for r in rejected if not r.reason.strip()]
    if not (objection.how.strip() and objection.contact.strip()):
        gaps.append("how to object and whom to contact (第六条第四项)")
    if not supervisor.strip():
        gaps.append("the supervising department, where complaints go")
    if gaps:
        raise RuleViolation(
            "The candidates' publicity lacks: " + "; ".join(gaps) + ".",
            rule="T17-contents",
            citation=CONTENTS_CITATION,
            field="publicity",
        )
    return CandidatePublicity(
        section_id,
        section_code,
        section_name,
        project_name,
        tenderee,
        agency,
        window,
        ranked,
        evaluation,
        tuple(rejected),
        objection,
        supervisor,
        tuple(o for o in other if o.strip()),
    )
