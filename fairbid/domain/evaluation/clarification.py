"""Written questions to a bidder: clarifications (澄清、说明) and below-cost inquiries (低于成本询问).

条例 第五十二条: where a bid is unclear or has obvious clerical or arithmetic errors, the committee asks the
bidder in writing; the answer is in writing and may neither go beyond the bid nor change its substance
(不得超出投标文件的范围或者改变投标文件的实质性内容); the committee may not accept a clarification the
bidder offers unasked. 12号令 第十九条 says the same of clarifications. 12号令 第二十一条: where a price is
obviously lower than the others and may be below the bidder's own cost, the committee asks for a written
explanation with evidence; a bidder who cannot reasonably explain, or gives no evidence, is rejected for
bidding below cost (条例 第五十一条第（五）项).

The platform records: the question (``ask``) with the committee's deadline, the bidder's signed answer
(``accept_answer``: before the deadline, to a question actually asked, and not changing the bid's
structured terms — price, duration, quality, project manager, the bill's line amounts), and the closing
(``close_inquiry``: answered, or unanswered at the deadline). Prose that changes the substance cannot be
told by the machine: the committee judges it. An answer's terms are compared with the bid's terms as they
stand — after any arithmetic correction (12号令 第十九条), so confirming a corrected price is no change.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from fairbid.domain.errors import DeadlinePassed, InvalidInput, InvalidTransition, NotPermitted, RuleViolation
from fairbid.domain.evaluation.disposition import Concern, ConcernKind
from fairbid.domain.evaluation.vote import Vote, check_vote

__all__ = [
    "BELOW_COST_GROUND",
    "CLARIFICATION_CITATION",
    "Answer",
    "BidTerms",
    "Inquiry",
    "InquiryClosed",
    "InquiryKind",
    "InquiryStatus",
    "accept_answer",
    "answer_signing_payload",
    "ask",
    "close_inquiry",
    "concerns_from_inquiries",
    "inquiry_status",
    "substance_changes",
]

CLARIFICATION_CITATION = "条例 第五十二条; 12号令 第十九条"
BELOW_COST_CITATION = "12号令 第二十一条"
BELOW_COST_GROUND = "条例 第五十一条 (五); 12号令 第二十一条"


class InquiryKind(StrEnum):
    """What the committee asks."""

    CLARIFICATION = "clarification"  # 澄清、说明 (条例 第五十二条)
    BELOW_COST = "below_cost"  # 低于成本的书面说明和证明材料 (12号令 第二十一条)


class InquiryStatus(StrEnum):
    """Where a question stands."""

    OPEN = "open"
    ANSWERED = "answered"
    UNANSWERED = "unanswered"  # no answer by the committee's deadline


@dataclass(frozen=True, slots=True)
class BidTerms:
    """The structured substance of a bid (投标函/开标一览表 and the bill); ``None`` means "not stated"."""

    price: Decimal | None = None
    duration_days: int | None = None
    quality: str | None = None
    project_manager: str | None = None
    bill_amounts: tuple[tuple[str, Decimal], ...] | None = None  # (line code, amount), the whole bill


@dataclass(frozen=True, slots=True)
class Inquiry:
    """A written question from the committee to one bid's bidder, with the committee's deadline."""

    inquiry_id: str
    bid_id: str
    kind: InquiryKind
    question: str
    asked_at: datetime
    due_at: datetime
    vote: Vote


@dataclass(frozen=True, slots=True)
class Answer:
    """The bidder's answer as submitted from its own tool: the text, restated terms, evidence files (SM3)."""

    inquiry_id: str
    bid_id: str
    text: str
    terms: BidTerms = field(default_factory=BidTerms)
    evidence: tuple[tuple[str, str], ...] = ()  # (file name, SM3 hex) of attached proof (证明材料)
    at: datetime | None = None  # the server's receipt time, set by the service


@dataclass(frozen=True, slots=True)
class InquiryClosed:
    """The question's end: answered in time, or recorded as unanswered at the deadline."""

    inquiry_id: str
    bid_id: str
    kind: InquiryKind
    status: InquiryStatus
    at: datetime


def _aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(f"{name} must be an aware UTC time.", field=name)


def ask(
    inquiry_id: str,
    bid_id: str,
    *,
    kind: InquiryKind,
    question: str,
    asked_at: datetime,
    due_at: datetime,
    vote: Vote,
    committee: Sequence[str],
) -> Inquiry:
    """The committee's written question to a bidder (条例 第五十二条; 12号令 第二十一条), by a carried vote."""
    _aware(asked_at, "asked_at")
    _aware(due_at, "due_at")
    if not question.strip():
        raise InvalidInput("The question is written out.", field="question")
    if due_at <= asked_at:
        raise InvalidInput("The deadline for the answer comes after the question.", field="due_at")
    check_vote(vote, committee)
    return Inquiry(inquiry_id, bid_id, kind, question.strip(), asked_at, due_at, vote)


def answer_signing_payload(inquiry: Inquiry, answer: Answer) -> bytes:
    """The canonical bytes the bidder's tool signs and the platform verifies (UTF-8 JSON, sorted keys).

    Covers the question answered (id, bid, kind, deadline), the text, the restated terms and the evidence
    digests — not the receipt time, which the server adds.
    """
    terms = answer.terms
    body = {
        "v": 1,
        "inquiry": inquiry.inquiry_id,
        "bid": inquiry.bid_id,
        "kind": inquiry.kind.value,
        "due_at": inquiry.due_at.isoformat(),
        "text": answer.text,
        "terms": {
            "price": None if terms.price is None else str(terms.price),
            "duration_days": terms.duration_days,
            "quality": terms.quality,
            "project_manager": terms.project_manager,
            "bill_amounts": None
            if terms.bill_amounts is None
            else [[code, str(amount)] for code, amount in sorted(terms.bill_amounts)],
        },
        "evidence": sorted([name, digest.lower()] for name, digest in answer.evidence),
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def substance_changes(bid: BidTerms, stated: BidTerms) -> tuple[str, ...]:
    """Each structured term the answer states differently from the bid, as a sentence (empty: no change)."""
    changes = []
    if stated.price is not None and stated.price != bid.price:
        changes.append(f"the price {bid.price} → {stated.price}")
    if stated.duration_days is not None and stated.duration_days != bid.duration_days:
        changes.append(f"the duration {bid.duration_days} → {stated.duration_days} days")
    if stated.quality is not None and stated.quality.strip() != (bid.quality or "").strip():
        changes.append(f"the quality standard {bid.quality!r} → {stated.quality!r}")
    if stated.project_manager is not None and stated.project_manager.strip() != (bid.project_manager or "").strip():
        changes.append(f"the project manager {bid.project_manager!r} → {stated.project_manager!r}")
    if stated.bill_amounts is not None:
        before, after = dict(bid.bill_amounts or ()), dict(stated.bill_amounts)
        if len(after) != len(stated.bill_amounts):
            raise InvalidInput("A bill line code appears twice in the answer.", field="terms.bill_amounts")
        for code in sorted(set(before) | set(after)):
            if code not in after:
                changes.append(f"bill line {code} removed")
            elif code not in before:
                changes.append(f"bill line {code} added ({after[code]})")
            elif before[code] != after[code]:
                changes.append(f"bill line {code} amount {before[code]} → {after[code]}")
    return tuple(changes)


def accept_answer(inquiry: Inquiry, answer: Answer, *, bid_terms: BidTerms, now: datetime) -> Answer:
    """Accept the bidder's answer, stamped ``now``, or refuse it with the reason.

    Refused: for another bid or question (``NotPermitted``: no unasked clarification, 条例 第五十二条),
    after the deadline (``DeadlinePassed``), empty, or changing the bid's substance (``RuleViolation``
    ``clarification-substance``, listing each change). ``bid_terms`` are the bid's terms as they stand.
    A below-cost answer without evidence files is accepted as given: whether it reasonably explains the
    price is the committee's judgment in the disposition (12号令 第二十一条).
    """
    _aware(now, "now")
    if answer.inquiry_id != inquiry.inquiry_id or answer.bid_id != inquiry.bid_id:
        raise NotPermitted("The answer is not to a question the committee asked this bid.", field="inquiry_id")
    if now > inquiry.due_at:
        raise DeadlinePassed(f"The answer was due by {inquiry.due_at.isoformat()}.", field="due_at")
    if not answer.text.strip():
        raise InvalidInput("The answer is written out.", field="text")
    changes = substance_changes(bid_terms, answer.terms)
    if changes:
        raise RuleViolation(
            "The answer would change the substance of the bid: " + "; ".join(changes) + ".",
            rule="clarification-substance",
            citation=CLARIFICATION_CITATION,
            field="terms",
        )
    return Answer(answer.inquiry_id, answer.bid_id, answer.text.strip(), answer.terms, answer.evidence, now)


def inquiry_status(inquiry: Inquiry, answers: Iterable[Answer], *, now: datetime) -> InquiryStatus:
    """Answered (an accepted answer exists), unanswered (deadline passed without one), or still open."""
    if any(a.inquiry_id == inquiry.inquiry_id and a.at is not None for a in answers):
        return InquiryStatus.ANSWERED
    return InquiryStatus.UNANSWERED if now > inquiry.due_at else InquiryStatus.OPEN


def close_inquiry(inquiry: Inquiry, answers: Iterable[Answer], *, now: datetime) -> InquiryClosed:
    """Close a question: answered, or unanswered once its deadline has passed (recorded as such)."""
    status = inquiry_status(inquiry, answers, now=now)
    if status is InquiryStatus.OPEN:
        raise InvalidTransition(
            f"Inquiry {inquiry.inquiry_id} is open until {inquiry.due_at.isoformat()} and has no answer yet.",
            field="inquiry_id",
        )
    return InquiryClosed(inquiry.inquiry_id, inquiry.bid_id, inquiry.kind, status, now)


def concerns_from_inquiries(closed: Iterable[InquiryClosed]) -> tuple[Concern, ...]:
    """A concern per closed below-cost inquiry; an unanswered one can only be decided by rejection.

    12号令 第二十一条: 投标人不能合理说明或者不能提供相关证明材料的 … 应当否决其投标.
    """
    out = []
    for c in closed:
        if c.kind is not InquiryKind.BELOW_COST:
            continue
        answered = c.status is InquiryStatus.ANSWERED
        summary = f"Below-cost inquiry {c.inquiry_id}: " + (
            "the bidder answered; is the price reasonably explained?" if answered else "no answer by the deadline."
        )
        out.append(
            Concern(
                f"inquiry:{c.inquiry_id}",
                ConcernKind.BELOW_COST,
                (c.bid_id,),
                summary,
                BELOW_COST_CITATION,
                BELOW_COST_GROUND,
                keep_allowed=answered,
            )
        )
    return tuple(out)
