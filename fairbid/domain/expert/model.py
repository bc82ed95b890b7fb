"""The expert pool (评标专家库), partner regions and venues (主场/副场) as plain values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from fairbid.domain.errors import InvalidInput

__all__ = [
    "SENIOR_TITLES",
    "Employment",
    "Expert",
    "ExpertStatus",
    "PastDraw",
    "Period",
    "RandomStream",
    "Relationship",
    "Title",
    "Venue",
    "VenueRole",
]


class RandomStream(Protocol):
    """A deterministic source of uniform integers; ``fairbid.crypto.draw.BeaconStream`` implements it.

    The domain never draws randomness itself: the stream is an argument, so anyone holding the beacon
    can recompute every draw.
    """

    def below(self, n: int) -> int:
        """A uniform integer in ``[0, n)``."""
        ...


class ExpertStatus(StrEnum):
    """Whether an expert may be drawn at all."""

    ACTIVE = "active"
    SUSPENDED = "suspended"  # 暂停 (a penalty or an open investigation)
    RETIRED = "retired"  # 退出/解聘


class Title(StrEnum):
    """Professional title (职称)."""

    SENIOR_FULL = "senior_full"  # 正高级
    SENIOR = "senior"  # 副高级 (高级)
    INTERMEDIATE = "intermediate"  # 中级
    JUNIOR = "junior"  # 初级
    NONE = "none"


SENIOR_TITLES = frozenset({Title.SENIOR_FULL, Title.SENIOR})


class VenueRole(StrEnum):
    """Remote cross-region evaluation (远程异地评标): one main venue and its partner venues."""

    MAIN = "main"  # 主场: the project's own centre; tenderee representative and supervisor sit here
    SECONDARY = "secondary"  # 副场/客场: a partner centre hosting part of the committee


@dataclass(frozen=True, slots=True)
class Period:
    """A half-open time interval ``[start, end)`` in aware UTC."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("periods use aware UTC datetimes")
        if self.end <= self.start:
            raise InvalidInput("A period must end after it starts.", field="period")

    def overlaps(self, other: Period) -> bool:
        """True when the two intervals share an instant."""
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True, slots=True)
class Employment:
    """A former employer (credit code) and when the expert left it."""

    employer: str
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Relationship:
    """A declared relationship with an organisation (近亲属任职、经济利益、控股…), 12号令 第十二条."""

    organisation: str  # credit code
    kind: str  # free text or a code list entry, e.g. "relative", "shareholder"


@dataclass(frozen=True, slots=True)
class PastDraw:
    """One earlier draw of this expert: for which tenderee and when (frequency cap)."""

    tenderee: str  # credit code
    at: datetime


@dataclass(frozen=True, slots=True)
class Expert:
    """An expert in the pool. Identity is ``expert_id``; everything else is what the draw reads."""

    expert_id: str
    name: str
    specialties: frozenset[str]  # codes from the pool's specialty list (专业分类)
    region: str  # GB/T 2260 region code of the expert's home centre
    employer: str  # credit code of the current employer
    title: Title
    years: int  # years of professional experience
    status: ExpertStatus = ExpertStatus.ACTIVE
    unavailable: tuple[Period, ...] = ()  # declared absences (请假)
    history: tuple[PastDraw, ...] = ()
    relationships: tuple[Relationship, ...] = ()
    former_employers: tuple[Employment, ...] = ()
    email: str = ""

    def __post_init__(self) -> None:
        if not self.expert_id:
            raise InvalidInput("An expert needs an ID.", field="expert_id")
        if not self.specialties:
            raise InvalidInput(f"Expert {self.expert_id} has no specialty.", field="specialties")
        if self.years < 0:
            raise InvalidInput(f"Expert {self.expert_id} has negative years.", field="years")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expert) and other.expert_id == self.expert_id

    def __hash__(self) -> int:
        return hash(self.expert_id)


@dataclass(frozen=True, slots=True)
class Venue:
    """An evaluation venue (评标场地) and the regions whose experts sit there."""

    venue_id: str
    name: str
    role: VenueRole
    regions: frozenset[str] = field(default_factory=frozenset)  # experts from these regions sit here

    def __post_init__(self) -> None:
        if not self.regions:
            raise InvalidInput(f"Venue {self.venue_id} serves no region.", field="regions")
