"""Alarms (预警): the deadlines after the evaluation that a person must meet, computed from a section's facts.

``due_alarms(facts, now=…, calendar=…)`` lists every alarm due at ``now``: a reminder to whoever must act
as a deadline nears, and an overdue alarm to the tenderee, the trading centre and the supervisor once it
has passed. ``next_alarm_at`` says when the list next changes, for the scheduler. Deadlines:

- contract within 30 days of the award notice (招标投标法 第四十六条);
- written report within 15 days of determining the winner (招标投标法 第四十七条);
- each bid security refunded within 5 days of the contract (招标投标法实施条例 第五十七条第二款);
- the award decided 30 working days before the bid validity ends (评标委员会和评标方法暂行规定 第四十条 [S]),
  and the contract signed before the bids lapse (招标投标法实施条例 第二十五条: validity counted from the
  bid deadline's day);
- objections answered within their time (招标投标法实施条例 第二十二条、第四十四条、第五十四条), complaints
  accepted within 3 working days and decided within 30 (招标投标法实施条例 第六十一条第二款): their due
  times come in as ``OpenMatter`` values from ``domain.disputes``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from fairbid.domain.award.contract import contract_due_by, refunds_due_by, report_due_by
from fairbid.domain.calendar import WorkingCalendar, count_period, working_days_before

__all__ = [
    "AWARD_BEFORE_VALIDITY_WORKING_DAYS",
    "Alarm",
    "AlarmKind",
    "AlarmLevel",
    "Audience",
    "MatterKind",
    "OpenMatter",
    "RefundFact",
    "SectionFacts",
    "due_alarms",
    "next_alarm_at",
]

AWARD_BEFORE_VALIDITY_WORKING_DAYS = 30  # 评标委员会和评标方法暂行规定 第四十条 [S]
DEFAULT_REMIND_BEFORE = timedelta(days=2)


class Audience(StrEnum):
    TENDEREE = "tenderee"  # 招标人 (and its agency)
    CENTRE = "centre"  # 交易中心
    SUPERVISOR = "supervisor"  # 行政监督部门


EVERYONE = frozenset(Audience)


class AlarmLevel(StrEnum):
    REMINDER = "reminder"  # the deadline is near: to whoever must act
    OVERDUE = "overdue"  # the deadline has passed: to the tenderee, the centre and the supervisor


class AlarmKind(StrEnum):
    CONTRACT = "contract"
    REPORT = "report"
    REFUND = "refund"
    AWARD_BEFORE_VALIDITY = "award_before_validity"
    BID_VALIDITY = "bid_validity"
    OBJECTION = "objection"
    COMPLAINT_ACCEPTANCE = "complaint_acceptance"
    COMPLAINT_DECISION = "complaint_decision"


class MatterKind(StrEnum):
    OBJECTION = "objection"  # answered by the tenderee
    COMPLAINT_ACCEPTANCE = "complaint_acceptance"  # accepted or refused by the supervisor
    COMPLAINT_DECISION = "complaint_decision"  # decided by the supervisor


_MATTER = {
    MatterKind.OBJECTION: (
        AlarmKind.OBJECTION, Audience.TENDEREE, "招标投标法实施条例 第二十二条、第四十四条、第五十四条"
    ),
    MatterKind.COMPLAINT_ACCEPTANCE: (
        AlarmKind.COMPLAINT_ACCEPTANCE, Audience.SUPERVISOR, "招标投标法实施条例 第六十一条第二款"
    ),
    MatterKind.COMPLAINT_DECISION: (
        AlarmKind.COMPLAINT_DECISION, Audience.SUPERVISOR, "招标投标法实施条例 第六十一条第二款"
    ),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Alarm:
    """One alarm: what, how urgent, who sees it, which rule, and the deadline it is about."""

    kind: AlarmKind
    level: AlarmLevel
    audience: frozenset[Audience]
    subject_id: str  # the section, a bidder's refund, an objection or a complaint
    due_at: datetime
    citation: str
    message: str


@dataclass(frozen=True, slots=True)
class RefundFact:
    """A bid security to give back: whose, and when it was refunded or released (None: not yet)."""

    bidder_id: str
    refunded_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class OpenMatter:
    """An unanswered objection or an undecided complaint step, with its due time (from ``domain.disputes``)."""

    kind: MatterKind
    id: str
    due_at: datetime


@dataclass(frozen=True, slots=True)
class SectionFacts:
    """What the alarms read: the section's post-evaluation dates, refunds and open disputes."""

    section_id: str
    bid_deadline: datetime
    bid_validity_days: int
    winner_determined_at: datetime | None = None  # 定标
    notice_issued_at: datetime | None = None  # 中标通知书 发出
    contract_signed_at: datetime | None = None
    report_submitted_at: datetime | None = None
    refunds: tuple[RefundFact, ...] = ()
    open_matters: tuple[OpenMatter, ...] = ()
    closed: bool = False  # failed or cancelled: no award deadline runs any more


@dataclass(frozen=True, slots=True)
class _Deadline:
    kind: AlarmKind
    subject_id: str
    due_at: datetime
    responsible: Audience
    citation: str
    message: str


def _deadlines(facts: SectionFacts, calendar: WorkingCalendar) -> list[_Deadline]:
    out: list[_Deadline] = []
    sid = facts.section_id
    if not facts.closed and facts.contract_signed_at is None:
        validity = count_period(facts.bid_deadline, facts.bid_validity_days, calendar)
        if facts.winner_determined_at is None:
            award_by = working_days_before(validity.last_day, AWARD_BEFORE_VALIDITY_WORKING_DAYS, calendar)
            out.append(_Deadline(
                AlarmKind.AWARD_BEFORE_VALIDITY, sid, award_by, Audience.TENDEREE,
                "评标委员会和评标方法暂行规定 第四十条; 招标投标法实施条例 第二十五条",
                "评标和定标应在投标有效期结束前30个工作日完成：请尽快定标，或书面通知投标人延长投标有效期。",
            ))  # fmt: skip
        out.append(_Deadline(
            AlarmKind.BID_VALIDITY, sid, validity.ends_at, Audience.TENDEREE, "招标投标法实施条例 第二十五条",
            "投标有效期届满前尚未签订合同：请延长投标有效期（经投标人同意）或依法重新招标。",
        ))  # fmt: skip
        if facts.notice_issued_at is not None:
            out.append(_Deadline(
                AlarmKind.CONTRACT, sid, contract_due_by(facts.notice_issued_at, calendar), Audience.TENDEREE,
                "招标投标法 第四十六条第一款", "自中标通知书发出之日起30日内应订立书面合同。",
            ))  # fmt: skip
    if facts.winner_determined_at is not None and facts.report_submitted_at is None:
        out.append(_Deadline(
            AlarmKind.REPORT, sid, report_due_by(facts.winner_determined_at, calendar), Audience.TENDEREE,
            "招标投标法 第四十七条", "自确定中标人之日起15日内应向有关行政监督部门提交招标投标情况的书面报告。",
        ))  # fmt: skip
    if facts.contract_signed_at is not None:
        refund_by = refunds_due_by(facts.contract_signed_at, calendar)
        for r in facts.refunds:
            if r.refunded_at is None:
                out.append(_Deadline(
                    AlarmKind.REFUND, f"{sid}:{r.bidder_id}", refund_by, Audience.TENDEREE,
                    "招标投标法实施条例 第五十七条第二款",
                    "书面合同签订后5日内应退还投标保证金及银行同期存款利息（或解除投标保函）。",
                ))  # fmt: skip
    for m in facts.open_matters:
        kind, responsible, citation = _MATTER[m.kind]
        message = {
            MatterKind.OBJECTION: "异议应在规定时间内答复；答复前暂停招标投标活动。",
            MatterKind.COMPLAINT_ACCEPTANCE: "行政监督部门应自收到投诉之日起3个工作日内决定是否受理。",
            MatterKind.COMPLAINT_DECISION: "行政监督部门应自受理投诉之日起30个工作日内作出书面处理决定。",
        }[m.kind]
        out.append(_Deadline(kind, m.id, m.due_at, responsible, citation, message))
    return out


def due_alarms(
    facts: SectionFacts,
    *,
    now: datetime,
    calendar: WorkingCalendar,
    remind_before: timedelta = DEFAULT_REMIND_BEFORE,
) -> tuple[Alarm, ...]:
    """Every alarm due at ``now``, earliest deadline first.

    A deadline passed (``now >= due_at``) gives an OVERDUE alarm to the tenderee, the centre and the
    supervisor; one within ``remind_before`` gives a REMINDER to whoever must act. Nothing else.
    """
    alarms: list[Alarm] = []
    for d in sorted(_deadlines(facts, calendar), key=lambda d: (d.due_at, d.kind.value, d.subject_id)):
        if now >= d.due_at:
            alarms.append(Alarm(d.kind, AlarmLevel.OVERDUE, EVERYONE, d.subject_id, d.due_at, d.citation, d.message))
        elif now >= d.due_at - remind_before:
            alarms.append(
                Alarm(d.kind, AlarmLevel.REMINDER, frozenset({d.responsible}), d.subject_id, d.due_at, d.citation,
                      d.message)
            )  # fmt: skip
    return tuple(alarms)


def next_alarm_at(
    facts: SectionFacts,
    *,
    now: datetime,
    calendar: WorkingCalendar,
    remind_before: timedelta = DEFAULT_REMIND_BEFORE,
) -> datetime | None:
    """The next moment after ``now`` at which ``due_alarms`` changes (a reminder starts or a deadline passes)."""
    moments = [t for d in _deadlines(facts, calendar) for t in (d.due_at - remind_before, d.due_at) if t > now]
    return min(moments, default=None)
