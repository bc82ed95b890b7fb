"""The candidates' publicity: its window to 24:00 Beijing time of the third day (条例 第五十四条, 民法典
第二百零一条、第二百零三条) and its required contents (国家发展改革委令第10号 第六条)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from fairbid.domain.award import CandidatePublicity, ObjectionChannel, ProjectManager, build_publicity, publicity_window
from fairbid.domain.errors import InvalidInput, RuleViolation
from tests.award_factory import BJ, CAL, EVALUATION_ENDED, publicity, publicity_candidates

FIELDS = dict(
    section_id="s",
    section_code="C",
    section_name="n",
    project_name="p",
    tenderee="t",
    agency=None,
)


def _build(**changes: object) -> CandidatePublicity:
    base = publicity()
    kwargs = dict(
        FIELDS,
        window=base.window,
        candidates=base.candidates,
        evaluation=base.evaluation,
        rejected=base.rejected,
        objection=base.objection,
        supervisor=base.supervisor,
    )
    kwargs.update(changes)
    return build_publicity(**kwargs)  # type: ignore[arg-type]


def test_publicity_runs_to_24_00_beijing_of_the_third_day_not_72_hours() -> None:
    window = publicity_window(EVALUATION_ENDED, calendar=CAL)  # Tuesday 2026-03-10 15:00 Beijing
    assert window.opens_at == EVALUATION_ENDED
    assert window.ends_at == datetime(2026, 3, 14, 0, 0, tzinfo=BJ) == datetime(2026, 3, 13, 16, tzinfo=UTC)
    evening_of_day_3 = datetime(2026, 3, 13, 23, 30, tzinfo=BJ)
    assert evening_of_day_3 > EVALUATION_ENDED + timedelta(hours=72)  # the old rule refused it
    assert window.is_open(evening_of_day_3)
    assert not window.is_open(datetime(2026, 3, 14, 0, 0, 1, tzinfo=BJ))
    assert not window.is_open(EVALUATION_ENDED - timedelta(seconds=1))


def test_publicity_ending_on_a_weekend_runs_to_the_next_working_day() -> None:
    window = publicity_window(datetime(2026, 3, 12, 10, tzinfo=BJ), calendar=CAL)  # 3rd day: Sunday 15th
    assert window.ends_at == datetime(2026, 3, 17, 0, 0, tzinfo=BJ)


def test_publicity_shorter_than_three_days_is_refused() -> None:
    with pytest.raises(RuleViolation) as refused:
        publicity_window(EVALUATION_ENDED, days=2, calendar=CAL)
    assert refused.value.rule == "T17" and refused.value.citation == "招标投标法实施条例 第五十四条"
    assert publicity_window(EVALUATION_ENDED, days=5, calendar=CAL).days == 5


def test_full_publicity_carries_every_item_of_order_10_article_6() -> None:
    p = publicity()
    assert [c.rank for c in p.candidates] == [1, 2, 3]
    first = p.candidates[0]
    assert first.price > 0 and first.quality and first.duration_days == 365
    assert first.project_manager.certificate_no and first.qualifications
    assert {line.bidder_name for line in p.evaluation.lines} >= {c.bidder_name for c in p.candidates}
    assert p.rejected[0].reason and "第五十一条" in p.rejected[0].citation
    assert p.objection.how and p.objection.contact and p.objection.answer_days == 3
    assert p.citation == "国家发展改革委令第10号 第六条"
    assert p.candidate("bid-b").rank == 2
    with pytest.raises(InvalidInput):
        p.candidate("bid-x")


def test_missing_project_manager_certificate_and_qualifications_are_named() -> None:
    first, *rest = publicity_candidates()
    bad = replace(first, project_manager=ProjectManager("王建国", "一级注册建造师", " "), qualifications=())
    with pytest.raises(RuleViolation) as refused:
        _build(candidates=(bad, *rest))
    assert refused.value.citation == "国家发展改革委令第10号 第六条"
    assert "第六条第二项" in refused.value.detail and "第六条第三项" in refused.value.detail


def test_missing_objection_contact_and_summary_line_are_named() -> None:
    base = publicity()
    lines = tuple(line for line in base.evaluation.lines if line.bidder_name != base.candidates[2].bidder_name)
    with pytest.raises(RuleViolation) as refused:
        _build(objection=ObjectionChannel("在线", ""), evaluation=replace(base.evaluation, lines=lines))
    assert "第六条第四项" in refused.value.detail and "evaluation summary" in refused.value.detail


def test_candidates_must_be_ranked_one_to_three() -> None:
    first, second, third = publicity_candidates()
    with pytest.raises(RuleViolation, match="ranked 1, 2, 3"):
        _build(candidates=(first, third))
    with pytest.raises(RuleViolation):
        _build(candidates=())
    assert [c.rank for c in _build(candidates=(third, first, second)).candidates] == [1, 2, 3]
