"""The award's documents: 中标通知书, 中标结果通知书 and 中标结果公告 as PDF with their SM3 and every glyph
present; the publicity's HTML with every item of 国家发展改革委令第10号 第六条, escaped, in Beijing time."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import pytest

from fairbid.crypto.digest import sm3_hex
from fairbid.documents import extract_text, missing_glyphs
from fairbid.documents.award import (
    RenderedNotice,
    publicity_html,
    render_award_notice,
    render_publicity,
    render_result_announcement,
    render_result_letter,
)
from fairbid.domain.award import (
    AwardNotices,
    build_award_notices,
    build_result_announcement,
    decide_award,
    performance_security_cap,
)
from tests.award_factory import BIDDERS, BJ, CAL, SECTION_ID, candidates, publicity

DECIDED = datetime(2026, 3, 16, 9, tzinfo=BJ)
ISSUED = datetime(2026, 3, 16, 10, 30, tzinfo=BJ)


@pytest.fixture(scope="module")
def notices() -> AwardNotices:
    decision = decide_award(candidates(), section_id=SECTION_ID, state_funded=True, decided_at=DECIDED)
    return build_award_notices(
        decision, publicity(), winner_bidder_id="org-a", bidders=BIDDERS, number="CDPG-SG-01-ZB-001",
        issued_at=ISSUED, calendar=CAL, performance_security_percent=Decimal(10),
    )  # fmt: skip


@pytest.fixture(scope="module")
def notice_files(notices: AwardNotices) -> RenderedNotice:
    return render_award_notice(notices.notice)


def _pdf_text(rendered: RenderedNotice) -> str:
    pdf = rendered.pdf.content
    assert pdf.startswith(b"%PDF") and missing_glyphs(pdf) == 0
    assert rendered.pdf.sm3 == sm3_hex(pdf) and rendered.html.sm3 == sm3_hex(rendered.html.content)
    return "".join(extract_text(pdf, filename="x.pdf").split())


def test_award_notice_pdf_carries_the_award_and_the_contract_date(notice_files: RenderedNotice) -> None:
    text = _pdf_text(notice_files)
    for expected in (
        "中标通知书", "湖南路桥建设集团有限公司", "11,423,239.76元", "壹仟壹佰肆拾贰万叁仟贰佰叁拾玖元柒角陆分",
        "王建国", "湘143060812345", "2026年4月15日24时00分", "第四十五条", "1,142,323.97元",
    ):  # fmt: skip
        assert expected in text, expected


def test_award_notice_is_stable_and_named_for_the_section(notices: AwardNotices, notice_files: RenderedNotice) -> None:
    assert notice_files.pdf.name == "CDPG-SG-01-award-notice.pdf"
    assert render_award_notice(notices.notice).html.sm3 == notice_files.html.sm3


def test_the_required_performance_security_never_exceeds_ten_percent(notices: AwardNotices) -> None:
    notice = notices.notice
    assert notice.performance_security == Decimal("1142323.97") <= performance_security_cap(notice.price)


def test_every_other_bidder_gets_a_result_letter(notices: AwardNotices) -> None:
    assert [letter.bidder_id for letter in notices.letters] == ["org-b", "org-c", "org-d", "org-e"]
    text = _pdf_text(render_result_letter(notices.letters[-1]))
    assert "中标结果通知书" in text and "岳阳建安工程有限公司" in text and "湖南路桥建设集团有限公司" in text


def test_result_announcement_pdf_names_the_winner_and_the_reason() -> None:
    decision = decide_award(candidates(), section_id=SECTION_ID, state_funded=False, decided_at=DECIDED,
                            chosen="bid-b", reason="第二名的施工方案更适合汛期施工。")  # fmt: skip
    announcement = build_result_announcement(decision, publicity(), published_at=ISSUED)
    text = _pdf_text(render_result_announcement(announcement))
    assert "中标结果公告" in text and "株洲市政工程有限公司" in text and "第2名" in text
    assert "第二名的施工方案更适合汛期施工" in text and "2026年3月16日9时00分" in text


def test_publicity_html_shows_every_required_item_in_beijing_time() -> None:
    html = publicity_html(publicity())
    for expected in (
        "中标候选人公示", "2026年3月10日15时00分", "2026年3月13日24时00分", "共3日",  # the window
        "第1名", "11,423,239.76元", "合格", "365日历天", "92.35",  # 第六条第一项
        "王建国", "一级注册建造师（市政公用工程）", "湘143060812345",  # 第六条第二项
        "市政公用工程施工总承包一级",  # 第六条第三项
        "价格分", "湘江建工有限公司", "83.00", "下浮系数",  # 评标情况, every valid bid
        "岳阳建安工程有限公司", "投标报价高于最高投标限价", "第五十一条第五项",  # rejected bids
        "提出异议的渠道和方式", "0731-22223333", "利害关系", "株洲市住房和城乡建设局",  # 第六条第四项, complaints
    ):  # fmt: skip
        assert expected in html, expected


def test_publicity_html_escapes_what_bidders_wrote() -> None:
    p = publicity()
    hostile = replace(p.candidates[0], bidder_name='<script>alert("x")</script>')
    lines = tuple(replace(line, bidder_name=hostile.bidder_name) if line.bidder_name == p.candidates[0].bidder_name
                  else line for line in p.evaluation.lines)  # fmt: skip
    evaluation = replace(p.evaluation, lines=lines)
    html = publicity_html(replace(p, candidates=(hostile, *p.candidates[1:]), evaluation=evaluation))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_publicity_page_has_its_sm3() -> None:
    page = render_publicity(publicity())
    assert page.content.decode("utf-8").startswith("<!DOCTYPE html>") and page.sm3 == sm3_hex(page.content)
    assert page.name == "CDPG-SG-01-publicity.html"
