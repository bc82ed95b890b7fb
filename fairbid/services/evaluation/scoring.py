"""Expert scoring (专家评分): score sheets, verdicts on the machine review, warnings and their answers.

Each committee member scores only the subjective items, within the rubric's bounds, independently and
without seeing the others' sheets until everyone has submitted (条例 第四十九条). Late sheets, scores out
of bounds, sheets from outside the committee and changes after submission are refused (``check_sheet``).
Once all sheets are in, the machine raises warnings (1117号 (五); 195号 第九项); a warned expert confirms or
revises with a written reason. Every action is recorded with venue, time and device (电子办法 第四十九条).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from fairbid.crypto.digest import canonical_json, sm3_hex
from fairbid.domain.actor import Actor, Role
from fairbid.domain.errors import InvalidInput, InvalidTransition, NotFound, NotPermitted
from fairbid.domain.evaluation import (
    BidReview,
    BidScore,
    Rubric,
    ScoreSheet,
    ScoreWarning,
    WarningAnswer,
    WarningKind,
    aggregate_scores,
    all_submitted,
    answer_warning,
    check_sheet,
    confirm_check,
    dispute_check,
    ensure_warnings_resolved,
    score_warnings,
    visible_sheets,
)
from fairbid.domain.expert import record_action
from fairbid.ledger.chain import LedgerAction
from fairbid.ledger.snapshot import SubjectType, review_snapshot, score_sheet_snapshot
from fairbid.ports import Clock
from fairbid.services.evaluation.committee import accepted_members, expert_of, load_draw, seat_no
from fairbid.services.evaluation.terms import PRICE_ITEM, machine_state, review_json, reviews_of, rubric_of
from fairbid.store.expert_pool import parse_iso
from fairbid.store.rows import CommitteeRow, ScoreSheetRow, WarningRow
from fairbid.store.uow import SqlUnitOfWork

__all__ = [
    "AnswerWarning",
    "SheetsView",
    "SubmitSheet",
    "Verdict",
    "aggregate_section",
    "answer_score_warning",
    "give_verdict",
    "sheets_view",
    "submit_score_sheet",
]


def _sheet(expert_id: str, bid_id: str, data: Mapping[str, Any]) -> ScoreSheet:
    return ScoreSheet(
        expert_id,
        bid_id,
        {k: Decimal(v) for k, v in data["scores"].items()},
        parse_iso(data["submitted_at"]),
        None if data.get("stated_total") is None else Decimal(data["stated_total"]),
        data.get("revision_reason", ""),
    )


def _sheet_json(sheet: ScoreSheet) -> dict[str, Any]:
    return {
        "scores": {k: str(v) for k, v in sorted(sheet.scores.items())},
        "stated_total": None if sheet.stated_total is None else str(sheet.stated_total),
        "submitted_at": sheet.submitted_at.isoformat(),
        "revision_reason": sheet.revision_reason,
    }


def _all_sheets(rows: Sequence[ScoreSheetRow]) -> list[ScoreSheet]:
    return [_sheet(r.expert_id, bid_id, data) for r in rows for bid_id, data in sorted(r.sheet["bids"].items())]


@dataclass(frozen=True, slots=True)
class _Session:
    row: CommitteeRow
    who: str
    members: tuple[str, ...]
    bids: tuple[str, ...]
    rubric: Rubric
    deadline: datetime


def _session(uow: SqlUnitOfWork, section_id: str, actor: Actor) -> _Session:
    who = expert_of(uow, actor)
    row = uow.committees.get(section_id)
    if row.draw.get("result"):
        raise InvalidTransition("The evaluation is finished; the sheets are closed.")
    state = machine_state(row)
    members = accepted_members(load_draw(row))
    if who not in members:
        raise NotPermitted(f"{who} is not on this committee.", field="expert_id")
    return _Session(
        row, who, members, tuple(state["scored"]), rubric_of(row.plan["terms"]), parse_iso(row.plan["evaluation_end"])
    )


def _act(uow: SqlUnitOfWork, s: _Session, action: str, device: str, now: datetime) -> None:
    draw = load_draw(s.row)
    seat = next(x for x in draw.active if x.expert_id == s.who)
    sessions = uow.session_actions
    done = record_action(
        draw, sessions.for_section(s.row.section_id), s.who, action, venue_id=seat.venue_id, device=device, at=now
    )
    sessions.add(s.row.section_id, done)


def _warning(p: Mapping[str, Any]) -> ScoreWarning:
    value, ref, limit = (None if p.get(k) is None else Decimal(p[k]) for k in ("value", "reference", "limit"))
    return ScoreWarning(WarningKind(p["kind"]), p["bid_id"], tuple(p["experts"]), p.get("item_id"), value, ref, limit)


def _raise_warnings(uow: SqlUnitOfWork, s: _Session, actor: Actor, now: datetime) -> int:
    """Once every sheet is in, store each new warning (stable IDs: a warning already raised is not repeated)."""
    sheets = [x for x in _all_sheets(uow.sheets.for_section(s.row.section_id)) if x.bid_id in s.bids]
    if not all_submitted(sheets, s.members, s.bids):
        return 0
    by_bid: dict[str, dict[str, ScoreSheet]] = {b: {} for b in s.bids}
    for sheet in sheets:
        by_bid[sheet.bid_id][sheet.expert_id] = sheet
    repo = uow.score_warnings
    known = {w.payload["warning_id"] for w in repo.for_section(s.row.section_id)}
    new = [w for w in score_warnings(s.rubric, by_bid, s.members) if w.warning_id not in known]
    for w in new:
        repo.add(
            s.row.section_id,
            w.kind.value,
            {
                "warning_id": w.warning_id,
                "kind": w.kind.value,
                "bid_id": w.bid_id,
                "experts": list(w.experts),
                "item_id": w.item_id,
                "value": None if w.value is None else str(w.value),
                "reference": None if w.reference is None else str(w.reference),
                "limit": None if w.limit is None else str(w.limit),
                "detail": w.detail,
            },
            now=now,
        )
    if new:
        uow.record(
            actor=Actor(role=Role.MACHINE, job="evaluation"),
            action=LedgerAction.SCORE_WARNING_RAISED,
            subject_type=SubjectType.COMMITTEE,
            subject_id=s.row.section_id,
            payload={"warnings": len(new), "kinds": sorted({w.kind.value for w in new})},
            now=now,
        )
    return len(new)


@dataclass(frozen=True, slots=True)
class SubmitSheet:
    section_id: str
    bid_id: str
    scores: Mapping[str, Decimal]
    stated_total: Decimal | None = None
    device: str = "web"


def _store(uow: SqlUnitOfWork, s: _Session, sheet: ScoreSheet, reason: str | None, now: datetime) -> dict[str, Any]:
    """Store the member's sheet with this bid's scores; returns what is stored (the ledger tracks it)."""
    repo = uow.sheets
    row = repo.find(s.row.section_id, s.who)
    bids = dict(row.sheet["bids"]) if row is not None else {}
    bids[sheet.bid_id] = _sheet_json(sheet)
    repo.put(s.row.section_id, s.who, bids, at=now, revision_reason=reason)
    return bids


def _previous(uow: SqlUnitOfWork, s: _Session, bid_id: str) -> ScoreSheet | None:
    row = uow.sheets.find(s.row.section_id, s.who)
    data = None if row is None else row.sheet["bids"].get(bid_id)
    return None if data is None else _sheet(s.who, bid_id, data)


def submit_score_sheet(cmd: SubmitSheet, *, uow: SqlUnitOfWork, clock: Clock, actor: Actor) -> int:
    """Submit one bid's subjective scores; returns how many new warnings the submission raised."""
    now = clock.now()
    with uow:
        s = _session(uow, cmd.section_id, actor)
        previous = _previous(uow, s, cmd.bid_id)
        sheet = ScoreSheet(s.who, cmd.bid_id, dict(cmd.scores), now, cmd.stated_total)
        accepted = check_sheet(
            sheet,
            s.rubric,
            committee=frozenset(s.members),
            bids=frozenset(s.bids),
            deadline=s.deadline,
            previous=previous,
        )
        if accepted is previous:
            return 0  # the same scores again: harmless
        _act(uow, s, f"score:{cmd.bid_id[:8]}", cmd.device, now)  # action is 40 characters
        seat = seat_no(load_draw(s.row), s.who)
        uow.record(
            actor=actor,
            action=LedgerAction.SCORE_SHEET_SUBMITTED,
            subject_type=SubjectType.SCORE_SHEET,
            subject_id=f"{cmd.section_id}:{seat}",  # the seat, never the expert (法 第三十七条)
            payload={"seat": seat, "bid_id": cmd.bid_id, "digest": sm3_hex(canonical_json(_sheet_json(accepted)))},
            snapshot=score_sheet_snapshot(_store(uow, s, accepted, None, now)),
            now=now,
        )
        raised = _raise_warnings(uow, s, actor, now)
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


def _warning_row(uow: SqlUnitOfWork, section_id: str, warning_id: str) -> WarningRow:
    for row in uow.score_warnings.for_section(section_id):
        if row.payload["warning_id"] == warning_id:
            return row
    raise NotFound(f"No warning {warning_id} in this evaluation.", field="warning_id")


def answer_score_warning(cmd: AnswerWarning, *, uow: SqlUnitOfWork, clock: Clock, actor: Actor) -> int:
    """A warned expert confirms or revises, with a written reason (1117号 (五)); returns new warnings raised."""
    now = clock.now()
    with uow:
        s = _session(uow, cmd.section_id, actor)
        row = _warning_row(uow, cmd.section_id, cmd.warning_id)
        warning = _warning(row.payload)
        answers = list((row.resolution or {}).get("answers", []))
        if any(a["expert_id"] == s.who for a in answers):
            raise InvalidTransition("You have already answered this warning.", field="warning_id")
        answer = answer_warning(warning, expert_id=s.who, revised=cmd.revised, reason=cmd.reason, at=now)
        revised: dict[str, Any] = {}
        if cmd.revised:
            previous = _previous(uow, s, warning.bid_id)
            if cmd.scores is None or previous is None:
                raise InvalidInput("A revision gives the revised scores.", field="scores")
            sheet = ScoreSheet(s.who, warning.bid_id, dict(cmd.scores), now, cmd.stated_total, answer.reason)
            accepted = check_sheet(
                sheet,
                s.rubric,
                committee=frozenset(s.members),
                bids=frozenset(s.bids),
                deadline=s.deadline,
                previous=previous,
            )
            revised = _store(uow, s, accepted, answer.reason, now)
        elif cmd.scores is not None:
            raise InvalidInput("Confirming a score changes nothing; send scores only with a revision.", field="scores")
        _act(uow, s, f"answer:{warning.kind.value}", cmd.device, now)
        answers.append({"expert_id": s.who, "revised": answer.revised, "reason": answer.reason, "at": now.isoformat()})
        row.resolution = {"answers": answers}
        if {a["expert_id"] for a in answers} >= set(warning.experts):
            row.resolved_at = now
        seat = seat_no(load_draw(s.row), s.who)
        uow.record(
            actor=actor,
            action=LedgerAction.SCORE_WARNING_ANSWERED,
            # a revision changes the sheet: the entry is then about the sheet, and tracks it
            subject_type=SubjectType.SCORE_SHEET if cmd.revised else SubjectType.COMMITTEE,
            subject_id=f"{cmd.section_id}:{seat}" if cmd.revised else cmd.section_id,
            payload={"seat": seat, "kind": warning.kind.value, "revised": answer.revised},
            snapshot=score_sheet_snapshot(revised) if cmd.revised else None,
            now=now,
        )
        raised = _raise_warnings(uow, s, actor, now) if cmd.revised else 0
        uow.commit()
    return raised


@dataclass(frozen=True, slots=True)
class Verdict:
    section_id: str
    bid_id: str
    check_id: str
    agrees: bool
    reason: str = ""
    device: str = "web"


def give_verdict(cmd: Verdict, *, uow: SqlUnitOfWork, clock: Clock, actor: Actor) -> None:
    """Confirm or dispute one machine review result; a dispute needs a written reason (条例 第五十三条)."""
    now = clock.now()
    with uow:
        s = _session(uow, cmd.section_id, actor)
        reviews = reviews_of(s.row)
        review = reviews.get(cmd.bid_id)
        if review is None:
            raise NotFound(f"Bid {cmd.bid_id} was not reviewed in this evaluation.", field="bid_id")
        committee = frozenset(s.members)
        updated: BidReview = (
            confirm_check(review, cmd.check_id, expert_id=s.who, committee=committee, at=now)
            if cmd.agrees
            else dispute_check(review, cmd.check_id, expert_id=s.who, committee=committee, reason=cmd.reason, at=now)
        )
        _act(uow, s, f"verdict:{cmd.check_id}", cmd.device, now)
        state = machine_state(s.row)
        state["reviews"] = {**state["reviews"], cmd.bid_id: review_json(updated)}
        s.row.draw = {**s.row.draw, "machine": state}
        uow.record(
            actor=actor,
            action=LedgerAction.REVIEW_VERDICT_GIVEN,
            subject_type=SubjectType.COMMITTEE,
            subject_id=cmd.section_id,
            payload={
                "seat": seat_no(load_draw(s.row), s.who),
                "bid_id": cmd.bid_id,
                "check_id": cmd.check_id,
                "agrees": cmd.agrees,
                "reason": cmd.reason.strip(),
            },
            snapshot=review_snapshot(state["reviews"]),
            now=now,
        )
        uow.commit()


@dataclass(frozen=True, slots=True)
class SheetsView:
    expert_id: str
    bids: tuple[str, ...]
    rubric: Rubric
    sheets: tuple[ScoreSheet, ...]  # own sheets, or all once everyone has submitted
    all_in: bool
    warnings: tuple[tuple[ScoreWarning, bool], ...]  # addressed to the viewer: (warning, answered)
    reviews: tuple[BidReview, ...]
    price_scores: Mapping[str, str]


def sheets_view(section_id: str, *, uow: SqlUnitOfWork, actor: Actor) -> SheetsView:
    """What a committee member sees: the rubric, the machine's results, their own sheets (everyone's once all
    are in, 条例 第四十九条) and the warnings addressed to them."""
    with uow:
        s = _session(uow, section_id, actor)
        sheets = [x for x in _all_sheets(uow.sheets.for_section(section_id)) if x.bid_id in s.bids]
        shown = visible_sheets(sheets, viewer=s.who, committee=s.members, bids=s.bids)
        mine = []
        for row in uow.score_warnings.for_section(section_id):
            if s.who in row.payload["experts"]:
                answered = any(a["expert_id"] == s.who for a in (row.resolution or {}).get("answers", []))
                mine.append((_warning(row.payload), answered))
        state = machine_state(s.row)
        return SheetsView(
            s.who,
            s.bids,
            s.rubric,
            tuple(shown),
            all_submitted(sheets, s.members, s.bids),
            tuple(mine),
            tuple(reviews_of(s.row).values()),
            dict(state.get("price", {}).get("scores", {})),
        )


def aggregate_section(
    uow: SqlUnitOfWork, row: CommitteeRow, members: Sequence[str], valid: Sequence[str], prices: Mapping[str, Decimal]
) -> dict[str, BidScore]:
    """The bids' totals from every member's sheets and the machine's price scores; refuses while a sheet is
    missing or a warning unanswered (1117号 (五))."""
    rubric = rubric_of(row.plan["terms"])
    sheets = [x for x in _all_sheets(uow.sheets.for_section(row.section_id)) if x.bid_id in valid]
    result = aggregate_scores(rubric, sheets, {b: {PRICE_ITEM: prices[b]} for b in valid}, committee=list(members))
    answers = [
        WarningAnswer(w.payload["warning_id"], a["expert_id"], bool(a["revised"]), a["reason"], parse_iso(a["at"]))
        for w in uow.score_warnings.for_section(row.section_id)
        for a in (w.resolution or {}).get("answers", [])
    ]
    ensure_warnings_resolved(result.warnings, answers)
    return dict(result.scores)
