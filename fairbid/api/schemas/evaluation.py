"""Schemas for score sheets, verdicts on the machine review and warnings."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, Field

from fairbid.services.evaluation.scoring import SheetsView

__all__ = ["AnswerWarningIn", "CheckOut", "RaisedOut", "SheetIn", "SheetOut", "SheetsOut", "VerdictIn", "WarningOut"]


class SheetIn(BaseModel):
    scores: dict[str, Decimal]
    stated_total: Decimal | None = None


class RaisedOut(BaseModel):
    warnings_raised: int


class AnswerWarningIn(BaseModel):
    revised: bool
    reason: str = Field(max_length=4000)
    scores: dict[str, Decimal] | None = None
    stated_total: Decimal | None = None


class VerdictIn(BaseModel):
    bid_id: str
    check_id: str
    agrees: bool
    reason: str = Field("", max_length=4000)


class SheetOut(BaseModel):
    expert_id: str
    bid_id: str
    scores: dict[str, Decimal]
    stated_total: Decimal | None
    revision_reason: str


class WarningOut(BaseModel):
    warning_id: str
    kind: str
    bid_id: str
    detail: str
    answered: bool


class CheckOut(BaseModel):
    bid_id: str
    check_id: str
    kind: str
    passed: bool
    reason: str
    citation: str
    disputed_by: int


class ObjectiveOut(BaseModel):
    """The machine's score of one objective item for one bid, and the facts it rests on (1117号 (五))."""

    item_id: str
    score: Decimal
    evidence: str


class SheetsOut(BaseModel):
    me: str
    bids: list[str]
    subjective_items: list[tuple[str, str, Decimal, Decimal]]
    sheets: list[SheetOut]
    all_in: bool
    warnings: list[WarningOut]
    checks: list[CheckOut]
    price_scores: dict[str, str]
    objective: dict[str, list[ObjectiveOut]]

    @classmethod
    def of(cls, v: SheetsView) -> SheetsOut:
        return cls(
            me=v.expert_id,
            bids=list(v.bids),
            subjective_items=[(i.item_id, i.name, i.min_score, i.max_score) for i in v.rubric.subjective],
            sheets=[
                SheetOut(
                    expert_id=s.expert_id,
                    bid_id=s.bid_id,
                    scores=dict(s.scores),
                    stated_total=s.stated_total,
                    revision_reason=s.revision_reason,
                )
                for s in v.sheets
            ],
            all_in=v.all_in,
            warnings=[
                WarningOut(warning_id=w.warning_id, kind=w.kind.value, bid_id=w.bid_id, detail=w.detail, answered=a)
                for w, a in v.warnings
            ],
            checks=[
                CheckOut(
                    bid_id=r.bid_id,
                    check_id=c.check_id,
                    kind=c.kind.value,
                    passed=c.passed,
                    reason=c.reason,
                    citation=c.citation,
                    disputed_by=len(c.disputed_by),
                )
                for r in v.reviews
                for c in r.results
            ],
            price_scores=dict(v.price_scores),
            objective={
                bid: [ObjectiveOut(item_id=o.item_id, score=o.score, evidence=o.evidence) for o in scores]
                for bid, scores in v.objective.items()
            },
        )
