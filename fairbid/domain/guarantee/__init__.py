"""Electronic bid guarantees (电子投标保函) and cash deposits: lifecycle, opening checks, refunds, figures.

Pure and deterministic. The wire format of the guarantor interface is ``fairbid.crypto.message``; the
payloads are :mod:`fairbid.domain.guarantee.message`; docs/guarantees.md describes the whole.
"""

from fairbid.domain.guarantee.deposit import (
    REFUND_DAYS,
    CashDeposit,
    DepositRefund,
    InterestTerms,
    check_deposit,
    interest_days,
    refund_deposit,
    refund_due_by,
)
from fairbid.domain.guarantee.figures import (
    GradePremiums,
    GuaranteeFigures,
    SecurityFact,
    SecurityForm,
    guarantee_figures,
)
from fairbid.domain.guarantee.message import FIELDS, Field, MessageType, moment, money, validate_payload
from fairbid.domain.guarantee.model import (
    CLAIM_CITATIONS,
    TRANSITIONS,
    ClaimGround,
    Guarantee,
    GuaranteeAction,
    GuaranteeChanged,
    GuaranteeStatus,
    Issuance,
    move_guarantee,
)
from fairbid.domain.guarantee.rules import (
    GuaranteeCheck,
    GuaranteeReference,
    OpeningTerms,
    PresentedGuarantee,
    check_guarantee,
    guarantee_failures,
    required_valid_until,
)

__all__ = [
    "CLAIM_CITATIONS",
    "FIELDS",
    "REFUND_DAYS",
    "TRANSITIONS",
    "CashDeposit",
    "ClaimGround",
    "DepositRefund",
    "Field",
    "GradePremiums",
    "Guarantee",
    "GuaranteeAction",
    "GuaranteeChanged",
    "GuaranteeCheck",
    "GuaranteeFigures",
    "GuaranteeReference",
    "GuaranteeStatus",
    "InterestTerms",
    "Issuance",
    "MessageType",
    "OpeningTerms",
    "PresentedGuarantee",
    "SecurityFact",
    "SecurityForm",
    "check_deposit",
    "check_guarantee",
    "guarantee_failures",
    "guarantee_figures",
    "interest_days",
    "moment",
    "money",
    "move_guarantee",
    "refund_deposit",
    "refund_due_by",
    "required_valid_until",
    "validate_payload",
]
