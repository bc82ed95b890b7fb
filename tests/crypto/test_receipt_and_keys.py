"""Receipts, key serialisation, key files, suites, the strict DER reader, bid forms and fingerprints."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from fairbid.crypto.der import Sm2Cipher, decode_sm2_cipher, encode_sm2_cipher
from fairbid.crypto.fingerprint import fingerprint
from fairbid.crypto.form import BidForm
from fairbid.crypto.key import (
    PublicKey,
    Suite,
    generate_key,
    private_key_from_bytes,
    sign,
    unwrap_key,
    verify_signature,
    wrap_key,
)
from fairbid.crypto.keystore import lock_private_key, read_public_key, unlock_private_key
from fairbid.crypto.receipt import ReceiptFields, SignedReceipt, sign_receipt, verify_receipt
from fairbid.domain.errors import InvalidEnvelope, InvalidKey, InvalidSignature

FIELDS = ReceiptFields(
    section_id="S-2026-001",
    bidder_id="B-0007",
    envelope_sm3="ab" * 32,
    server_time=datetime(2026, 11, 27, 13, 59, 59, 999000, tzinfo=timezone(timedelta(hours=8))),
    entry_commitment="cd" * 32,
)


@pytest.mark.parametrize("suite", list(Suite))
def test_receipt_round_trips_through_json_and_verifies(suite: Suite) -> None:
    platform = generate_key(suite)
    receipt = sign_receipt(platform, FIELDS)
    text = json.dumps(receipt.to_json())
    assert '"server_time": "2026-11-27T05:59:59.999Z"' in text
    again = SignedReceipt.from_json(json.loads(text))
    assert again == receipt
    verify_receipt(platform.public, again)


def test_receipt_refuses_edited_entry_commitment() -> None:
    platform = generate_key()
    receipt = sign_receipt(platform, FIELDS)
    value = receipt.to_json()
    value["receipt"]["entry_commitment"] = "ce" * 32
    with pytest.raises(InvalidSignature):
        verify_receipt(platform.public, SignedReceipt.from_json(value))


def test_receipt_refuses_another_platform_key() -> None:
    receipt = sign_receipt(generate_key(), FIELDS)
    with pytest.raises(InvalidSignature):
        verify_receipt(generate_key().public, receipt)


def test_receipt_json_refuses_unknown_fields() -> None:
    value = sign_receipt(generate_key(), FIELDS).to_json()
    value["receipt"]["extra"] = 1
    with pytest.raises(ValueError, match="missing or unknown"):
        SignedReceipt.from_json(value)


@pytest.mark.parametrize("suite", list(Suite))
def test_key_file_round_trips_with_passphrase(suite: Suite) -> None:
    key = generate_key(suite)
    data = lock_private_key(key, "correct horse battery", scrypt_n=2**10)
    assert key.raw.hex() not in data.decode()
    assert read_public_key(data) == key.public
    assert unlock_private_key(data, "correct horse battery") == key


def test_key_file_refuses_wrong_passphrase() -> None:
    data = lock_private_key(generate_key(), "correct horse battery", scrypt_n=2**10)
    with pytest.raises(InvalidKey):
        unlock_private_key(data, "wrong horse battery")


def test_key_file_refuses_swapped_public_key() -> None:
    document = json.loads(lock_private_key(generate_key(), "correct horse battery", scrypt_n=2**10))
    document["public_key"] = generate_key().public.to_text()
    with pytest.raises(InvalidKey):
        unlock_private_key(json.dumps(document).encode(), "correct horse battery")


@pytest.mark.parametrize("suite", list(Suite))
def test_public_key_text_round_trips_and_key_id_is_sm3(suite: Suite) -> None:
    public = generate_key(suite).public
    assert PublicKey.from_text(public.to_text()) == public
    assert len(public.key_id) == 64


@pytest.mark.parametrize("text", ["gm:04zz", "gm:" + "04" + "11" * 64, "rsa:00", "intl:00", ""])
def test_public_key_from_text_refuses_malformed_key(text: str) -> None:
    with pytest.raises(InvalidKey):
        PublicKey.from_text(text)


def test_sm2_private_key_refuses_mismatched_public_key() -> None:
    key = generate_key()
    with pytest.raises(InvalidKey):
        private_key_from_bytes(Suite.GM, key.raw, public=generate_key().public)


@pytest.mark.parametrize("suite", list(Suite))
def test_wrap_unwrap_round_trips_and_refuses_other_key(suite: Suite) -> None:
    key, other = generate_key(suite), generate_key(suite)
    wrapped = wrap_key(key.public, b"k" * suite.content_key_size)
    assert unwrap_key(key, wrapped) == b"k" * suite.content_key_size
    with pytest.raises(InvalidKey):
        unwrap_key(other, wrapped)


@pytest.mark.parametrize("suite", list(Suite))
def test_signature_refuses_other_message(suite: Suite) -> None:
    key = generate_key(suite)
    signature = sign(key, b"one")
    verify_signature(key.public, b"one", signature)
    with pytest.raises(InvalidSignature):
        verify_signature(key.public, b"two", signature)
    with pytest.raises(InvalidSignature):
        verify_signature(key.public, b"one", b"\x30\x00")


def test_der_round_trips_and_refuses_non_minimal_forms() -> None:
    cipher = Sm2Cipher(x=5, y=2**255, hash=bytes(32), ciphertext=b"abc")
    der = encode_sm2_cipher(cipher)
    assert decode_sm2_cipher(der, error=InvalidEnvelope) == cipher
    with pytest.raises(InvalidEnvelope):
        decode_sm2_cipher(der + b"\x00", error=InvalidEnvelope)
    padded = der.replace(b"\x02\x01\x05", b"\x02\x02\x00\x05")
    with pytest.raises(InvalidEnvelope):
        decode_sm2_cipher(padded[:1] + bytes([padded[1] + 1]) + padded[2:], error=InvalidEnvelope)


def test_bid_form_keeps_price_as_decimal_string() -> None:
    form = BidForm.from_mapping(
        {
            "price": "100.50",
            "duration_days": 90,
            "quality": "优良",
            "project_manager_id": "P",
            "bid_security_ref": "G",
        }
    )
    assert form.price == Decimal("100.50")
    assert BidForm.from_bytes(form.to_bytes()) == form


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("price", 100.5),
        ("price", "1e3x"),
        ("price", "-1"),
        ("price", "1.234"),
        ("duration_days", 0),
        ("quality", ""),
    ],
)
def test_bid_form_refuses_bad_field(field: str, value: object) -> None:
    raw = {
        "price": "1",
        "duration_days": 1,
        "quality": "合格",
        "project_manager_id": "P",
        "bid_security_ref": "G",
    }
    raw[field] = value
    with pytest.raises(ValueError, match=field):
        BidForm.from_mapping(raw)


def test_fingerprint_depends_on_salt_and_identifiers_not_their_order() -> None:
    ids = {"mac": "00:11:22:33:44:55", "machine_id": "abc"}
    assert fingerprint(b"salt", ids) == fingerprint(b"salt", dict(reversed(ids.items())))
    assert fingerprint(b"salt", ids) != fingerprint(b"other", ids)
    assert fingerprint(b"salt", ids) != fingerprint(b"salt", {**ids, "cpu": "x"})


def test_receipt_time_must_be_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        ReceiptFields("S", "B", "ab" * 32, datetime(2026, 1, 1), 1).to_dict()
    assert ReceiptFields("S", "B", "ab" * 32, datetime(2026, 1, 1, tzinfo=UTC), 1).to_dict()


def test_private_key_repr_hides_the_secret() -> None:
    key = generate_key()
    assert key.raw.hex() not in repr(key)
    assert repr(key.raw) not in repr(key)
