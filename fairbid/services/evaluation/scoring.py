"""Members' scoring (专家评分): score sheets, verdicts on the machine review, warnings and their answers.

Each committee member — drawn expert or representative of the tenderee — scores only the subjective items, within
the pinned terms' bounds, independently and without seeing the others' sheets until everyone has submitted
(条例 第四十九条). Late sheets, scores out of bounds, sheets from outside the committee and changes after
submission are refused (``check_sheet``). Once all sheets are in, the machine raises warnings (1117号 (五); 195号
第九项); a warned member confirms or revises with a written reason. Every action is recorded with venue, time and
device (电子办法 第四十九条). Sheets, verdicts and answers are versioned: two arriving at once are both kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from fairbid.crypto.digest import canonical_json, sm3_hex
from fairbid.domain.actor import Actor, Role
from fairbid.domain.errors import InvalidInput, InvalidTransition, NotFound
from fairbid.domain.evaluation import (
    BidReview,
    Rubric,
    ScoreSheet,
    ScoreWarning,
    all_submitted,
    answer_warning,
    check_sheet,
    confirm_check,
    dispute_check,
    score_warnings,
    visible_sheets,
)
from fairbid.domain.evaluation.committee import Committee, MemberSheet, RaisedWarning, member_action
from fairbid.domain.evaluation.machine import rubric_of
from fairbid.domain.terms import ObjectiveScore
from fairbid.ledger.chain import LedgerAction
from fairbid.ledger.snapshot import SubjectType, committee_snapshot, score_sheet_snapshot, score_warning_snapshot
from fairbid.ports import Clock, UnitOfWork
from fairbid.services.shared.participation import member_of
from fairbid.services.shared.retry import retry_on_conflict
from fairbid.services.shared.terms import pinned_terms

__all__ = [
    "AnswerWarning",
    "SheetsView",
    "SubmitSheet",
    "Verdict",
    "answer_score_warning",
    "give_verdict",
    "sheets_view",
    "submit_score_sheet",
]

_MACHINE = Actor(role=Role.MACHINE, job="evaluation")


@dataclass(frozen=True, slots=True)
class _Session:
    committee: Committee
    who: str
    bids: tuple[str, ...]
    rubric: Rubric


def _session(uow: UnitOfWork, section_id: str, actor: Actor) -> _Session:
    committee = uow.committees.get(section_id)
    review = committee.ensure_open()
    who = member_of(uow, committee, actor)
    terms = pinned_terms(uow, uow.sections.get(section_id))
    if terms.scoring is None:
        raise InvalidTransition("The lowest evaluated price method has no score sheets (12号令 第三十条).")
    return _Session(committee, who, review.scored, rubric_of(terms.scoring))


def _act(uow: UnitOfWork, s: _Session, action: str, device: str, now: datetime) -> None:
    log = uow.session_actions.for_section(s.committee.section_id)
    uow.session_actions.add(
        s.committee.section_id, member_action(s.committee, log, s.who, action, device=device, at=now)
    )


def _all_sheets(uow: UnitOfWork, s: _Session) -> list[ScoreSheet]:
    return [
        x for sheet in uow.sheets.for_section(s.committee.section_id) for x in sheet.bids.values() if x.bid_id in s.bids
    ]


def _raise_warnings(uow: UnitOfWork, s: _Session, now: datetime) -> int:
    """Once every sheet is in, store each new warning (stable IDs: a warning already raised is not repeated)."""
    sheets = _all_sheets(uow, s)
    members = s.committee.members
    if not all_submitted(sheets, members, s.bids):
        return 0
    by_bid: dict[str, dict[str, ScoreSheet]] = {b: {} for b in s.bids}
    for sheet in sheets:
        by_bid[sheet.bid_id][sheet.expert_id] = sheet
    known = {w.warning.warning_id for w in uow.score_warnings.for_section(s.committee.section_id)}
    new = [w for w in score_warnings(s.rubric, by_bid, members) if w.warning_id not in known]
    for w in new:
        uow.score_warnings.add(s.committee.section_id, w, now=now)
    if new:
        uow.record(
            actor=_MACHINE,
            action=LedgerAction.SCORE_WARNING_RAISED,
            subject_type=SubjectType.COMMITTEE,
            subject_id=s.committee.section_id,
            payload={"warnings": len(new), "kinds": sorted({w.kind.value for w in new})},
            now=now,
        )
    return len(new)


def _sheet_of(uow: UnitOfWork, s: _Session) -> MemberSheet:
    return uow.sheets.find(s.committee.section_id, s.who) or MemberSheet(s.committee.section_id, s.who)


def _store(
    uow: UnitOfWork,
    s: _Session,
    sheet: MemberSheet,
    actor: Actor,
    action: LedgerAction,
    payload: dict[str, object],
    now: datetime,
) -> None:
    uow.sheets.save(sheet)
    seat = s.committee.seat_of(s.who)
    uow.record(
        actor=actor,
        action=action,
        subject_type=SubjectType.SCORE_SHEET,
        subject_id=f"{s.committee.section_id}:{seat}",  # the seat, never the member (法 第三十七条)
        payload={"seat": seat, **payload},
        snapshot=score_sheet_snapshot(sheet),
        now=now,
    )


@dataclass(frozen=True, slots=True)
class SubmitSheet:
    section_id: str
    bid_id: str
    scores: Mapping[str, Decimal]
    stated_total: Decimal | None = None
    device: str = "web"


@retry_on_conflict
def submit_score_sheet(cmd: SubmitSheet, *, uow: UnitOfWork, clock: Clock, actor: Actor) -> int:
    """Submit one bid's subjective scores; returns how many new warnings the submission raised."""
    now = clock.now()
    with uow:
        s = _session(uow, cmd.section_id, actor)
        sheet = _sheet_of(uow, s)
        previous = sheet.bids.get(cmd.bid_id)
        accepted = check_sheet(
            ScoreSheet(s.who, cmd.bid_id, dict(cmd.scores), now, cmd.stated_total),
            s.rubric,
            committee=frozenset(s.committee.members),
            bids=frozenset(s.bids),
            deadline=s.committee.schedule.evaluation.end,
            previous=previous,
        )
        if accepted is previous:
            return 0  # the same scores again: harmless
        _act(uow, s, f"score:{cmd.bid_id[:8]}", cmd.device, now)
        sheet.bids[cmd.bid_id] = accepted
        sheet.submitted_at = now
        digest = sm3_hex(canonical_json({k: str(v) for k, v in sorted(accepted.scores.items())}))
        _store(uow, s, sheet, actor, LedgerAction.SCORE_SHEET_SUBMITTED, {"bid_id": cmd.bid_id, "digest": digest}, now)
        raised = _raise_warnings(uow, s, now)
        uow.commit()
    return raised


@dataclass(frozen=True, slots=True)
class AnswerWarning:
    section_id: str
    warning_id: str
    revised: bool
    reason: str
    scores: Mapping[str, Decimal] | None = None  # the revised scores for the warned bid
    stated_total: Decimal | None = None
    device: str = "web"


def _raised(uow: UnitOfWork, section_id: str, warning_id: str) -> RaisedWarning:
    for raised in uow.score_warnings.for_section(section_id):
        if raised.warning.warning_id == warning_id:
            return raised
    raise NotFound(f"No warning {warning_id} in this evaluation.", field="warning_id")


@retry_on_conflict
def answer_score_warning(cmd: AnswerWarning, *, uow: UnitOfWork, clock: Clock, actor: Actor) -> int:
    """A warned member confirms or revises, with a written reason (1117号 (五)); returns new warnings raised."""
    now = clock.now()
    with uow:
        s = _session(uow, cmd.section_id, actor)
        raised = _raised(uow, cmd.section_id, cmd.warning_id)
        warning = raised.warning
        if raised.answered_by(s.who):
            raise InvalidTransition("You have already answered this warning.", field="warning_id")
        answer = answer_warning(warning, expert_id=s.who, revised=cmd.revised, reason=cmd.reason, at=now)
        if cmd.revised:
            sheet = _sheet_of(uow, s)
            previous = sheet.bids.get(warning.bid_id)
            if cmd.scores is None or previous is None:
                raise InvalidInput("A revision gives the revised scores.", field="scores")
            revised = ScoreSheet(s.who, warning.bid_id, dict(cmd.scores), now, cmd.stated_total, answer.reason)
            sheet.bids[warning.bid_id] = check_sheet(
                revised,
                s.rubric,
                committee=frozenset(s.committee.members),
                bids=frozenset(s.bids),
                deadline=s.committee.schedule.evaluation.end,
                previous=previous,
            )
            sheet.revision += 1
            sheet.revision_reason = answer.reason
            sheet.submitted_at = now
            _store(
                uow,
                s,
                sheet,
                actor,
                LedgerAction.SCORE_SHEET_SUBMITTED,
                {"bid_id": warning.bid_id, "revision": sheet.revision},
                now,
            )
        elif cmd.scores is not None:
            raise InvalidInput("Confirming a score changes nothing; send scores only with a revision.", field="scores")
        _act(uow, s, f"answer:{warning.kind.value}", cmd.device, now)
        raised.answers.append(answer)
        if {a.expert_id for a in raised.answers} >= set(warning.experts):
            raised.resolved_at = now
        uow.score_warnings.save(raised)
        uow.record(
            actor=actor,
            action=LedgerAction.SCORE_WARNING_ANSWERED,
            subject_type=SubjectType.SCORE_WARNING,
            subject_id=raised.id,
            payload={"seat": s.committee.seat_of(s.who), "kind": warning.kind.value, "revised": answer.revised},
            snapshot=score_warning_snapshot(raised),
            now=now,
        )
        new = _raise_warnings(uow, s, now) if cmd.revised else 0
        uow.commit()
    return new


@dataclass(frozen=True, slots=True)
class Verdict:
    section_id: str
    bid_id: str
    check_id: str
    agrees: bool
    reason: str = ""
    device: str = "web"


@retry_on_conflict
def give_verdict(cmd: Verdict, *, uow: UnitOfWork, clock: Clock, actor: Actor) -> None:
    """Confirm or dispute one machine review result; a dispute needs a written reason (条例 第五十三条)."""
    now = clock.now()
    with uow:
        committee = uow.committees.get(cmd.section_id)
        review = committee.ensure_open()
        who = member_of(uow, committee, actor)
        result = review.reviews.get(cmd.bid_id)
        if result is None:
            raise NotFound(f"Bid {cmd.bid_id} was not reviewed in this evaluation.", field="bid_id")
        members = frozenset(committee.members)
        updated: BidReview = (
            confirm_check(result, cmd.check_id, expert_id=who, committee=members, at=now)
            if cmd.agrees
            else dispute_check(result, cmd.check_id, expert_id=who, committee=members, reason=cmd.reason, at=now)
        )
        log = uow.session_actions.for_section(cmd.section_id)
        uow.session_actions.add(
            cmd.section_id, member_action(committee, log, who, f"verdict:{cmd.check_id}", device=cmd.device, at=now)
        )
        committee.review = review.with_review(updated)
        uow.committees.save(committee, now=now)
        uow.record(
            actor=actor,
            action=LedgerAction.REVIEW_VERDICT_GIVEN,
            subject_type=SubjectType.COMMITTEE,
            subject_id=cmd.section_id,
            payload={
                "seat": committee.seat_of(who),
                "bid_id": cmd.bid_id,
                "check_id": cmd.check_id,
                "agrees": cmd.agrees,
                "reason": cmd.reason.strip(),
            },
            snapshot=committee_snapshot(committee),
            now=now,
        )
        uow.commit()


@dataclass(frozen=True, slots=True)
class SheetsView:
    expert_id: str  # the member viewing
    bids: tuple[str, ...]
    rubric: Rubric
    sheets: tuple[ScoreSheet, ...]  # own sheets, or all once everyone has submitted
    all_in: bool
    warnings: tuple[tuple[ScoreWarning, bool], ...]  # addressed to the viewer: (warning, answered)
    reviews: tuple[BidReview, ...]
    price_scores: Mapping[str, str]
    objective: Mapping[str, tuple[ObjectiveScore, ...]]


def sheets_view(section_id: str, *, uow: UnitOfWork, actor: Actor) -> SheetsView:
    """What a committee member sees: the rubric, the machine's results with their evidence, their own sheets
    (everyone's once all are in, 条例 第四十九条) and the warnings addressed to them."""
    with uow:
        s = _session(uow, section_id, actor)
        sheets = _all_sheets(uow, s)
        members = s.committee.members
        shown = visible_sheets(sheets, viewer=s.who, committee=members, bids=s.bids)
        mine = tuple(
            (r.warning, r.answered_by(s.who))
            for r in uow.score_warnings.for_section(section_id)
            if s.who in r.warning.experts
        )
        review = s.committee.ensure_open()
        prices = {} if review.price is None else {b: str(v) for b, v in review.price.scores.items()}
        return SheetsView(
            s.who,
            s.bids,
            s.rubric,
            tuple(shown),
            all_submitted(sheets, members, s.bids),
            mine,
            tuple(review.reviews.values()),
            prices,
            dict(review.objective),
        )
