"""Expert score sheets, aggregation (mean / trimmed mean) and warnings."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairbid.domain.errors import (
    Conflict,
    DeadlinePassed,
    InvalidInput,
    InvalidTransition,
    NotPermitted,
    RuleViolation,
)
from fairbid.domain.evaluation import (
    Aggregation,
    Rubric,
    RubricItem,
    ScoreSheet,
    WarningKind,
    aggregate_scores,
    all_submitted,
    answer_warning,
    check_sheet,
    ensure_warnings_resolved,
    score_warnings,
    unresolved_warnings,
    visible_sheets,
)

D = Decimal
NOW = datetime(2026, 11, 27, 9, tzinfo=UTC)
DEADLINE = NOW + timedelta(hours=2)
RUBRIC = Rubric(
    items=(
        RubricItem("tech", "技术方案", D(20), subjective=True),
        RubricItem("plan", "施工组织", D(10), subjective=True),
        RubricItem("credit", "信用分", D(5), subjective=False),
    )
)
COMMITTEE = ("X1", "X2", "X3", "X4", "X5")
BIDS = frozenset({"B1", "B2"})
OBJECTIVE = {"B1": {"credit": D(5)}, "B2": {"credit": D(3)}}


def sheet(expert: str, bid: str, tech: str, plan: str, **extra: object) -> ScoreSheet:
    return ScoreSheet(expert, bid, {"tech": D(tech), "plan": D(plan)}, NOW, **extra)  # type: ignore[arg-type]


def check(s: ScoreSheet, previous: ScoreSheet | None = None) -> ScoreSheet:
    return check_sheet(s, RUBRIC, committee=frozenset(COMMITTEE), bids=BIDS, deadline=DEADLINE, previous=previous)


def calm_sheets() -> list[ScoreSheet]:
    out = []
    for i, expert in enumerate(COMMITTEE):
        out.append(sheet(expert, "B1", str(15 + i % 2), str(7 + (i % 3) * D("0.5"))))
        out.append(sheet(expert, "B2", str(12 + i % 3), str(6 + i % 2)))
    return out


def test_check_sheet_accepts_valid_sheet() -> None:
    s = sheet("X1", "B1", "15", "7.5")
    assert check(s) is s


@pytest.mark.parametrize(
    ("s", "error", "words"),
    [
        (sheet("Y9", "B1", "1", "1"), NotPermitted, "not on this committee"),
        (sheet("X1", "B9", "1", "1"), InvalidInput, "not under evaluation"),
        (sheet("X1", "B1", "21", "1"), InvalidInput, "outside"),
        (sheet("X1", "B1", "-1", "1"), InvalidInput, "outside"),
        (ScoreSheet("X1", "B1", {"tech": D(1)}, NOW), InvalidInput, "not scored: plan"),
        (
            ScoreSheet("X1", "B1", {"tech": D(1), "plan": D(1), "credit": D(5)}, NOW),
            InvalidInput,
            "objective",
        ),
        (ScoreSheet("X1", "B1", {"tech": D(1), "plan": D(1), "zzz": D(1)}, NOW), InvalidInput, "not in the"),
        (ScoreSheet("X1", "B1", {"tech": D("NaN"), "plan": D(1)}, NOW), InvalidInput, "finite"),
        (
            replace(sheet("X1", "B1", "1", "1"), submitted_at=DEADLINE + timedelta(seconds=1)),
            DeadlinePassed,
            "due",
        ),
    ],
)
def test_check_sheet_rejects_bad_input(s: ScoreSheet, error: type[Exception], words: str) -> None:
    with pytest.raises(error, match=words):
        check(s)


def test_check_sheet_refuses_change_after_submission_without_reason() -> None:
    first = check(sheet("X1", "B1", "15", "7"))
    assert check(sheet("X1", "B1", "15", "7"), previous=first) is first  # same scores again: harmless
    with pytest.raises(Conflict, match="already submitted"):
        check(sheet("X1", "B1", "16", "7"), previous=first)
    revised = sheet("X1", "B1", "16", "7", revision_reason="复核后调整")
    assert check(revised, previous=first) is revised


def test_visible_sheets_hides_others_until_all_submitted() -> None:
    sheets = calm_sheets()
    assert all_submitted(sheets, COMMITTEE, BIDS)
    assert len(visible_sheets(sheets, viewer="X1", committee=COMMITTEE, bids=BIDS)) == 10
    partial = sheets[:-1]
    assert not all_submitted(partial, COMMITTEE, BIDS)
    mine = visible_sheets(partial, viewer="X1", committee=COMMITTEE, bids=BIDS)
    assert {s.expert_id for s in mine} == {"X1"}


def test_aggregate_scores_mean_plus_machine_items() -> None:
    result = aggregate_scores(RUBRIC, calm_sheets(), OBJECTIVE, committee=COMMITTEE)
    b1 = result.scores["B1"]
    assert b1.items["tech"] == D("15.40")  # (15+16+15+16+15)/5
    assert b1.items["plan"] == D("7.40")  # (7+7.5+8+7+7.5)/5
    assert b1.objective_total == D(5)
    assert b1.total == D("27.80")
    assert result.warnings == ()


def test_aggregate_scores_trimmed_mean_from_seven_experts() -> None:
    committee = tuple(f"X{i}" for i in range(1, 8))
    rubric = replace(RUBRIC, aggregation=Aggregation.TRIMMED_MEAN)
    techs = ["10", "12", "12", "12", "12", "12", "20"]
    sheets = [sheet(e, "B1", t, "5") for e, t in zip(committee, techs, strict=True)]
    result = aggregate_scores(rubric, sheets, {"B1": {"credit": D(1)}}, committee=committee)
    assert result.scores["B1"].items["tech"] == D("12.00")
    five = aggregate_scores(rubric, calm_sheets(), OBJECTIVE, committee=COMMITTEE)
    assert five.scores["B1"].items["tech"] == D("15.40")  # fewer than 7: plain mean


def test_aggregate_scores_refuses_partial_committee_and_outsiders() -> None:
    with pytest.raises(InvalidTransition, match="missing"):
        aggregate_scores(RUBRIC, calm_sheets()[:-1], OBJECTIVE, committee=COMMITTEE)
    with pytest.raises(NotPermitted):
        aggregate_scores(RUBRIC, [*calm_sheets(), sheet("Y9", "B1", "1", "1")], OBJECTIVE, committee=COMMITTEE)
    with pytest.raises(InvalidInput, match="machine"):
        aggregate_scores(RUBRIC, calm_sheets(), {"B1": {}, "B2": {"credit": D(3)}}, committee=COMMITTEE)


def test_deviation_warning_when_far_from_the_others() -> None:
    sheets = calm_sheets()
    sheets[0] = sheet("X1", "B1", "5", "7")  # others average 15.5; limit 20 % of 20 = 4
    result = aggregate_scores(RUBRIC, sheets, OBJECTIVE, committee=COMMITTEE)
    [warning] = result.warnings
    assert (warning.kind, warning.experts, warning.item_id) == (WarningKind.DEVIATION, ("X1",), "tech")
    assert warning.reference == D("15.5")
    assert "15.50" in warning.detail


@pytest.mark.parametrize(("score", "warned"), [("14", False), ("14.01", True), ("6", False), ("5.99", True)])
def test_deviation_warned_only_beyond_threshold(score: str, warned: bool) -> None:
    sheets = [sheet(e, "B1", "10", "5") for e in COMMITTEE[1:]] + [sheet("X1", "B1", score, "5")]
    sheets += [sheet(e, "B2", "10", str(5 + i % 2)) for i, e in enumerate(COMMITTEE)]
    result = aggregate_scores(RUBRIC, sheets, OBJECTIVE, committee=COMMITTEE)
    deviations = [w for w in result.warnings if w.kind is WarningKind.DEVIATION]
    assert bool(deviations) is warned


def test_identical_sheets_and_arithmetic_warnings() -> None:
    sheets = calm_sheets()
    sheets[2] = sheet("X2", "B1", "15", "7")  # same as X1 on B1
    sheets[4] = sheet("X3", "B1", "15", "8", stated_total=D(24))
    result = aggregate_scores(RUBRIC, sheets, OBJECTIVE, committee=COMMITTEE)
    kinds = {(w.kind, w.experts) for w in result.warnings}
    assert (WarningKind.IDENTICAL_SHEETS, ("X1", "X2")) in kinds
    assert (WarningKind.ARITHMETIC, ("X3",)) in kinds


def test_warned_expert_must_answer_with_reason() -> None:
    sheets = calm_sheets()
    sheets[0] = sheet("X1", "B1", "5", "7")
    warnings = aggregate_scores(RUBRIC, sheets, OBJECTIVE, committee=COMMITTEE).warnings
    with pytest.raises(RuleViolation, match="unanswered"):
        ensure_warnings_resolved(warnings, [])
    with pytest.raises(InvalidInput, match="written reason"):
        answer_warning(warnings[0], expert_id="X1", revised=False, reason="", at=NOW)
    with pytest.raises(NotPermitted):
        answer_warning(warnings[0], expert_id="X2", revised=False, reason="同意", at=NOW)
    answer = answer_warning(warnings[0], expert_id="X1", revised=False, reason="方案缺少关键工序", at=NOW)
    assert unresolved_warnings(warnings, [answer]) == ()
    ensure_warnings_resolved(warnings, [answer])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.decimals(min_value=0, max_value=20, places=1), min_size=5, max_size=5))
def test_aggregated_scores_stay_within_bounds(techs: list[Decimal]) -> None:
    sheets = [sheet(e, "B1", str(t), "10") for e, t in zip(COMMITTEE, techs, strict=True)]
    sheets += [sheet(e, "B2", "0", "0") for e in COMMITTEE]
    for aggregation in Aggregation:
        result = aggregate_scores(replace(RUBRIC, aggregation=aggregation), sheets, OBJECTIVE, committee=COMMITTEE)
        assert min(techs) <= result.scores["B1"].items["tech"] <= max(techs)
        assert D(0) <= result.scores["B1"].total <= D(35)


def test_score_warnings_alone_match_aggregation_warnings() -> None:
    sheets = calm_sheets()
    sheets[0] = sheet("X1", "B1", "5", "7", stated_total=D(11))
    sheets[2] = sheet("X2", "B1", "5", "7")
    result = aggregate_scores(RUBRIC, sheets, OBJECTIVE, committee=COMMITTEE)
    by_bid = {bid: {s.expert_id: s for s in sheets if s.bid_id == bid} for bid in sorted(BIDS)}
    assert score_warnings(RUBRIC, by_bid, COMMITTEE) == result.warnings
    assert {w.kind for w in result.warnings} == set(WarningKind)
