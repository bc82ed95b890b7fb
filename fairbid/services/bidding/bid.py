"""Bidders' keys, sealed submission, withdrawal, online decryption, and what may be read of bids when."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from fairbid.clock import to_millisecond
from fairbid.crypto.envelope import VerifiedEnvelope, verify_envelope_stream
from fairbid.crypto.key import PrivateKey, PublicKey
from fairbid.crypto.opening import open_envelope
from fairbid.crypto.receipt import ReceiptFields, SignedReceipt, sign_receipt
from fairbid.domain.actor import Actor, Role
from fairbid.domain.bid import Bid, BidStatus, OpenedBidData, accept_submission, record_decryption, withdraw
from fairbid.domain.errors import InvalidInput, InvalidKey, NotFound, NotPermitted
from fairbid.domain.section import Section, SectionStatus
from fairbid.ledger.chain import LedgerAction
from fairbid.ledger.snapshot import SubjectType, bid_snapshot
from fairbid.ports import BlobStore, Clock, UnitOfWork

__all__ = [
    "BidView",
    "DecryptBid",
    "RegisterKey",
    "SubmitBid",
    "decrypt_bid",
    "list_opened_bids",
    "my_bid",
    "register_bidder_key",
    "submit_bid",
    "withdraw_bid",
]

# Same answer for "no such section", "not yours" and "secret until the opening" (招标投标法 第二十二条).
_SECRET = "No bid is visible here: bids stay secret until the opening."


def _bidder(actor: Actor) -> str:
    if actor.role is not Role.BIDDER or actor.organisation_id is None:
        raise NotPermitted("Only a bidder's account may do this.")
    return actor.organisation_id


@dataclass(frozen=True, slots=True)
class RegisterKey:
    public_key: str  # the text form printed by ``fairbid bidder keygen``


def register_bidder_key(cmd: RegisterKey, *, uow: UnitOfWork, clock: Clock, actor: Actor) -> str:
    """Bind a bidder's public key to its organisation; returns the key ID (SM3 of the key)."""
    now = clock.now()
    org_id = _bidder(actor)
    try:
        key = PublicKey.from_text(cmd.public_key.strip())
    except (ValueError, InvalidKey) as e:
        raise InvalidInput(
            "The public key is not in the form `fairbid bidder keygen` prints.", field="public_key"
        ) from e
    with uow:
        known = uow.keys.get(key.key_id)
        if known is None:
            uow.keys.add(key.key_id, org_id, key.suite.value, key.to_text(), now=now)
            uow.record(
                actor=actor,
                action=LedgerAction.SIGNING_KEY_REGISTERED,
                subject_type=SubjectType.BIDDER_KEY,
                subject_id=key.key_id,
                payload={"organisation_id": org_id, "suite": key.suite.value, "public_key": key.to_text()},
                now=now,
            )
        elif known.organisation_id != org_id:
            raise InvalidInput("This key is registered to another organisation.", field="public_key")
        uow.commit()
    return key.key_id


def _active_key(uow: UnitOfWork, org_id: str) -> PublicKey:
    keys = uow.keys.active_for(org_id)
    if not keys:
        raise InvalidInput("Register your public key first (POST /api/keys).", field="public_key")
    newest = max(keys, key=lambda k: k.registered_at)
    return PublicKey.from_text(newest.public_key)


@dataclass(frozen=True, slots=True)
class SubmitBid:
    section_id: str
    envelope: BinaryIO | Path  # a stream, or a complete body the API already spooled under the blobs' tmp_dir
    client_ip: str | None = None
    # when the body's last byte reached the server (the API stamps it before any queue or check); a stream read
    # here is stamped when its last byte has been read
    last_byte_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class BidView:
    """What a bidder sees of its own bid: status, digest and, on submission, the platform's receipt."""

    bid_id: str
    section_id: str
    status: str
    revision: int
    envelope_digest: str
    submitted_at: datetime
    receipt: SignedReceipt | None = None


def submit_bid(
    cmd: SubmitBid,
    *,
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    blobs: BlobStore,
    platform_key: PrivateKey,
    max_bytes: int,
) -> BidView:
    """Receive a sealed envelope, check it while streaming it to storage, record it, sign a receipt.

    The instant the envelope's last byte arrived decides whether it is on time (电子招标投标办法 第二十七条);
    the bid, its sealed ledger entry and the receipt all carry that one instant.
    """
    now = clock.now()
    org_id = _bidder(actor)
    with uow:  # short read: the section must exist and be open to bids; the bidder's key
        section = _section_for_bidder(uow, cmd.section_id)
        accept_submission(  # a body whose first byte is late cannot end in time: refuse before reading it
            section,
            None,
            bid_id="-",
            bidder_id=org_id,
            envelope_digest="-",
            envelope_size=0,
            last_byte_at=cmd.last_byte_at or now,
        )
        public_key = _active_key(uow, org_id)

    def check(src: BinaryIO, dst: BinaryIO | None) -> VerifiedEnvelope:
        return verify_envelope_stream(
            src,
            dst,
            bidder_public_key=public_key,
            expected_section_id=section.id,
            expected_bidder_id=org_id,
            max_bytes=max_bytes,
        )

    if isinstance(cmd.envelope, Path):  # already whole on the blobs' disk: check it in place, then adopt it
        with cmd.envelope.open("rb") as src:
            verified = check(src, None)
            os.fsync(src.fileno())  # on disk before the receipt says "stored" (see below)
        blobs.adopt(cmd.envelope, verified.envelope_sm3)
        last_byte_at = cmd.last_byte_at or to_millisecond(now)
    else:
        fd, tmp_name = tempfile.mkstemp(dir=blobs.tmp_dir)
        tmp = Path(tmp_name)
        try:
            with open(fd, "wb") as out:
                verified = check(cmd.envelope, out)
                last_byte_at = cmd.last_byte_at or to_millisecond(clock.now())  # its last byte has just been read
                out.flush()
                # On disk before the receipt says "stored": without this a power loss after the 201 could leave
                # an empty or short file under the digest name (a process kill alone cannot; tests/reliability).
                os.fsync(out.fileno())
            blobs.adopt(tmp, verified.envelope_sm3)
        finally:
            tmp.unlink(missing_ok=True)
    with uow:
        section = uow.sections.get(cmd.section_id, for_update=True)  # serialise with the opening
        existing = uow.bids.for_bidder(section.id, org_id)
        replacing = existing is not None and existing.status is BidStatus.SEALED
        bid = accept_submission(
            section,
            existing,
            bid_id=str(uuid.uuid4()),
            bidder_id=org_id,
            envelope_digest=verified.envelope_sm3,
            envelope_size=verified.size,
            last_byte_at=last_byte_at,
        )
        uow.bids.save(bid)
        uow.bids.record_authoring(
            bid.id,
            machine_fingerprint=verified.header.machine_fingerprint,
            signing_key_id=verified.header.bidder_key_id,
            tool_version=verified.header.tool_version,
            upload_ip=cmd.client_ip,
        )
        commitment = uow.record_sealed(
            section_id=section.id,
            actor=actor,
            action=LedgerAction.BID_REPLACED if replacing else LedgerAction.BID_SUBMITTED,
            subject_type=SubjectType.BID,
            subject_id=bid.id,
            payload={
                "section_id": section.id,
                "envelope_digest": verified.envelope_sm3,
                "ciphertext_digest": verified.ciphertext_sm3,
                "size": verified.size,
                "revision": bid.revision,
                "machine_fingerprint": verified.header.machine_fingerprint,
                "tool_version": verified.header.tool_version,
            },
            snapshot=bid_snapshot(bid),
            now=last_byte_at,
        )
        uow.commit()
    receipt = sign_receipt(
        platform_key,
        ReceiptFields(
            section_id=section.id,
            bidder_id=org_id,
            envelope_sm3=verified.envelope_sm3,
            server_time=last_byte_at,
            entry_commitment=commitment,
        ),
    )
    return _view(bid, receipt)


def _section_for_bidder(uow: UnitOfWork, section_id: str, *, lock: bool = False) -> Section:
    try:
        section = uow.sections.get(section_id, for_update=lock)
    except NotFound as e:
        raise NotFound(f"No open section with id {section_id}.") from e
    if section.status in (SectionStatus.DRAFT, SectionStatus.CHECKED):
        raise NotFound(f"No open section with id {section_id}.")
    return section


def _view(bid: Bid, receipt: SignedReceipt | None = None) -> BidView:
    return BidView(
        bid.id, bid.section_id, bid.status.value, bid.revision, bid.envelope_digest, bid.submitted_at, receipt
    )


def withdraw_bid(section_id: str, *, uow: UnitOfWork, clock: Clock, actor: Actor) -> BidView:
    """Withdraw (撤回) one's own bid before the deadline (招标投标法实施条例 第三十五条); recorded, sealed.

    Holds the section's lock like a submission, so the opening either comes after the withdrawal and does not
    count the bid, or comes first and the withdrawal is refused.
    """
    now = clock.now()
    org_id = _bidder(actor)
    with uow:
        section = _section_for_bidder(uow, section_id, lock=True)
        bid = uow.bids.for_bidder(section.id, org_id)
        if bid is None:
            raise NotFound("You have no bid in this section.")
        withdraw(section, bid, now=now)
        uow.bids.save(bid)
        uow.record_sealed(
            section_id=section.id,
            actor=actor,
            action=LedgerAction.BID_WITHDRAWN,
            subject_type=SubjectType.BID,
            subject_id=bid.id,
            payload={"section_id": section.id},
            snapshot=bid_snapshot(bid),
            now=now,
        )
        uow.commit()
    return _view(bid)


def my_bid(section_id: str, *, uow: UnitOfWork, actor: Actor) -> BidView:
    """A bidder's own bid in a section; nobody else may ask this way."""
    org_id = _bidder(actor)
    with uow:
        bid = uow.bids.for_bidder(section_id, org_id)
    if bid is None:
        raise NotFound("You have no bid in this section.")
    return _view(bid)


@dataclass(frozen=True, slots=True)
class DecryptBid:
    section_id: str
    content_key: bytes
    client_ip: str | None = None


def decrypt_bid(
    cmd: DecryptBid,
    *,
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    blobs: BlobStore,
    max_plaintext_bytes: int,
) -> Bid:
    """At the opening, the bidder hands over its content key; the server opens and checks the envelope.

    A wrong key, or a stored envelope that no longer matches its receipt, is refused and changes nothing;
    the bidder may try again until the window closes (电子招标投标办法 第二十九–三十一条).
    """
    now = clock.now()
    org_id = _bidder(actor)
    with uow:
        section = _section_for_bidder(uow, cmd.section_id)
        bid = uow.bids.for_bidder(section.id, org_id)
        if bid is None:
            raise NotFound("You have no bid in this section.")
        public_key = _active_key(uow, org_id)
    # Attachments are kept (by SM3) for the evaluation and the collusion checks; nothing stays on failure.
    unpack = Path(tempfile.mkdtemp(dir=blobs.tmp_dir))
    try:
        with blobs.open(bid.envelope_digest) as src:
            opened = open_envelope(
                src,
                content_key=cmd.content_key,
                max_plaintext_bytes=max_plaintext_bytes,
                expected_envelope_sm3=bid.envelope_digest,
                bidder_public_key=public_key,
                attachment_dir=unpack,
            )
        for info in opened.attachments:
            if not blobs.exists(info.sm3):
                blobs.adopt(unpack / info.name, info.sm3)
    finally:
        shutil.rmtree(unpack, ignore_errors=True)
    form = opened.form
    data = OpenedBidData(
        price=form.price,
        duration_days=form.duration_days,
        quality=form.quality,
        project_manager_id=form.project_manager_id,
        bid_security_ref=form.bid_security_ref,
        extra=tuple(sorted((str(k), str(v)) for k, v in form.extra.items())),
        pm_grade=form.pm_grade,
        staff=tuple(sorted(form.staff.items())),
        certificates=form.certificates,
        similar_contracts=form.similar_contracts,
    )
    with uow:
        section = uow.sections.get(cmd.section_id)
        bid = uow.bids.get(bid.id)
        record_decryption(section, bid, data, now=now)
        bid.attachments = [(a.name, a.sm3, a.size) for a in opened.attachments]
        uow.bids.save(bid)
        uow.bids.record_decrypt_ip(bid.id, cmd.client_ip)
        uow.record(
            actor=actor,
            action=LedgerAction.BID_DECRYPTED,
            subject_type=SubjectType.BID,
            subject_id=bid.id,
            payload={
                "section_id": section.id,
                "price": str(data.price),
                "duration_days": data.duration_days,
                "quality": data.quality,
                "project_manager_id": data.project_manager_id,
                "attachments": [[a.name, a.sm3, a.size] for a in opened.attachments],
                "machine_fingerprint": opened.header.machine_fingerprint,
            },
            snapshot=bid_snapshot(bid),
            now=now,
        )
        uow.commit()
    return bid


def list_opened_bids(section_id: str, *, uow: UnitOfWork, actor: Actor) -> list[Bid]:
    """All bids of a section, once it has opened; before that, the same refusal for everyone."""
    with uow:
        try:
            section = uow.sections.get(section_id)
        except NotFound as e:
            raise NotFound(_SECRET) from e
        if section.bids_sealed:
            raise NotFound(_SECRET)
        return [b for b in uow.bids.in_section(section.id) if b.status is not BidStatus.WITHDRAWN]
