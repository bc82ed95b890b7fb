"""The award notice (中标通知书), the result letters to the other bidders, and the result announcement
(中标结果公告), built from the decision and the publicity: the documents render exactly these values.

- 招标投标法 第四十五条: once the winner is determined the tenderee sends it the award notice and, at the
  same time, tells every bidder that did not win the result. The notice binds both sides.
- 招标投标法 第四十六条: the contract follows within 30 days of the notice's issue, on the terms of the tender
  and the winning bid; the notice states that date.
- 国家发展改革委令第10号 第六条第二款: the result announcement names the winner. The platform also shows
  the price, duration, quality and project manager, and the decision's reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_DOWN, Decimal

from fairbid.domain.award.contract import check_performance_security_percent, contract_due_by
from fairbid.domain.award.decision import AwardDecision
from fairbid.domain.award.publicity import CandidatePublicity, ProjectManager
from fairbid.domain.calendar import WorkingCalendar
from fairbid.domain.errors import InvalidInput

__all__ = [
    "AwardNotice",
    "AwardNotices",
    "ResultAnnouncement",
    "ResultLetter",
    "build_award_notices",
    "build_result_announcement",
]

NOTICE_CITATION = "招标投标法 第四十五条、第四十六条"
_FEN = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class AwardNotice:
    """中标通知书 to the winner."""

    number: str
    section_code: str
    section_name: str
    project_name: str
    tenderee: str
    agency: str | None
    winner_bidder_id: str
    winner: str
    winner_credit_code: str
    price: Decimal
    duration_days: int
    quality: str
    project_manager: ProjectManager
    issued_at: datetime
    contract_due_by: datetime  # 招标投标法 第四十六条: 30 days from the issue, to 24:00 Beijing time
    performance_security: Decimal | None  # the amount the tender requires, ≤ 10 % (条例 第五十八条)
    citation: str = NOTICE_CITATION


@dataclass(frozen=True, slots=True)
class ResultLetter:
    """中标结果通知书 to a bidder that did not win (招标投标法 第四十五条第一款)."""

    bidder_id: str
    bidder: str
    section_code: str
    section_name: str
    project_name: str
    tenderee: str
    winner: str
    price: Decimal
    issued_at: datetime
    citation: str = "招标投标法 第四十五条第一款"


@dataclass(frozen=True, slots=True)
class AwardNotices:
    """What one award sends: the notice to the winner and a result letter to every other bidder."""

    notice: AwardNotice
    letters: tuple[ResultLetter, ...]


@dataclass(frozen=True, slots=True)
class ResultAnnouncement:
    """中标结果公告, published for everyone."""

    section_code: str
    section_name: str
    project_name: str
    tenderee: str
    agency: str | None
    winner: str
    winner_credit_code: str
    price: Decimal
    duration_days: int
    quality: str
    project_manager: ProjectManager
    rank: int
    reason: str  # the decision's written reason (定标理由)
    decided_at: datetime
    published_at: datetime
    supervisor: str
    citation: str = "国家发展改革委令第10号 第六条第二款; 招标投标法 第四十五条"


def build_award_notices(
    decision: AwardDecision,
    publicity: CandidatePublicity,
    *,
    winner_bidder_id: str,
    bidders: Sequence[tuple[str, str]],
    number: str,
    issued_at: datetime,
    calendar: WorkingCalendar,
    performance_security_percent: Decimal | None = None,
) -> AwardNotices:
    """The notice for the winner and a letter for every other bidder of ``bidders`` ((id, name) pairs:
    every bidder whose bid was not withdrawn, rejected ones included).

    ``performance_security_percent`` is the tender's requirement (a percentage of the contract price);
    more than 10 raises ``RuleViolation`` (条例 第五十八条) through ``performance_security_cap``.
    """
    if decision.section_id != publicity.section_id:
        raise InvalidInput("The decision and the publicity are of different sections.", field="section_id")
    if issued_at < decision.decided_at:
        raise InvalidInput("The notice cannot be issued before the award is decided.", field="issued_at")
    ids = [b for b, _ in bidders]
    if winner_bidder_id not in ids or len(set(ids)) != len(ids):
        raise InvalidInput("List every bidder once, the winner among them.", field="bidders")
    winner = publicity.candidate(decision.winner.bid_id)
    security = None
    if performance_security_percent is not None:
        check_performance_security_percent(performance_security_percent)
        # rounded down to the fen: rounding up could pass the 10 % cap (条例 第五十八条)
        security = (winner.price * performance_security_percent / 100).quantize(_FEN, rounding=ROUND_DOWN)
    notice = AwardNotice(
        number,
        publicity.section_code,
        publicity.section_name,
        publicity.project_name,
        publicity.tenderee,
        publicity.agency,
        winner_bidder_id,
        winner.bidder_name,
        winner.credit_code,
        winner.price,
        winner.duration_days,
        winner.quality,
        winner.project_manager,
        issued_at,
        contract_due_by(issued_at, calendar),
        security,
    )
    letters = tuple(
        ResultLetter(
            bidder_id,
            name,
            publicity.section_code,
            publicity.section_name,
            publicity.project_name,
            publicity.tenderee,
            winner.bidder_name,
            winner.price,
            issued_at,
        )
        for bidder_id, name in bidders
        if bidder_id != winner_bidder_id
    )
    return AwardNotices(notice, letters)


def build_result_announcement(
    decision: AwardDecision, publicity: CandidatePublicity, *, published_at: datetime
) -> ResultAnnouncement:
    """The public result announcement of ``decision``."""
    if published_at < decision.decided_at:
        raise InvalidInput("The result cannot be announced before the award is decided.", field="published_at")
    winner = publicity.candidate(decision.winner.bid_id)
    return ResultAnnouncement(
        publicity.section_code,
        publicity.section_name,
        publicity.project_name,
        publicity.tenderee,
        publicity.agency,
        winner.bidder_name,
        winner.credit_code,
        winner.price,
        winner.duration_days,
        winner.quality,
        winner.project_manager,
        winner.rank,
        decision.reason,
        decision.decided_at,
        published_at,
        publicity.supervisor,
    )
