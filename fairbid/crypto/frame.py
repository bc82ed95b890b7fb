"""The byte layout of a sealed bid envelope (投标文件密封格式), version 1; see docs/envelope.md.

magic  "FBEV" 0x01 0x00                    6 bytes (format name, version 1, reserved)
u32    header length, then the header      canonical JSON, at most 64 KiB
frames 0x00|0x01, u32 length, sealed chunk  0x01 marks the last chunk; exactly one, at the end
0x02   u16 length, signature               the bidder's signature
end of stream
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from fairbid.crypto.digest import canonical_json
from fairbid.crypto.key import Suite
from fairbid.crypto.stream import NONCE_PREFIX_SIZE, TAG_SIZE
from fairbid.domain.errors import InvalidEnvelope

__all__ = [
    "FORMAT_VERSION",
    "FRAME_CHUNK",
    "FRAME_LAST",
    "FRAME_SIGNATURE",
    "MAGIC",
    "MAX_CHUNK_SIZE",
    "MAX_HEADER_SIZE",
    "MAX_SIGNATURE_SIZE",
    "MIN_CHUNK_SIZE",
    "EnvelopeHeader",
    "Readable",
    "format_time",
    "parse_time",
    "read_exact",
    "read_header",
    "signed_message",
]

FORMAT_VERSION = 1
MAGIC = b"FBEV\x01\x00"
FRAME_CHUNK, FRAME_LAST, FRAME_SIGNATURE = 0x00, 0x01, 0x02
MAX_HEADER_SIZE = 64 * 1024
MIN_CHUNK_SIZE = 4 * 1024
MAX_CHUNK_SIZE = 4 * 1024 * 1024
MAX_SIGNATURE_SIZE = 128
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,127}$")
_TOOL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/+\-]{0,63}$")
_HEX = re.compile(r"^(?:[0-9a-f]{2})+$")
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


class Readable(Protocol):
    """Anything with a binary ``read`` (a file, a socket stream, a hashing copier)."""

    def read(self, size: int, /) -> bytes: ...


def format_time(moment: datetime) -> str:
    """An aware datetime as UTC with milliseconds: ``2026-11-27T05:00:00.123Z``."""
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_time(text: str) -> datetime:
    """The inverse of :func:`format_time`; raises ``ValueError`` on another form."""
    if not _TIME.match(text):
        raise ValueError("not a UTC time with milliseconds")
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class EnvelopeHeader:
    """The clear header of an envelope: who sealed what for which section, and the wrapped key."""

    suite: Suite
    envelope_id: str
    section_id: str
    bidder_id: str
    bidder_key_id: str
    signing_time: datetime
    machine_fingerprint: str
    tool_version: str
    chunk_size: int
    nonce_prefix: bytes
    wrapped_key: bytes
    key_commitment: bytes

    def to_bytes(self) -> bytes:
        """The canonical JSON bytes of the header."""
        value: dict[str, Any] = asdict(self)
        value.update(
            format="fairbid-envelope",
            version=FORMAT_VERSION,
            compression="zlib",
            suite=self.suite.value,
            signing_time=format_time(self.signing_time),
        )
        return canonical_json(value)

    @classmethod
    def from_bytes(cls, data: bytes) -> EnvelopeHeader:
        """Parse and check a header; raises :class:`InvalidEnvelope` on any deviation."""
        try:
            value = json.loads(data.decode("utf-8"))
            if not isinstance(value, dict) or canonical_json(value) != data:
                raise ValueError("not canonical")
            if (value.pop("format"), value.pop("version"), value.pop("compression")) != (
                "fairbid-envelope",
                FORMAT_VERSION,
                "zlib",
            ):
                raise ValueError("unknown format")
            header = cls(
                suite=Suite(value.pop("suite")),
                envelope_id=_text(value.pop("envelope_id"), _HEX),
                section_id=_text(value.pop("section_id"), _ID),
                bidder_id=_text(value.pop("bidder_id"), _ID),
                bidder_key_id=_text(value.pop("bidder_key_id"), _HEX),
                signing_time=parse_time(_text(value.pop("signing_time"), _TIME)),
                machine_fingerprint=_text(value.pop("machine_fingerprint"), _HEX),
                tool_version=_text(value.pop("tool_version"), _TOOL),
                chunk_size=_int(value.pop("chunk_size")),
                nonce_prefix=bytes.fromhex(_text(value.pop("nonce_prefix"), _HEX)),
                wrapped_key=bytes.fromhex(_text(value.pop("wrapped_key"), _HEX)),
                key_commitment=bytes.fromhex(_text(value.pop("key_commitment"), _HEX)),
            )
            if value:
                raise ValueError("unknown fields")
        except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError) as exc:
            raise InvalidEnvelope() from exc
        header.check()
        return header

    def check(self) -> None:
        """Raise :class:`InvalidEnvelope` if a field is out of range."""
        ok = (
            MIN_CHUNK_SIZE <= self.chunk_size <= MAX_CHUNK_SIZE
            and len(self.nonce_prefix) == NONCE_PREFIX_SIZE
            and len(self.key_commitment) == 32
            and len(self.bidder_key_id) == 64
            and 0 < len(self.wrapped_key) <= 512
            and _ID.match(self.section_id) is not None
            and _ID.match(self.bidder_id) is not None
            and _TOOL.match(self.tool_version) is not None
            and len(self.machine_fingerprint) == 64
        )
        if not ok:
            raise InvalidEnvelope()

    @property
    def max_frame(self) -> int:
        """The largest sealed chunk: a full chunk plus its tag."""
        return self.chunk_size + TAG_SIZE


def _text(value: object, pattern: re.Pattern[str]) -> str:
    if not isinstance(value, str) or not pattern.match(value):
        raise ValueError("bad text field")
    return value


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("bad integer field")
    return value


def read_exact(src: Readable, size: int) -> bytes:
    """Exactly ``size`` bytes, or :class:`InvalidEnvelope` (truncated)."""
    data = src.read(size)
    while len(data) < size:
        more = src.read(size - len(data))
        if not more:
            raise InvalidEnvelope()
        data += more
    return data


def read_header(src: Readable) -> tuple[bytes, EnvelopeHeader]:
    """Read the magic and the header; returns the bytes read and the parsed header."""
    magic = read_exact(src, len(MAGIC))
    if magic != MAGIC:
        raise InvalidEnvelope()
    size_bytes = read_exact(src, 4)
    size = int.from_bytes(size_bytes, "big")
    if not 0 < size <= MAX_HEADER_SIZE:
        raise InvalidEnvelope()
    raw = read_exact(src, size)
    return magic + size_bytes + raw, EnvelopeHeader.from_bytes(raw)


def signed_message(header: EnvelopeHeader, ciphertext_sm3: bytes) -> bytes:
    """What the bidder signs: section, bidder, SM3 of everything before the signature, time, machine, tool."""
    return canonical_json(
        {
            "type": "fairbid-bid-signature/1",
            "section_id": header.section_id,
            "bidder_id": header.bidder_id,
            "ciphertext_sm3": ciphertext_sm3.hex(),
            "signing_time": format_time(header.signing_time),
            "machine_fingerprint": header.machine_fingerprint,
            "tool_version": header.tool_version,
        }
    )
