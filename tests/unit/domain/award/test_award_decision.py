"""The award decision (定标): state-funded rank 1 unless a 条例 第五十五条 cause is recorded; otherwise the
tenderee's choice among the candidates with a written reason (招标投标法 第四十条第二款)."""

from __future__ import annotations

from datetime import datetime

import pytest

import fairbid.domain.evaluation as evaluation
from fairbid.domain.award import PassOver, Rank1Exception, decide_award, select_winner
from fairbid.domain.errors import InvalidInput, RuleViolation
from tests.award_factory import BJ, SECTION_ID, candidates

AT = datetime(2026, 3, 16, 9, tzinfo=BJ)
GAVE_UP = PassOver("bid-a", Rank1Exception.GAVE_UP, "2026年3月15日书面放弃中标")


def test_state_funded_awards_rank_one_with_the_rule() -> None:
    d = decide_award(candidates(), section_id=SECTION_ID, state_funded=True, decided_at=AT)
    assert d.winner.rank == 1 and d.winner.bid_id == "bid-a"
    assert d.citation == "招标投标法实施条例 第五十五条" and "排名第一" in d.reason


def test_state_funded_cannot_pick_candidate_two_without_a_cause() -> None:
    with pytest.raises(RuleViolation) as refused:
        decide_award(candidates(), section_id=SECTION_ID, state_funded=True, decided_at=AT, chosen="bid-b",
                     reason="报价更合理")  # fmt: skip
    assert refused.value.citation == "招标投标法实施条例 第五十五条" and refused.value.rule == "T18"
    assert "放弃中标" in refused.value.detail  # names the causes that would allow it


def test_state_funded_takes_candidate_two_when_rank_one_gives_up_with_the_facts() -> None:
    d = decide_award(
        candidates(), section_id=SECTION_ID, state_funded=True, decided_at=AT, chosen="bid-b", passed_over=[GAVE_UP]
    )
    assert d.winner.rank == 2 and d.passed_over == (GAVE_UP,)
    assert "排名第1的中标候选人放弃中标（2026年3月15日书面放弃中标）" in d.reason
    assert "依次确定排名第2" in d.reason


def test_state_funded_next_after_rank_one_is_two_not_three() -> None:
    security = PassOver("bid-a", Rank1Exception.NO_PERFORMANCE_SECURITY, "未在规定时间内提交履约保证金")
    with pytest.raises(RuleViolation, match="ranked 2"):
        decide_award(candidates(), section_id=SECTION_ID, state_funded=True, decided_at=AT, chosen="bid-c",
                     passed_over=[security])  # fmt: skip


def test_a_cause_without_written_facts_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        decide_award(candidates(), section_id=SECTION_ID, state_funded=True, decided_at=AT,
                     passed_over=[PassOver("bid-a", Rank1Exception.VIOLATION_FOUND, " ")])  # fmt: skip
    assert refused.value.field == "passed_over"


def test_every_candidate_set_aside_means_re_tender() -> None:
    everyone = [PassOver(b, Rank1Exception.GAVE_UP, "书面放弃中标") for b in ("bid-a", "bid-b", "bid-c")]
    with pytest.raises(RuleViolation, match="re-tender"):
        decide_award(candidates(), section_id=SECTION_ID, state_funded=True, decided_at=AT, passed_over=everyone)


def test_non_state_funded_tenderee_picks_candidate_two_with_a_reason() -> None:
    d = decide_award(candidates(), section_id=SECTION_ID, state_funded=False, decided_at=AT, chosen="bid-b",
                     reason="第二名的施工组织设计更适合汛期施工，项目负责人有同类项目经验。")  # fmt: skip
    assert d.winner.bid_id == "bid-b" and d.citation == "招标投标法 第四十条第二款"
    assert d.reason.startswith("第二名的施工组织设计")


def test_non_state_funded_choice_without_a_reason_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        decide_award(candidates(), section_id=SECTION_ID, state_funded=False, decided_at=AT, chosen="bid-b")
    assert refused.value.field == "reason"
    default = decide_award(candidates(), section_id=SECTION_ID, state_funded=False, decided_at=AT)
    assert default.winner.rank == 1 and default.reason


def test_a_winner_outside_the_candidates_is_void() -> None:
    with pytest.raises(RuleViolation) as refused:
        decide_award(candidates(), section_id=SECTION_ID, state_funded=False, decided_at=AT, chosen="bid-z",
                     reason="价格最低的非候选人")  # fmt: skip
    assert refused.value.citation == "招标投标法 第五十七条"


def test_candidates_out_of_order_or_too_many_are_refused() -> None:
    a, b, c = candidates()
    with pytest.raises(InvalidInput, match="rank order"):
        decide_award((b, a, c), section_id=SECTION_ID, state_funded=True, decided_at=AT)
    with pytest.raises(RuleViolation, match="1 to 3"):
        decide_award((), section_id=SECTION_ID, state_funded=True, decided_at=AT)
    with pytest.raises(ValueError, match="aware"):
        decide_award((a, b, c), section_id=SECTION_ID, state_funded=True, decided_at=datetime(2026, 3, 16))


def test_evaluation_still_exports_the_moved_rule() -> None:
    assert evaluation.select_winner is select_winner and evaluation.Rank1Exception is Rank1Exception
