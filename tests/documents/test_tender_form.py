"""The tender form: parsing, every invalid path at once, conversion to facts, the demo passes."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from fairbid.documents import TenderForm, TenderFormInvalid, check_form, demo_form_json, parse_form, to_facts
from fairbid.domain.errors import InvalidInput
from fairbid.domain.rules import ProjectType, blocking

ON = date(2026, 11, 27)


def demo_dict() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(demo_form_json())
    return data


def test_demo_form_passes_every_rule(form: TenderForm) -> None:
    assert check_form(form, on=ON) == []


def test_malformed_form_reports_every_invalid_path_at_once() -> None:
    data = demo_dict()
    data["estimated_price"] = "三亿"
    data["schedule"]["sale_end"] = "2026-12-07T17:00:00"  # naive: no offset
    data["committee"]["size"] = "seven"
    del data["project"]["tenderee"]
    data["bogus"] = 1
    with pytest.raises(TenderFormInvalid) as info:
        parse_form(data)
    fields = {e["field"] for e in info.value.errors}
    assert fields == {"estimated_price", "schedule.sale_end", "committee.size", "project.tenderee", "bogus"}
    assert isinstance(info.value, InvalidInput)
    assert "5 invalid field" in info.value.detail


def test_invalid_json_is_reported_as_invalid_form() -> None:
    with pytest.raises(TenderFormInvalid):
        parse_form(b"{not json")


def test_to_facts_carries_amounts_schedule_and_the_terms(form: TenderForm) -> None:
    facts = to_facts(form)
    assert facts.project_type is ProjectType.WORKS
    assert facts.estimated_price == Decimal("386000000.00")
    assert facts.bid_deadline == form.schedule.bid_deadline
    scoring = facts.terms.scoring
    assert scoring is not None
    assert [i.item_id for i in scoring.objective] == [i.item_id for i in form.evaluation.objective]
    assert [i.item_id for i in scoring.subjective] == [i.item_id for i in form.evaluation.subjective]
    assert facts.terms.k_values == tuple(Decimal(k) for k in ("0.95", "0.96", "0.97", "0.98", "0.99"))
    assert facts.terms.committee.size == 7 and facts.terms.committee.representatives == 2


def test_check_form_flags_structured_and_text_problems_with_fields() -> None:
    data = demo_dict()
    data["bid_security"]["amount"] = "900000"
    data["free_text"]["technical_requirements"] = "水泵品牌须为格兰富。"
    found = check_form(parse_form(data), on=ON)
    by_rule = {f.rule: f for f in found}
    assert by_rule["T10"].field == "bid_security.amount"
    x07 = by_rule["X07"]
    assert x07.field == "free_text.technical_requirements" and x07.span is not None
    assert blocking(found)
