"""暗标: identity markers in a blind technical proposal, spacing tricks, no false positives, codes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairbid.domain.credit_code import check_character
from fairbid.domain.errors import InvalidInput
from fairbid.domain.evaluation.blind import (
    BLIND_CHECK_ID,
    BidderIdentity,
    MarkerKind,
    assign_blind_codes,
    find_identity_markers,
    normalise_for_search,
    review_blind_proposal,
)
from fairbid.domain.evaluation.review import CheckKind

_FIRST17 = "91430100MA4L0XY31"
CODE = _FIRST17 + check_character(_FIRST17)
IDENTITY = BidderIdentity(
    company_names=("湖南湘江建工集团有限公司", "湘江建工"),
    credit_code=CODE,
    staff_names=("张三丰", "李强"),
)
CLEAN = (
    "第一章 施工部署。本工程由项目经理部统一组织，采用流水施工，质量目标合格，安全文明施工。"
    "第二章 进度计划：基础阶段三十天，主体阶段九十天。我公司将严格执行建设工程质量管理条例。"
)


class Counting:
    def __init__(self, seed: int) -> None:
        self.state = seed

    def below(self, n: int) -> int:
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) % 2**64
        return (self.state >> 11) % n


def test_clean_proposal_passes() -> None:
    review = review_blind_proposal("bid-1", "暗标01", CLEAN, IDENTITY)
    assert review.passed and review.markers == ()
    check = review.as_check()
    assert (check.check_id, check.kind, check.passed) == (BLIND_CHECK_ID, CheckKind.FORMAL, True)


def test_company_name_credit_code_and_staff_are_found_with_spans() -> None:
    text = CLEAN + f"编制单位：湖南湘江建工集团有限公司（{CODE}），项目经理张三丰。"
    markers, _ = find_identity_markers(text, IDENTITY)
    kinds = [m.kind for m in markers]
    assert kinds == [MarkerKind.COMPANY_NAME, MarkerKind.CREDIT_CODE, MarkerKind.STAFF_NAME]
    for m in markers:
        assert text[m.start : m.end] == m.found
    assert markers[0].found == "湖南湘江建工集团有限公司"  # the full name, not its short form inside it


def test_spacing_and_full_width_tricks_are_seen_through() -> None:
    full_width_code = "".join(chr(ord(c) + 0xFEE0) for c in CODE)  # ９１４３…
    text = f"湘 江 建 工 负责本项目。代码：{full_width_code}。负责人：张·三·丰，李\u200b强。"
    markers, _ = find_identity_markers(text, IDENTITY)
    found = {(m.kind, m.found) for m in markers}
    assert (MarkerKind.COMPANY_NAME, "湘 江 建 工") in found
    assert (MarkerKind.CREDIT_CODE, full_width_code) in found
    assert (MarkerKind.STAFF_NAME, "张·三·丰") in found
    assert (MarkerKind.STAFF_NAME, "李\u200b强") in found


def test_organisation_code_inside_the_credit_code_is_a_marker() -> None:
    org = CODE[8:16] + "-" + CODE[16]  # the old 组织机构代码 form XXXXXXXX-X
    markers, _ = find_identity_markers(f"组织机构代码 {org}", IDENTITY)
    assert [m.kind for m in markers] == [MarkerKind.ORGANISATION_CODE]


def test_generic_and_short_facts_are_not_searched() -> None:
    identity = BidderIdentity(company_names=("建工", "中建", "湖南建设工程有限公司"), staff_names=("文明", "王"))
    markers, ignored = find_identity_markers("建工质量文明施工，王师傅负责建设工程。", identity)
    assert markers == ()
    why = dict(ignored)
    assert why["建工"] == "a generic word" and why["文明"] == "a generic word"
    assert why["王"] == "too short to search without false matches"
    assert "湖南建设工程" not in why  # the short form derived from the full name is searched (and absent)


def test_facts_quoted_in_the_tender_document_are_not_searched() -> None:
    identity = BidderIdentity(company_names=("湘江建工集团",))
    text = "按湘江建工集团标准图集施工。"
    assert find_identity_markers(text, identity)[0] != ()
    markers, ignored = find_identity_markers(text, identity, common_text="参照湘江建工集团标准图集。")
    assert markers == () and dict(ignored)["湘江建工集团"] == "it appears in the tender document"


def test_ascii_facts_must_stand_alone() -> None:
    identity = BidderIdentity(company_names=("XJJG",), other=("13800138000",))
    markers, _ = find_identity_markers("XJJGX 1380013800012 is not; XJJG and tel 13800138000 are", identity)
    assert [m.found for m in markers] == ["XJJG", "13800138000"]


def test_failure_reason_does_not_unblind() -> None:
    review = review_blind_proposal("bid-2", "暗标07", CLEAN + "湘江建工 张三丰", IDENTITY)
    check = review.as_check()
    assert not check.passed and check.citation.startswith("条例 第五十一条 (六)")
    assert "暗标07" in check.reason and "company name ×1" in check.reason and "staff name ×1" in check.reason
    assert "湘江" not in check.reason and "张三丰" not in check.reason


def test_bad_credit_code_is_refused() -> None:
    with pytest.raises(InvalidInput):
        find_identity_markers("x", BidderIdentity(company_names=(), credit_code="123"))


_SPACERS = st.lists(st.sampled_from([" ", "\u3000", "\u200b", "\u00ad", "·", "-", "_", "\t", "\n", "*"]), max_size=3)


@settings(max_examples=200, deadline=None)
@given(gaps=st.lists(_SPACERS.map("".join), min_size=3, max_size=3), before=st.text(max_size=20))
def test_any_spacing_between_characters_is_found(gaps: list[str], before: str) -> None:
    name = "张三丰"
    spaced = name[0] + gaps[0] + name[1] + gaps[1] + name[2]
    text = "项目负责人：" + spaced + gaps[2] + "。"
    markers, _ = find_identity_markers(text, IDENTITY)
    assert [m.found for m in markers if m.kind is MarkerKind.STAFF_NAME] == [spaced]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("施工质量安全进度计划组织设计技术措施，。、；：")), max_size=200))
def test_ordinary_proposal_words_raise_no_marker(text: str) -> None:
    assert find_identity_markers(text, IDENTITY)[0] == ()


@given(st.text(max_size=60))
def test_spans_always_point_into_the_text(text: str) -> None:
    norm, origin = normalise_for_search(text)
    assert len(norm) == len(origin)
    assert all(0 <= i < len(text) for i in origin) and list(origin) == sorted(origin)


def test_blind_codes_are_recomputable_and_a_permutation() -> None:
    bids = [f"bid-{n}" for n in range(12)]
    first = assign_blind_codes(bids, Counting(3))
    assert first == assign_blind_codes(list(reversed(bids)), Counting(3))
    assert sorted(first.values()) == [f"暗标{n:02d}" for n in range(1, 13)]
    assert first != assign_blind_codes(bids, Counting(4))
