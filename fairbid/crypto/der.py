"""A strict DER reader for the one SM2 ciphertext encoding Fairbid accepts (GM/T 0009-2012 §7.2).

    SM2Cipher ::= SEQUENCE {
        XCoordinate INTEGER,             -- x of C1
        YCoordinate INTEGER,             -- y of C1
        HASH        OCTET STRING (32),   -- C3 = SM3(x2 ‖ M ‖ y2)
        CipherText  OCTET STRING }       -- C2

Anything else (raw C1C3C2 or C1C2C3 bytes, BER long forms, trailing bytes) is refused, so one wrapped key
has exactly one byte string.
"""

from __future__ import annotations

from dataclasses import dataclass

from fairbid.domain.errors import CryptoFailure

__all__ = ["Sm2Cipher", "decode_sm2_cipher", "encode_sm2_cipher"]

_P = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF", 16)


@dataclass(frozen=True, slots=True)
class Sm2Cipher:
    """The four fields of an SM2 ciphertext (C1 = (x, y), C3 = hash, C2 = ciphertext)."""

    x: int
    y: int
    hash: bytes
    ciphertext: bytes

    def raw_c1c3c2(self) -> bytes:
        """``04 ‖ x ‖ y ‖ C3 ‖ C2``, the raw form other libraries use."""
        return b"\x04" + self.x.to_bytes(32, "big") + self.y.to_bytes(32, "big") + self.hash + self.ciphertext


def _length(data: bytes, pos: int) -> tuple[int, int]:
    if pos >= len(data):
        raise ValueError("truncated")
    first = data[pos]
    if first < 0x80:
        return first, pos + 1
    count = first & 0x7F
    if count == 0 or count > 2 or pos + 1 + count > len(data):
        raise ValueError("bad length")
    value = int.from_bytes(data[pos + 1 : pos + 1 + count], "big")
    if value < 0x80 or (count == 2 and value < 0x100):
        raise ValueError("non-minimal length")
    return value, pos + 1 + count


def _tlv(data: bytes, pos: int, tag: int) -> tuple[bytes, int]:
    if pos >= len(data) or data[pos] != tag:
        raise ValueError("unexpected tag")
    size, start = _length(data, pos + 1)
    end = start + size
    if end > len(data):
        raise ValueError("truncated")
    return data[start:end], end


def _integer(body: bytes) -> int:
    if not body or body[0] & 0x80:
        raise ValueError("negative or empty integer")
    if len(body) > 1 and body[0] == 0 and not body[1] & 0x80:
        raise ValueError("non-minimal integer")
    return int.from_bytes(body, "big")


def decode_sm2_cipher(data: bytes, *, error: type[CryptoFailure]) -> Sm2Cipher:
    """Parse strict DER ``SM2Cipher``; raises ``error`` (no detail) on anything else."""
    try:
        body, end = _tlv(data, 0, 0x30)
        if end != len(data):
            raise ValueError("trailing bytes")
        xb, pos = _tlv(body, 0, 0x02)
        yb, pos = _tlv(body, pos, 0x02)
        digest, pos = _tlv(body, pos, 0x04)
        ciphertext, pos = _tlv(body, pos, 0x04)
        x, y = _integer(xb), _integer(yb)
        if pos != len(body) or len(digest) != 32 or not ciphertext or x >= _P or y >= _P:
            raise ValueError("bad field")
    except ValueError as exc:
        raise error() from exc
    return Sm2Cipher(x, y, digest, ciphertext)


def _encode_tlv(tag: int, body: bytes) -> bytes:
    size = len(body)
    if size < 0x80:
        head = bytes([size])
    elif size < 0x100:
        head = bytes([0x81, size])
    else:
        head = bytes([0x82]) + size.to_bytes(2, "big")
    return bytes([tag]) + head + body


def _encode_integer(value: int) -> bytes:
    body = value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big")
    if body[0] & 0x80:
        body = b"\x00" + body
    return _encode_tlv(0x02, body)


def encode_sm2_cipher(cipher: Sm2Cipher) -> bytes:
    """DER-encode an :class:`Sm2Cipher` (used to re-encode raw C1C3C2 from other libraries)."""
    inner = (
        _encode_integer(cipher.x)
        + _encode_integer(cipher.y)
        + _encode_tlv(0x04, cipher.hash)
        + _encode_tlv(0x04, cipher.ciphertext)
    )
    return _encode_tlv(0x30, inner)
