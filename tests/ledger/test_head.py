"""Signed tree heads: what the signature covers, and that any change to a head breaks it."""

from __future__ import annotations

import struct
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from fairbid.domain.errors import InvalidInput, InvalidSignature
from fairbid.ledger.head import (
    HEAD_PREFIX,
    SignedTreeHead,
    sign_tree_head,
    tree_head_message,
    verify_tree_head,
)
from fairbid.ledger.merkle import EMPTY_ROOT

from .signer import Sm2TestSigner

NOW = datetime(2026, 11, 27, 6, 30, 15, 123456, tzinfo=UTC)
ROOT = bytes(range(32))


@pytest.fixture(scope="module")
def signer() -> Sm2TestSigner:
    return Sm2TestSigner()


def test_head_message_is_prefix_time_size_root() -> None:
    message = tree_head_message(5, ROOT, 1_700_000_000_000)
    assert message == HEAD_PREFIX + struct.pack(">QQB", 1_700_000_000_000, 5, 32) + ROOT + b"\x00\x00"


def test_signed_head_verifies_and_keeps_time_to_the_millisecond(signer: Sm2TestSigner) -> None:
    head = sign_tree_head(5, ROOT, now=NOW, signer=signer)
    verify_tree_head(head, signer)
    assert head.timestamp == NOW.replace(microsecond=123000)
    assert SignedTreeHead.from_json(head.to_json()) == head


@pytest.mark.parametrize(
    "change",
    [{"tree_size": 4}, {"root_hash": bytes(32)}, {"timestamp_ms": 1}, {"signature": b"\x30\x02\x00\x00"}],
)
def test_head_verification_fails_when_any_field_changes(signer: Sm2TestSigner, change: dict[str, object]) -> None:
    head = sign_tree_head(5, ROOT, now=NOW, signer=signer)
    with pytest.raises(InvalidSignature):
        verify_tree_head(replace(head, **change), signer)  # type: ignore[arg-type]


def test_head_verification_fails_under_another_key(signer: Sm2TestSigner) -> None:
    head = sign_tree_head(5, ROOT, now=NOW, signer=signer)
    with pytest.raises(InvalidSignature):
        verify_tree_head(head, Sm2TestSigner())


def test_head_signing_refuses_naive_time(signer: Sm2TestSigner) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        sign_tree_head(5, ROOT, now=datetime(2026, 1, 1), signer=signer)


@pytest.mark.parametrize(
    "value",
    [
        {},
        {"tree_size": -1, "root_hash": ROOT.hex(), "timestamp_ms": 0, "signature": ""},
        {"tree_size": True, "root_hash": ROOT.hex(), "timestamp_ms": 0, "signature": ""},
        {"tree_size": 1, "root_hash": "abcd", "timestamp_ms": 0, "signature": ""},
        {"tree_size": 1, "root_hash": "zz" * 32, "timestamp_ms": 0, "signature": ""},
    ],
)
def test_head_parsing_rejects_malformed_json(value: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        SignedTreeHead.from_json(value)


def test_platform_key_signs_heads_the_standalone_verifier_accepts() -> None:
    from fairbid.crypto.key import generate_key
    from fairbid.ledger.head import KeyHeadSigner, KeyHeadVerifier
    from fairbid.ledger.verifier import load_public_key, verify_export

    key = generate_key()
    head = sign_tree_head(0, EMPTY_ROOT, now=NOW, signer=KeyHeadSigner(key))
    verify_tree_head(head, KeyHeadVerifier(key.public))
    export = {"format": "fairbid-ledger-export/1", "entries": [], "heads": [head.to_json()]}
    assert verify_export(export, load_public_key(key.public.to_text())).heads == 1
    with pytest.raises(InvalidSignature):
        verify_tree_head(head, KeyHeadVerifier(generate_key().public))
