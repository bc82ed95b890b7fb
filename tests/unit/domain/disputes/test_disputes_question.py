"""Questions and answers (澄清答疑): anonymous, answered to every holder; an answer that amends the document
moves the deadline under the 15-day rule (招标投标法 第二十三条, 条例 第二十一条)."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime

import pytest

from fairbid.domain.disputes import ask_question, publish_answer
from fairbid.domain.errors import DeadlinePassed, InvalidInput, NotPermitted
from tests.award_factory import BJ

DEADLINE = datetime(2026, 6, 20, 9, 30, tzinfo=BJ)
HOLDERS = ("org-c", "org-a", "org-b")


def question(at: datetime = datetime(2026, 6, 1, 10, tzinfo=BJ), asker: str = "org-b"):  # type: ignore[no-untyped-def]
    return ask_question(id="q-1", section_id="sec-1", asker_id=asker, holders=HOLDERS, text="图纸第3页标高是否有误？",
                        at=at, bid_deadline=DEADLINE)  # fmt: skip


def test_only_a_holder_asks_and_only_before_the_deadline() -> None:
    with pytest.raises(NotPermitted):
        question(asker="org-z")
    with pytest.raises(DeadlinePassed):
        question(at=DEADLINE)


def test_the_answer_goes_to_every_holder_and_names_nobody() -> None:
    published = publish_answer(question(), answer="标高以总说明为准。", at=datetime(2026, 6, 2, 9, tzinfo=BJ),
                               holders=HOLDERS, amends_document=False, bid_deadline=DEADLINE)  # fmt: skip
    assert published.recipients == ("org-a", "org-b", "org-c")
    assert "asker_id" not in {f.name for f in fields(published.question)}
    assert "org-b" not in repr(published.question)
    assert not published.deadline_moved and published.bid_deadline == DEADLINE


def test_an_amending_answer_15_days_before_keeps_the_deadline_and_later_moves_it() -> None:
    on_time = publish_answer(question(), answer="删除第5.2条", at=datetime(2026, 6, 5, 18, tzinfo=BJ), holders=HOLDERS,
                             amends_document=True, bid_deadline=DEADLINE)  # fmt: skip
    assert on_time.amends_document and not on_time.deadline_moved
    late = publish_answer(question(), answer="删除第5.2条", at=datetime(2026, 6, 8, 9, tzinfo=BJ), holders=HOLDERS,
                          amends_document=True, bid_deadline=DEADLINE)  # fmt: skip
    assert late.deadline_moved and late.bid_deadline == datetime(2026, 6, 23, 9, 30, tzinfo=BJ)
    assert "第二十一条" in late.citation


def test_the_holders_must_include_the_asker() -> None:
    with pytest.raises(InvalidInput):
        publish_answer(question(), answer="答", at=datetime(2026, 6, 2, tzinfo=BJ), holders=("org-a",),
                       amends_document=False, bid_deadline=DEADLINE)  # fmt: skip
