"""Questions and answers (澄清答疑): asked anonymously, answered to every holder of the tender document.

- 招标投标法实施条例 第三十二条第二款第一项: giving different bidders different project information is an
  unreasonable restriction; so every answer goes to everyone who obtained the document, and nobody learns
  who asked (招标投标法 第二十二条: the tenderee may not disclose who obtained the document).
- 招标投标法 第二十三条, 招标投标法实施条例 第二十一条: an answer that clarifies or changes the document in a
  way that may affect bid preparation is an amendment: it must reach every holder at least 15 days before
  the bid deadline, or the deadline moves (``rules.amendment.amended_deadline``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from fairbid.domain.errors import DeadlinePassed, InvalidInput, NotPermitted
from fairbid.domain.rules.amendment import amended_deadline

__all__ = ["MAX_TEXT", "PublicQuestion", "PublishedAnswer", "Question", "ask_question", "publish_answer"]

MAX_TEXT = 4000
AMENDMENT_CITATION = "招标投标法 第二十三条; 招标投标法实施条例 第二十一条"


def _text(value: str, field: str) -> str:
    value = value.strip()
    if not value:
        raise InvalidInput("Write the question (or the answer).", field=field)
    if len(value) > MAX_TEXT:
        raise InvalidInput(f"At most {MAX_TEXT} characters.", field=field)
    return value


@dataclass(frozen=True, slots=True)
class Question:
    """A question as stored: the asker is kept for the record and never shown (``public`` drops it)."""

    id: str
    section_id: str
    asker_id: str
    text: str
    asked_at: datetime

    @property
    def public(self) -> PublicQuestion:
        return PublicQuestion(self.id, self.section_id, self.text, self.asked_at)


@dataclass(frozen=True, slots=True)
class PublicQuestion:
    """A question as every holder and the tenderee see it: no asker."""

    id: str
    section_id: str
    text: str
    asked_at: datetime


@dataclass(frozen=True, slots=True)
class PublishedAnswer:
    """The answer sent to every holder, and the bid deadline it leaves (moved when it amends the document)."""

    question: PublicQuestion
    answer: str
    answered_at: datetime
    recipients: tuple[str, ...]  # every holder of the document, the asker among them, unmarked
    amends_document: bool
    bid_deadline: datetime  # after this answer
    deadline_moved: bool
    citation: str = AMENDMENT_CITATION


def ask_question(
    *,
    id: str,
    section_id: str,
    asker_id: str,
    holders: Iterable[str],
    text: str,
    at: datetime,
    bid_deadline: datetime,
) -> Question:
    """A holder of the tender document asks, before the bid deadline; nobody else may (``NotPermitted``)."""
    if asker_id not in set(holders):
        raise NotPermitted("Only an organisation that obtained the tender document asks about it.")
    if at >= bid_deadline:
        raise DeadlinePassed("Questions about the tender document are asked before the bid deadline.")
    return Question(id, section_id, asker_id, _text(text, "text"), at)


def publish_answer(
    question: Question,
    *,
    answer: str,
    at: datetime,
    holders: Iterable[str],
    amends_document: bool,
    bid_deadline: datetime,
) -> PublishedAnswer:
    """The answer for every holder (asker not named). With ``amends_document`` (it may affect bid
    preparation) the deadline moves so that 15 days remain (招标投标法实施条例 第二十一条); the new
    document version is the lead's amendment flow, which this deadline feeds."""
    if at < question.asked_at:
        raise InvalidInput("An answer cannot come before the question.", field="answered_at")
    recipients = tuple(sorted(set(holders)))
    if question.asker_id not in recipients:
        raise InvalidInput("The holders must include every organisation that obtained the document.", field="holders")
    deadline = amended_deadline(bid_deadline, issued_at=at) if amends_document else bid_deadline
    return PublishedAnswer(
        question.public,
        _text(answer, "answer"),
        at,
        recipients,
        amends_document,
        deadline,
        deadline != bid_deadline,
    )
