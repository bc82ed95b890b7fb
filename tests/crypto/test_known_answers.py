"""Published known-answer vectors (GB/T 32905, GB/T 32907, GB/T 32918, GM/T 0003.5) via fairbid.crypto."""

from __future__ import annotations

import pytest
from crypto_vectors import read_vectors
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from fairbid.crypto.der import decode_sm2_cipher
from fairbid.crypto.digest import sm3
from fairbid.crypto.key import PublicKey, Suite, private_key_from_bytes, unwrap_key, verify_signature
from fairbid.domain.errors import InvalidKey, InvalidSignature


def _der_signature(r: str, s: str) -> bytes:
    def integer(value: str) -> bytes:
        body = bytes.fromhex(value).lstrip(b"\x00")
        if body[0] & 0x80:
            body = b"\x00" + body
        return b"\x02" + bytes([len(body)]) + body

    inner = integer(r) + integer(s)
    return b"\x30" + bytes([len(inner)]) + inner


@pytest.mark.parametrize("vector", read_vectors("sm3_gbt32905.txt"), ids=lambda v: v["name"])
def test_sm3_matches_gbt32905_example(vector: dict[str, str]) -> None:
    assert sm3(bytes.fromhex(vector["message_hex"])).hex() == vector["digest"]


@pytest.mark.parametrize("vector", read_vectors("sm4_gbt32907.txt"), ids=lambda v: v["name"])
def test_sm4_matches_gbt32907_example(vector: dict[str, str]) -> None:
    encryptor = Cipher(algorithms.SM4(bytes.fromhex(vector["key"])), modes.ECB()).encryptor()
    block = bytes.fromhex(vector["plaintext"])
    for _ in range(int(vector["iterations"])):
        block = encryptor.update(block)
    assert block.hex() == vector["ciphertext"]


def test_sm2_verifies_gmt0003_annex_a_signature(sm2_vectors: dict[str, dict[str, str]]) -> None:
    vector = sm2_vectors["GM/T 0003.5 Annex A signature"]
    public = PublicKey(Suite.GM, bytes.fromhex(vector["public_key"]))
    signature = _der_signature(vector["r"], vector["s"])
    verify_signature(public, vector["message"].encode(), signature)


def test_sm2_refuses_gmt0003_annex_a_signature_when_message_changes(
    sm2_vectors: dict[str, dict[str, str]],
) -> None:
    vector = sm2_vectors["GM/T 0003.5 Annex A signature"]
    public = PublicKey(Suite.GM, bytes.fromhex(vector["public_key"]))
    with pytest.raises(InvalidSignature):
        verify_signature(public, b"message digesT", _der_signature(vector["r"], vector["s"]))


def test_sm2_decrypts_gmt0003_annex_c_ciphertext_in_gmt0009_der(
    sm2_vectors: dict[str, dict[str, str]],
) -> None:
    vector = sm2_vectors["GM/T 0003.5 Annex C encryption"]
    public = PublicKey(Suite.GM, bytes.fromhex(vector["public_key"]))
    key = private_key_from_bytes(Suite.GM, bytes.fromhex(vector["private_key"]), public=public)
    assert unwrap_key(key, bytes.fromhex(vector["ciphertext_der"])) == vector["message"].encode()


def test_sm2_refuses_annex_c_ciphertext_with_flipped_hash(sm2_vectors: dict[str, dict[str, str]]) -> None:
    vector = sm2_vectors["GM/T 0003.5 Annex C encryption"]
    public = PublicKey(Suite.GM, bytes.fromhex(vector["public_key"]))
    key = private_key_from_bytes(Suite.GM, bytes.fromhex(vector["private_key"]), public=public)
    tampered = bytearray(bytes.fromhex(vector["ciphertext_der"]))
    tampered[80] ^= 0x01  # inside the 32-byte hash C3
    assert decode_sm2_cipher(bytes(tampered), error=InvalidKey)
    with pytest.raises(InvalidKey):
        unwrap_key(key, bytes(tampered))


def test_sm2_refuses_annex_c_ciphertext_in_raw_c1c3c2_form(sm2_vectors: dict[str, dict[str, str]]) -> None:
    vector = sm2_vectors["GM/T 0003.5 Annex C encryption"]
    public = PublicKey(Suite.GM, bytes.fromhex(vector["public_key"]))
    key = private_key_from_bytes(Suite.GM, bytes.fromhex(vector["private_key"]), public=public)
    raw = decode_sm2_cipher(bytes.fromhex(vector["ciphertext_der"]), error=InvalidKey).raw_c1c3c2()
    with pytest.raises(InvalidKey):
        unwrap_key(key, raw)
