"""Values for collusion signals raised within one section at the opening (条例 第四十条, 第三十四条).

A signal is a clue for the evaluation committee and the supervisor, never proof and never shown to bidders
(发改法规〔2026〕195号 (十一): machine output never replaces the legal judgment of people).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

__all__ = [
    "ADVISORY",
    "AUDIENCE",
    "CITATIONS",
    "BidFacts",
    "BoqLine",
    "CollusionSignalRaised",
    "SignalCode",
    "Strength",
]

ADVISORY = (
    "线索仅供评标委员会和行政监督部门人工核查，不构成串通投标的认定 "
    "(a clue for human review, never proof; 发改法规〔2026〕195号 (十一))."
)
AUDIENCE: tuple[str, ...] = ("evaluation_committee", "supervisor")


class SignalCode(StrEnum):
    """What was found; each value is a stable slug used in the ledger and the leads report."""

    SAME_MACHINE = "same-machine"
    SAME_UPLOAD_IP = "same-upload-ip"
    SAME_DECRYPT_IP = "same-decrypt-ip"
    SAME_SIGNING_KEY = "same-signing-key"
    SAME_CONTACT = "same-contact"
    SAME_AGENT = "same-agent"
    SAME_PROJECT_MANAGER = "same-project-manager"
    SHARED_KEY_STAFF = "shared-key-staff"
    SIMILAR_PROPOSAL = "similar-proposal"
    MIXED_DOCUMENTS = "mixed-documents"
    IDENTICAL_BOQ_LINES = "identical-boq-lines"
    IDENTICAL_BOQ_ERRORS = "identical-boq-errors"
    PROPORTIONAL_BOQ = "proportional-boq"
    IDENTICAL_PRICES = "identical-prices"
    EQUAL_PRICE_STEPS = "equal-price-steps"
    EQUAL_PRICE_RATIOS = "equal-price-ratios"
    SAME_CEILING_DISCOUNT = "same-ceiling-discount"
    SAME_SECURITY_ACCOUNT = "same-security-account"
    SAME_HEAD = "same-head"
    CONTROL_LINK = "control-link"
    SHARED_OFFICER = "shared-officer"


class Strength(StrEnum):
    """How much a signal says on its own. ``strong``: the law deems it collusion unless explained."""

    STRONG = "strong"
    MODERATE = "moderate"
    WEAK = "weak"


_40 = "《招标投标法实施条例》第四十条"
CITATIONS: dict[SignalCode, str] = {
    SignalCode.SAME_MACHINE: f"{_40}第（一）项 不同投标人的投标文件由同一单位或者个人编制",
    SignalCode.SAME_UPLOAD_IP: f"{_40}第（二）项 不同投标人委托同一单位或者个人办理投标事宜",
    SignalCode.SAME_DECRYPT_IP: f"{_40}第（二）项 不同投标人委托同一单位或者个人办理投标事宜",
    SignalCode.SAME_SIGNING_KEY: f"{_40}第（二）项 不同投标人委托同一单位或者个人办理投标事宜",
    SignalCode.SAME_CONTACT: f"{_40}第（二）项 不同投标人委托同一单位或者个人办理投标事宜",
    SignalCode.SAME_AGENT: f"{_40}第（二）项 不同投标人委托同一单位或者个人办理投标事宜",
    SignalCode.SAME_PROJECT_MANAGER: f"{_40}第（三）项 不同投标人的投标文件载明的项目管理成员为同一人",
    SignalCode.SHARED_KEY_STAFF: f"{_40}第（三）项 不同投标人的投标文件载明的项目管理成员为同一人",
    SignalCode.SIMILAR_PROPOSAL: f"{_40}第（四）项 不同投标人的投标文件异常一致",
    SignalCode.MIXED_DOCUMENTS: f"{_40}第（五）项 不同投标人的投标文件相互混装",
    SignalCode.IDENTICAL_BOQ_LINES: f"{_40}第（四）项 不同投标人的投标文件异常一致",
    SignalCode.IDENTICAL_BOQ_ERRORS: f"{_40}第（四）项 不同投标人的投标文件异常一致",
    SignalCode.PROPORTIONAL_BOQ: f"{_40}第（四）项 投标报价呈规律性差异",
    SignalCode.IDENTICAL_PRICES: f"{_40}第（四）项 不同投标人的投标文件异常一致",
    SignalCode.EQUAL_PRICE_STEPS: f"{_40}第（四）项 投标报价呈规律性差异",
    SignalCode.EQUAL_PRICE_RATIOS: f"{_40}第（四）项 投标报价呈规律性差异",
    SignalCode.SAME_CEILING_DISCOUNT: f"{_40}第（四）项 投标报价呈规律性差异",
    SignalCode.SAME_SECURITY_ACCOUNT: f"{_40}第（六）项 不同投标人的投标保证金从同一单位或者个人的账户转出",
    SignalCode.SAME_HEAD: "《招标投标法实施条例》第三十四条第二款 单位负责人为同一人的不同单位，不得参加同一标段投标",
    SignalCode.CONTROL_LINK: (
        "《招标投标法实施条例》第三十四条第二款 存在控股、管理关系的不同单位，不得参加同一标段投标"
    ),
    SignalCode.SHARED_OFFICER: "发改法规规〔2022〕1117号（十一） 关联关系、交叉任职、人员混用",
}


@dataclass(frozen=True, slots=True)
class BoqLine:
    """One priced bill-of-quantity line (工程量清单): amount should equal quantity × unit price."""

    code: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    description: str = ""


@dataclass(frozen=True, slots=True)
class BidFacts:
    """What the platform knows about one decrypted bid; everything but ``bidder_id`` and ``price`` is optional.

    ``proposal_tokens`` are the technical proposal already segmented (the domain never segments Chinese
    itself); ``proposal_text`` is used when tokens are absent, with the segmenter passed to the detector.
    ``controller_ids`` are units that hold a controlling stake in, or manage, this bidder (控股、管理关系).
    """

    bidder_id: str
    price: Decimal
    bidder_name: str | None = None
    machine_fingerprint: str | None = None
    upload_ip: str | None = None
    decrypt_ip: str | None = None
    signing_key_id: str | None = None
    contact_phone: str | None = None
    agent_id: str | None = None
    project_manager_id: str | None = None
    key_staff_ids: frozenset[str] = field(default_factory=frozenset)
    proposal_tokens: tuple[str, ...] | None = None
    proposal_text: str | None = None
    boq_lines: tuple[BoqLine, ...] = ()
    security_payer_account: str | None = None
    premium_payer_account: str | None = None
    head_id: str | None = None
    controller_ids: frozenset[str] = field(default_factory=frozenset)
    officer_ids: frozenset[str] = field(default_factory=frozenset)
    shareholder_ids: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class CollusionSignalRaised:
    """A signal raised at the opening: what, who, the evidence, the law, and for whom it is meant."""

    code: SignalCode
    bidders: tuple[str, ...]
    evidence: tuple[str, ...]
    strength: Strength
    citation: str
    audience: tuple[str, ...] = AUDIENCE
    advisory: str = ADVISORY

    @classmethod
    def of(
        cls, code: SignalCode, bidders: Iterable[str], evidence: Iterable[str], strength: Strength
    ) -> CollusionSignalRaised:
        """Build a signal with the citation for ``code``, bidders sorted and de-duplicated."""
        who = tuple(sorted(set(bidders)))
        what = tuple(evidence)
        return cls(code=code, bidders=who, evidence=what, strength=strength, citation=CITATIONS[code])
