"""The structured part of a bid (投标函 / 开标一览表) as it travels inside the envelope.

    {"price": "1234567.89", "duration_days": 180, "quality": "合格",
     "project_manager_id": "…", "bid_security_ref": "…", "extra": {…free fields…}}

The price is a decimal string (never a float), in yuan, at most two decimals.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from fairbid.crypto.digest import canonical_json

__all__ = ["BidForm"]

_MAX_TEXT = 200


def _text(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > _MAX_TEXT:
        raise ValueError(f"{name} must be a non-empty text of at most {_MAX_TEXT} characters")
    return value


@dataclass(frozen=True, slots=True)
class BidForm:
    """Bid letter and opening summary: price (投标报价), duration (工期), quality (质量), PM, security."""

    price: Decimal
    duration_days: int
    quality: str
    project_manager_id: str
    bid_security_ref: str
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, value: Mapping[str, Any]) -> BidForm:
        """Check and build a form; raises ``ValueError`` naming the first bad field."""
        known = {"price", "duration_days", "quality", "project_manager_id", "bid_security_ref", "extra"}
        unknown = set(value) - known
        if unknown:
            raise ValueError(f"unknown fields {sorted(unknown)}: put free fields under 'extra'")
        price_text = value.get("price")
        if not isinstance(price_text, str):
            raise ValueError('price must be a decimal string such as "1234567.89"')
        try:
            price = Decimal(price_text)
        except InvalidOperation as exc:
            raise ValueError('price must be a decimal string such as "1234567.89"') from exc
        exponent = price.as_tuple().exponent
        if not price.is_finite() or price <= 0 or not isinstance(exponent, int) or exponent < -2:
            raise ValueError("price must be positive with at most two decimals")
        duration = value.get("duration_days")
        if not isinstance(duration, int) or isinstance(duration, bool) or not 0 < duration <= 36500:
            raise ValueError("duration_days must be a positive whole number of days")
        extra = value.get("extra", {})
        if not isinstance(extra, dict):
            raise ValueError("extra must be an object")
        form = cls(
            price=price,
            duration_days=duration,
            quality=_text(value.get("quality"), "quality"),
            project_manager_id=_text(value.get("project_manager_id"), "project_manager_id"),
            bid_security_ref=_text(value.get("bid_security_ref"), "bid_security_ref"),
            extra=extra,
        )
        form.to_bytes()  # free fields must be plain JSON
        return form

    @classmethod
    def from_bytes(cls, data: bytes) -> BidForm:
        """Parse canonical JSON bytes; raises ``ValueError`` if they are not a valid form."""
        try:
            value = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, RecursionError, json.JSONDecodeError) as exc:
            raise ValueError("the bid form is not JSON") from exc
        if not isinstance(value, dict):
            raise ValueError("the bid form is not an object")
        return cls.from_mapping(value)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types, the price as a string."""
        return {
            "price": str(self.price),
            "duration_days": self.duration_days,
            "quality": self.quality,
            "project_manager_id": self.project_manager_id,
            "bid_security_ref": self.bid_security_ref,
            "extra": dict(self.extra),
        }

    def to_bytes(self) -> bytes:
        """Canonical JSON, as sealed."""
        try:
            return canonical_json(self.to_dict())
        except TypeError as exc:
            raise ValueError("extra fields must be plain JSON values") from exc
