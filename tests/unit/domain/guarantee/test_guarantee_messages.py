"""The payload table of the guarantor interface: exactly the listed fields, each value checked, named on error."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fairbid.domain.errors import InvalidInput
from fairbid.domain.guarantee import FIELDS, MessageType, moment, money, validate_payload

CLAIM = {
    "type": "claim",
    "application_id": "A-1",
    "ground": "withdrawn_after_deadline",
    "citation": "招标投标法实施条例 第三十五条第二款",
    "amount": "80000.00",
    "bid_id": "BID-1",
}


def test_a_valid_payload_gives_its_type() -> None:
    assert validate_payload(CLAIM) is MessageType.CLAIM
    assert validate_payload({"type": "accept", "application_id": "A-1"}) is MessageType.ACCEPT


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"type": "transfer"}, "type"),
        ({"application_id": ""}, "application_id"),
        ({"ground": "changed_mind"}, "ground"),
        ({"amount": "-1"}, "amount"),
        ({"amount": "8万"}, "amount"),
        ({"bonus": "1"}, "bonus"),
        ({"citation": None}, "citation"),
    ],
)
def test_each_bad_field_is_named(change: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        validate_payload({**CLAIM, **change})
    assert info.value.field == field


def test_a_missing_field_and_an_unexpected_type_are_refused() -> None:
    with pytest.raises(InvalidInput, match="needs bid_id"):
        validate_payload({k: v for k, v in CLAIM.items() if k != "bid_id"})
    with pytest.raises(InvalidInput, match="not accepted here"):
        validate_payload(CLAIM, expected=frozenset({MessageType.APPLY}))


def test_values_convert_to_decimal_and_aware_times() -> None:
    assert money({"a": "0.10"}, "a") == Decimal("0.10")
    assert moment({"t": "2026-03-02T09:00:00+08:00"}, "t").utcoffset() is not None
    with pytest.raises(InvalidInput):
        moment({"t": "2026-03-02T09:00:00"}, "t")  # naive


def test_every_guarantor_message_of_the_issue_is_in_the_table() -> None:
    names = {m.value for m in FIELDS}
    assert {"apply", "underwriting", "issue", "cancel", "surrender", "claim", "release"} <= names
    assert {"file_sm3", "file_sha256"} <= set(FIELDS[MessageType.ISSUE])
