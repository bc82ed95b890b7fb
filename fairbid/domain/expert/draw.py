"""The random draw of the evaluation committee (专家随机抽取), recomputable from the beacon.

Algorithm (the recomputation recipe; ``stream`` is a ``RandomStream``):

1. Validate the plan (法 第三十七条). Take the cells in ``DrawPlan.ordered_quotas()`` order.
2. For a cell (venue, specialty), the candidates are the pool's experts whose region the venue serves and
   whose specialties include the cell's, sorted by ``expert_id``, minus the avoided (``AvoidanceCheck``)
   and anyone already drawn in this draw (in any round, declined included).
3. Pick ``count`` of them by a partial Fisher–Yates shuffle: for i in 0..count−1,
   ``j = i + stream.below(len − i)``, swap positions i and j; the first ``count`` are drawn, in order.

Replacement rounds use the same recipe for each vacant seat's cell, in seat order, with the stream the
service derives for that round (e.g. label ``"experts:<section>:round:<n>"``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from fairbid.domain.errors import InvalidInput, InvalidTransition, RuleViolation
from fairbid.domain.expert.model import Expert, RandomStream
from fairbid.domain.expert.plan import DrawPlan, SeatQuota, validate_plan
from fairbid.domain.expert.rules import AvoidanceCheck, AvoidanceReason, DrawParties

__all__ = [
    "CommitteeDraw",
    "DrawnSeat",
    "QuotaShortfall",
    "SeatStatus",
    "draw_committee",
    "draw_replacements",
    "expire_unanswered",
    "record_answer",
]

QUOTA_CITATION = "条例 第四十六条; 法 第三十七条"


class SeatStatus(StrEnum):
    """Where a drawn expert's invitation stands."""

    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    NO_ANSWER = "no_answer"  # did not answer within the time allowed
    RECUSED = "recused"  # withdrew on a declared conflict of interest (法 第三十七条, 条例 第四十六条)


_VACANT = frozenset({SeatStatus.DECLINED, SeatStatus.NO_ANSWER, SeatStatus.RECUSED})


@dataclass(frozen=True, slots=True)
class DrawnSeat:
    """One expert drawn into one cell, in one round (0 = the first draw)."""

    expert_id: str
    venue_id: str
    specialty: str
    round: int
    invited_at: datetime
    status: SeatStatus = SeatStatus.INVITED
    answered_at: datetime | None = None
    replaced: bool = False  # a vacant seat whose replacement has been drawn


@dataclass(frozen=True, slots=True)
class QuotaShortfall:
    """Why a cell could not be filled, for the error and for the operator's page."""

    venue_id: str
    specialty: str
    needed: int
    eligible: int
    matching: int  # experts with the specialty in the venue's regions, before avoidance
    avoided: tuple[tuple[AvoidanceReason, int], ...]
    elsewhere: int  # active experts with the specialty outside the venue's regions

    def explain(self) -> str:
        """A sentence saying which quota failed, how many were eligible and what would fill it."""
        avoided = ", ".join(f"{reason.value} {n}" for reason, n in self.avoided) or "none"
        hints = []
        if self.elsewhere:
            hints.append(f"widen the venue's regions (partner regions hold {self.elsewhere} more)")
        hints.append(f"accept a related specialty instead of {self.specialty}")
        hints.append(f"lower this quota to {self.eligible}")
        return (
            f"The quota of {self.needed} experts in specialty {self.specialty} at venue {self.venue_id} "
            f"cannot be filled: {self.eligible} eligible of {self.matching} matching (avoided: {avoided}). "
            f"To fill it, {'; or '.join(hints)}."
        )


@dataclass(frozen=True, slots=True)
class CommitteeDraw:
    """The state of one section's draw: every seat ever drawn, in draw order."""

    seats: tuple[DrawnSeat, ...]
    rounds: int  # rounds drawn so far (1 after the first draw)
    eligible_counts: tuple[tuple[str, str, int], ...]  # per cell of round 0: venue, specialty, eligible

    @property
    def active(self) -> tuple[DrawnSeat, ...]:
        """Seats that count towards the committee (invited or accepted)."""
        return tuple(s for s in self.seats if s.status not in _VACANT)

    @property
    def vacant(self) -> tuple[DrawnSeat, ...]:
        """Declined or unanswered seats still waiting for a replacement."""
        return tuple(s for s in self.seats if s.status in _VACANT and not s.replaced)

    @property
    def is_complete(self) -> bool:
        """True when every seat is accepted and nothing is vacant."""
        return not self.vacant and all(s.status is SeatStatus.ACCEPTED for s in self.active)

    @property
    def drawn_ids(self) -> frozenset[str]:
        """Every expert drawn in any round (they are never drawn again for this section)."""
        return frozenset(s.expert_id for s in self.seats)


def _index(pool: Iterable[Expert], plan: DrawPlan) -> dict[tuple[str, str], list[Expert]]:
    wanted = {q.specialty for q in plan.quotas}
    venues_of_region: dict[str, list[str]] = {}
    for quota in plan.quotas:
        for region in plan.venue(quota.venue_id).regions:
            ids = venues_of_region.setdefault(region, [])
            if quota.venue_id not in ids:
                ids.append(quota.venue_id)
    cells: dict[tuple[str, str], list[Expert]] = {q.key: [] for q in plan.quotas}
    for expert in pool:
        venue_ids = venues_of_region.get(expert.region)
        if not venue_ids:
            continue
        for specialty in expert.specialties:
            if specialty not in wanted:
                continue
            for venue_id in venue_ids:
                bucket = cells.get((venue_id, specialty))
                if bucket is not None:
                    bucket.append(expert)
    for bucket in cells.values():
        bucket.sort(key=lambda e: e.expert_id)
    return cells


def _shortfall(
    pool: Sequence[Expert], plan: DrawPlan, quota: SeatQuota, check: AvoidanceCheck, taken: frozenset[str]
) -> QuotaShortfall:
    regions = plan.venue(quota.venue_id).regions
    matching = [e for e in pool if quota.specialty in e.specialties and e.region in regions]
    reasons: Counter[AvoidanceReason] = Counter()
    eligible = 0
    for expert in matching:
        reason = AvoidanceReason.ALREADY_DRAWN if expert.expert_id in taken else check.first(expert)
        if reason is None:
            eligible += 1
        else:
            reasons[reason] += 1
    elsewhere = sum(
        1 for e in pool if quota.specialty in e.specialties and e.region not in regions and check.first(e) is None
    )
    return QuotaShortfall(
        venue_id=quota.venue_id,
        specialty=quota.specialty,
        needed=quota.count,
        eligible=eligible,
        matching=len(matching),
        avoided=tuple(sorted(reasons.items())),
        elsewhere=elsewhere,
    )


def _pick(candidates: list[Expert], count: int, stream: RandomStream) -> list[Expert]:
    # partial Fisher–Yates: uniform without replacement, order recorded
    for i in range(count):
        j = i + stream.below(len(candidates) - i)
        candidates[i], candidates[j] = candidates[j], candidates[i]
    return candidates[:count]


def _fill(
    cells: dict[tuple[str, str], list[Expert]],
    pool: Sequence[Expert],
    plan: DrawPlan,
    wanted: Sequence[SeatQuota],
    check: AvoidanceCheck,
    taken: set[str],
    stream: RandomStream,
) -> tuple[list[Expert], list[tuple[str, str, int]]]:
    memo: dict[str, bool] = {}
    drawn: list[Expert] = []
    counts: list[tuple[str, str, int]] = []
    for quota in wanted:
        candidates = []
        for expert in cells[quota.key]:
            if expert.expert_id in taken:
                continue
            ok = memo.get(expert.expert_id)
            if ok is None:
                ok = memo[expert.expert_id] = check.first(expert) is None
            if ok:
                candidates.append(expert)
        counts.append((quota.venue_id, quota.specialty, len(candidates)))
        if len(candidates) < quota.count:
            shortfall = _shortfall(pool, plan, quota, check, frozenset(taken))
            raise RuleViolation(shortfall.explain(), rule="expert-quota", citation=QUOTA_CITATION, field="quotas")
        for expert in _pick(candidates, quota.count, stream):
            taken.add(expert.expert_id)
            drawn.append(expert)
    return drawn, counts


def draw_committee(
    pool: Sequence[Expert],
    plan: DrawPlan,
    parties: DrawParties,
    stream: RandomStream,
    *,
    now: datetime,
) -> CommitteeDraw:
    """Draw the committee's experts at random, per venue and specialty, with avoidance (回避).

    法 第三十七条 (random draw from the pool, no interest in bidders), 条例 第四十六条 (random per
    specialty; qualification), 电子办法 第三十三条 (remote venues). Raises ``RuleViolation`` (rule
    ``expert-quota``) naming the cell that cannot be filled, how many were eligible and what would fill it.
    """
    validate_plan(plan)
    check = AvoidanceCheck(parties, plan.policy, window=plan.evaluation, now=now)
    cells = _index(pool, plan)
    ordered = plan.ordered_quotas()
    drawn, counts = _fill(cells, pool, plan, ordered, check, set(), stream)
    seats: list[DrawnSeat] = []
    position = 0
    for quota in ordered:
        for expert in drawn[position : position + quota.count]:
            seats.append(DrawnSeat(expert.expert_id, quota.venue_id, quota.specialty, 0, now))
        position += quota.count
    return CommitteeDraw(seats=tuple(seats), rounds=1, eligible_counts=tuple(counts))


def record_answer(draw: CommitteeDraw, expert_id: str, *, accepted: bool, at: datetime) -> CommitteeDraw:
    """Record an invited expert's acceptance or refusal (a refusal frees the seat for a replacement)."""
    for i, seat in enumerate(draw.seats):
        if seat.expert_id == expert_id:
            if seat.status is not SeatStatus.INVITED:
                raise InvalidTransition(
                    f"Expert {expert_id} has already answered ({seat.status.value}).", field="expert_id"
                )
            status = SeatStatus.ACCEPTED if accepted else SeatStatus.DECLINED
            updated = replace(seat, status=status, answered_at=at)
            return replace(draw, seats=(*draw.seats[:i], updated, *draw.seats[i + 1 :]))
    raise InvalidInput(f"Expert {expert_id} was not drawn for this section.", field="expert_id")


def expire_unanswered(draw: CommitteeDraw, *, now: datetime, answer_within: timedelta) -> CommitteeDraw:
    """Mark invitations older than ``answer_within`` without an answer as NO_ANSWER (seat becomes vacant)."""
    seats = tuple(
        replace(s, status=SeatStatus.NO_ANSWER, answered_at=now)
        if s.status is SeatStatus.INVITED and now - s.invited_at >= answer_within
        else s
        for s in draw.seats
    )
    return replace(draw, seats=seats)


def draw_replacements(
    draw: CommitteeDraw,
    pool: Sequence[Expert],
    plan: DrawPlan,
    parties: DrawParties,
    stream: RandomStream,
    *,
    now: datetime,
) -> CommitteeDraw:
    """Draw a replacement for each vacant seat from its cell, never redrawing anyone (条例 第四十六条).

    ``stream`` must be this round's own stream (label with ``draw.rounds``), so earlier rounds stay
    recomputable. A round with nothing vacant is an error, not a silent no-op.
    """
    vacant = draw.vacant
    if not vacant:
        raise InvalidTransition("No seat is vacant; nothing to replace.", field="draw")
    check = AvoidanceCheck(parties, plan.policy, window=plan.evaluation, now=now)
    cells = _index(pool, plan)
    wanted = [SeatQuota(s.venue_id, s.specialty, 1) for s in vacant]
    drawn, _ = _fill(cells, pool, plan, wanted, check, set(draw.drawn_ids), stream)
    vacant_ids = {s.expert_id for s in vacant}
    seats = [replace(s, replaced=True) if s.expert_id in vacant_ids else s for s in draw.seats]
    seats += [
        DrawnSeat(expert.expert_id, seat.venue_id, seat.specialty, draw.rounds, now)
        for expert, seat in zip(drawn, vacant, strict=True)
    ]
    return replace(draw, seats=tuple(seats), rounds=draw.rounds + 1)
