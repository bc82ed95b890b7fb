"""A clarification answer's canonical payload, signed with the bidder's SM2 key and verified by the platform."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from fairbid.crypto.key import generate_key, sign, verify_signature
from fairbid.domain.errors import InvalidSignature
from fairbid.domain.evaluation.clarification import Answer, BidTerms, InquiryKind, answer_signing_payload, ask
from fairbid.domain.evaluation.vote import Vote

NOW = datetime(2026, 11, 27, 8, tzinfo=UTC)


def test_the_signing_payload_signs_and_verifies_with_the_bidders_sm2_key() -> None:
    inquiry = ask(
        "q1",
        "bid-a",
        kind=InquiryKind.BELOW_COST,
        question="请说明报价构成。",
        asked_at=NOW,
        due_at=NOW + timedelta(hours=2),
        vote=Vote(frozenset({"E1", "E2", "E3"})),
        committee=("E1", "E2", "E3", "E4", "T1"),
    )
    terms = BidTerms(price=Decimal("8650000.00"), duration_days=300)
    answer = Answer("q1", "bid-a", "成本分析见附件。", terms, (("成本分析.pdf", "ab" * 32),))
    key = generate_key()
    signature = sign(key, answer_signing_payload(inquiry, answer))
    verify_signature(key.public, answer_signing_payload(inquiry, answer), signature)
    tampered = replace(answer, terms=replace(terms, price=Decimal("1.00")))
    with pytest.raises(InvalidSignature):
        verify_signature(key.public, answer_signing_payload(inquiry, tampered), signature)
