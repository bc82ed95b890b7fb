"""The checks of a bid guarantee at the opening (开标时的保函核验), each with its reason and citation.

Every check is a pure function of what the opening knows; :func:`check_guarantee` runs them all and
:func:`guarantee_failures` keeps the failures, each a ground for rejecting the bid under
招标投标法实施条例 第五十一条第六项 (the bid does not respond to the security the tender document requires).
The service gathers the inputs: the guarantor-pushed guarantee, the reference sealed in the decrypted bid,
the digests of the stored file recomputed now (``fairbid.crypto.letter.letter_digests``), for a sealed
guarantee the commitment recomputed for this section with the salt the bid revealed
(``fairbid.crypto.commitment.lot_commitment``), and the ids of guarantees named by any other bid anywhere on
the platform.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from fairbid.domain.errors import InvalidInput
from fairbid.domain.guarantee.model import Guarantee, GuaranteeStatus

__all__ = [
    "GuaranteeCheck",
    "GuaranteeReference",
    "OpeningTerms",
    "PresentedGuarantee",
    "check_guarantee",
    "guarantee_failures",
    "required_valid_until",
]

_SECURITY = "招标投标法实施条例 第二十六条; 招标投标法实施条例 第五十一条第六项"
_LIVE = frozenset({GuaranteeStatus.BOUND, GuaranteeStatus.VERIFIED})


@dataclass(frozen=True, slots=True)
class GuaranteeReference:
    """What the bidder sealed in its bid about its guarantee: the number, the file's SM3, the sealed-lot salt."""

    guarantee_id: str
    file_sm3: str
    salt: str | None = None  # for a sealed guarantee: revealed only when the bid is decrypted


@dataclass(frozen=True, slots=True)
class OpeningTerms:
    """What the published terms and the opening fix for one bid."""

    section_id: str
    tenderee: str  # credit code of the tenderee (the beneficiary)
    bidder: str  # credit code of the bidder (the principal)
    bid_id: str
    required_security: Decimal  # 投标保证金 the pinned terms require
    bid_deadline: datetime
    bid_validity_days: int  # 投标有效期, counted from the deadline (条例 第二十五条)


@dataclass(frozen=True, slots=True)
class PresentedGuarantee:
    """The guarantee a bid names, as the opening finds it."""

    guarantee: Guarantee
    reference: GuaranteeReference
    file_sm3_now: str
    file_sha256_now: str
    opened_commitment: str | None = None  # sealed only: lot_commitment(this section, this tenderee, revealed salt)
    used_by_other_bids: frozenset[str] = frozenset()  # guarantee ids named by any other bid on the platform


@dataclass(frozen=True, slots=True)
class GuaranteeCheck:
    """One check: passed or not, why, under which article (the shape of the review's ``CheckResult``)."""

    check_id: str
    passed: bool
    reason: str
    citation: str


def required_valid_until(bid_deadline: datetime, bid_validity_days: int) -> datetime:
    """The bid deadline plus the bid validity: the security must last as long as the bids (条例 第二十六条)."""
    if bid_validity_days <= 0:
        raise InvalidInput("The bid validity is a positive number of days.", field="bid_validity_days")
    return bid_deadline + timedelta(days=bid_validity_days)


def _same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and hmac.compare_digest(a.lower(), b.lower())


def _c(check_id: str, passed: bool, ok: str, fail: str, citation: str) -> GuaranteeCheck:
    return GuaranteeCheck(check_id, passed, ok if passed else fail, citation)


def _sealed_opens(p: PresentedGuarantee) -> bool:
    return p.guarantee.is_sealed and _same(p.opened_commitment, p.guarantee.sealed_lot)


def _lot_and_parties(p: PresentedGuarantee, t: OpeningTerms) -> tuple[GuaranteeCheck, ...]:
    g = p.guarantee
    if g.is_sealed:
        opens = _sealed_opens(p)
        sealed_fail = (
            "The sealed guarantee does not open to this section and tenderee with the salt sealed in the bid: "
            "it covers another lot or names another beneficiary."
        )
        lot = _c(
            "guarantee_lot", opens, f"The sealed guarantee opens to section {t.section_id}.", sealed_fail, _SECURITY
        )
        beneficiary = _c(
            "guarantee_beneficiary", opens, f"The sealed guarantee's beneficiary is the tenderee {t.tenderee}.",
            sealed_fail, _SECURITY,
        )  # fmt: skip
    else:
        lot = _c(
            "guarantee_lot", g.section_id == t.section_id,
            f"The guarantee covers this section {t.section_id}.",
            f"The guarantee covers section {g.section_id}, not this section {t.section_id}.", _SECURITY,
        )  # fmt: skip
        beneficiary = _c(
            "guarantee_beneficiary", _same(g.beneficiary, t.tenderee),
            f"The beneficiary is the tenderee {t.tenderee}.",
            f"The beneficiary {g.beneficiary} is not the tenderee {t.tenderee}.", _SECURITY,
        )  # fmt: skip
    principal = _c(
        "guarantee_principal", _same(g.principal, t.bidder),
        f"The principal is the bidder {t.bidder}.",
        f"The principal {g.principal} is not the bidder {t.bidder}: a guarantee covers only its own applicant.",
        _SECURITY,
    )  # fmt: skip
    return principal, beneficiary, lot


def _terms(g: Guarantee, t: OpeningTerms) -> tuple[GuaranteeCheck, ...]:
    need_until = required_valid_until(t.bid_deadline, t.bid_validity_days)
    issued_at = g.issuance.issued_at if g.issuance else None
    return (
        _c(
            "guarantee_amount", g.amount >= t.required_security,
            f"The amount {g.amount} covers the required security {t.required_security}.",
            f"The amount {g.amount} is less than the required security {t.required_security}.", _SECURITY,
        ),
        _c(
            "guarantee_validity", g.valid_until >= need_until,
            f"Valid until {g.valid_until:%Y-%m-%d %H:%M} UTC, not before the deadline plus the bid validity.",
            f"Valid until {g.valid_until:%Y-%m-%d %H:%M} UTC, before the deadline plus the bid validity of "
            f"{t.bid_validity_days} days ({need_until:%Y-%m-%d %H:%M} UTC).",
            "招标投标法实施条例 第二十六条; 招标投标法实施条例 第二十五条",
        ),
        _c(
            "guarantee_issued_in_time", issued_at is not None and issued_at < t.bid_deadline,
            f"Issued at {issued_at:%Y-%m-%d %H:%M} UTC, before the bid deadline." if issued_at else "",
            f"Issued at {issued_at:%Y-%m-%d %H:%M} UTC, not before the bid deadline "
            f"{t.bid_deadline:%Y-%m-%d %H:%M} UTC: the security must be given with the bid."
            if issued_at else "The guarantee was never issued.",
            "招标投标法实施条例 第二十六条; 招标投标法 第二十八条",
        ),
    )  # fmt: skip


def _file_and_use(p: PresentedGuarantee, t: OpeningTerms) -> tuple[GuaranteeCheck, ...]:
    g, ref = p.guarantee, p.reference
    issuance = g.issuance
    unchanged = (
        issuance is not None
        and ref.guarantee_id == g.id
        and _same(ref.file_sm3, issuance.file_sm3)
        and _same(p.file_sm3_now, issuance.file_sm3)
        and _same(p.file_sha256_now, issuance.file_sha256)
    )
    if issuance is None:
        file_fail = "The guarantor never pushed the guarantee file's digests."
    elif ref.guarantee_id != g.id or not _same(ref.file_sm3, issuance.file_sm3):
        file_fail = "The guarantee sealed in the bid is not the one the guarantor issued (number or SM3 differ)."
    else:
        file_fail = "The stored guarantee file no longer matches the SM3 and SHA-256 the guarantor pushed at issue."
    live = g.status in _LIVE and g.bid_id == t.bid_id
    if g.status in _LIVE and g.bid_id != t.bid_id:
        live_fail = f"The guarantee is bound to another bid, not bid {t.bid_id}."
    else:
        live_fail = f"The guarantee is {g.status}, not bound to this bid: {g.reason or 'no valid cover'}."
    reused = g.id in p.used_by_other_bids
    return (
        _c("guarantee_file", unchanged, "The guarantee file is unchanged since issue (SM3 and SHA-256).", file_fail,
           _SECURITY),
        _c("guarantee_live", live, "The guarantee is bound to this bid and neither cancelled nor surrendered.",
           live_fail, _SECURITY),
        _c("guarantee_single_use", not reused, "No other bid on the platform names this guarantee.",
           f"Guarantee {g.id} is also named by another bid on the platform: one guarantee covers one bid.",
           _SECURITY),
    )  # fmt: skip


def check_guarantee(presented: PresentedGuarantee, terms: OpeningTerms) -> tuple[GuaranteeCheck, ...]:
    """Every opening check of one bid's guarantee, passed or failed, in a fixed order.

    The checks: the principal is the bidder; the beneficiary is the tenderee; the lot is this section (a
    sealed guarantee must open to both with the bid's salt); the amount is at least the required security;
    valid until at least the deadline plus the bid validity; issued before the deadline; the file unchanged;
    bound to this bid and not cancelled or surrendered; named by no other bid anywhere on the platform.
    """
    return (
        *_lot_and_parties(presented, terms),
        *_terms(presented.guarantee, terms),
        *_file_and_use(presented, terms),
    )


def guarantee_failures(presented: PresentedGuarantee, terms: OpeningTerms) -> tuple[GuaranteeCheck, ...]:
    """Only the failed checks: empty when the guarantee is valid cover for this bid."""
    return tuple(c for c in check_guarantee(presented, terms) if not c.passed)
