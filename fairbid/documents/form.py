"""The tender form (招标文件表单): menu-style, as the national standard texts (标准招标文件) are.

An agency fills it; the rules read it through ``to_facts``; the templates render it. A malformed form
reports every invalid field path at once (``parse_form`` raises ``TenderFormInvalid``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from fairbid.domain.errors import InvalidInput
from fairbid.domain.rules import EvaluationMethod, PriceFormula, ProjectType, RubricItem, TenderFacts

__all__ = [
    "BidSecurity",
    "Committee",
    "ContractTerms",
    "Evaluation",
    "FreeText",
    "KeyStaff",
    "PriceFormulaForm",
    "Project",
    "Qualification",
    "RubricItemForm",
    "Schedule",
    "SectionInfo",
    "SecurityForm",
    "TenderForm",
    "TenderFormInvalid",
    "parse_form",
    "to_facts",
]

Money = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2)]
Text = Annotated[str, Field(max_length=200_000)]
Name = Annotated[str, Field(min_length=1, max_length=200)]


class _Form(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class SecurityForm(StrEnum):
    """Accepted forms of bid security (审查规则 第十一条: any lawful form may be used)."""

    CASH = "cash"  # 现金/转账（基本账户）
    CHEQUE = "cheque"  # 支票
    BANK_GUARANTEE = "bank_guarantee"  # 银行保函
    E_GUARANTEE = "e_guarantee"  # 电子保函
    INSURANCE = "insurance"  # 保证保险


class Project(_Form):
    """招标项目: name, code, tenderee, agency, location, funding."""

    name: Name
    code: Name
    tenderee: Name
    agency: Name
    location: Name
    funding_source: Name = "国有资金"
    approval: str = ""


class SectionInfo(_Form):
    """标段: name, code, scope (招标范围), duration (工期) and quality target."""

    name: Name
    code: Name
    scope: Text
    duration_days: int = Field(gt=0, le=3650)
    quality_standard: Name = "合格"


class Schedule(_Form):
    """时间安排; the names match the lead's Section aggregate."""

    sale_start: AwareDatetime
    sale_end: AwareDatetime
    bid_deadline: AwareDatetime
    decryption_minutes: int = Field(ge=1, le=600)
    publicity_days: int = Field(ge=0, le=60)
    bid_validity_days: int | None = Field(default=None, ge=0, le=365)


class KeyStaff(_Form):
    """主要人员: role, required certificate and count."""

    role: Name
    certificate: str = ""
    count: int = Field(default=1, ge=1, le=100)


class Qualification(_Form):
    """资格条件, structured so proportionality can be checked against the estimated price."""

    grade: str = ""  # 资质类别及等级, e.g. 建筑工程施工总承包二级及以上
    registered_capital_min: Money | None = None
    annual_turnover_min: Money | None = None
    past_project_count: int = Field(default=0, ge=0, le=100)
    past_project_value_min: Money | None = None
    past_project_years: int = Field(default=5, ge=0, le=20)
    key_staff: list[KeyStaff] = Field(default_factory=list)
    consortium_allowed: bool = False
    other: Text = ""


class BidSecurity(_Form):
    """投标保证金: amount and accepted forms."""

    amount: Money | None = None
    validity_days: int | None = Field(default=None, ge=0, le=365)  # None: same as the bid validity
    forms: list[SecurityForm] = Field(default_factory=lambda: list(SecurityForm))


class RubricItemForm(_Form):
    """评分因素: name, group (商务/技术/价格), maximum, objective or subjective, the test or bands."""

    name: Name
    group: Name = "技术"
    maximum: Decimal = Field(ge=0, le=1000, decimal_places=2)
    objective: bool
    test: Text = ""
    is_price: bool = False


class PriceFormulaForm(_Form):
    """价格分: base price = mean of valid bids × K, K drawn at the opening from ``k_values``."""

    base: Name = "有效投标报价算术平均值"
    k_values: list[Annotated[Decimal, Field(gt=0, le=2, decimal_places=3)]]
    above_penalty: Decimal = Field(ge=0, le=100, decimal_places=2)
    below_penalty: Decimal = Field(ge=0, le=100, decimal_places=2)
    full_score: Decimal = Field(ge=0, le=1000, decimal_places=2)


class Evaluation(_Form):
    """评标办法: method, total, rubric items and the price formula."""

    method: EvaluationMethod
    total: Decimal = Field(default=Decimal(100), gt=0, le=1000)
    items: list[RubricItemForm] = Field(default_factory=list)
    price_formula: PriceFormulaForm | None = None


class Committee(_Form):
    """评标委员会: size and how many are drawn experts (the rest represent the tenderee)."""

    size: int = Field(ge=1, le=99)
    experts: int = Field(ge=0, le=99)


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
            **{f"evaluation.items.{n}.test": item.test for n, item in enumerate(self.evaluation.items)},
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


def to_facts(form: TenderForm) -> TenderFacts:
    """The ``TenderFacts`` the structured rules read from this form."""
    ev = form.evaluation
    pf = ev.price_formula
    return TenderFacts(
        project_type=form.project_type,
        estimated_price=form.estimated_price,
        ceiling_price=form.ceiling_price,
        sale_start=form.schedule.sale_start,
        sale_end=form.schedule.sale_end,
        bid_deadline=form.schedule.bid_deadline,
        decryption_minutes=form.schedule.decryption_minutes,
        publicity_days=form.schedule.publicity_days,
        bid_validity_days=form.schedule.bid_validity_days,
        bid_security=form.bid_security.amount,
        performance_security_percent=form.contract.performance_security_percent,
        committee_size=form.committee.size,
        committee_experts=form.committee.experts,
        evaluation_method=ev.method,
        rubric=tuple(RubricItem(i.name, i.maximum, i.objective, i.test, i.is_price) for i in ev.items),
        rubric_total=ev.total,
        price_formula=(
            None if pf is None else PriceFormula(tuple(pf.k_values), pf.above_penalty, pf.below_penalty, pf.full_score)
        ),
        registered_capital_min=form.qualification.registered_capital_min,
        annual_turnover_min=form.qualification.annual_turnover_min,
        past_project_count=form.qualification.past_project_count,
        past_project_value_min=form.qualification.past_project_value_min,
        qualification_grade=form.qualification.grade or None,
        price_floor=form.price_floor,
        bid_security_validity_days=form.bid_security.validity_days,
    )
