"""The opening record (开标记录), as published when the decryption window closes (电子招标投标办法 第三十二条)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = ["AuthoringFacts", "OpeningRecord"]


@dataclass(frozen=True, slots=True)
class OpeningRecord:
    """The record's content (JSON values) and its SM3, which the ledger carries."""

    section_id: str
    published_at: datetime
    content: Mapping[str, Any]
    digest: str


@dataclass(frozen=True, slots=True)
class AuthoringFacts:
    """What the envelope and the network said about one bid (招标投标法实施条例 第四十条): machine, key, addresses."""

    bid_id: str
    machine_fingerprint: str | None
    signing_key_id: str | None
    tool_version: str | None
    upload_ip: str | None
    decrypt_ip: str | None
