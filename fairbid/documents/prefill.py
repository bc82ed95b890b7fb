"""Pre-filling the standard form from a section: the demo and the tests start from the shipped sample."""

from __future__ import annotations

import json
from decimal import Decimal

from fairbid.documents.form import TenderForm, parse_form
from fairbid.documents.sample import demo_form_json
from fairbid.domain.section import Section

__all__ = ["prefilled_form"]


def prefilled_form(
    section: Section, *, project_name: str | None = None, duration_days: int | None = None
) -> TenderForm:
    """The sample construction form with this section's name, code, prices and schedule filled in."""
    form = json.loads(demo_form_json())
    form["section"].update({"name": section.name, "code": section.code})
    if duration_days is not None:
        form["section"]["duration_days"] = duration_days
    if project_name:
        form["project"]["name"] = project_name
    form["project_type"] = section.kind.value
    form["estimated_price"] = str(section.estimated_price)
    form["ceiling_price"] = str(section.ceiling_price)
    sched = section.schedule
    form["schedule"].update(
        {
            "sale_start": sched.sale_start.isoformat(),
            "sale_end": sched.sale_end.isoformat(),
            "bid_deadline": sched.bid_deadline.isoformat(),
            "decryption_minutes": sched.decryption_minutes,
            "publicity_days": sched.publicity_days,
        }
    )
    # keep the amounts in proportion to this section (条例 第二十六条: security ≤ 2 % of the estimate)
    form["bid_security"]["amount"] = str((section.estimated_price * Decimal("0.015")).quantize(Decimal("1")))
    # a similar contract is one of at least half this section's estimate (条例 第三十二条: proportionate)
    similar = str((section.estimated_price * Decimal("0.5")).quantize(Decimal("1")))
    form["qualification"]["similar_contracts"]["min_amount"] = similar
    for item in form["evaluation"]["objective"]:
        if item["test"]["kind"] == "similar_contracts":
            item["test"]["min_amount"] = similar
    return parse_form(form)
