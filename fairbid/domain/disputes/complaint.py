"""Complaints (投诉) to the supervisor: who, until when, objection first, acceptance, decision, suspension.

- 招标投标法实施条例 第六十条第一款: a bidder or another interested party complains to the supervising
  department within 10 days of the day it knew or should have known; with a clear request and the
  necessary evidence.
- 招标投标法实施条例 第六十条第二款: on the matters of 第二十二条 (tender document), 第四十四条 (opening) and
  第五十四条 (evaluation result) the complainant must first object to the tenderee; the time the objection
  waits for its answer is not counted in the 10 days. The platform adds the answer period's days (from the
  objection's day to the answer's day, or to its due day when unanswered) to the 10 [U: the counting of
  the excluded period is the platform's reading].
- 招标投标法实施条例 第六十一条第二款: the supervisor decides within 3 working days of receipt whether to
  accept it, and decides an accepted one in writing within 30 working days; time spent on testing,
  inspection, appraisal or expert review is not counted.
- 招标投标法实施条例 第六十二条: the supervisor may order the tendering suspended while it handles one.
- 发改法规规〔2022〕1117号 (十八): the decision goes to the parties and is published.
- 工程建设项目招标投标活动投诉处理办法 (七部委11号令, amended 2013) governs the procedure in detail [U: its
  article numbers are not cited here; the time limits above are the 条例's].
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from fairbid.domain.calendar import WorkingCalendar, beijing_date, period_end, working_days_end
from fairbid.domain.disputes.objection import Objection, ObjectionStage, ObjectionState, Objector, PartyKind
from fairbid.domain.errors import DeadlinePassed, InvalidInput, InvalidTransition, RuleViolation

__all__ = [
    "ACCEPTANCE_WORKING_DAYS",
    "COMPLAINT_DAYS",
    "DECISION_WORKING_DAYS",
    "Complaint",
    "ComplaintMatter",
    "ComplaintOutcome",
    "ComplaintState",
    "accept_complaint",
    "complaint_deadline",
    "complaint_hold",
    "decide_complaint",
    "exclude_expert_time",
    "file_complaint",
    "lift_suspension",
    "order_suspension",
    "publish_decision",
    "refuse_complaint",
]

COMPLAINT_DAYS = 10  # 招标投标法实施条例 第六十条第一款 (T22)
ACCEPTANCE_WORKING_DAYS = 3  # 招标投标法实施条例 第六十一条第二款
DECISION_WORKING_DAYS = 30  # 同上
FILING_CITATION = "招标投标法实施条例 第六十条"
HANDLING_CITATION = "招标投标法实施条例 第六十一条第二款"
_INSTANT = timedelta(microseconds=1)


class ComplaintMatter(StrEnum):
    """What the complaint is about; the first three need an objection first (条例 第六十条第二款)."""

    TENDER_DOCUMENT = ObjectionStage.TENDER_DOCUMENT.value
    OPENING = ObjectionStage.OPENING.value
    CANDIDATES = ObjectionStage.CANDIDATES.value
    OTHER = "other"  # anything else: the expert draw, the award decision, the notice, the contract…

    @property
    def objection_stage(self) -> ObjectionStage | None:
        return None if self is ComplaintMatter.OTHER else ObjectionStage(self.value)


class ComplaintState(StrEnum):
    FILED = "filed"
    ACCEPTED = "accepted"  # 受理
    REFUSED = "refused"  # 不予受理
    DECIDED = "decided"  # 书面处理决定


class ComplaintOutcome(StrEnum):
    UPHELD = "upheld"  # 投诉成立: the decision orders the remedy in its text
    DISMISSED = "dismissed"  # 投诉不成立, 驳回


@dataclass(frozen=True, slots=True)
class Complaint:
    """A complaint through its handling; ``suspended`` while a suspension order stands (条例 第六十二条)."""

    id: str
    section_id: str
    matter: ComplaintMatter
    complainant: Objector
    request: str  # 明确的请求
    facts: str
    evidence: tuple[str, ...]  # SM3 digests of the evidence files
    knew_at: datetime
    filed_at: datetime
    filing_deadline: datetime
    objection_id: str | None
    acceptance_due: datetime
    state: ComplaintState = ComplaintState.FILED
    accepted_at: datetime | None = None
    decision_due: datetime | None = None
    excluded_working_days: int = 0  # testing, inspection, appraisal or expert review (第六十一条第二款)
    refusal_reason: str | None = None
    outcome: ComplaintOutcome | None = None
    decision: str | None = None
    decided_at: datetime | None = None
    published_at: datetime | None = None
    suspension_ordered_at: datetime | None = None
    suspension_lifted_at: datetime | None = None

    @property
    def suspended(self) -> bool:
        return self.suspension_ordered_at is not None and self.suspension_lifted_at is None

    def due_at(self) -> datetime | None:
        """The supervisor's next deadline: acceptance while filed, decision while accepted, else none."""
        if self.state is ComplaintState.FILED:
            return self.acceptance_due
        return self.decision_due if self.state is ComplaintState.ACCEPTED else None


def _excluded_days(objection: Objection) -> int:
    """Days the objection waited: from its day (not counted) to the answer's day, or to the last day it
    could be answered (``answer_due`` is the first instant after that day)."""
    end = objection.answered_at if objection.answered_at is not None else objection.answer_due - _INSTANT
    return max(0, (beijing_date(end) - beijing_date(objection.raised_at)).days)


def complaint_deadline(knew_at: datetime, *, objection: Objection | None, calendar: WorkingCalendar) -> datetime:
    """The last moment to complain: 10 days from the day the complainant knew (that day not counted), to
    24:00 Beijing time, plus the days its objection waited for an answer (条例 第六十条)."""
    extra = _excluded_days(objection) if objection is not None else 0
    return period_end(knew_at, COMPLAINT_DAYS + extra, calendar)


def _require_objection(
    matter: ComplaintMatter, complainant: Objector, objection: Objection | None, at: datetime
) -> Objection | None:
    stage = matter.objection_stage
    if stage is None:
        return objection
    if (
        objection is None
        or objection.stage is not stage
        or objection.objector.organisation_id != complainant.organisation_id
    ):
        raise RuleViolation(
            "On this matter the complainant first objects to the tenderee (招标投标法实施条例 第二十二条、第四十四条、"
            "第五十四条); attach that objection.",
            rule="T22",
            citation="招标投标法实施条例 第六十条第二款",
            field="objection_id",
        )
    if objection.state is ObjectionState.OPEN and at < objection.answer_due:
        raise InvalidTransition(
            f"The objection awaits its answer until {objection.answer_due.isoformat()}; complain after the answer "
            "or once that time has passed (招标投标法实施条例 第六十条第二款)."
        )
    return objection


def file_complaint(
    *,
    id: str,
    section_id: str,
    matter: ComplaintMatter,
    complainant: Objector,
    request: str,
    facts: str,
    evidence: Iterable[str] = (),
    knew_at: datetime,
    at: datetime,
    objection: Objection | None = None,
    calendar: WorkingCalendar,
) -> Complaint:
    """A complaint received at ``at``, or the rule refusing it outright: objection first where required
    (``RuleViolation``), within the 10 days (``DeadlinePassed`` naming 条例 第六十条). Acceptance is then
    due within 3 working days (第六十一条)."""
    if not request.strip():
        raise InvalidInput("State what you ask the supervisor to do (明确的请求).", field="request")
    if complainant.kind is PartyKind.INTERESTED_PARTY and not (complainant.stated_interest or "").strip():
        raise InvalidInput(
            "An organisation that did not bid states its interest in the matter (招标投标法 第六十五条).",
            field="stated_interest",
        )
    if knew_at > at:
        raise InvalidInput("The day you knew cannot come after the complaint.", field="knew_at")
    used = _require_objection(matter, complainant, objection, at)
    deadline = complaint_deadline(knew_at, objection=used, calendar=calendar)
    if at >= deadline:
        raise DeadlinePassed(
            f"A complaint is filed within {COMPLAINT_DAYS} days of the day the complainant knew or should have "
            f"known (not counting the objection's answer period); this one closed at {deadline.isoformat()} "
            f"({FILING_CITATION}).",
            rule="T22",
            field="filed_at",
        )
    return Complaint(
        id,
        section_id,
        matter,
        complainant,
        request.strip(),
        facts.strip(),
        tuple(evidence),
        knew_at,
        at,
        deadline,
        used.id if used is not None else None,
        working_days_end(at, ACCEPTANCE_WORKING_DAYS, calendar),
    )


def _in(c: Complaint, *states: ComplaintState) -> None:
    if c.state not in states:
        allowed = ", ".join(s.value for s in states)
        raise InvalidTransition(f"The complaint is {c.state}; this step is taken when it is {allowed}.")


def accept_complaint(c: Complaint, *, at: datetime, calendar: WorkingCalendar) -> Complaint:
    """受理: the decision is then due within 30 working days (招标投标法实施条例 第六十一条第二款)."""
    _in(c, ComplaintState.FILED)
    due = working_days_end(at, DECISION_WORKING_DAYS, calendar)
    return replace(c, state=ComplaintState.ACCEPTED, accepted_at=at, decision_due=due)


def refuse_complaint(c: Complaint, *, at: datetime, reason: str) -> Complaint:
    """不予受理, with the reason in writing; a suspension ordered meanwhile is lifted."""
    _in(c, ComplaintState.FILED)
    if not reason.strip():
        raise InvalidInput("Give the reason for not accepting the complaint.", field="reason")
    lifted = at if c.suspended else c.suspension_lifted_at
    return replace(c, state=ComplaintState.REFUSED, refusal_reason=reason.strip(), suspension_lifted_at=lifted,
                   decided_at=at)  # fmt: skip


def exclude_expert_time(c: Complaint, *, working_days: int, calendar: WorkingCalendar) -> Complaint:
    """Move the decision's due date by working days spent on testing, inspection, appraisal or expert
    review, which are not counted (招标投标法实施条例 第六十一条第二款)."""
    _in(c, ComplaintState.ACCEPTED)
    if working_days < 1 or c.accepted_at is None:
        raise InvalidInput("Exclude at least one working day.", field="working_days")
    total = c.excluded_working_days + working_days
    due = working_days_end(c.accepted_at, DECISION_WORKING_DAYS + total, calendar)
    return replace(c, excluded_working_days=total, decision_due=due)


def decide_complaint(c: Complaint, *, at: datetime, outcome: ComplaintOutcome, decision: str) -> Complaint:
    """书面处理决定; it ends any suspension (the decision's text orders what follows)."""
    _in(c, ComplaintState.ACCEPTED)
    if not decision.strip():
        raise InvalidInput("Write the decision.", field="decision")
    lifted = at if c.suspended else c.suspension_lifted_at
    return replace(
        c, state=ComplaintState.DECIDED, outcome=outcome, decision=decision.strip(), decided_at=at,
        suspension_lifted_at=lifted,
    )  # fmt: skip


def publish_decision(c: Complaint, *, at: datetime) -> Complaint:
    """Publish the decision (发改法规规〔2022〕1117号 (十八)); once."""
    _in(c, ComplaintState.DECIDED)
    if c.published_at is not None:
        raise InvalidTransition("The decision has been published.")
    if c.decided_at is not None and at < c.decided_at:
        raise InvalidInput("A decision is published after it is made.", field="published_at")
    return replace(c, published_at=at)


def order_suspension(c: Complaint, *, at: datetime) -> Complaint:
    """The supervisor orders the tendering suspended while it handles the complaint (条例 第六十二条)."""
    _in(c, ComplaintState.FILED, ComplaintState.ACCEPTED)
    if c.suspended:
        raise InvalidTransition("The section is already suspended for this complaint.")
    return replace(c, suspension_ordered_at=at, suspension_lifted_at=None)


def lift_suspension(c: Complaint, *, at: datetime) -> Complaint:
    """The supervisor lifts its suspension order."""
    if not c.suspended:
        raise InvalidTransition("No suspension order stands for this complaint.")
    return replace(c, suspension_lifted_at=at)


def complaint_hold(complaints: Iterable[Complaint]) -> str | None:
    """Why the section's activity is suspended (the chronograph's ``blocked_by``), or None."""
    standing = [c.id for c in complaints if c.suspended]
    if not standing:
        return None
    return (
        f"Suspended by the supervisor while it handles complaint(s) {', '.join(standing)} "
        "(招标投标法实施条例 第六十二条)."
    )
