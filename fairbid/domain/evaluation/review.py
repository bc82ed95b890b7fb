"""Machine review first (机器初审): formal, qualification and responsiveness checks from structured bid data.

Each result carries its reason and citation (条例 第五十一条). Experts then confirm or dispute each
machine result; a dispute needs a written reason. Machine output is advisory and explainable (195号 (十一)):
the committee decides, and the record shows who disagreed and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from fairbid.domain.credit_code import is_valid_credit_code
from fairbid.domain.errors import InvalidInput, NotPermitted

__all__ = [
    "BidFacts",
    "BidReview",
    "CheckKind",
    "CheckResult",
    "ExpertVerdict",
    "Requirements",
    "confirm_check",
    "dispute_check",
    "review_bid",
]


class CheckKind(StrEnum):
    """The three stages of the preliminary review (初步评审), 12号令 第二十条至第二十三条."""

    FORMAL = "formal"  # 形式评审
    QUALIFICATION = "qualification"  # 资格评审
    RESPONSIVENESS = "responsiveness"  # 响应性评审


@dataclass(frozen=True, slots=True)
class Requirements:
    """What the tender document requires of every bid (its 前附表), as data."""

    ceiling: Decimal  # 最高投标限价
    max_duration_days: int  # 工期
    quality: frozenset[str]  # acceptable quality standards (质量标准), e.g. {"合格"}
    security_amount: Decimal  # 投标保证金 required
    security_valid_until: datetime  # bid deadline + bid validity (条例 第二十六条)
    certificates: frozenset[str] = field(default_factory=frozenset)  # 资质证书 codes
    staff: frozenset[str] = field(default_factory=frozenset)  # roles, e.g. {"project_manager"}
    pm_grades: frozenset[str] = field(default_factory=frozenset)  # accepted PM certificate grades; empty: any
    similar_count: int = 0  # past contracts required (类似业绩), of at least ``similar_min_amount``
    similar_min_amount: Decimal = Decimal(0)
    similar_since: date | None = None  # completed on or after this Beijing date (民法典 第二百零二条)


@dataclass(frozen=True, slots=True)
class BidFacts:
    """The structured part of one decrypted bid (投标函/开标一览表) plus facts the platform holds."""

    bid_id: str
    bidder: str  # credit code
    price: Decimal
    duration_days: int
    quality: str
    security_amount: Decimal  # cash received or guarantee amount
    security_valid_until: datetime | None
    signature_valid: bool  # the bid's signature verified under the bidder's key
    debarred_until: datetime | None = None  # 禁止投标 period end from the credit records
    certificates: frozenset[str] = field(default_factory=frozenset)
    staff: frozenset[str] = field(default_factory=frozenset)
    pm_grade: str | None = None
    similar_contracts: tuple[tuple[str, Decimal, date], ...] = ()  # (name, amount, completed on)


@dataclass(frozen=True, slots=True)
class ExpertVerdict:
    """An expert's confirmation of, or dispute with, one machine result."""

    expert_id: str
    agrees: bool
    reason: str
    at: datetime


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One machine check: passed or not, why, under which article, and the experts' verdicts."""

    check_id: str
    kind: CheckKind
    passed: bool
    reason: str
    citation: str
    verdicts: tuple[ExpertVerdict, ...] = ()

    @property
    def disputed_by(self) -> tuple[str, ...]:
        """Experts who disputed this result."""
        return tuple(v.expert_id for v in self.verdicts if not v.agrees)

    def outcome(self, committee_size: int) -> bool:
        """The committee's result: the machine's, reversed only when a majority disputes it.

        The committee, not the machine, decides (条例 第四十九条; 195号 (十一)); majority voting is the
        platform's rule [U]. Minority disputes stay on record as dissent (条例 第五十三条).
        """
        overruled = 2 * len(self.disputed_by) > committee_size
        return self.passed != overruled


@dataclass(frozen=True, slots=True)
class BidReview:
    """The machine review of one bid."""

    bid_id: str
    results: tuple[CheckResult, ...]

    @property
    def passed(self) -> bool:
        """True when every machine check passed (before the committee's verdicts)."""
        return all(r.passed for r in self.results)

    @property
    def failures(self) -> tuple[CheckResult, ...]:
        """The checks that failed: each is a ground for rejection (否决) under its citation."""
        return tuple(r for r in self.results if not r.passed)

    def result(self, check_id: str) -> CheckResult:
        """The result of one check."""
        for r in self.results:
            if r.check_id == check_id:
                return r
        raise InvalidInput(f"Bid {self.bid_id} has no check {check_id!r}.", field="check_id")


def _check(check_id: str, kind: CheckKind, passed: bool, ok: str, fail: str, citation: str) -> CheckResult:
    return CheckResult(check_id, kind, passed, ok if passed else fail, citation)


def _listed(missing: Iterable[str]) -> str:
    return "、".join(sorted(missing))


def review_bid(bid: BidFacts, req: Requirements, *, now: datetime) -> BidReview:
    """Run the formal, qualification and responsiveness checks on one bid (条例 第五十一条).

    Rejection grounds of 条例 第五十一条: (一) no valid signature/seal; (三) not qualified; (五) price above
    the ceiling; (六) not responsive to substantive requirements. The bid security's validity follows
    条例 第二十六条. ``now`` is the review time, for the debarment check.
    """
    debarred = bid.debarred_until is not None and bid.debarred_until > now
    missing_certs = req.certificates - bid.certificates
    missing_staff = req.staff - bid.staff
    grade_ok = not req.pm_grades or bid.pm_grade in req.pm_grades
    since = req.similar_since
    similar = [c for c in bid.similar_contracts if c[1] >= req.similar_min_amount and (since is None or c[2] >= since)]
    security_ok = bid.security_amount >= req.security_amount and (
        bid.security_valid_until is not None and bid.security_valid_until >= req.security_valid_until
    )
    results = (
        _check(
            "signature", CheckKind.FORMAL, bid.signature_valid,
            "The bid's signature verifies under the bidder's registered key.",
            "The bid's signature does not verify: it is not signed or sealed by the bidder.",
            "条例 第五十一条 (一)",
        ),
        _check(
            "credit_code", CheckKind.FORMAL, is_valid_credit_code(bid.bidder),
            "The bidder's unified social credit code is valid.",
            f"The bidder's credit code {bid.bidder!r} fails the GB 32100-2015 check.",
            "条例 第五十一条 (三); GB 32100-2015",
        ),
        _check(
            "not_debarred", CheckKind.QUALIFICATION, not debarred,
            "The bidder is not debarred from bidding.",
            f"The bidder is debarred from bidding until {bid.debarred_until:%Y-%m-%d}." if debarred else "",
            "条例 第五十一条 (三); 法 第五十三条; 条例 第六十七条",
        ),
        _check(
            "certificates", CheckKind.QUALIFICATION, not missing_certs,
            "Every required certificate is present.",
            f"Required certificates missing: {_listed(missing_certs)}.",
            "条例 第五十一条 (三)",
        ),
        _check(
            "staff", CheckKind.QUALIFICATION, not missing_staff,
            "Every required key staff member is named.",
            f"Required staff missing: {_listed(missing_staff)}.",
            "条例 第五十一条 (三)",
        ),
        _check(
            "pm_grade", CheckKind.QUALIFICATION, grade_ok,
            "The project manager's certificate grade meets the requirement."
            if req.pm_grades else "No grade of the project manager's certificate is required.",
            f"The project manager's certificate grade {bid.pm_grade or '(none)'} is not among "
            f"{_listed(req.pm_grades)}.",
            "条例 第五十一条 (三)",
        ),
        _check(
            "similar_contracts", CheckKind.QUALIFICATION, len(similar) >= req.similar_count,
            f"{len(similar)} similar contracts meet the requirement of {req.similar_count}."
            if req.similar_count else "No similar contracts are required.",
            f"{len(similar)} of the stated contracts are of at least {req.similar_min_amount} and recent enough; "
            f"{req.similar_count} are required (类似业绩).",
            "条例 第五十一条 (三)",
        ),
        _check(
            "price_ceiling", CheckKind.RESPONSIVENESS, bid.price <= req.ceiling,
            f"The price {bid.price} does not exceed the ceiling {req.ceiling}.",
            f"The price {bid.price} exceeds the ceiling {req.ceiling} (最高投标限价).",
            "条例 第五十一条 (五)",
        ),
        _check(
            "duration", CheckKind.RESPONSIVENESS, 0 < bid.duration_days <= req.max_duration_days,
            f"The duration of {bid.duration_days} days is within the required {req.max_duration_days}.",
            f"The duration of {bid.duration_days} days does not meet the required {req.max_duration_days}.",
            "条例 第五十一条 (六)",
        ),
        _check(
            "quality", CheckKind.RESPONSIVENESS, bid.quality in req.quality,
            f"The quality standard {bid.quality!r} meets the requirement.",
            f"The quality standard {bid.quality!r} is not among {_listed(req.quality)}.",
            "条例 第五十一条 (六)",
        ),
        _check(
            "bid_security", CheckKind.RESPONSIVENESS, security_ok,
            "The bid security covers the required amount for the whole bid validity.",
            f"The bid security ({bid.security_amount}, valid until "
            f"{bid.security_valid_until:%Y-%m-%d %H:%M} UTC) does not cover {req.security_amount} until "
            f"{req.security_valid_until:%Y-%m-%d %H:%M} UTC."
            if bid.security_valid_until is not None
            else f"No valid bid security; {req.security_amount} is required.",
            "条例 第二十六条; 条例 第五十一条 (六)",
        ),
    )  # fmt: skip
    return BidReview(bid.bid_id, results)


def _verdict(review: BidReview, check_id: str, committee: frozenset[str], verdict: ExpertVerdict) -> BidReview:
    if verdict.expert_id not in committee:
        raise NotPermitted(f"{verdict.expert_id} is not on this committee.", field="expert_id")
    target = review.result(check_id)
    if any(v.expert_id == verdict.expert_id for v in target.verdicts):
        raise InvalidInput(
            f"Expert {verdict.expert_id} has already given a verdict on {check_id} of bid {review.bid_id}.",
            field="check_id",
        )
    updated = replace(target, verdicts=(*target.verdicts, verdict))
    return replace(review, results=tuple(updated if r.check_id == check_id else r for r in review.results))


def confirm_check(
    review: BidReview, check_id: str, *, expert_id: str, committee: frozenset[str], at: datetime
) -> BidReview:
    """An expert confirms a machine result (the committee owns the decision, 条例 第四十九条)."""
    return _verdict(review, check_id, committee, ExpertVerdict(expert_id, True, "", at))


def dispute_check(
    review: BidReview,
    check_id: str,
    *,
    expert_id: str,
    committee: frozenset[str],
    reason: str,
    at: datetime,
) -> BidReview:
    """An expert disputes a machine result; the reason is written (条例 第五十三条: dissent in writing)."""
    if not reason.strip():
        raise InvalidInput("A dispute needs a written reason.", field="reason")
    return _verdict(review, check_id, committee, ExpertVerdict(expert_id, False, reason.strip(), at))
