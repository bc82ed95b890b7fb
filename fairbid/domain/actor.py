"""Who acts: a person in a role of an organisation, or the machine running a rule or job."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["ANONYMOUS_PUBLIC", "MACHINE", "Actor", "ActorKind", "Role"]


class Role(StrEnum):
    """The roles of DESIGN.md."""

    TENDEREE = "tenderee"  # 招标人
    AGENCY = "agency"  # 招标代理机构
    BIDDER = "bidder"  # 投标人
    EXPERT = "expert"  # 评标专家
    OPERATOR = "operator"  # 交易中心
    SUPERVISOR = "supervisor"  # 行政监督
    GUARANTOR = "guarantor"  # 保函机构
    PUBLIC = "public"  # 社会公众
    MACHINE = "machine"  # the platform acting by rule


class ActorKind(StrEnum):
    """People and the machine are told apart everywhere in the trace."""

    PERSON = "person"
    MACHINE = "machine"


@dataclass(frozen=True, slots=True)
class Actor:
    """The one acting: ``user_id``/``organisation_id`` for people, ``job`` for the machine."""

    role: Role
    user_id: str | None = None
    organisation_id: str | None = None
    job: str | None = None

    @property
    def kind(self) -> ActorKind:
        return ActorKind.MACHINE if self.role is Role.MACHINE else ActorKind.PERSON

    @property
    def label(self) -> str:
        if self.kind is ActorKind.MACHINE:
            return f"machine:{self.job or 'platform'}"
        return f"{self.role}:{self.user_id}"

    def as_machine(self, job: str) -> Actor:
        """The machine acting on this actor's behalf, e.g. the chronograph firing a due event."""
        return Actor(role=Role.MACHINE, job=job)


MACHINE = Actor(role=Role.MACHINE, job="platform")
"""The platform itself; services name the job with ``Actor(role=Role.MACHINE, job=...)``."""

ANONYMOUS_PUBLIC = Actor(role=Role.PUBLIC)
