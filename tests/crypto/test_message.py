"""The guarantor message interface: round trip, and a refusal for every way a message can be wrong."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from Cryptodome.Util.asn1 import DerSequence
from gmssl import sm2 as gmssl_sm2  # an independent SM2 implementation, for the signature interop check

from fairbid.crypto.commitment import InvalidCommitment, lot_commitment, seal_lot, verify_lot
from fairbid.crypto.digest import sm3
from fairbid.crypto.key import PrivateKey, Suite, generate_key, sign
from fairbid.crypto.letter import letter_digests, read_letter, write_letter
from fairbid.crypto.message import (
    FIELDS,
    MemoryNonceStore,
    ReplayedMessage,
    SignedMessage,
    StaleMessage,
    open_message,
    seal_message,
    signed_text,
)
from fairbid.domain.errors import CryptoFailure, InvalidEnvelope, InvalidKey, InvalidSignature

NOW = datetime(2026, 11, 27, 5, 0, tzinfo=UTC)
PAYLOAD = {"type": "apply", "application_id": "A-1", "amount": "80000.00", "note": "投标保函申请"}


@pytest.fixture(scope="module")
def platform() -> PrivateKey:
    return generate_key(Suite.GM)


@pytest.fixture(scope="module")
def guarantor() -> PrivateKey:
    return generate_key(Suite.GM)


def _open(msg: object, platform: PrivateKey, guarantor: PrivateKey, store: MemoryNonceStore, now: datetime = NOW):
    return open_message(
        msg if isinstance(msg, SignedMessage) else SignedMessage.from_json(msg),
        sender=platform.public,
        receiver=guarantor,
        nonces=store,
        now=now,
    )


def test_message_round_trips_through_json(platform: PrivateKey, guarantor: PrivateKey) -> None:
    msg = seal_message(PAYLOAD, sender=platform, receiver=guarantor.public, now=NOW)
    wire = json.loads(json.dumps(msg.to_json()))
    assert tuple(wire) == FIELDS
    assert wire["timeStamp"] == str(int(NOW.timestamp() * 1000))
    store = MemoryNonceStore()
    assert open_message(wire, sender=platform.public, receiver=guarantor, nonces=store, now=NOW) == PAYLOAD
    assert len(store) == 1
    assert "80000.00" not in wire["data"] and "apply" not in base64.b64decode(wire["data"]).decode("latin-1")


def test_sign_is_sm3withsm2_over_the_sm3_of_the_sorted_fields(platform: PrivateKey, guarantor: PrivateKey) -> None:
    msg = seal_message(PAYLOAD, sender=platform, receiver=guarantor.public, now=NOW)
    text = signed_text(msg).decode()
    assert text.startswith(f"data={msg.data}&encrypt={msg.encrypt}&nonceStr={msg.nonce_str}&timeStamp=")
    # verify with another library: gmssl's SM3withSM2 over the same digest, with the default signer ID
    seq = DerSequence()
    seq.decode(base64.b64decode(msg.sign))
    other = gmssl_sm2.CryptSM2(private_key="00" * 32, public_key="00" * 64, mode=1)
    other.public_key = platform.public.raw[1:].hex()  # gmssl strips a leading "04": set the x‖y hex directly
    assert other.verify_with_sm3(f"{int(seq[0]):064x}{int(seq[1]):064x}", sm3(signed_text(msg)))


def test_forged_sign_is_refused_and_leaves_no_nonce(platform: PrivateKey, guarantor: PrivateKey) -> None:
    msg = seal_message(PAYLOAD, sender=platform, receiver=guarantor.public, now=NOW)
    impostor = generate_key(Suite.GM)
    forged_sign = base64.b64encode(sign(impostor, sm3(signed_text(msg)))).decode()
    store = MemoryNonceStore()
    with pytest.raises(InvalidSignature):
        _open({**msg.to_json(), "sign": forged_sign}, platform, guarantor, store)
    assert len(store) == 0
    # the genuine message, with the same nonce, still goes through: the forgery used nothing up
    assert _open(msg, platform, guarantor, store) == PAYLOAD


def test_message_from_an_impostor_sender_is_refused(platform: PrivateKey, guarantor: PrivateKey) -> None:
    impostor = generate_key(Suite.GM)
    msg = seal_message(PAYLOAD, sender=impostor, receiver=guarantor.public, now=NOW)
    with pytest.raises(InvalidSignature):
        _open(msg, platform, guarantor, MemoryNonceStore())


def test_message_to_another_receiver_does_not_open(platform: PrivateKey, guarantor: PrivateKey) -> None:
    other_guarantor = generate_key(Suite.GM)
    msg = seal_message(PAYLOAD, sender=platform, receiver=other_guarantor.public, now=NOW)
    store = MemoryNonceStore()
    with pytest.raises(InvalidKey):
        _open(msg, platform, guarantor, store)
    assert len(store) == 0


@pytest.mark.parametrize("field", ["data", "encrypt", "nonceStr", "timeStamp"])
def test_tampered_field_breaks_the_signature(platform: PrivateKey, guarantor: PrivateKey, field: str) -> None:
    wire = seal_message(PAYLOAD, sender=platform, receiver=guarantor.public, now=NOW).to_json()
    value = wire[field]
    if field == "timeStamp":
        tampered = str(int(value) + 1)
    elif field == "nonceStr":
        tampered = ("B" if value[0] != "B" else "C") + value[1:]
    else:
        raw = bytearray(base64.b64decode(value))
        raw[len(raw) // 2] ^= 0x01
        tampered = base64.b64encode(bytes(raw)).decode()
    with pytest.raises(InvalidSignature):
        _open({**wire, field: tampered}, platform, guarantor, MemoryNonceStore())


def test_signed_garbage_fails_the_tag(platform: PrivateKey, guarantor: PrivateKey) -> None:
    """A sender that signs a ciphertext it corrupted itself: the signature holds, the SM4-GCM tag does not."""
    good = seal_message(PAYLOAD, sender=platform, receiver=guarantor.public, now=NOW)
    raw = bytearray(base64.b64decode(good.data))
    raw[0] ^= 0x80
    unsigned = SignedMessage(base64.b64encode(bytes(raw)).decode(), good.encrypt, good.nonce_str, good.time_stamp, "")
    resigned = SignedMessage(
        unsigned.data, unsigned.encrypt, unsigned.nonce_str, unsigned.time_stamp,
        base64.b64encode(sign(platform, sm3(signed_text(unsigned)))).decode(),
    )  # fmt: skip
    store = MemoryNonceStore()
    with pytest.raises(InvalidEnvelope):
        _open(resigned, platform, guarantor, store)
    assert len(store) == 0


@pytest.mark.parametrize("offset", [timedelta(minutes=5, milliseconds=1), -timedelta(minutes=6)])
def test_stale_or_future_timestamp_is_refused(platform: PrivateKey, guarantor: PrivateKey, offset: timedelta) -> None:
    msg = seal_message(PAYLOAD, sender=platform, receiver=guarantor.public, now=NOW)
    store = MemoryNonceStore()
    with pytest.raises(StaleMessage):
        _open(msg, platform, guarantor, store, now=NOW + offset)
    assert len(store) == 0
    assert _open(msg, platform, guarantor, store, now=NOW + timedelta(minutes=5)) == PAYLOAD  # edge: inside


def test_replayed_nonce_is_refused_inside_the_window(platform: PrivateKey, guarantor: PrivateKey) -> None:
    msg = seal_message(PAYLOAD, sender=platform, receiver=guarantor.public, now=NOW)
    store = MemoryNonceStore()
    _open(msg, platform, guarantor, store)
    with pytest.raises(ReplayedMessage):
        _open(msg, platform, guarantor, store, now=NOW + timedelta(seconds=30))
    # after the window the nonce is forgotten, and the time check refuses the replay instead
    with pytest.raises(StaleMessage):
        _open(msg, platform, guarantor, store, now=NOW + timedelta(minutes=10))


@pytest.mark.parametrize(
    "change",
    [
        {"extra": "x"},
        {"nonceStr": "short"},
        {"nonceStr": "a" * 20 + "&x=1"},
        {"timeStamp": "17642196001"},
        {"data": "not base64!"},
        {"sign": 5},
    ],
)
def test_malformed_message_is_refused(platform: PrivateKey, guarantor: PrivateKey, change: dict[str, object]) -> None:
    wire: dict[str, object] = dict(seal_message(PAYLOAD, sender=platform, receiver=guarantor.public, now=NOW).to_json())
    wire.update(change)
    with pytest.raises(InvalidEnvelope):
        SignedMessage.from_json(wire)


def test_missing_field_is_refused(platform: PrivateKey, guarantor: PrivateKey) -> None:
    wire = seal_message(PAYLOAD, sender=platform, receiver=guarantor.public, now=NOW).to_json()
    del wire["sign"]
    with pytest.raises(InvalidEnvelope):
        SignedMessage.from_json(wire)


def test_intl_keys_are_refused(guarantor: PrivateKey) -> None:
    with pytest.raises(InvalidKey):
        seal_message(PAYLOAD, sender=generate_key(Suite.INTL), receiver=guarantor.public, now=NOW)


def test_every_refusal_is_a_crypto_failure() -> None:
    assert issubclass(StaleMessage, CryptoFailure) and issubclass(ReplayedMessage, CryptoFailure)
    assert issubclass(InvalidCommitment, CryptoFailure)


def test_sealed_lot_opens_only_to_its_section_and_tenderee() -> None:
    sealed = seal_lot(section_id="S-1", beneficiary="91110108551385082Q")
    verify_lot(sealed.commitment, section_id="S-1", beneficiary="91110108551385082Q", salt=sealed.salt)
    for section, beneficiary in [("S-2", "91110108551385082Q"), ("S-1", "911101085513850820")]:
        with pytest.raises(InvalidCommitment):
            verify_lot(sealed.commitment, section_id=section, beneficiary=beneficiary, salt=sealed.salt)
    with pytest.raises(InvalidCommitment):
        lot_commitment(section_id="S-1", beneficiary="x", salt="zz")
    first, second = seal_lot(section_id="S-1", beneficiary="x"), seal_lot(section_id="S-1", beneficiary="x")
    assert first.commitment != second.commitment  # a fresh salt each time


def test_letter_verifies_and_its_digests_catch_a_changed_byte(guarantor: PrivateKey) -> None:
    data = write_letter({"guarantee_no": "G-1", "amount": "80000.00"}, guarantor=guarantor)
    assert read_letter(data, guarantor=guarantor.public)["guarantee_no"] == "G-1"
    digests = letter_digests(data)
    changed = data.replace(b"80000.00", b"90000.00")
    assert letter_digests(changed).sm3 != digests.sm3 and letter_digests(changed).sha256 != digests.sha256
    with pytest.raises(InvalidSignature):
        read_letter(changed, guarantor=guarantor.public)
    with pytest.raises(InvalidSignature):
        read_letter(data, guarantor=generate_key(Suite.GM).public)
    with pytest.raises(InvalidEnvelope):
        read_letter(b"%PDF-1.7", guarantor=guarantor.public)
