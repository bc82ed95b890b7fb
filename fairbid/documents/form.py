"""The tender form (招标文件表单): the executable terms plus their presentation, menu-style as the national
standard texts (标准招标文件) are.

An agency fills it; ``to_terms`` builds the one typed model the machine runs (``fairbid.domain.terms``); the
rule catalog reads it through ``to_facts``; the templates render it, every formula and test from the terms
themselves. A malformed form reports every invalid field path at once (``parse_form`` raises
``TenderFormInvalid``). Field paths are what the rule catalog's findings name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator

from fairbid.domain.errors import InvalidInput
from fairbid.domain.evaluation import Aggregation, EvaluationMethod, KMode, TieBreak
from fairbid.domain.evaluation.price import BenchmarkTrim
from fairbid.domain.rules import ProjectType, TenderFacts
from fairbid.domain.terms import (
    Band,
    CertificateTest,
    CommitteeComposition,
    CreditGradeTest,
    DeviationRule,
    DurationTest,
    GradePoints,
    ObjectiveItem,
    ObjectiveTest,
    PriceRule,
    ScoringTable,
    SecurityTerms,
    SimilarContracts,
    SimilarContractsTest,
    StaffCountTest,
    SubjectiveItem,
    TenderTerms,
)
from fairbid.domain.terms import Qualification as TermsQualification

__all__ = [
    "BidSecurity",
    "Committee",
    "ContractTerms",
    "Evaluation",
    "FreeText",
    "KeyStaff",
    "ObjectiveItemForm",
    "PriceForm",
    "Project",
    "Qualification",
    "SectionInfo",
    "SecurityForm",
    "SubjectiveItemForm",
    "TenderForm",
    "TenderFormInvalid",
    "parse_form",
    "to_facts",
    "to_terms",
]

Money = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2)]
Points = Annotated[Decimal, Field(ge=0, le=1000, decimal_places=2)]
Share = Annotated[Decimal, Field(gt=0, lt=1, decimal_places=4)]
Text = Annotated[str, Field(max_length=200_000)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class _Form(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _printable(cls, value: Any) -> Any:
        """Control characters (NUL, U+001F …) have no place in a document and break DOCX and PDF writers."""
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(t, str) and _CONTROL.search(t) for t in texts):
            raise ValueError("control characters are not allowed in a tender form")
        return value


class SecurityForm(StrEnum):
    """Accepted forms of bid security (招标投标领域公平竞争审查规则 第十一条: any lawful form may be used)."""

    CASH = "cash"  # 现金/转账（基本账户）
    CHEQUE = "cheque"  # 支票
    BANK_GUARANTEE = "bank_guarantee"  # 银行保函
    E_GUARANTEE = "e_guarantee"  # 电子保函
    INSURANCE = "insurance"  # 保证保险


class Project(_Form):
    """招标项目: name, code, tenderee, agency, location, funding. On the platform the names come from the registered
    parties and the project (``bind``), never typed twice."""

    name: Name
    code: Name
    tenderee: Name
    agency: Name
    location: Name
    funding_source: Name = "国有资金"
    approval: str = ""


class SectionInfo(_Form):
    """标段: name, code, scope (招标范围), duration (工期), quality target and the quality a bid must state."""

    name: Name
    code: Name
    scope: Text
    duration_days: int = Field(gt=0, le=3650)
    quality_standard: Name = "合格"
    quality_accepted: list[Name] = Field(default_factory=lambda: ["合格"], min_length=1)


class Schedule(_Form):
    """时间安排; the names match the Section aggregate."""

    sale_start: AwareDatetime
    sale_end: AwareDatetime
    bid_deadline: AwareDatetime
    decryption_minutes: int = Field(ge=1, le=600)
    publicity_days: int = Field(ge=0, le=60)
    bid_validity_days: int = Field(default=90, ge=0, le=365)


class KeyStaff(_Form):
    """主要人员: the role's code (``project_manager`` …), its name, required certificate and count."""

    code: Code
    role: Name
    certificate: str = ""
    count: int = Field(default=1, ge=1, le=100)


class SimilarContractsForm(_Form):
    """类似业绩 as a qualification: ``count`` contracts of at least ``min_amount`` within ``within_years``."""

    count: int = Field(ge=1, le=100)
    min_amount: Money
    within_years: int = Field(default=5, ge=1, le=20)


class Qualification(_Form):
    """资格条件, structured so the machine review checks them and proportionality is checked against the estimate."""

    grade: str = ""  # 资质类别及等级, e.g. 建筑工程施工总承包二级及以上
    certificates: list[Code] = Field(default_factory=list)  # codes of the required 资质 certificates
    registered_capital_min: Money | None = None
    annual_turnover_min: Money | None = None
    similar_contracts: SimilarContractsForm | None = None
    key_staff: list[KeyStaff] = Field(default_factory=list)
    pm_grades: list[Name] = Field(default_factory=list)  # accepted grades of the project manager's certificate
    consortium_allowed: bool = False
    other: Text = ""


class BidSecurity(_Form):
    """投标保证金: amount, accepted forms, validity (None: the bid validity, 条例 第二十六条)."""

    amount: Money = Decimal(0)
    validity_days: int | None = Field(default=None, ge=0, le=365)
    forms: list[SecurityForm] = Field(default_factory=lambda: list(SecurityForm))


class TrimForm(_Form):
    """去掉最高价和最低价: with at least ``min_bids`` bids, drop ``drop_high`` highest and ``drop_low`` lowest."""

    min_bids: int = Field(ge=1, le=1000)
    drop_high: int = Field(ge=0, le=100)
    drop_low: int = Field(ge=0, le=100)


class PriceForm(_Form):
    """价格分: benchmark B0 (mean after exclusion and trims) × K or × (1 − K), K drawn at the opening."""

    full_score: Points
    k_mode: KMode = KMode.TIMES_K
    k_values: list[Annotated[Decimal, Field(ge=0, le=2, decimal_places=3)]] = Field(default_factory=list)
    above_per_point: Points
    below_per_point: Points
    floor: Points = Decimal(0)
    trims: list[TrimForm] = Field(default_factory=list)
    exclude_beyond: Share | None = None


class GradePointsForm(_Form):
    grade: Name
    points: Points


class CertificateTestForm(_Form):
    kind: Literal["certificate"] = "certificate"
    grades: list[GradePointsForm] = Field(default_factory=list)


class SimilarContractsTestForm(_Form):
    kind: Literal["similar_contracts"] = "similar_contracts"
    min_amount: Money
    within_years: int = Field(ge=1, le=20)
    points_each: Points


class CreditGradeTestForm(_Form):
    kind: Literal["credit_grade"] = "credit_grade"
    grades: list[GradePointsForm] = Field(default_factory=list)


class DurationTestForm(_Form):
    kind: Literal["duration"] = "duration"
    step_days: int = Field(ge=1, le=3650)
    points_per_step: Points


class StaffCountTestForm(_Form):
    kind: Literal["staff_count"] = "staff_count"
    role: Code
    count: int = Field(ge=1, le=100)


TestForm = Annotated[
    CertificateTestForm | SimilarContractsTestForm | CreditGradeTestForm | DurationTestForm | StaffCountTestForm,
    Field(discriminator="kind"),
]


class ObjectiveItemForm(_Form):
    """客观评分因素: scored by the machine from the bid's structured data by its stated test."""

    item_id: Code
    name: Name
    group: Name = "商务"
    maximum: Points
    test: TestForm


class BandForm(_Form):
    label: Name
    low: Points
    high: Points


class SubjectiveItemForm(_Form):
    """主观评分因素: scored by the experts within its bands; ``criteria`` are the bands' conditions in words."""

    item_id: Code
    name: Name
    group: Name = "技术"
    maximum: Points
    bands: list[BandForm] = Field(default_factory=list)
    criteria: Text = ""


class DeviationForm(_Form):
    """偏差折价 (lowest evaluated price): a deviation and its price as a share of the bid price."""

    deviation_id: Code
    description: Name
    share_of_price: Share


class Evaluation(_Form):
    """评标办法: the method, and for the comprehensive method its scoring table; tie-breaks (never lots)."""

    method: EvaluationMethod
    total: Points = Decimal(100)
    price: PriceForm | None = None
    objective: list[ObjectiveItemForm] = Field(default_factory=list)
    subjective: list[SubjectiveItemForm] = Field(default_factory=list)
    deviations: list[DeviationForm] = Field(default_factory=list)
    tie_breaks: list[TieBreak] = Field(default_factory=lambda: [TieBreak.LOWER_PRICE, TieBreak.HIGHER_TECHNICAL])
    deviation_threshold: Share = Decimal("0.20")
    aggregation: Aggregation = Aggregation.MEAN


class SpecialtyCount(_Form):
    specialty: Annotated[str, Field(min_length=1, max_length=20)]
    count: int = Field(ge=1, le=99)


class Committee(_Form):
    """评标委员会: size, the experts drawn by specialty, and the tenderee's representatives."""

    size: int = Field(ge=1, le=99)
    experts: list[SpecialtyCount] = Field(min_length=1)
    representatives: int = Field(default=0, ge=0, le=98)


class ContractTerms(_Form):
    """合同条款 (专用部分): performance security, payment, warranty, price adjustment."""

    performance_security_percent: Decimal | None = Field(default=None, ge=0, le=100)
    advance_payment_percent: Decimal = Field(default=Decimal(10), ge=0, le=100)
    progress_payment_percent: Decimal = Field(default=Decimal(80), ge=0, le=100)
    warranty_months: int = Field(default=24, ge=0, le=600)
    price_adjustment: Text = "按通用合同条款第16.1款约定的价格指数调整"
    special_terms: Text = ""


class FreeText(_Form):
    """Free-text parts, checked by the text rules: technical requirements and other terms."""

    technical_requirements: Text = ""
    bidder_instructions: Text = ""
    other: Text = ""


class TenderForm(_Form):
    """The whole tender form for one section (标段)."""

    project: Project
    section: SectionInfo
    project_type: ProjectType
    estimated_price: Money
    ceiling_price: Money | None = None
    price_floor: Money | None = None
    schedule: Schedule
    qualification: Qualification = Field(default_factory=Qualification)
    bid_security: BidSecurity = Field(default_factory=BidSecurity)
    evaluation: Evaluation
    committee: Committee
    contract: ContractTerms = Field(default_factory=ContractTerms)
    free_text: FreeText = Field(default_factory=FreeText)

    def text_fields(self) -> dict[str, str]:
        """The free-text parts the text rules check, by form path."""
        return {
            "section.scope": self.section.scope,
            "qualification.other": self.qualification.other,
            "contract.special_terms": self.contract.special_terms,
            "free_text.technical_requirements": self.free_text.technical_requirements,
            "free_text.bidder_instructions": self.free_text.bidder_instructions,
            "free_text.other": self.free_text.other,
            **{f"evaluation.subjective.{n}.criteria": i.criteria for n, i in enumerate(self.evaluation.subjective)},
        }


class TenderFormInvalid(InvalidInput):
    """Raised when a tender form is malformed; ``errors`` lists every invalid field path at once."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        paths = ", ".join(e["field"] for e in errors)
        super().__init__(f"The tender form has {len(errors)} invalid field(s): {paths}.", field=paths)
        self.errors = errors


def _path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(form)"


def parse_form(data: bytes | str | Mapping[str, Any]) -> TenderForm:
    """A ``TenderForm`` from JSON or a mapping, or ``TenderFormInvalid`` naming every bad field."""
    try:
        if isinstance(data, bytes | str):
            return TenderForm.model_validate_json(data)
        return TenderForm.model_validate(dict(data))
    except ValidationError as exc:
        errors = [{"field": _path(e["loc"]), "message": e["msg"]} for e in exc.errors(include_url=False)]
        raise TenderFormInvalid(errors) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:  # pragma: no cover - pydantic wraps these
        raise TenderFormInvalid([{"field": "(form)", "message": str(exc)}]) from None


def _grades(grades: list[GradePointsForm]) -> tuple[GradePoints, ...]:
    return tuple(GradePoints(g.grade, g.points) for g in grades)


def _test(form: TestForm) -> ObjectiveTest:
    match form:
        case CertificateTestForm():
            return CertificateTest(_grades(form.grades))
        case SimilarContractsTestForm():
            return SimilarContractsTest(form.min_amount, form.within_years, form.points_each)
        case CreditGradeTestForm():
            return CreditGradeTest(_grades(form.grades))
        case DurationTestForm():
            return DurationTest(form.step_days, form.points_per_step)
        case StaffCountTestForm():
            return StaffCountTest(form.role, form.count)


def _scoring(ev: Evaluation) -> ScoringTable | None:
    if ev.method is not EvaluationMethod.COMPREHENSIVE or ev.price is None:
        return None
    p = ev.price
    return ScoringTable(
        price=PriceRule(
            full_score=p.full_score,
            k_mode=p.k_mode,
            k_values=tuple(p.k_values) if p.k_mode is not KMode.NONE else (),
            above_per_point=p.above_per_point,
            below_per_point=p.below_per_point,
            floor=p.floor,
            trims=tuple(BenchmarkTrim(t.min_bids, t.drop_high, t.drop_low) for t in p.trims),
            exclude_beyond=p.exclude_beyond,
        ),
        objective=tuple(ObjectiveItem(i.item_id, i.name, i.maximum, _test(i.test)) for i in ev.objective),
        subjective=tuple(
            SubjectiveItem(i.item_id, i.name, i.maximum, tuple(Band(b.label, b.low, b.high) for b in i.bands))
            for i in ev.subjective
        ),
        total=ev.total,
        deviation_threshold=ev.deviation_threshold,
        aggregation=ev.aggregation,
    )


def to_terms(form: TenderForm) -> TenderTerms:
    """The executable terms this form states (the model the machine runs after publication)."""
    q, ev = form.qualification, form.evaluation
    similar = q.similar_contracts
    return TenderTerms(
        method=ev.method,
        qualification=TermsQualification(
            max_duration_days=form.section.duration_days,
            quality=frozenset(form.section.quality_accepted),
            certificates=frozenset(q.certificates),
            staff=frozenset(s.code for s in q.key_staff),
            pm_grades=frozenset(q.pm_grades),
            similar_contracts=None
            if similar is None
            else SimilarContracts(similar.count, similar.min_amount, similar.within_years),
        ),
        committee=CommitteeComposition(
            form.committee.size,
            tuple((e.specialty, e.count) for e in form.committee.experts),
            form.committee.representatives,
        ),
        security=SecurityTerms(
            form.bid_security.amount, tuple(f.value for f in form.bid_security.forms), form.bid_security.validity_days
        ),
        bid_validity_days=form.schedule.bid_validity_days,
        scoring=_scoring(ev),
        deviations=tuple(DeviationRule(d.deviation_id, d.description, d.share_of_price) for d in ev.deviations),
        tie_breaks=tuple(ev.tie_breaks),
    )


def to_facts(form: TenderForm) -> TenderFacts:
    """The ``TenderFacts`` the structured rules read from this form: its terms and the other stated facts."""
    return TenderFacts(
        project_type=form.project_type,
        estimated_price=form.estimated_price,
        ceiling_price=form.ceiling_price,
        sale_start=form.schedule.sale_start,
        sale_end=form.schedule.sale_end,
        bid_deadline=form.schedule.bid_deadline,
        decryption_minutes=form.schedule.decryption_minutes,
        publicity_days=form.schedule.publicity_days,
        terms=to_terms(form),
        performance_security_percent=form.contract.performance_security_percent,
        registered_capital_min=form.qualification.registered_capital_min,
        annual_turnover_min=form.qualification.annual_turnover_min,
        qualification_grade=form.qualification.grade or None,
        price_floor=form.price_floor,
    )
