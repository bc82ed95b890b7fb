"""The payloads of the guarantor interface (保函接口报文): one table of message types and their fields.

Every payload is a JSON object with ``type`` and ``application_id`` plus the fields below; money is a
decimal string in yuan, times are ISO 8601 with an offset, credit codes are 18 characters. The wire
wrapping (encryption, signature, nonce, time window) is ``fairbid.crypto.message``; this module only says
what a valid payload holds, and :func:`validate_payload` refuses anything else naming the field.

platform → guarantor: ``apply`` (the bidder's application, relayed), ``accept`` (the bidder accepts the
quote and pays the premium), ``cancel`` (before issue), ``surrender`` (before the deadline), ``extend`` (the
opening was postponed), ``claim`` (a statutory event), ``release`` (no claim any more).
guarantor → platform: ``underwriting`` (accepted with a premium, or refused with a reason), ``issue`` (the
file with its SM3 and SHA-256), ``claim_paid``, ``ack`` (the new status, after any other message).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from fairbid.domain.errors import InvalidInput
from fairbid.domain.guarantee.model import ClaimGround, GuaranteeStatus

__all__ = ["FIELDS", "Field", "MessageType", "moment", "money", "validate_payload"]


class MessageType(StrEnum):
    """The message types of the interface."""

    APPLY = "apply"
    UNDERWRITING = "underwriting"
    ACCEPT = "accept"
    ISSUE = "issue"
    CANCEL = "cancel"
    SURRENDER = "surrender"
    EXTEND = "extend"
    CLAIM = "claim"
    CLAIM_PAID = "claim_paid"
    RELEASE = "release"
    ACK = "ack"


class Field(StrEnum):
    """The kinds of field value."""

    TEXT = "text"  # a non-empty string
    OPTIONAL_TEXT = "optional_text"  # a string or null
    CODE = "code"  # a unified social credit code (18 characters)
    MONEY = "money"  # a non-negative decimal string
    TIME = "time"  # ISO 8601 with an offset
    HEX64 = "hex64"  # an SM3 or SHA-256 digest, 64 lower-case hex digits
    OPTIONAL_HEX64 = "optional_hex64"
    BASE64 = "base64"  # a file's bytes
    LIST = "list"  # a list of strings
    DECISION = "decision"  # "accepted" or "refused"
    GROUND = "ground"  # a ClaimGround
    STATUS = "status"  # a GuaranteeStatus


_T, _OT, _C, _M, _TM, _H, _OH, _B, _L = (
    Field.TEXT, Field.OPTIONAL_TEXT, Field.CODE, Field.MONEY, Field.TIME, Field.HEX64, Field.OPTIONAL_HEX64,
    Field.BASE64, Field.LIST,
)  # fmt: skip

FIELDS: dict[MessageType, dict[str, Field]] = {
    MessageType.APPLY: {
        "principal": _C, "principal_name": _T, "beneficiary": _OT, "section_id": _OT, "sealed_lot": _OH,
        "amount": _M, "valid_until": _TM, "bid_deadline": _TM, "grade": _T, "grade_reasons": _L,
    },
    MessageType.UNDERWRITING: {
        "decision": Field.DECISION, "premium": _M, "rate": _M, "grade": _T, "reason": _T,
    },
    MessageType.ACCEPT: {},
    MessageType.ISSUE: {
        "guarantee_no": _T, "guarantor": _C, "issued_at": _TM, "valid_until": _TM, "amount": _M,
        "file": _B, "file_sm3": _H, "file_sha256": _H,
    },
    MessageType.CANCEL: {"reason": _T},
    MessageType.SURRENDER: {"reason": _T},
    MessageType.EXTEND: {"valid_until": _TM},
    MessageType.CLAIM: {"ground": Field.GROUND, "citation": _T, "amount": _M, "bid_id": _T},
    MessageType.CLAIM_PAID: {"amount": _M, "paid_at": _TM},
    MessageType.RELEASE: {"reason": _T},
    MessageType.ACK: {"status": Field.STATUS, "detail": _OT},
}  # fmt: skip
"""Each type's fields besides ``type`` and ``application_id``; no other field is accepted."""

_CODE = re.compile(r"^[0-9A-Z]{18}$")
_HEX = re.compile(r"^[0-9a-f]{64}$")
_B64 = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")


def money(payload: Mapping[str, Any], name: str) -> Decimal:
    """A money field as ``Decimal``; raises ``InvalidInput`` naming the field."""
    value = payload.get(name)
    try:
        amount = Decimal(value) if isinstance(value, str) else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0:
        raise InvalidInput(f'{name} is an amount of yuan as a decimal string, e.g. "80000.00".', field=name)
    return amount


def moment(payload: Mapping[str, Any], name: str) -> datetime:
    """A time field as an aware ``datetime``; raises ``InvalidInput`` naming the field."""
    value = payload.get(name)
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise InvalidInput(f"{name} is an ISO 8601 time with its UTC offset.", field=name)
    return parsed


def _check(name: str, kind: Field, value: Any, payload: Mapping[str, Any]) -> None:
    ok: bool
    if kind is Field.TEXT:
        ok = isinstance(value, str) and bool(value.strip())
    elif kind is Field.OPTIONAL_TEXT:
        ok = value is None or (isinstance(value, str) and bool(value.strip()))
    elif kind is Field.CODE:
        ok = isinstance(value, str) and bool(_CODE.match(value))
    elif kind in (Field.HEX64, Field.OPTIONAL_HEX64):
        ok = (value is None and kind is Field.OPTIONAL_HEX64) or (isinstance(value, str) and bool(_HEX.match(value)))
    elif kind is Field.BASE64:
        ok = isinstance(value, str) and bool(_B64.match(value)) and len(value) % 4 == 0
    elif kind is Field.LIST:
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    elif kind is Field.DECISION:
        ok = value in ("accepted", "refused")
    elif kind is Field.GROUND:
        ok = value in {g.value for g in ClaimGround}
    elif kind is Field.STATUS:
        ok = value in {s.value for s in GuaranteeStatus}
    elif kind is Field.MONEY:
        money(payload, name)
        ok = True
    else:  # Field.TIME
        moment(payload, name)
        ok = True
    if not ok:
        raise InvalidInput(f"{name} is not a valid {kind.value} value.", field=name)


def validate_payload(payload: Mapping[str, Any], *, expected: frozenset[MessageType] | None = None) -> MessageType:
    """The payload's type, after checking it has exactly that type's fields with valid values.

    ``expected`` limits the acceptable types (a guarantor accepts only platform → guarantor messages).
    An ``apply`` names its section plainly (``section_id`` and ``beneficiary``) or sealed (``sealed_lot``).
    """
    try:
        kind = MessageType(str(payload.get("type")))
    except ValueError:
        raise InvalidInput("type is not a message type of the guarantee interface.", field="type") from None
    if expected is not None and kind not in expected:
        raise InvalidInput(f"A {kind.value} message is not accepted here.", field="type")
    spec = FIELDS[kind]
    application = payload.get("application_id")
    if not isinstance(application, str) or not application.strip():
        raise InvalidInput("application_id names the application.", field="application_id")
    unknown = sorted(set(payload) - set(spec) - {"type", "application_id"})
    if unknown:
        raise InvalidInput(f"Unknown field(s) {', '.join(unknown)} in a {kind.value} message.", field=unknown[0])
    for name, field_kind in spec.items():
        if name not in payload:
            raise InvalidInput(f"A {kind.value} message needs {name}.", field=name)
        _check(name, field_kind, payload[name], payload)
    if kind is MessageType.APPLY:
        named = (
            payload["section_id"] is not None,
            payload["beneficiary"] is not None,
            payload["sealed_lot"] is not None,
        )
        if named not in ((True, True, False), (False, False, True)):
            raise InvalidInput(
                "An application names section_id and beneficiary, or (sealed) only sealed_lot.", field="sealed_lot"
            )
    return kind
