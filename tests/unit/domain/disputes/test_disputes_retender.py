"""Re-tendering a failed section (重新招标): a new draft copied from it, linked, with the failure's cause."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from fairbid.domain.disputes import RetenderCause, retender_draft
from fairbid.domain.errors import InvalidInput, InvalidTransition
from fairbid.domain.section import Schedule, Section, SectionKind, SectionStatus
from tests.award_factory import BJ


def failed_section(code: str = "CDPG-SG-01", status: SectionStatus = SectionStatus.FAILED) -> Section:
    t0 = datetime(2026, 5, 1, 9, tzinfo=BJ)
    return Section(
        id="sec-1", project_id="p-1", code=code, name="滨江路改造工程施工一标段", kind=SectionKind.WORKS,
        estimated_price=Decimal("12000000"), ceiling_price=Decimal("12800000"),
        schedule=Schedule(t0, t0 + timedelta(days=5), t0 + timedelta(days=21), 20, 5),
        tenderee_id="org-t", agency_id="org-g", status=status, state_funded=False,
        outcome_reason="截止时间前只收到2份投标文件，不予开标。",
    )  # fmt: skip


def test_a_failed_section_is_re_tendered_linked_with_its_cause() -> None:
    draft = retender_draft(failed_section(), cause=RetenderCause.TOO_FEW_BIDS)
    assert (draft.previous_section_id, draft.code, draft.attempt) == ("sec-1", "CDPG-SG-01-R2", 2)
    assert draft.name.endswith("（重新招标）") and draft.cause_text.startswith("截止时间前只收到2份")
    assert draft.citation == "招标投标法 第二十八条; 招标投标法实施条例 第四十四条第二款"
    assert (draft.ceiling_price, draft.state_funded, draft.decryption_minutes, draft.publicity_days) == (
        Decimal("12800000"), False, 20, 5,
    )  # fmt: skip
    again = retender_draft(replace(failed_section("CDPG-SG-01-R2"), name=draft.name), cause=RetenderCause.ALL_REJECTED)
    assert again.code == "CDPG-SG-01-R3" and again.name == draft.name


def test_only_failed_sections_are_re_tendered_and_other_causes_are_described() -> None:
    with pytest.raises(InvalidTransition):
        retender_draft(failed_section(status=SectionStatus.AWARDED), cause=RetenderCause.TOO_FEW_BIDS)
    with pytest.raises(InvalidInput):
        retender_draft(failed_section(), cause=RetenderCause.OTHER)
    assert retender_draft(failed_section(), cause=RetenderCause.OTHER, cause_text="项目规模调整").citation == ""
