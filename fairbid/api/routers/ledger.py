"""The ledger: read entries, verify the whole log, signed heads and their proofs (RFC 9162)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi import Path as FastPath
from pydantic import BaseModel

from fairbid.api.deps import ActorDep, OptionalActorDep, PlatformDep, UowDep
from fairbid.ledger.head import KeyHeadVerifier
from fairbid.services.ledger import (
    consistency_proof,
    list_heads,
    list_ledger,
    prove_commitment,
    prove_entry,
    verify_ledger,
)

__all__ = ["router"]

router = APIRouter(prefix="/api/ledger", tags=["ledger"])
MAX_SEQ = 2**31 - 1  # the seq and tree_size columns are INTEGER: larger numbers are refused as input (422)


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


class HeadOut(BaseModel):
    """A signed tree head (docs/ledger.md): the platform's signed statement of the ledger's size and root."""

    tree_size: int
    root_hash: str
    timestamp_ms: int
    signature: str
    published_at: datetime


class ProofOut(BaseModel):
    """An entry's inclusion proof against the newest head: ``python -m fairbid.ledger.verifier --head``."""

    seq: int
    entry_hash: str
    tree_head: dict[str, Any]
    inclusion: list[str]


class ConsistencyOut(BaseModel):
    first: int
    second: int
    path: list[str]


class VerificationOut(BaseModel):
    """No entry count: it would change with every sealed bid."""

    ok: bool
    first_problem_seq: int | None
    problem: str | None


@router.get("/entries", operation_id="list_ledger_entries")
def entries(
    uow: UowDep,
    actor: OptionalActorDep,
    after: int = Query(-1, ge=-1, le=MAX_SEQ),
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


@router.get("/heads", operation_id="list_ledger_heads")
def heads(uow: UowDep) -> list[HeadOut]:
    """Every signed tree head ever published, smallest first (public)."""
    return [HeadOut(**h.to_json(), published_at=at) for h, at in list_heads(uow=uow)]


@router.get("/proofs/{seq}", operation_id="prove_ledger_entry")
def proof(seq: Annotated[int, FastPath(ge=0, le=MAX_SEQ)], uow: UowDep) -> ProofOut:
    """The inclusion proof of entry ``seq`` against the newest signed head."""
    return ProofOut(**prove_entry(seq, uow=uow))


@router.get("/commitments/{commitment}", operation_id="prove_ledger_commitment")
def commitment_proof(commitment: Annotated[str, FastPath(pattern=r"^[0-9a-f]{64}$")], uow: UowDep) -> dict[str, Any]:
    """The entry a bid receipt's ``entry_commitment`` names, once the opening put it in the ledger, with its
    position and inclusion proof (``inclusion`` null until a signed head covers it). Before the opening, the same
    404 as for a commitment that does not exist."""
    return prove_commitment(commitment, uow=uow)


@router.get("/consistency", operation_id="ledger_consistency")
def consistency(
    uow: UowDep, first: int = Query(ge=0, le=MAX_SEQ), second: int = Query(ge=0, le=MAX_SEQ)
) -> ConsistencyOut:
    """The consistency proof between two published head sizes (RFC 9162 §2.1.4)."""
    return ConsistencyOut(first=first, second=second, path=consistency_proof(first, second, uow=uow))


@router.get("/verification", operation_id="verify_ledger")
def verification(uow: UowDep, actor: ActorDep, platform: PlatformDep) -> VerificationOut:
    """Verify the chain, the Merkle log against every signed head, and every tracked row (centre, supervisor)."""
    report = verify_ledger(uow=uow, actor=actor, verifier=KeyHeadVerifier(platform.platform_key.public))
    problem = report.first_problem
    return VerificationOut(
        ok=report.ok,
        first_problem_seq=None if problem is None else problem.seq,
        problem=None if problem is None else problem.reason,
    )
