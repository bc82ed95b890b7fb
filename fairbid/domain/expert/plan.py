"""What a draw must produce: seats per venue and specialty (按场地、按专业随机抽取, 条例 第四十六条)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from fairbid.domain.errors import InvalidInput, RuleViolation
from fairbid.domain.expert.model import Period, Venue, VenueRole
from fairbid.domain.expert.rules import AvoidancePolicy, CommitteeSpec, validate_committee

__all__ = ["DrawPlan", "SeatQuota", "plan_quotas", "validate_plan"]


@dataclass(frozen=True, slots=True)
class SeatQuota:
    """``count`` experts of ``specialty`` to sit at ``venue_id`` (a cell of the draw)."""

    venue_id: str
    specialty: str
    count: int

    @property
    def key(self) -> tuple[str, str]:
        """The cell's identity: venue and specialty."""
        return (self.venue_id, self.specialty)


@dataclass(frozen=True, slots=True)
class DrawPlan:
    """Everything the tender document and the venue arrangement fix before the draw.

    ``evaluation`` is when the committee sits (for availability). ``min_secondary_share`` is the local
    rule for remote evaluation (e.g. secondary-venue experts ≥ 1/2), None when there is none.
    """

    committee: CommitteeSpec
    quotas: tuple[SeatQuota, ...]
    venues: tuple[Venue, ...]
    evaluation: Period
    policy: AvoidancePolicy = field(default_factory=AvoidancePolicy)
    min_secondary_share: Decimal | None = None

    def venue(self, venue_id: str) -> Venue:
        """The venue with this ID."""
        for venue in self.venues:
            if venue.venue_id == venue_id:
                return venue
        raise InvalidInput(f"Venue {venue_id!r} is not part of this draw.", field="venue_id")

    def quota(self, key: tuple[str, str]) -> SeatQuota:
        """The quota cell for ``(venue_id, specialty)``."""
        for quota in self.quotas:
            if quota.key == key:
                return quota
        raise InvalidInput(f"No quota for venue {key[0]!r} and specialty {key[1]!r}.", field="quotas")

    def ordered_quotas(self) -> tuple[SeatQuota, ...]:
        """The cells in the order they are drawn: by venue ID, then specialty (part of the recomputation)."""
        return tuple(sorted(self.quotas, key=lambda q: q.key))


def validate_plan(plan: DrawPlan) -> DrawPlan:
    """Check a draw plan against 法 第三十七条 (composition) and the venue arrangement (电子办法 第三十三条).

    Quotas must be positive, one per cell, on known venues, summing to the expert seats; one venue at
    most is the main venue (主场); the secondary-venue share rule, if any, must hold.
    """
    validate_committee(plan.committee)
    ids = [v.venue_id for v in plan.venues]
    if len(set(ids)) != len(ids):
        raise InvalidInput("Two venues share an ID.", field="venues")
    if sum(1 for v in plan.venues if v.role is VenueRole.MAIN) > 1:
        raise InvalidInput("A draw has at most one main venue (主场).", field="venues")
    keys = [q.key for q in plan.quotas]
    if len(set(keys)) != len(keys):
        raise InvalidInput("Two quotas name the same venue and specialty; merge them.", field="quotas")
    for quota in plan.quotas:
        if quota.count <= 0:
            raise InvalidInput(f"The quota for {quota.key} must be positive.", field="quotas")
        plan.venue(quota.venue_id)
    total = sum(q.count for q in plan.quotas)
    if total != plan.committee.expert_seats:
        raise RuleViolation(
            f"The quotas add up to {total} experts but the committee has {plan.committee.expert_seats} expert seats.",
            rule="T13",
            citation="法 第三十七条",
            field="quotas",
        )
    if plan.min_secondary_share is not None:
        secondary = sum(q.count for q in plan.quotas if plan.venue(q.venue_id).role is VenueRole.SECONDARY)
        if Decimal(secondary) < plan.min_secondary_share * total:
            raise RuleViolation(
                f"{secondary} of {total} experts sit at secondary venues (副场); the local rule needs at "
                f"least {plan.min_secondary_share:%}.",
                rule="remote-venue-share",
                citation="1117号 (十五); local rule",
                field="quotas",
            )
    return plan


def plan_quotas(specialties: Mapping[str, int], venues: Mapping[str, int]) -> tuple[SeatQuota, ...]:
    """Split per-specialty and per-venue totals into cells, deterministically.

    Fills cells in sorted order (venue, then specialty), each as full as both margins allow, so the
    result depends only on the two mappings.

    >>> [(q.venue_id, q.specialty, q.count) for q in plan_quotas({"A01": 3, "B02": 2}, {"main": 2, "sub": 3})]
    [('main', 'A01', 2), ('sub', 'A01', 1), ('sub', 'B02', 2)]
    """
    if any(n < 0 for n in (*specialties.values(), *venues.values())):
        raise InvalidInput("Quota totals cannot be negative.", field="quotas")
    if sum(specialties.values()) != sum(venues.values()):
        raise InvalidInput(
            f"The specialty totals ({sum(specialties.values())}) and venue totals "
            f"({sum(venues.values())}) must be equal.",
            field="quotas",
        )
    left = dict(sorted(specialties.items()))
    cells: list[SeatQuota] = []
    for venue_id, need in sorted(venues.items()):
        for specialty in left:
            take = min(need, left[specialty])
            if take:
                cells.append(SeatQuota(venue_id, specialty, take))
                left[specialty] -= take
                need -= take
    return tuple(cells)
