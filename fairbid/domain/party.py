"""Organisations (单位) and user accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fairbid.domain.actor import Actor, Role

__all__ = ["BidderKey", "Organisation", "Project", "User"]


@dataclass(frozen=True, slots=True)
class Organisation:
    """An organisation, identified by its unified social credit code (统一社会信用代码)."""

    id: str
    name: str
    credit_code: str
    region: str | None = None


@dataclass(frozen=True, slots=True)
class User:
    """A person's account: one role, in one organisation (none for the public)."""

    id: str
    username: str
    display_name: str
    role: Role
    organisation_id: str | None
    active: bool = True

    def as_actor(self) -> Actor:
        return Actor(role=self.role, user_id=self.id, organisation_id=self.organisation_id)


@dataclass(frozen=True, slots=True)
class Project:
    """A project (项目), owned by a tenderee, perhaps prepared by an agency; it holds sections."""

    id: str
    code: str
    name: str
    tenderee_id: str
    agency_id: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class BidderKey:
    """A bidder's public key (SM2 by default) bound to its organisation; envelopes must be sealed with it."""

    key_id: str  # SM3 of the raw public key
    organisation_id: str
    suite: str
    public_key: str  # text form (``gm:04…``)
    registered_at: datetime
    revoked_at: datetime | None = None
