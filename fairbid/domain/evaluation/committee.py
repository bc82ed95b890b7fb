"""The evaluation committee (评标委员会) as one aggregate: its draw, its seats, the session, the machine's review,
the outcome and the report — typed, versioned, and read and written by one repository only.

Members are the accepted drawn experts (by pool ID) and the tenderee's representatives (``rep:<user id>``),
who score like the experts, independently (招标投标法 第三十七条, 招标投标法实施条例 第四十九条). The public ledger
names seats, never members: experts by their draw position (``0``, ``1`` …), representatives as ``r0``, ``r1`` ….
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from fairbid.domain.errors import InvalidInput, InvalidTransition, NotPermitted
from fairbid.domain.evaluation.model import BidScore, ScoreSheet, ScoreWarning, WarningAnswer
from fairbid.domain.evaluation.price import Benchmark, ComparisonRow
from fairbid.domain.evaluation.review import BidReview
from fairbid.domain.expert.draw import CommitteeDraw, SeatStatus
from fairbid.domain.expert.model import Period
from fairbid.domain.expert.plan import SeatQuota
from fairbid.domain.expert.session import CHECK_IN, SessionAction
from fairbid.domain.terms.objective import ObjectiveScore

__all__ = [
    "REPRESENTATIVE_PREFIX",
    "Committee",
    "CommitteeSchedule",
    "EvaluationOutcome",
    "MachineReview",
    "MemberSheet",
    "PriceSummary",
    "RaisedWarning",
    "RankedRow",
    "ReportRecord",
    "ReportSignature",
    "Representative",
    "draw_label",
    "member_action",
    "member_check_in",
]

REPRESENTATIVE_PREFIX = "rep:"


def draw_label(section_id: str, round_no: int) -> str:
    """The beacon stream label of one draw round (docs/evaluation.md §1)."""
    return f"experts:{section_id}:round:{round_no}"


@dataclass(frozen=True, slots=True)
class Representative:
    """One of the tenderee's representatives on the committee (招标人代表, 招标投标法 第三十七条)."""

    user_id: str
    name: str
    signing_key: str | None = None  # the public key they sign the report with (an expert's is on the pool)

    @property
    def member_id(self) -> str:
        return REPRESENTATIVE_PREFIX + self.user_id


@dataclass(frozen=True, slots=True)
class CommitteeSchedule:
    """How the committee sits: seats per venue and specialty, when, how long invitations wait for an answer."""

    quotas: tuple[SeatQuota, ...]
    evaluation: Period
    answer_minutes: int
    main_venue: str | None = None  # where the representatives sit (主场)
    min_secondary_share: Decimal | None = None


@dataclass(frozen=True, slots=True)
class PriceSummary:
    """The price scores as the tender's formula gave them: K, its set, the benchmark and every score."""

    k: Decimal | None
    k_values: tuple[Decimal, ...]
    benchmark: Benchmark
    scores: Mapping[str, Decimal]


@dataclass(frozen=True, slots=True)
class MachineReview:
    """What the machine did when the session opened, with the members' verdicts added since (条例 第五十一条)."""

    started_at: datetime
    reviews: Mapping[str, BidReview]
    scored: tuple[str, ...]  # bids that passed the machine review
    price: PriceSummary | None
    objective: Mapping[str, tuple[ObjectiveScore, ...]] = field(default_factory=dict)

    def with_review(self, review: BidReview) -> MachineReview:
        return replace(self, reviews={**self.reviews, review.bid_id: review})


@dataclass(frozen=True, slots=True)
class RankedRow:
    rank: int
    bid_id: str
    decided_by: str
    total: Decimal


@dataclass(frozen=True, slots=True)
class EvaluationOutcome:
    """The ranking the machine computed from the pinned terms, the opening record and the score sheets."""

    finished_at: datetime
    valid: tuple[str, ...]
    ranking: tuple[RankedRow, ...]
    price: PriceSummary | None = None
    totals: Mapping[str, BidScore] = field(default_factory=dict)
    comparison: tuple[ComparisonRow, ...] = ()  # 标价比较表 (the lowest evaluated price method)


@dataclass(frozen=True, slots=True)
class ReportSignature:
    member_id: str
    signature: str
    dissent: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ReportRecord:
    """The issued 评标报告: its files' digests and the members' signatures (条例 第五十三条)."""

    pdf: str
    docx: str
    issued_at: datetime
    signatures: tuple[ReportSignature, ...] = ()


@dataclass(slots=True)
class Committee:
    """One section's committee. Services change it through its methods and save it whole (optimistic locking)."""

    section_id: str
    beacon: str
    schedule: CommitteeSchedule
    draw: CommitteeDraw
    created_at: datetime
    representatives: tuple[Representative, ...] = ()
    review: MachineReview | None = None
    outcome: EvaluationOutcome | None = None
    report: ReportRecord | None = None
    version: int = 0

    @property
    def labels(self) -> tuple[str, ...]:
        """The beacon stream labels of every round drawn so far."""
        return tuple(draw_label(self.section_id, n) for n in range(self.draw.rounds))

    @property
    def started(self) -> bool:
        return self.review is not None

    @property
    def experts(self) -> tuple[str, ...]:
        """The accepted drawn experts, in seat order."""
        return tuple(s.expert_id for s in self.draw.active if s.status is SeatStatus.ACCEPTED)

    @property
    def members(self) -> tuple[str, ...]:
        """Every member who scores: the accepted experts, then the representatives."""
        return (*self.experts, *(r.member_id for r in self.representatives))

    def seat_of(self, member_id: str) -> str:
        """The member's public seat label: its draw position for an expert, ``r<n>`` for a representative."""
        for n, seat in enumerate(self.draw.seats):
            if seat.expert_id == member_id:
                return str(n)
        for n, rep in enumerate(self.representatives):
            if rep.member_id == member_id:
                return f"r{n}"
        raise InvalidInput(f"{member_id} is not on this committee.", field="member_id")

    def venue_of(self, member_id: str) -> str:
        """Where the member sits: the drawn seat's venue, or the main venue for a representative."""
        for seat in self.draw.active:
            if seat.expert_id == member_id and seat.status is SeatStatus.ACCEPTED:
                return seat.venue_id
        if member_id in {r.member_id for r in self.representatives} and self.schedule.main_venue is not None:
            return self.schedule.main_venue
        raise NotPermitted(f"{member_id} is not a seated member of this committee.", field="member_id")

    def ensure_member(self, member_id: str) -> None:
        if member_id not in self.members:
            raise NotPermitted(f"{member_id} is not on this committee.", field="member_id")

    def ensure_open(self) -> MachineReview:
        """The session's machine review; raises unless the session is open and not finished."""
        if self.review is None:
            raise InvalidTransition("The evaluation session has not started yet.")
        if self.outcome is not None:
            raise InvalidTransition("The evaluation is finished; the sheets are closed.")
        return self.review

    def ensure_not_started(self) -> None:
        if self.review is not None:
            raise InvalidTransition("The evaluation has started; the committee is fixed.")


def member_check_in(committee: Committee, member_id: str, *, venue_id: str, device: str, at: datetime) -> SessionAction:
    """A seated member checks in at the assigned venue only (电子招标投标办法 第三十三条); device recorded."""
    expected = committee.venue_of(member_id)
    if expected != venue_id:
        raise NotPermitted(
            f"You are assigned to venue {expected}; check in there, not at {venue_id}.", field="venue_id"
        )
    if not device.strip():
        raise InvalidInput("A check-in records the device used.", field="device")
    return SessionAction(member_id, CHECK_IN, venue_id, device.strip()[:120], at)


def member_action(
    committee: Committee, log: Iterable[SessionAction], member_id: str, action: str, *, device: str, at: datetime
) -> SessionAction:
    """Record an action by a member who has checked in at their venue (电子招标投标办法 第四十九条)."""
    venue = committee.venue_of(member_id)
    if not action.strip() or action == CHECK_IN:
        raise InvalidInput("Name the action (check-in has its own function).", field="action")
    if not any(a.expert_id == member_id and a.action == CHECK_IN and a.venue_id == venue for a in log):
        raise NotPermitted(f"{member_id} has not checked in at venue {venue}.", field="venue_id")
    if not device.strip():
        raise InvalidInput("Every action records the device used.", field="device")
    return SessionAction(member_id, action.strip()[:40], venue, device.strip()[:120], at)


@dataclass(slots=True)
class MemberSheet:
    """One member's score sheet: every bid's subjective scores (条例 第四十九条), saved whole with a version, so two
    submissions at once never lose one (the second is retried on the first's result)."""

    section_id: str
    member_id: str
    bids: dict[str, ScoreSheet] = field(default_factory=dict)
    revision: int = 0
    revision_reason: str | None = None
    submitted_at: datetime | None = None
    version: int = 0


@dataclass(slots=True)
class RaisedWarning:
    """A warning the machine raised on the members' scores, and the answers it has had (1117号 (五))."""

    warning: ScoreWarning
    created_at: datetime
    answers: list[WarningAnswer] = field(default_factory=list)
    resolved_at: datetime | None = None
    id: str = ""
    version: int = 0

    def answered_by(self, member_id: str) -> bool:
        return any(a.expert_id == member_id for a in self.answers)
