"""Keys, sealed submission, the bidder's own bid, decryption at the opening, and opened bids."""

from __future__ import annotations

from typing import BinaryIO, cast

from anyio import from_thread, to_thread
from fastapi import APIRouter, Request

from fairbid.api.deps import ActorDep, PlatformDep, UowDep
from fairbid.api.schemas.bid import BidReceiptOut, DecryptionIn, KeyIn, KeyOut, MyBidOut, OpenedBidOut
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


class _BodyReader:
    """A blocking file-like view of the request body for a worker thread; chunks come from the event loop."""

    def __init__(self, request: Request) -> None:
        self._chunks = request.stream().__aiter__()
        self._buf = bytearray()
        self._done = False

    async def _next(self) -> bytes | None:
        try:
            return await self._chunks.__anext__()
        except StopAsyncIteration:
            return None

    def read(self, size: int = -1, /) -> bytes:
        while not self._done and (size < 0 or len(self._buf) < size):
            chunk = from_thread.run(self._next)
            if chunk is None:
                self._done = True
            else:
                self._buf += chunk
        n = len(self._buf) if size < 0 else min(size, len(self._buf))
        out = bytes(self._buf[:n])
        del self._buf[:n]
        return out


@router.post("/keys", status_code=201, operation_id="register_key")
def register_key(body: KeyIn, platform: PlatformDep, actor: ActorDep) -> KeyOut:
    """Bind your public key (from `fairbid bidder keygen`) to your organisation."""
    key_id = register_bidder_key(RegisterKey(body.public_key), uow=platform.uow(), clock=platform.clock, actor=actor)
    return KeyOut(key_id=key_id)


@router.post(
    "/sections/{section_id}/bids",
    status_code=201,
    operation_id="submit_bid",
    openapi_extra={
        "requestBody": {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}
    },
)
async def submit(section_id: str, request: Request, platform: PlatformDep, actor: ActorDep) -> BidReceiptOut:
    """Upload a sealed envelope (raw bytes). The server clock at the first byte decides lateness."""
    received_at = platform.clock.now()  # before waiting for a worker thread: lateness counts from arrival
    reader = _BodyReader(request)

    def run() -> BidReceiptOut:
        view = submit_bid(
            SubmitBid(
                section_id,
                cast(BinaryIO, reader),
                request.client.host if request.client else None,
                received_at=received_at,
            ),
            uow=platform.uow(),
            clock=platform.clock,
            actor=actor,
            blobs=platform.blobs,
            platform_key=platform.platform_key,
            max_bytes=platform.settings.max_envelope_bytes,
        )
        if view.receipt is None:
            raise RuntimeError("submission returned no receipt")
        # the newest signed head (published at section transitions, never per bid) and, once a head covers the
        # entry, its inclusion proof; until then `fairbid ledger prove LEDGER_INDEX` fetches it (docs/ledger.md)
        ledger = ledger_receipt(view.receipt.fields.ledger_index, uow=platform.uow())
        return BidReceiptOut(**view.receipt.to_json(), bid=MyBidOut.of(view), ledger=ledger)

    return await to_thread.run_sync(run)


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
