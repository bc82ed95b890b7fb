"""Collusion warnings (围标串标预警) and what the collusion screen reads: bid authoring facts, committee seats.

Rows stay here; the services get plain values. Warnings of the evaluation (``source="evaluation"``) are the
evaluation store's business; this module only touches ``source="collusion"`` rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fairbid.store.rows import (
    BidRow,
    CommitteeRow,
    ExpertRow,
    WarningRow,
)

__all__ = ["COLLUSION_SOURCE", "AuthoringFacts", "CollusionWarningRepository", "StoredWarning"]


COLLUSION_SOURCE = "collusion"

COMMITTEE_AND_SUPERVISOR = "committee+supervisor"


@dataclass(frozen=True, slots=True)
class AuthoringFacts:
    """What the envelope and the network said about one bid (条例 第四十条): machine, key, addresses."""

    bid_id: str
    machine_fingerprint: str | None
    signing_key_id: str | None
    tool_version: str | None
    upload_ip: str | None
    decrypt_ip: str | None


@dataclass(frozen=True, slots=True)
class StoredWarning:
    """A collusion warning as stored: id, section, code, payload and when it was raised."""

    id: str
    section_id: str
    code: str
    audience: str
    payload: dict[str, Any]
    created_at: datetime
    resolved_at: datetime | None


def _stored(row: WarningRow) -> StoredWarning:
    return StoredWarning(
        id=row.id,
        section_id=row.section_id,
        code=row.code,
        audience=row.audience,
        payload=dict(row.payload),
        created_at=row.created_at,
        resolved_at=row.resolved_at,
    )


class CollusionWarningRepository:
    """``CollusionWarningRepository(uow.session)``: collusion warnings and the facts the screen needs."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def for_section(self, section_id: str) -> list[StoredWarning]:
        stmt = (
            select(WarningRow)
            .where(WarningRow.section_id == section_id, WarningRow.source == COLLUSION_SOURCE)
            .order_by(WarningRow.created_at, WarningRow.code, WarningRow.id)
        )
        return [_stored(r) for r in self._s.scalars(stmt)]

    def all(self) -> list[StoredWarning]:
        stmt = (
            select(WarningRow)
            .where(WarningRow.source == COLLUSION_SOURCE)
            .order_by(WarningRow.section_id, WarningRow.created_at, WarningRow.code, WarningRow.id)
        )
        return [_stored(r) for r in self._s.scalars(stmt)]

    def known_ids(self, section_id: str) -> set[str]:
        stmt = select(WarningRow.id).where(WarningRow.section_id == section_id, WarningRow.source == COLLUSION_SOURCE)
        return set(self._s.scalars(stmt))

    def add(self, warning_id: str, section_id: str, code: str, payload: dict[str, Any], *, now: datetime) -> None:
        self._s.add(
            WarningRow(
                id=warning_id,
                section_id=section_id,
                source=COLLUSION_SOURCE,
                code=code,
                audience=COMMITTEE_AND_SUPERVISOR,
                payload=payload,
                created_at=now,
                resolved_at=None,
                resolution=None,
            )
        )

    def authoring(self, bid_ids: Sequence[str]) -> dict[str, AuthoringFacts]:
        """Envelope metadata and IP addresses of the given bids, by bid id."""
        if not bid_ids:
            return {}
        rows = self._s.scalars(select(BidRow).where(BidRow.id.in_(list(bid_ids))))
        return {
            r.id: AuthoringFacts(
                r.id, r.machine_fingerprint, r.signing_key_id, r.tool_version, r.upload_ip, r.decrypt_ip
            )
            for r in rows
        }

    def committee_user_ids(self, section_id: str) -> tuple[set[str], datetime | None]:
        """Users seated on the section's committee (drawn, not declined) and when the evaluation started."""
        committee = self._s.get(CommitteeRow, section_id)
        if committee is None:
            return set(), None
        seats = committee.draw.get("seats", []) if isinstance(committee.draw, dict) else []
        expert_ids = {
            str(s["expert_id"])
            for s in seats
            if isinstance(s, dict) and s.get("expert_id") and s.get("status") not in ("declined", "no_answer")
        }
        users: set[str] = set()
        if expert_ids:
            stmt = select(ExpertRow.user_id).where(ExpertRow.id.in_(sorted(expert_ids)))
            users = {u for u in self._s.scalars(stmt) if u}
        return users, committee.evaluation_started_at
