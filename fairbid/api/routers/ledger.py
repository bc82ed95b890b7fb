"""The ledger: read entries, verify the whole chain."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query
from pydantic import BaseModel

from fairbid.api.deps import ActorDep, OptionalActorDep, UowDep
from fairbid.services.ledger import list_ledger, verify_ledger

__all__ = ["router"]

router = APIRouter(prefix="/api/ledger", tags=["ledger"])


class EntryOut(BaseModel):
    seq: int
    recorded_at: datetime
    actor_kind: str
    actor_role: str
    action: str
    subject_type: str
    subject_id: str
    payload_digest: str
    prev_hash: str
    entry_hash: str


class VerificationOut(BaseModel):
    """No entry count: it would change with every sealed bid."""

    ok: bool
    first_problem_seq: int | None
    problem: str | None


@router.get("/entries", operation_id="list_ledger_entries")
def entries(
    uow: UowDep,
    actor: OptionalActorDep,
    after: int = Query(-1, ge=-1),
    limit: int = Query(100, ge=1, le=1000),
) -> list[EntryOut]:
    """Public entries in order; entries about bids appear only once their section has opened."""
    return [
        EntryOut(
            seq=r.seq,
            recorded_at=r.recorded_at,
            actor_kind=r.actor_kind,
            actor_role=r.actor_role,
            action=r.action,
            subject_type=r.subject_type,
            subject_id=r.subject_id,
            payload_digest=r.payload_digest,
            prev_hash=r.prev_hash,
            entry_hash=r.entry_hash,
        )
        for r in list_ledger(uow=uow, actor=actor, after=after, limit=limit)
    ]


@router.get("/verification", operation_id="verify_ledger")
def verification(uow: UowDep, actor: ActorDep) -> VerificationOut:
    """Verify the chain and every tracked row (centre and supervisor)."""
    report = verify_ledger(uow=uow, actor=actor)
    problem = report.first_problem
    return VerificationOut(
        ok=report.ok,
        first_problem_seq=None if problem is None else problem.seq,
        problem=None if problem is None else problem.reason,
    )
