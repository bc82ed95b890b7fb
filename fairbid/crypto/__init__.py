"""Cryptographic recipes: sealed-bid envelopes, signatures, digests, verifiable draws.

Primitive libraries (``cryptography``, ``gmssl_pyx``) are imported only inside this package. The envelope
format is documented in docs/envelope.md. The names below are the recipes other layers call.
"""

from fairbid.crypto.envelope import (
    DEFAULT_CHUNK_SIZE,
    EnvelopeTooLarge,
    SealedEnvelope,
    VerifiedEnvelope,
    seal_envelope,
    unwrap_content_key,
    verify_envelope_stream,
)
from fairbid.crypto.fingerprint import fingerprint
from fairbid.crypto.form import BidForm
from fairbid.crypto.frame import EnvelopeHeader
from fairbid.crypto.key import PrivateKey, PublicKey, Suite, generate_key, sign, verify_signature
from fairbid.crypto.keystore import lock_private_key, read_public_key, unlock_private_key
from fairbid.crypto.opening import AttachmentInfo, OpenedBid, open_envelope
from fairbid.crypto.payload import AttachmentSource, ZipBomb
from fairbid.crypto.receipt import ReceiptFields, SignedReceipt, sign_receipt, verify_receipt

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "AttachmentInfo",
    "AttachmentSource",
    "BidForm",
    "EnvelopeHeader",
    "EnvelopeTooLarge",
    "OpenedBid",
    "PrivateKey",
    "PublicKey",
    "ReceiptFields",
    "SealedEnvelope",
    "SignedReceipt",
    "Suite",
    "VerifiedEnvelope",
    "ZipBomb",
    "fingerprint",
    "generate_key",
    "lock_private_key",
    "open_envelope",
    "read_public_key",
    "seal_envelope",
    "sign",
    "sign_receipt",
    "unlock_private_key",
    "unwrap_content_key",
    "verify_envelope_stream",
    "verify_receipt",
    "verify_signature",
]
