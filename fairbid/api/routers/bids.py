"""Keys, sealed submission, the bidder's own bid, decryption at the opening, and opened bids."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from fastapi import APIRouter, Request, Response

from fairbid.api.deps import ActorDep, PlatformDep, UowDep
from fairbid.api.schemas.bid import BidReceiptOut, DecryptionIn, KeyIn, KeyOut, MyBidOut, OpenedBidOut
from fairbid.api.uploads import UploadRefused, refusal_response, upload_gate
from fairbid.arrival import Arrival
from fairbid.bootstrap import Platform
from fairbid.domain.actor import Actor
from fairbid.services.bid import (
    DecryptBid,
    RegisterKey,
    SubmitBid,
    decrypt_bid,
    list_opened_bids,
    my_bid,
    register_bidder_key,
    submit_bid,
    withdraw_bid,
)
from fairbid.services.ledger import ledger_receipt

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["bids"])


@router.post("/keys", status_code=201, operation_id="register_key")
def register_key(body: KeyIn, platform: PlatformDep, actor: ActorDep) -> KeyOut:
    """Bind your public key (from `fairbid bidder keygen`) to your organisation."""
    key_id = register_bidder_key(RegisterKey(body.public_key), uow=platform.uow(), clock=platform.clock, actor=actor)
    return KeyOut(key_id=key_id)


@router.post(
    "/sections/{section_id}/bids",
    status_code=201,
    operation_id="submit_bid",
    response_model=BidReceiptOut,
    responses={
        408: {"description": "The upload stopped sending for longer than the idle timeout; nothing was stored."},
        429: {"description": "Your organisation already has the most uploads in progress at once."},
        503: {"description": "The server has the most uploads in flight it takes at once."},
    },
    openapi_extra={
        "requestBody": {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}
    },
)
async def submit(section_id: str, request: Request, platform: PlatformDep, actor: ActorDep) -> BidReceiptOut | Response:
    """Upload a sealed envelope (raw bytes). The server clock at the body's last byte decides lateness.

    The body is received without holding a worker thread, then checked and stored (docs/uploads.md). Its last
    byte is stamped before any queue or check; the opening waits for bids stamped before the deadline.
    """
    settings = platform.settings
    gate = upload_gate(request.app.state, settings)
    arrivals: list[Arrival] = []
    try:
        async with gate.admit(actor.organisation_id or actor.user_id or "-"):
            spool = await gate.spool(
                request,
                platform.blobs.tmp_dir,
                max_bytes=settings.max_envelope_bytes,
                on_last_byte=lambda: arrivals.append(platform.arrivals.arrive(section_id, platform.clock)),
            )
            try:
                arrived = arrivals[0].at
                return await gate.run(lambda: _store(section_id, spool, request, platform, actor, arrived))
            finally:
                spool.unlink(missing_ok=True)
    except UploadRefused as e:
        return refusal_response(request, e)
    finally:
        for arrival in arrivals:  # stored or refused: the opening need not wait for it
            platform.arrivals.settle(arrival)


def _store(
    section_id: str, spool: Path, request: Request, platform: Platform, actor: Actor, last_byte_at: datetime
) -> BidReceiptOut:
    """Check and store a complete envelope, and build the receipt (in a worker thread)."""
    view = submit_bid(  # the spool is adopted as the stored blob: the envelope is not written twice
        SubmitBid(section_id, spool, request.client.host if request.client else None, last_byte_at=last_byte_at),
        uow=platform.uow(),
        clock=platform.clock,
        actor=actor,
        blobs=platform.blobs,
        platform_key=platform.platform_key,
        max_bytes=platform.settings.max_envelope_bytes,
    )
    if view.receipt is None:
        raise RuntimeError("submission returned no receipt")
    # the newest signed head; the entry itself joins the ledger at the opening, when its proof can be fetched
    # by the receipt's commitment (docs/ledger.md)
    ledger = ledger_receipt(view.receipt.fields.entry_commitment, uow=platform.uow())
    return BidReceiptOut(**view.receipt.to_json(), bid=MyBidOut.of(view), ledger=ledger)


@router.get("/sections/{section_id}/bids/mine", operation_id="my_bid")
def mine(section_id: str, uow: UowDep, actor: ActorDep) -> MyBidOut:
    """Your own bid in this section (nobody else's, and no count)."""
    return MyBidOut.of(my_bid(section_id, uow=uow, actor=actor))


@router.delete("/sections/{section_id}/bids/mine", operation_id="withdraw_bid")
def withdraw(section_id: str, platform: PlatformDep, actor: ActorDep) -> MyBidOut:
    """Withdraw your bid before the deadline."""
    return MyBidOut.of(withdraw_bid(section_id, uow=platform.uow(), clock=platform.clock, actor=actor))


@router.post("/sections/{section_id}/bids/mine/decryption", operation_id="decrypt_bid")
def decrypt(
    section_id: str, body: DecryptionIn, request: Request, platform: PlatformDep, actor: ActorDep
) -> OpenedBidOut:
    """Hand over your content key during the opening's decryption window."""
    bid = decrypt_bid(
        DecryptBid(section_id, bytes.fromhex(body.content_key), request.client.host if request.client else None),
        uow=platform.uow(),
        clock=platform.clock,
        actor=actor,
        blobs=platform.blobs,
        max_plaintext_bytes=platform.settings.max_plaintext_bytes,
    )
    return OpenedBidOut.of(bid)


@router.get("/sections/{section_id}/bids", operation_id="list_bids")
def opened(section_id: str, uow: UowDep, actor: ActorDep) -> list[OpenedBidOut]:
    """All bids once the section has opened; before that the same 404 for every role."""
    return [OpenedBidOut.of(b) for b in list_opened_bids(section_id, uow=uow, actor=actor)]
