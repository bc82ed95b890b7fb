"""The electronic bid guarantee (电子投标保函) and its lifecycle, as one transition table.

applied ─underwrite→ underwritten ─issue→ issued ─bind→ bound ─verify→ verified ─release→ released
   │ refuse→ refused      │                   │            │            └─claim→ claimed ─pay_claim→ paid
   └─cancel→ cancelled ←──┘ (before issue)    └─surrender→ surrendered (before the bid deadline)
issued/bound/verified ─extend→ (same status, later ``valid_until``: the opening was postponed)

Guarantees are values: every move returns a new :class:`Guarantee` (its ``version`` bumped) and a
:class:`GuaranteeChanged` event for the ledger. The platform never names or assigns a guarantor: the bidder
chooses any registered one (招标投标领域公平竞争审查规则 第十一条第四项).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from fairbid.domain.actor import Role
from fairbid.domain.errors import DeadlinePassed, InvalidInput, InvalidTransition, NotPermitted

__all__ = [
    "CLAIM_CITATIONS",
    "TRANSITIONS",
    "ClaimGround",
    "Guarantee",
    "GuaranteeAction",
    "GuaranteeChanged",
    "GuaranteeStatus",
    "Issuance",
    "move_guarantee",
]


class GuaranteeStatus(StrEnum):
    """Where a guarantee stands."""

    APPLIED = "applied"  # 申请: the bidder applied through the platform
    UNDERWRITTEN = "underwritten"  # 核保通过: the guarantor accepted and quoted a premium
    REFUSED = "refused"  # 核保拒绝
    ISSUED = "issued"  # 出函: the file exists, with its SM3 and SHA-256
    BOUND = "bound"  # 绑定: named in exactly one bid (its digest sealed inside the envelope)
    VERIFIED = "verified"  # 开标核验通过
    RELEASED = "released"  # 释放/退还: no claim any more
    CLAIMED = "claimed"  # 索赔: a statutory event happened
    PAID = "paid"  # 理赔: the guarantor paid the beneficiary
    SURRENDERED = "surrendered"  # 退保: given back before the bid deadline
    CANCELLED = "cancelled"  # 撤销申请 before issue

    @property
    def is_terminal(self) -> bool:
        """No move leaves these."""
        return self in {
            GuaranteeStatus.REFUSED,
            GuaranteeStatus.RELEASED,
            GuaranteeStatus.PAID,
            GuaranteeStatus.SURRENDERED,
            GuaranteeStatus.CANCELLED,
        }


class GuaranteeAction(StrEnum):
    """The moves of the table; each message of the guarantor interface causes one."""

    UNDERWRITE = "underwrite"
    REFUSE = "refuse"
    CANCEL = "cancel"
    ISSUE = "issue"
    BIND = "bind"
    SURRENDER = "surrender"
    VERIFY = "verify"
    EXTEND = "extend"
    RELEASE = "release"
    CLAIM = "claim"
    PAY_CLAIM = "pay_claim"


class ClaimGround(StrEnum):
    """The statutory events on which the beneficiary may claim (投标保证金不予退还)."""

    WITHDRAWN_AFTER_DEADLINE = "withdrawn_after_deadline"
    NOT_DECRYPTED_BY_BIDDER = "not_decrypted_by_bidder"
    REFUSED_TO_SIGN = "refused_to_sign"
    NO_PERFORMANCE_SECURITY = "no_performance_security"


CLAIM_CITATIONS: dict[ClaimGround, str] = {
    ClaimGround.WITHDRAWN_AFTER_DEADLINE: "招标投标法实施条例 第三十五条第二款",
    ClaimGround.NOT_DECRYPTED_BY_BIDDER: "电子招标投标办法 第三十一条; 招标投标法实施条例 第三十五条第二款",
    ClaimGround.REFUSED_TO_SIGN: "招标投标法实施条例 第七十四条",
    ClaimGround.NO_PERFORMANCE_SECURITY: "招标投标法实施条例 第七十四条",
}
"""Withdrawal after the deadline (条例35 ②, and a bid the bidder failed to decrypt counts as withdrawn,
电子办法31); the winner refusing to sign, or giving no performance security (条例74)."""

S, A = GuaranteeStatus, GuaranteeAction
_LIVE = frozenset({S.ISSUED, S.BOUND, S.VERIFIED})

TRANSITIONS: dict[GuaranteeAction, tuple[frozenset[GuaranteeStatus], GuaranteeStatus | None, frozenset[Role]]] = {
    # action: (allowed from, to (None: stays), who may take it)
    A.UNDERWRITE: (frozenset({S.APPLIED}), S.UNDERWRITTEN, frozenset({Role.GUARANTOR})),
    A.REFUSE: (frozenset({S.APPLIED}), S.REFUSED, frozenset({Role.GUARANTOR})),
    A.CANCEL: (frozenset({S.APPLIED, S.UNDERWRITTEN}), S.CANCELLED, frozenset({Role.BIDDER})),
    A.ISSUE: (frozenset({S.UNDERWRITTEN}), S.ISSUED, frozenset({Role.GUARANTOR})),
    A.BIND: (frozenset({S.ISSUED}), S.BOUND, frozenset({Role.BIDDER, Role.MACHINE})),
    A.SURRENDER: (frozenset({S.ISSUED, S.BOUND}), S.SURRENDERED, frozenset({Role.BIDDER})),
    A.VERIFY: (frozenset({S.BOUND}), S.VERIFIED, frozenset({Role.MACHINE})),
    A.EXTEND: (_LIVE, None, frozenset({Role.GUARANTOR})),
    A.RELEASE: (frozenset({S.BOUND, S.VERIFIED}), S.RELEASED, frozenset({Role.MACHINE})),
    A.CLAIM: (frozenset({S.BOUND, S.VERIFIED}), S.CLAIMED, frozenset({Role.MACHINE, Role.TENDEREE})),
    A.PAY_CLAIM: (frozenset({S.CLAIMED}), S.PAID, frozenset({Role.GUARANTOR})),
}


@dataclass(frozen=True, slots=True)
class Issuance:
    """What the ``issue`` message fixes: the guarantee number, the file's digests, the issue time."""

    guarantee_no: str
    file_sm3: str
    file_sha256: str
    issued_at: datetime


@dataclass(frozen=True, slots=True)
class Guarantee:
    """One bid guarantee. Either ``section_id`` and ``beneficiary`` are plain, or ``sealed_lot`` commits to
    both (密文保函: the guarantor never learns the section, 招标投标法 第二十二条) and they are ``None``.

    ``principal`` (被保证人, the bidder), ``beneficiary`` (受益人, the tenderee) and ``guarantor`` (出函机构)
    are unified social credit codes. Money is ``Decimal`` yuan; times are aware UTC.
    """

    id: str  # the platform's application id
    guarantor: str
    principal: str
    beneficiary: str | None
    section_id: str | None
    sealed_lot: str | None
    amount: Decimal
    valid_until: datetime
    applied_at: datetime
    status: GuaranteeStatus = GuaranteeStatus.APPLIED
    premium: Decimal | None = None
    issuance: Issuance | None = None
    bid_id: str | None = None
    claim_ground: ClaimGround | None = None
    reason: str | None = None  # of a refusal, a cancellation, a surrender
    version: int = 0

    def __post_init__(self) -> None:
        if self.amount <= 0:
            raise InvalidInput("A guarantee's amount must be positive.", field="amount")
        if (self.sealed_lot is None) == (self.section_id is None):
            raise InvalidInput("A guarantee names its section either plainly or sealed, not both.", field="section_id")
        if (self.sealed_lot is None) != (self.beneficiary is not None):
            raise InvalidInput("A plain guarantee names its beneficiary; a sealed one seals it.", field="beneficiary")
        if self.valid_until <= self.applied_at:
            raise InvalidInput("A guarantee must be valid after it is applied for.", field="valid_until")

    @property
    def is_sealed(self) -> bool:
        """True for a 密文保函."""
        return self.sealed_lot is not None


@dataclass(frozen=True, slots=True)
class GuaranteeChanged:
    """A guarantee moved (the ledger records it)."""

    guarantee_id: str
    action: GuaranteeAction
    from_status: GuaranteeStatus
    to_status: GuaranteeStatus
    actor: Role
    at: datetime
    detail: str


def _check_move(g: Guarantee, action: GuaranteeAction, actor: Role) -> GuaranteeStatus:
    allowed_from, target, roles = TRANSITIONS[action]
    if actor not in roles:
        allowed = ", ".join(sorted(r.value for r in roles))
        raise NotPermitted(f"Only {allowed} may {action.value.replace('_', ' ')} a guarantee; you act as {actor}.")
    if g.status not in allowed_from:
        raise InvalidTransition(
            f"Cannot {action.value.replace('_', ' ')} guarantee {g.id} while it is {g.status}; "
            f"allowed from: {', '.join(sorted(s.value for s in allowed_from))}."
        )
    return target or g.status


def move_guarantee(
    g: Guarantee,
    action: GuaranteeAction,
    *,
    actor: Role,
    at: datetime,
    bid_deadline: datetime | None = None,
    premium: Decimal | None = None,
    issuance: Issuance | None = None,
    bid_id: str | None = None,
    valid_until: datetime | None = None,
    ground: ClaimGround | None = None,
    reason: str | None = None,
) -> tuple[Guarantee, GuaranteeChanged]:
    """Apply one move of :data:`TRANSITIONS`, with what that move needs; the new guarantee and its event.

    - ``underwrite`` needs ``premium``; ``refuse``, ``cancel``, ``surrender`` a ``reason``;
    - ``issue`` needs ``issuance``; ``bind`` a ``bid_id``; ``extend`` a later ``valid_until``;
    - ``surrender`` and ``bind`` need ``bid_deadline`` and must come strictly before it (a guarantee given
      back after the deadline would let a bidder walk away from its bid, 招标投标法实施条例 第三十五条);
    - ``claim`` needs a statutory ``ground`` (:data:`CLAIM_CITATIONS`).
    """
    target = _check_move(g, action, actor)
    changes: dict[str, object] = {"status": target, "version": g.version + 1}
    detail = ""
    if action in (A.SURRENDER, A.BIND):
        if bid_deadline is None:
            raise InvalidInput(f"To {action.value} a guarantee, give the bid deadline.", field="bid_deadline")
        if at >= bid_deadline:
            raise DeadlinePassed(
                f"Guarantee {g.id} cannot be {'surrendered' if action is A.SURRENDER else 'bound'} at or after "
                f"the bid deadline {bid_deadline.isoformat()} (招标投标法实施条例 第三十五条)."
            )
    if action is A.UNDERWRITE:
        if premium is None or premium < 0:
            raise InvalidInput("Underwriting states the premium, a non-negative amount.", field="premium")
        changes["premium"], detail = premium, f"premium {premium}"
    elif action in (A.REFUSE, A.CANCEL, A.SURRENDER):
        if not reason or not reason.strip():
            raise InvalidInput(f"To {action.value} a guarantee, give the reason.", field="reason")
        changes["reason"], detail = reason.strip(), reason.strip()
    elif action is A.ISSUE:
        if issuance is None:
            raise InvalidInput("Issuing needs the guarantee number, the file's digests and the time.", field="issuance")
        changes["issuance"], detail = issuance, f"{issuance.guarantee_no} sm3 {issuance.file_sm3}"
    elif action is A.BIND:
        if not bid_id:
            raise InvalidInput("Binding names the one bid the guarantee covers.", field="bid_id")
        changes["bid_id"], detail = bid_id, f"bid {bid_id}"
    elif action is A.EXTEND:
        if valid_until is None or valid_until <= g.valid_until:
            raise InvalidInput("An extension moves the expiry later.", field="valid_until")
        changes["valid_until"], detail = valid_until, f"valid until {valid_until.isoformat()}"
    elif action is A.CLAIM:
        if ground is None:
            raise InvalidInput("A claim names its statutory ground.", field="ground")
        changes["claim_ground"], detail = ground, f"{ground.value} ({CLAIM_CITATIONS[ground]})"
    moved = replace(g, **changes)  # type: ignore[arg-type]
    return moved, GuaranteeChanged(g.id, action, g.status, moved.status, actor, at, detail)
