"""Conflict declarations and recusal (回避) when the committee first sees the list of bidders.

法 第三十七条第四款: 与投标人有利害关系的人不得进入相关项目的评标委员会；已经进入的应当更换.
条例 第四十六条第三款: 评标委员会成员与投标人有利害关系的，应当主动回避; its 第二款: an expert member
is replaced the same way as drawn, at random from the pool — here, the next round of the same verifiable
draw (``fairbid.domain.expert.draw_replacements``). 12号令 第十二条 lists the conflicts (``RecusalGround``).
[U] the paragraph numbers (款) are from the 2019 text as remembered, not checked against an official copy.

Each seated member — drawn expert or tenderee representative — declares once the bidder list is shown:
no conflict, or a conflict with its ground. Nobody reads a bid or scores before declaring no conflict
(``ensure_may_evaluate``). A member who first declared no conflict may still recuse later (a conflict found
during the evaluation); a recusal is final. An expert's recusal frees the seat (``SeatStatus.RECUSED``) for
a replacement draw; a tenderee representative's seat is refilled by the tenderee's own appointment [U].
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from fairbid.domain.errors import InvalidInput, InvalidTransition, NotPermitted
from fairbid.domain.expert.draw import CommitteeDraw, DrawnSeat, SeatStatus

__all__ = [
    "RECUSAL_CITATION",
    "Declaration",
    "RecusalGround",
    "RecusalOutcome",
    "SeatKind",
    "apply_recusals",
    "declare",
    "ensure_may_evaluate",
    "undeclared_members",
]

RECUSAL_CITATION = "法 第三十七条第四款; 条例 第四十六条; 12号令 第十二条"


class RecusalGround(StrEnum):
    """Why a member recuses (12号令 第十二条; 法 第三十七条第四款)."""

    NEAR_RELATIVE = "near_relative"  # (一) 投标人或者投标人主要负责人的近亲属
    AUTHORITY_STAFF = "authority_staff"  # (二) 项目主管部门或者行政监督部门的人员
    ECONOMIC_INTEREST = "economic_interest"  # (三) 与投标人有经济利益关系，可能影响对投标公正评审的
    SANCTIONED = "sanctioned"  # (四) 曾因在招标、评标等活动中从事违法行为而受过行政处罚或刑事处罚的
    OTHER_INTEREST = "other_interest"  # 法 第三十七条第四款 与投标人有利害关系 (any other)


class SeatKind(StrEnum):
    """Who holds the seat."""

    EXPERT = "expert"  # drawn from the pool
    TENDEREE_REPRESENTATIVE = "tenderee_representative"  # 招标人代表


@dataclass(frozen=True, slots=True)
class Declaration:
    """A member's declaration on the bidder list shown: no conflict, or a recusal with its ground."""

    member_id: str
    seat: SeatKind
    recused: bool
    ground: RecusalGround | None
    statement: str  # the member's own words (who the conflict is with, and what it is); may be empty if none
    bidders: tuple[str, ...]  # the bidder list the declaration was made on
    at: datetime


@dataclass(frozen=True, slots=True)
class RecusalOutcome:
    """The draw with recused experts' seats vacant, and the seats to fill."""

    draw: CommitteeDraw
    expert_seats: tuple[DrawnSeat, ...]  # to fill by ``draw_replacements`` with the next round's stream
    tenderee_members: tuple[str, ...]  # for the tenderee to replace by appointment


def _latest(declarations: Iterable[Declaration]) -> dict[str, Declaration]:
    latest: dict[str, Declaration] = {}
    for d in sorted(declarations, key=lambda d: d.at):
        latest[d.member_id] = d
    return latest


def declare(
    member_id: str,
    *,
    seat: SeatKind,
    members: Collection[str],
    bidders: Sequence[str],
    recused: bool,
    ground: RecusalGround | None = None,
    statement: str = "",
    at: datetime,
    earlier: Iterable[Declaration] = (),
) -> Declaration:
    """A member's declaration on the bidder list (法 第三十七条第四款; 条例 第四十六条).

    A recusal names its ground and says in the member's words what the conflict is; "no conflict" has no
    ground. Declaring again is allowed only to recuse after "no conflict"; a recusal is final.
    """
    if member_id not in members:
        raise NotPermitted(f"{member_id} is not seated on this committee.", field="member_id")
    if not bidders:
        raise InvalidInput("A declaration is made on the list of bidders; the list is empty.", field="bidders")
    if recused and (ground is None or not statement.strip()):
        raise InvalidInput("A recusal names its ground and states the conflict.", field="ground")
    if not recused and ground is not None:
        raise InvalidInput("A declaration of no conflict has no ground.", field="ground")
    previous = _latest(earlier).get(member_id)
    if previous is not None and (previous.recused or not recused):
        raise InvalidTransition(
            f"{member_id} has already declared ({'recused' if previous.recused else 'no conflict'}); "
            "only a later recusal may follow a declaration of no conflict.",
            field="member_id",
        )
    return Declaration(member_id, seat, recused, ground, statement.strip(), tuple(bidders), at)


def undeclared_members(members: Iterable[str], declarations: Iterable[Declaration]) -> tuple[str, ...]:
    """Seated members who have not declared yet, in the given order."""
    declared = _latest(declarations)
    return tuple(m for m in members if m not in declared)


def ensure_may_evaluate(member_id: str, declarations: Iterable[Declaration]) -> None:
    """Raise ``NotPermitted`` unless ``member_id``'s latest declaration is "no conflict".

    Call it before letting a member read a bid, score, vote or sign.
    """
    latest = _latest(declarations).get(member_id)
    if latest is None:
        raise NotPermitted(f"{member_id} must declare any conflict with the bidders first.", field="member_id")
    if latest.recused:
        raise NotPermitted(f"{member_id} has recused from this evaluation.", field="member_id")


def apply_recusals(draw: CommitteeDraw, declarations: Iterable[Declaration]) -> RecusalOutcome:
    """Mark every recused expert's accepted seat ``RECUSED`` and list the seats to fill.

    The seat keeps its acceptance time; the recusal's time is the declaration's.
    Recusals already applied are not listed again; an expert recusal for someone not holding an accepted
    seat raises ``InvalidInput``.
    """
    recusals = [d for d in _latest(declarations).values() if d.recused]
    seats = list(draw.seats)
    vacated: list[DrawnSeat] = []
    for declaration in recusals:
        if declaration.seat is not SeatKind.EXPERT:
            continue
        index = next(
            (i for i, s in enumerate(seats) if s.expert_id == declaration.member_id and not s.replaced),
            None,
        )
        if index is None:
            raise InvalidInput(f"{declaration.member_id} holds no seat in this draw.", field="member_id")
        seat = seats[index]
        if seat.status is SeatStatus.RECUSED:
            continue
        if seat.status is not SeatStatus.ACCEPTED:
            raise InvalidInput(f"{declaration.member_id} has not accepted a seat.", field="member_id")
        seats[index] = replace(seat, status=SeatStatus.RECUSED)
        vacated.append(seats[index])
    tenderee = tuple(sorted(d.member_id for d in recusals if d.seat is SeatKind.TENDEREE_REPRESENTATIVE))
    return RecusalOutcome(replace(draw, seats=tuple(seats)), tuple(vacated), tenderee)
