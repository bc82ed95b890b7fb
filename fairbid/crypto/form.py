"""The structured part of a bid (投标函 / 开标一览表, and the facts the objective items read) inside the envelope.

    {"price": "1234567.89", "duration_days": 180, "quality": "合格",
     "project_manager_id": "…", "bid_security_ref": "…",
     "pm_grade": "一级", "staff": {"project_manager": 1, "safety_officer": 3},
     "certificates": ["building_general_1"],
     "similar_contracts": [{"name": "…", "amount": "160000000.00", "completed_on": "2024-06-30"}],
     "extra": {…free fields…}}

The price and amounts are decimal strings (never floats), in yuan, at most two decimals. Every field after
``bid_security_ref`` is optional (an older form without them reads as empty).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from fairbid.crypto.digest import canonical_json

__all__ = ["BidForm"]

_MAX_TEXT = 200
_MAX_ITEMS = 200


def _text(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > _MAX_TEXT:
        raise ValueError(f"{name} must be a non-empty text of at most {_MAX_TEXT} characters")
    return value


def _money(value: object, name: str) -> Decimal:
    if not isinstance(value, str):
        raise ValueError(f'{name} must be a decimal string such as "1234567.89"')
    try:
        amount = Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(f'{name} must be a decimal string such as "1234567.89"') from exc
    exponent = amount.as_tuple().exponent
    if not amount.is_finite() or amount <= 0 or not isinstance(exponent, int) or exponent < -2:
        raise ValueError(f"{name} must be positive with at most two decimals")
    return amount


def _list(value: object, name: str) -> list[Any]:
    if not isinstance(value, list) or len(value) > _MAX_ITEMS:
        raise ValueError(f"{name} must be a list of at most {_MAX_ITEMS} items")
    return value


def _staff(value: object) -> dict[str, int]:
    if not isinstance(value, dict) or len(value) > _MAX_ITEMS:
        raise ValueError("staff must be an object of role codes to counts")
    out = {}
    for role, count in value.items():
        if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= 10_000:
            raise ValueError("staff counts must be whole numbers")
        out[_text(role, "staff role")] = count
    return out


def _contract(value: object) -> tuple[str, Decimal, date]:
    if not isinstance(value, dict) or set(value) != {"name", "amount", "completed_on"}:
        raise ValueError("a similar contract is {name, amount, completed_on}")
    try:
        completed = date.fromisoformat(str(value["completed_on"]))
    except ValueError as exc:
        raise ValueError("completed_on must be a date such as 2024-06-30") from exc
    return _text(value["name"], "similar contract name"), _money(value["amount"], "amount"), completed


@dataclass(frozen=True, slots=True)
class BidForm:
    """Bid letter and opening summary: price (投标报价), duration (工期), quality (质量), PM, security."""

    price: Decimal
    duration_days: int
    quality: str
    project_manager_id: str
    bid_security_ref: str
    extra: Mapping[str, Any] = field(default_factory=dict)
    pm_grade: str | None = None  # grade of the project manager's registration certificate (注册建造师等级)
    staff: Mapping[str, int] = field(default_factory=dict)  # key roles named in the bid, by role code
    certificates: tuple[str, ...] = ()  # codes of the 资质 certificates held
    similar_contracts: tuple[tuple[str, Decimal, date], ...] = ()  # (name, amount, completion date) 类似业绩

    @classmethod
    def from_mapping(cls, value: Mapping[str, Any]) -> BidForm:
        """Check and build a form; raises ``ValueError`` naming the first bad field."""
        known = {
            "price",
            "duration_days",
            "quality",
            "project_manager_id",
            "bid_security_ref",
            "extra",
            "pm_grade",
            "staff",
            "certificates",
            "similar_contracts",
        }
        unknown = set(value) - known
        if unknown:
            raise ValueError(f"unknown fields {sorted(unknown)}: put free fields under 'extra'")
        price = _money(value.get("price"), "price")
        duration = value.get("duration_days")
        if not isinstance(duration, int) or isinstance(duration, bool) or not 0 < duration <= 36500:
            raise ValueError("duration_days must be a positive whole number of days")
        extra = value.get("extra", {})
        if not isinstance(extra, dict):
            raise ValueError("extra must be an object")
        pm_grade = value.get("pm_grade")
        form = cls(
            price=price,
            duration_days=duration,
            quality=_text(value.get("quality"), "quality"),
            project_manager_id=_text(value.get("project_manager_id"), "project_manager_id"),
            bid_security_ref=_text(value.get("bid_security_ref"), "bid_security_ref"),
            extra=extra,
            pm_grade=None if pm_grade is None else _text(pm_grade, "pm_grade"),
            staff=_staff(value.get("staff", {})),
            certificates=tuple(_text(c, "certificates") for c in _list(value.get("certificates", []), "certificates")),
            similar_contracts=tuple(
                _contract(c) for c in _list(value.get("similar_contracts", []), "similar_contracts")
            ),
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
        """Plain JSON types, the price as a string; the optional facts only when stated, so a form without them
        reads and writes exactly as before they existed."""
        out: dict[str, Any] = {
            "price": str(self.price),
            "duration_days": self.duration_days,
            "quality": self.quality,
            "project_manager_id": self.project_manager_id,
            "bid_security_ref": self.bid_security_ref,
            "extra": dict(self.extra),
        }
        if self.pm_grade is not None:
            out["pm_grade"] = self.pm_grade
        if self.staff:
            out["staff"] = dict(sorted(self.staff.items()))
        if self.certificates:
            out["certificates"] = list(self.certificates)
        if self.similar_contracts:
            out["similar_contracts"] = [
                {"name": n, "amount": str(a), "completed_on": d.isoformat()} for n, a, d in self.similar_contracts
            ]
        return out

    def to_bytes(self) -> bytes:
        """Canonical JSON, as sealed."""
        try:
            return canonical_json(self.to_dict())
        except TypeError as exc:
            raise ValueError("extra fields must be plain JSON values") from exc
