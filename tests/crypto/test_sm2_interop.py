"""SM2 against a second, independent implementation: the pure-Python ``gmssl`` package (test-only).

Checks that fairbid.crypto (gmssl-pyx, compiled) and gmssl agree on signatures with the default signer ID
and on the one ciphertext encoding Fairbid fixes (GM/T 0009 DER of C1C3C2), decoded and encoded with a
third, independent DER codec (pycryptodomex). Also runs the test-curve examples of GB/T 32918.2/.4, which
gmssl-pyx cannot load, through gmssl on explicit curve parameters.
"""

from __future__ import annotations

import pytest
from Cryptodome.Util.asn1 import DerOctetString, DerSequence
from gmssl import sm2 as pure_sm2

from fairbid.crypto.digest import sm3
from fairbid.crypto.key import Suite, generate_key, sign, unwrap_key, verify_signature, wrap_key

_RECOMMENDED = dict(pure_sm2.default_ecc_table)


def _pure(
    private_hex: str, public_xy_hex: str, table: dict[str, str] | None = None, mode: int = 1
) -> pure_sm2.CryptSM2:
    crypt = pure_sm2.CryptSM2(private_key=private_hex, public_key="00" * 64, ecc_table=table or _RECOMMENDED, mode=mode)
    crypt.public_key = public_xy_hex  # gmssl strips leading "0"/"4" digits of a prefixed key: set it directly
    return crypt


def _z(signer_id: bytes, table: dict[str, str], public_xy: bytes) -> bytes:
    curve = bytes.fromhex(table["a"] + table["b"] + table["g"])
    return sm3(len(signer_id * 8).to_bytes(2, "big") + signer_id + curve + public_xy)


def test_gmssl_verifies_fairbid_sm2_signature() -> None:
    key = generate_key(Suite.GM)
    message = "投标报价 1234567.89".encode()
    seq = DerSequence()
    seq.decode(sign(key, message))
    r, s = int(seq[0]), int(seq[1])
    pure = _pure(key.raw.hex(), key.public.raw[1:].hex())
    assert pure.verify_with_sm3(f"{r:064x}{s:064x}", message)


def test_fairbid_verifies_gmssl_sm2_signature() -> None:
    key = generate_key(Suite.GM)
    message = b"section S-1, bidder B-7"
    pure = _pure(key.raw.hex(), key.public.raw[1:].hex())
    rs = pure.sign_with_sm3(message)
    der = DerSequence([int(rs[:64], 16), int(rs[64:], 16)]).encode()
    verify_signature(key.public, message, der)


def test_gmssl_decrypts_fairbid_wrapped_key_in_gmt0009_der() -> None:
    key = generate_key(Suite.GM)
    content_key = bytes(range(16))
    seq = DerSequence()
    seq.decode(wrap_key(key.public, content_key))
    x, y = int(seq[0]), int(seq[1])
    c3, c2 = DerOctetString(), DerOctetString()
    c3.decode(seq[2])
    c2.decode(seq[3])
    assert len(seq) == 4 and len(c3.payload) == 32
    raw_bytes = bytes.fromhex(f"{x:064x}{y:064x}") + c3.payload + c2.payload
    assert _pure(key.raw.hex(), key.public.raw[1:].hex(), mode=1).decrypt(raw_bytes) == content_key


def test_fairbid_unwraps_gmssl_ciphertext_encoded_as_gmt0009_der() -> None:
    key = generate_key(Suite.GM)
    content_key = bytes(range(100, 116))
    raw = _pure(key.raw.hex(), key.public.raw[1:].hex(), mode=1).encrypt(content_key)
    x, y, c3, c2 = raw[:32], raw[32:64], raw[64:96], raw[96:]
    der = DerSequence(
        [
            int.from_bytes(x, "big"),
            int.from_bytes(y, "big"),
            DerOctetString(c3).encode(),
            DerOctetString(c2).encode(),
        ]
    ).encode()
    assert unwrap_key(key, der) == content_key


def _test_curve(vector: dict[str, str]) -> dict[str, str]:
    return {
        "n": vector["n"],
        "p": vector["p"],
        "g": vector["gx"] + vector["gy"],
        "a": vector["a"],
        "b": vector["b"],
    }


def test_gmssl_verifies_gbt32918_2_test_curve_signature(sm2_vectors: dict[str, dict[str, str]]) -> None:
    vector = sm2_vectors["GB/T 32918.2 Annex A signature"]
    table = _test_curve(vector)
    public_xy = bytes.fromhex(vector["public_key"])[1:]
    pure = _pure(vector["private_key"], public_xy.hex(), table)
    assert pure._kg(int(vector["private_key"], 16), table["g"]) == public_xy.hex()
    e = sm3(_z(vector["signer_id"].encode(), table, public_xy) + vector["message"].encode())
    assert pure.verify(vector["r"] + vector["s"], e)
    assert not pure.verify(vector["r"] + vector["s"], sm3(e))


def test_gmssl_decrypts_gbt32918_4_test_curve_ciphertext(sm2_vectors: dict[str, dict[str, str]]) -> None:
    vector = sm2_vectors["GB/T 32918.4 Annex A encryption"]
    table = _test_curve(vector)
    public_xy = bytes.fromhex(vector["public_key"])[1:]
    pure = _pure(vector["private_key"], public_xy.hex(), table, mode=0)
    assert pure._kg(int(vector["private_key"], 16), table["g"]) == public_xy.hex()
    ciphertext = bytes.fromhex(vector["ciphertext_c1c2c3"])[1:]
    message = vector["message"].encode()
    assert pure.decrypt(ciphertext) == message
    # gmssl does not check C3; check it here: C3 = SM3(x2 ‖ M ‖ y2) with (x2, y2) = [dB]C1.
    shared = bytes.fromhex(pure._kg(int(vector["private_key"], 16), ciphertext[:64].hex()))
    assert sm3(shared[:32] + message + shared[32:]) == ciphertext[-32:]


@pytest.mark.parametrize("name", ["GM/T 0003.5 Annex A signature", "GM/T 0003.5 Annex C encryption"])
def test_gmssl_derives_recommended_curve_example_public_key(name: str, sm2_vectors: dict[str, dict[str, str]]) -> None:
    vector = sm2_vectors[name]
    pure = _pure(vector["private_key"], "00" * 64)
    assert "04" + pure._kg(int(vector["private_key"], 16), _RECOMMENDED["g"]) == vector["public_key"]
