"""Objections (异议) to the tenderee, by stage: who may raise one, until when, and when it must be answered.

- 招标投标法实施条例 第二十二条: an objection to the tender document is raised no later than 10 days before
  the bid deadline, by a potential bidder or another interested party; the tenderee answers within 3 days
  of receiving it and, until it answers, pauses the tendering activity.
- 招标投标法实施条例 第四十四条第三款: a bidder objects to the opening at the opening itself; the tenderee
  answers on the spot and records it. On the platform "on the spot" is the opening session, which ends
  when the decryption window closes.
- 招标投标法实施条例 第五十四条第二款: a bidder or another interested party objects to the evaluation result
  during the candidates' publicity; the answer comes within 3 days, the award waiting meanwhile.
- 招标投标法 第六十五条: bidders and other interested parties (利害关系人) may object. An organisation that
  did not bid states its interest in writing; the platform records it and does not judge it.

Days count as ``domain.calendar`` counts them (民法典 第二百零一条、第二百零三条).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from fairbid.domain.award.publicity import PublicityWindow
from fairbid.domain.calendar import WorkingCalendar, days_before_end, period_end
from fairbid.domain.errors import DeadlinePassed, InvalidInput, InvalidTransition, NotPermitted

__all__ = [
    "ANSWER_DAYS",
    "DOCUMENT_OBJECTION_DAYS",
    "MAX_TEXT",
    "Objection",
    "ObjectionStage",
    "ObjectionState",
    "ObjectionWindow",
    "Objector",
    "PartyKind",
    "StageDates",
    "answer_objection",
    "objection_hold",
    "objection_window",
    "raise_objection",
]

ANSWER_DAYS = 3  # 招标投标法实施条例 第二十二条、第五十四条
DOCUMENT_OBJECTION_DAYS = 10  # 招标投标法实施条例 第二十二条: 投标截止时间10日前
MAX_TEXT = 4000


class ObjectionStage(StrEnum):
    TENDER_DOCUMENT = "tender_document"  # 对招标文件的异议
    OPENING = "opening"  # 开标异议
    CANDIDATES = "candidates"  # 对评标结果的异议 (公示期间)


CITATION = {
    ObjectionStage.TENDER_DOCUMENT: "招标投标法实施条例 第二十二条",
    ObjectionStage.OPENING: "招标投标法实施条例 第四十四条第三款",
    ObjectionStage.CANDIDATES: "招标投标法实施条例 第五十四条第二款",
}


class PartyKind(StrEnum):
    BIDDER = "bidder"  # 投标人: submitted a bid (not withdrawn)
    DOCUMENT_HOLDER = "document_holder"  # 潜在投标人: obtained the tender document
    INTERESTED_PARTY = "interested_party"  # 其他利害关系人, with a stated interest


_MAY_OBJECT = {
    ObjectionStage.TENDER_DOCUMENT: frozenset(PartyKind),
    ObjectionStage.OPENING: frozenset({PartyKind.BIDDER}),
    ObjectionStage.CANDIDATES: frozenset({PartyKind.BIDDER, PartyKind.INTERESTED_PARTY}),
}


@dataclass(frozen=True, slots=True)
class Objector:
    """Who objects: the organisation, in what capacity, and (for an interested party) its stated interest."""

    organisation_id: str
    kind: PartyKind
    stated_interest: str | None = None


class ObjectionState(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"


@dataclass(frozen=True, slots=True)
class StageDates:
    """The section's dates that bound the objection windows."""

    sale_start: datetime  # the tender document is issued
    bid_deadline: datetime  # also the opening (招标投标法实施条例 第四十四条第一款)
    opening_closes: datetime  # the decryption window's close ends the opening session
    publicity: PublicityWindow | None = None


@dataclass(frozen=True, slots=True)
class ObjectionWindow:
    """When objections of a stage are received: ``opens_at`` ≤ t < ``closes_at``."""

    stage: ObjectionStage
    opens_at: datetime
    closes_at: datetime
    citation: str


@dataclass(frozen=True, slots=True)
class Objection:
    """An objection and its answer; ``pauses`` says whether activity waits for the answer."""

    id: str
    section_id: str
    stage: ObjectionStage
    objector: Objector
    text: str
    raised_at: datetime
    answer_due: datetime
    pauses: bool
    state: ObjectionState = ObjectionState.OPEN
    answer: str | None = None
    answered_at: datetime | None = None

    @property
    def citation(self) -> str:
        return CITATION[self.stage]

    @property
    def answered_late(self) -> bool:
        return self.answered_at is not None and self.answered_at >= self.answer_due

    def is_overdue(self, now: datetime) -> bool:
        """Unanswered at or after its due time: the alarm escalates it (``award.alarm``)."""
        return self.state is ObjectionState.OPEN and now >= self.answer_due


def objection_window(stage: ObjectionStage, dates: StageDates) -> ObjectionWindow:
    """The window of ``stage``: the document from its issue to 24:00 Beijing time of the 10th day before the
    deadline's day; the opening during its session; the candidates during the publicity."""
    match stage:
        case ObjectionStage.TENDER_DOCUMENT:
            closes = days_before_end(dates.bid_deadline, DOCUMENT_OBJECTION_DAYS)
            return ObjectionWindow(stage, dates.sale_start, closes, CITATION[stage])
        case ObjectionStage.OPENING:
            return ObjectionWindow(stage, dates.bid_deadline, dates.opening_closes, CITATION[stage])
        case ObjectionStage.CANDIDATES:
            if dates.publicity is None:
                raise InvalidTransition("The candidates are not publicised yet: there is nothing to object to.")
            p = dates.publicity
            return ObjectionWindow(stage, p.opens_at, p.ends_at, CITATION[stage])


def _text(value: str, field: str) -> str:
    value = value.strip()
    if not value:
        raise InvalidInput("Say what the objection (or the answer) is.", field=field)
    if len(value) > MAX_TEXT:
        raise InvalidInput(f"At most {MAX_TEXT} characters.", field=field)
    return value


def _may_object(stage: ObjectionStage, objector: Objector) -> Objector:
    if objector.kind not in _MAY_OBJECT[stage]:
        who = "a bidder" if stage is ObjectionStage.OPENING else "a bidder or another interested party"
        raise NotPermitted(
            f"Only {who} may object at this stage ({CITATION[stage]}).", field="objector", rule=CITATION[stage]
        )
    if objector.kind is PartyKind.INTERESTED_PARTY:
        interest = (objector.stated_interest or "").strip()
        if not interest:
            raise InvalidInput(
                "An organisation that did not bid states its interest in the matter (利害关系, 招标投标法 第六十五条).",
                field="stated_interest",
            )
        return replace(objector, stated_interest=interest)
    return objector


def raise_objection(
    *,
    id: str,
    section_id: str,
    stage: ObjectionStage,
    objector: Objector,
    text: str,
    at: datetime,
    dates: StageDates,
    calendar: WorkingCalendar,
) -> Objection:
    """A new objection, or the rule refusing it: who may object, and the stage's window (``DeadlinePassed``
    once it has closed; ``InvalidTransition`` before it opens).

    Its answer is due 3 days after it was received, to 24:00 Beijing time (第二十二条、第五十四条), or by
    the end of the opening session for an objection at the opening (第四十四条).
    """
    body = _text(text, "text")
    who = _may_object(stage, objector)
    window = objection_window(stage, dates)
    if at < window.opens_at:
        raise InvalidTransition(f"Objections of this stage are received from {window.opens_at.isoformat()} on.")
    if at >= window.closes_at:
        raise DeadlinePassed(
            f"Objections of this stage were received until {window.closes_at.isoformat()} ({window.citation}).",
            rule=window.citation,
        )
    if stage is ObjectionStage.OPENING:
        due, pauses = window.closes_at, False
    else:
        due, pauses = period_end(at, ANSWER_DAYS, calendar), True
    return Objection(id, section_id, stage, who, body, at, due, pauses)


def answer_objection(objection: Objection, *, answer: str, at: datetime) -> Objection:
    """The tenderee's answer, once; a late one is recorded as late (``answered_late``), not refused."""
    if objection.state is ObjectionState.ANSWERED:
        raise InvalidTransition("This objection has been answered; answers are final.")
    if at < objection.raised_at:
        raise InvalidInput("An answer cannot come before the objection.", field="answered_at")
    return replace(objection, state=ObjectionState.ANSWERED, answer=_text(answer, "answer"), answered_at=at)


def objection_hold(objections: Iterable[Objection], stage: ObjectionStage) -> str | None:
    """Why activity of ``stage`` is paused (the chronograph's ``blocked_by``), or None when nothing holds it."""
    open_ = [o for o in objections if o.stage is stage and o.pauses and o.state is ObjectionState.OPEN]
    if not open_:
        return None
    return f"{len(open_)} objection(s) await an answer; activity is paused until then ({CITATION[stage]})."
