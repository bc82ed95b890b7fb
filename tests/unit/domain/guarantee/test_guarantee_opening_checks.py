"""The opening checks: each way a guarantee can fail the review gives its own reason and citation."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from fairbid.crypto.commitment import lot_commitment, seal_lot
from fairbid.domain.actor import Role
from fairbid.domain.guarantee import (
    Guarantee,
    GuaranteeAction,
    GuaranteeReference,
    Issuance,
    OpeningTerms,
    PresentedGuarantee,
    check_guarantee,
    guarantee_failures,
    move_guarantee,
    required_valid_until,
)

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
DEADLINE = T0 + timedelta(days=20)
BIDDER, TENDEREE = "91110108551385082Q", "91330100MA27Y00003"
TERMS = OpeningTerms(
    section_id="S-1", tenderee=TENDEREE, bidder=BIDDER, bid_id="BID-1", required_security=Decimal("80000"),
    bid_deadline=DEADLINE, bid_validity_days=90,
)  # fmt: skip
FILE_SM3, FILE_SHA = "a" * 64, "b" * 64


def _guarantee(**overrides: object) -> Guarantee:
    values: dict[str, object] = {
        "id": "G-1", "guarantor": "91110000100000000R", "principal": BIDDER, "beneficiary": TENDEREE,
        "section_id": "S-1", "sealed_lot": None, "amount": Decimal("80000"),
        "valid_until": DEADLINE + timedelta(days=90), "applied_at": T0,
    }  # fmt: skip
    issued_at = overrides.pop("issued_at", T0 + timedelta(hours=2))
    values.update(overrides)
    g = Guarantee(**values)  # type: ignore[arg-type]
    g, _ = move_guarantee(g, GuaranteeAction.UNDERWRITE, actor=Role.GUARANTOR, at=T0, premium=Decimal(240))
    issuance = Issuance("BG-1", FILE_SM3, FILE_SHA, issued_at)  # type: ignore[arg-type]
    g, _ = move_guarantee(g, GuaranteeAction.ISSUE, actor=Role.GUARANTOR, at=T0, issuance=issuance)
    g, _ = move_guarantee(g, GuaranteeAction.BIND, actor=Role.BIDDER, at=T0, bid_id="BID-1", bid_deadline=DEADLINE)
    return g


def _presented(g: Guarantee | None = None, **overrides: object) -> PresentedGuarantee:
    p = PresentedGuarantee(
        guarantee=g or _guarantee(),
        reference=GuaranteeReference("G-1", FILE_SM3),
        file_sm3_now=FILE_SM3,
        file_sha256_now=FILE_SHA,
    )
    return replace(p, **overrides)  # type: ignore[arg-type]


def _failed(p: PresentedGuarantee) -> dict[str, str]:
    return {c.check_id: c.reason for c in guarantee_failures(p, TERMS)}


def test_a_good_guarantee_passes_every_check() -> None:
    checks = check_guarantee(_presented(), TERMS)
    assert [c.check_id for c in checks] == [
        "guarantee_principal", "guarantee_beneficiary", "guarantee_lot", "guarantee_amount", "guarantee_validity",
        "guarantee_issued_in_time", "guarantee_file", "guarantee_live", "guarantee_single_use",
    ]  # fmt: skip
    assert all(c.passed and c.citation for c in checks)


def test_guarantee_naming_another_lot_fails() -> None:
    failed = _failed(_presented(_guarantee(section_id="S-2")))
    assert list(failed) == ["guarantee_lot"] and "covers section S-2, not this section S-1" in failed["guarantee_lot"]


def test_guarantee_for_another_bidder_or_tenderee_fails() -> None:
    failed = _failed(_presented(_guarantee(principal="91110000600037341L", beneficiary="91110000600037341L")))
    assert set(failed) == {"guarantee_principal", "guarantee_beneficiary"}


def test_too_small_an_amount_fails() -> None:
    failed = _failed(_presented(_guarantee(amount=Decimal("79999.99"))))
    assert list(failed) == ["guarantee_amount"]
    assert "79999.99 is less than the required security 80000" in failed["guarantee_amount"]


def test_expiring_too_early_fails() -> None:
    need = required_valid_until(DEADLINE, 90)
    ok = _failed(_presented(_guarantee(valid_until=need)))
    assert ok == {}
    failed = _failed(_presented(_guarantee(valid_until=need - timedelta(minutes=1))))
    assert list(failed) == ["guarantee_validity"] and "bid validity of 90 days" in failed["guarantee_validity"]


def test_issued_at_or_after_the_deadline_fails() -> None:
    failed = _failed(_presented(_guarantee(issued_at=DEADLINE)))
    assert (
        list(failed) == ["guarantee_issued_in_time"]
        and "not before the bid deadline" in failed["guarantee_issued_in_time"]
    )


def test_reused_on_a_second_bid_fails() -> None:
    failed = _failed(_presented(used_by_other_bids=frozenset({"G-1"})))
    assert list(failed) == ["guarantee_single_use"] and "one guarantee covers one bid" in failed["guarantee_single_use"]


def test_guarantee_bound_to_another_bid_fails() -> None:
    failed = {c.check_id: c.reason for c in guarantee_failures(_presented(), replace(TERMS, bid_id="BID-9"))}
    assert list(failed) == ["guarantee_live"] and "bound to another bid" in failed["guarantee_live"]


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"file_sm3_now": "c" * 64}, "no longer matches"),
        ({"file_sha256_now": "c" * 64}, "no longer matches"),
        ({"reference": GuaranteeReference("G-1", "c" * 64)}, "not the one the guarantor issued"),
        ({"reference": GuaranteeReference("G-2", FILE_SM3)}, "not the one the guarantor issued"),
    ],
)
def test_changed_file_fails(overrides: dict[str, object], words: str) -> None:
    failed = _failed(_presented(**overrides))
    assert list(failed) == ["guarantee_file"] and words in failed["guarantee_file"]


def test_surrendered_guarantee_fails() -> None:
    g, _ = move_guarantee(_guarantee(), GuaranteeAction.SURRENDER, actor=Role.BIDDER, at=T0,
                          bid_deadline=DEADLINE, reason="withdrew")  # fmt: skip
    failed = _failed(_presented(g))
    assert list(failed) == ["guarantee_live"] and "surrendered" in failed["guarantee_live"]


def test_sealed_guarantee_opens_only_to_this_section_with_the_bid_salt() -> None:
    sealed = seal_lot(section_id="S-1", beneficiary=TENDEREE)
    g = _guarantee(section_id=None, beneficiary=None, sealed_lot=sealed.commitment)
    here = lot_commitment(section_id="S-1", beneficiary=TENDEREE, salt=sealed.salt)
    assert _failed(_presented(g, opened_commitment=here)) == {}
    elsewhere = lot_commitment(section_id="S-2", beneficiary=TENDEREE, salt=sealed.salt)
    failed = _failed(_presented(g, opened_commitment=elsewhere))
    assert set(failed) == {"guarantee_lot", "guarantee_beneficiary"} and "another lot" in failed["guarantee_lot"]
    assert set(_failed(_presented(g))) == {"guarantee_lot", "guarantee_beneficiary"}  # salt never revealed
