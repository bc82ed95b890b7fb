"""The guarantee lifecycle: the one transition table, what each move needs, and who may take it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from fairbid.domain.actor import Role
from fairbid.domain.errors import DeadlinePassed, InvalidInput, InvalidTransition, NotPermitted
from fairbid.domain.guarantee import (
    CLAIM_CITATIONS,
    TRANSITIONS,
    ClaimGround,
    Guarantee,
    GuaranteeAction,
    GuaranteeStatus,
    Issuance,
    move_guarantee,
)

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
DEADLINE = T0 + timedelta(days=20)
A = GuaranteeAction


def applied(**overrides: object) -> Guarantee:
    values: dict[str, object] = {
        "id": "G-1", "guarantor": "91110000100000000R", "principal": "91110108551385082Q",
        "beneficiary": "91330100MA27Y00003", "section_id": "S-1", "sealed_lot": None, "amount": Decimal("80000"),
        "valid_until": DEADLINE + timedelta(days=90), "applied_at": T0,
    }  # fmt: skip
    values.update(overrides)
    return Guarantee(**values)  # type: ignore[arg-type]


ISSUANCE = Issuance("BG-2026-0001", "a" * 64, "b" * 64, T0 + timedelta(hours=2))


def issued() -> Guarantee:
    g, _ = move_guarantee(applied(), A.UNDERWRITE, actor=Role.GUARANTOR, at=T0, premium=Decimal("240"))
    g, _ = move_guarantee(g, A.ISSUE, actor=Role.GUARANTOR, at=T0 + timedelta(hours=2), issuance=ISSUANCE)
    return g


def bound() -> Guarantee:
    g, _ = move_guarantee(issued(), A.BIND, actor=Role.BIDDER, at=T0 + timedelta(days=1), bid_id="BID-1",
                          bid_deadline=DEADLINE)  # fmt: skip
    return g


def test_happy_path_applied_to_released_bumps_the_version_and_emits_events() -> None:
    g = bound()
    assert g.status is GuaranteeStatus.BOUND and g.bid_id == "BID-1" and g.premium == Decimal("240")
    g, event = move_guarantee(g, A.VERIFY, actor=Role.MACHINE, at=DEADLINE)
    g, event = move_guarantee(g, A.RELEASE, actor=Role.MACHINE, at=DEADLINE + timedelta(days=40))
    assert g.status is GuaranteeStatus.RELEASED and g.status.is_terminal
    assert g.version == 5
    assert (event.from_status, event.to_status, event.action) == (GuaranteeStatus.VERIFIED, g.status, A.RELEASE)


def test_refused_application_goes_nowhere() -> None:
    g, event = move_guarantee(applied(), A.REFUSE, actor=Role.GUARANTOR, at=T0, reason="grade D")
    assert g.status is GuaranteeStatus.REFUSED and g.reason == "grade D" and event.detail == "grade D"
    with pytest.raises(InvalidTransition):
        move_guarantee(g, A.ISSUE, actor=Role.GUARANTOR, at=T0, issuance=ISSUANCE)


def test_cancel_only_before_issue() -> None:
    g, _ = move_guarantee(applied(), A.CANCEL, actor=Role.BIDDER, at=T0, reason="changed my mind")
    assert g.status is GuaranteeStatus.CANCELLED
    with pytest.raises(InvalidTransition):
        move_guarantee(issued(), A.CANCEL, actor=Role.BIDDER, at=T0, reason="too late")


def test_surrender_before_the_deadline_only() -> None:
    g, _ = move_guarantee(bound(), A.SURRENDER, actor=Role.BIDDER, at=DEADLINE - timedelta(seconds=1),
                          bid_deadline=DEADLINE, reason="withdrew my bid")  # fmt: skip
    assert g.status is GuaranteeStatus.SURRENDERED
    with pytest.raises(DeadlinePassed, match="第三十五条"):
        move_guarantee(bound(), A.SURRENDER, actor=Role.BIDDER, at=DEADLINE, bid_deadline=DEADLINE, reason="x")


def test_a_guarantee_binds_to_one_bid_only() -> None:
    with pytest.raises(InvalidTransition):
        move_guarantee(bound(), A.BIND, actor=Role.BIDDER, at=T0, bid_id="BID-2", bid_deadline=DEADLINE)


@pytest.mark.parametrize("ground", list(ClaimGround))
def test_claim_names_a_statutory_ground_and_is_paid(ground: ClaimGround) -> None:
    g, _ = move_guarantee(bound(), A.VERIFY, actor=Role.MACHINE, at=DEADLINE)
    g, event = move_guarantee(g, A.CLAIM, actor=Role.MACHINE, at=DEADLINE + timedelta(days=1), ground=ground)
    assert g.claim_ground is ground and CLAIM_CITATIONS[ground] in event.detail
    g, _ = move_guarantee(g, A.PAY_CLAIM, actor=Role.GUARANTOR, at=DEADLINE + timedelta(days=3))
    assert g.status is GuaranteeStatus.PAID


def test_claim_citations_are_the_statutory_articles() -> None:
    assert CLAIM_CITATIONS[ClaimGround.WITHDRAWN_AFTER_DEADLINE] == "招标投标法实施条例 第三十五条第二款"
    assert CLAIM_CITATIONS[ClaimGround.REFUSED_TO_SIGN] == "招标投标法实施条例 第七十四条"


def test_claim_without_ground_is_refused() -> None:
    with pytest.raises(InvalidInput):
        move_guarantee(bound(), A.CLAIM, actor=Role.MACHINE, at=DEADLINE)


def test_extend_keeps_the_status_and_moves_the_expiry_later_only() -> None:
    g = bound()
    later = g.valid_until + timedelta(days=14)
    extended, event = move_guarantee(g, A.EXTEND, actor=Role.GUARANTOR, at=T0, valid_until=later)
    assert extended.status is GuaranteeStatus.BOUND and extended.valid_until == later
    assert event.from_status is event.to_status
    with pytest.raises(InvalidInput):
        move_guarantee(g, A.EXTEND, actor=Role.GUARANTOR, at=T0, valid_until=g.valid_until)


def test_roles_are_enforced_by_the_table() -> None:
    with pytest.raises(NotPermitted):
        move_guarantee(applied(), A.UNDERWRITE, actor=Role.BIDDER, at=T0, premium=Decimal(1))
    with pytest.raises(NotPermitted):
        move_guarantee(bound(), A.VERIFY, actor=Role.TENDEREE, at=DEADLINE)
    assert all(Role.OPERATOR not in roles for _, _, roles in TRANSITIONS.values())  # the centre never assigns


def test_every_status_but_the_terminal_ones_has_a_way_out() -> None:
    sources = {s for allowed, _, _ in TRANSITIONS.values() for s in allowed}
    assert sources == {s for s in GuaranteeStatus if not s.is_terminal}


def test_invalid_guarantees_are_refused() -> None:
    with pytest.raises(InvalidInput):
        applied(amount=Decimal(0))
    with pytest.raises(InvalidInput):
        applied(sealed_lot="c" * 64)  # both plain and sealed
    with pytest.raises(InvalidInput):
        applied(section_id=None, beneficiary=None)  # neither
    sealed = applied(section_id=None, beneficiary=None, sealed_lot="c" * 64)
    assert sealed.is_sealed
