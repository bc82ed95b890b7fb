"""Collusion signals within one section at the opening (条例 第四十条, 第三十四条).

``detect_section_signals`` looks at every decrypted bid of a section and returns one
``CollusionSignalRaised`` per finding, with the bidders involved, the evidence and the legal basis. It is
deterministic and pure: the caller passes the segmenter for Chinese text (or pre-segmented tokens) and the
tender document's own text, whose passages every bidder may legitimately repeat.

Signals go to the evaluation committee and the supervisor, never to bidders, and into the ledger; they
are clues for human review, never proof (发改法规〔2026〕195号 (十一)).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from itertools import combinations

from fairbid.domain.collusion.boq import compare_boq
from fairbid.domain.collusion.model import BidFacts, CollusionSignalRaised, SignalCode, Strength
from fairbid.domain.collusion.price import find_price_patterns
from fairbid.domain.collusion.proposal import similar_proposals

__all__ = ["detect_section_signals"]

Segmenter = Callable[[str], Sequence[str]]

_SHARED_VALUE: tuple[tuple[SignalCode, str, str, Strength], ...] = (
    (SignalCode.SAME_MACHINE, "machine_fingerprint", "prepared on the same machine (fingerprint {v})", Strength.STRONG),
    (SignalCode.SAME_UPLOAD_IP, "upload_ip", "uploaded from the same IP address {v}", Strength.STRONG),
    (SignalCode.SAME_DECRYPT_IP, "decrypt_ip", "decrypted from the same IP address {v}", Strength.STRONG),
    (SignalCode.SAME_SIGNING_KEY, "signing_key_id", "signed with the same key {v}", Strength.STRONG),
    (SignalCode.SAME_CONTACT, "contact_phone", "gave the same contact phone {v}", Strength.STRONG),
    (SignalCode.SAME_AGENT, "agent_id", "named the same agent {v}", Strength.STRONG),
    (SignalCode.SAME_PROJECT_MANAGER, "project_manager_id", "named the same project manager {v}", Strength.STRONG),
    (SignalCode.SAME_HEAD, "head_id", "have the same head of unit (单位负责人) {v}", Strength.STRONG),
)


def _groups(pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    """value → distinct bidders that share it, for values shared by two or more bidders."""
    by_value: dict[str, set[str]] = {}
    for bidder, value in pairs:
        if value:
            by_value.setdefault(value, set()).add(bidder)
    return {v: who for v, who in sorted(by_value.items()) if len(who) > 1}


def _shared_values(bids: Sequence[BidFacts]) -> list[CollusionSignalRaised]:
    out = []
    for code, attribute, sentence, strength in _SHARED_VALUE:
        for value, who in _groups((b.bidder_id, getattr(b, attribute)) for b in bids).items():
            text = f"{len(who)} bidders " + sentence.format(v=value)
            out.append(CollusionSignalRaised.of(code, who, [text], strength))
    return out


def _staff(bids: Sequence[BidFacts]) -> list[CollusionSignalRaised]:
    people = [(b.bidder_id, p) for b in bids for p in {b.project_manager_id, *b.key_staff_ids} if p]
    out = []
    for person, who in _groups(people).items():
        if who == {b.bidder_id for b in bids if b.project_manager_id == person}:
            continue  # the same people as a SAME_PROJECT_MANAGER signal
        out.append(
            CollusionSignalRaised.of(
                SignalCode.SHARED_KEY_STAFF,
                who,
                [f"person {person} is named as project manager or key staff by {len(who)} bidders"],
                Strength.STRONG,
            )
        )
    return out


def _accounts(bids: Sequence[BidFacts]) -> list[CollusionSignalRaised]:
    paid = [(b.bidder_id, acct) for b in bids for acct in {b.security_payer_account, b.premium_payer_account} if acct]
    return [
        CollusionSignalRaised.of(
            SignalCode.SAME_SECURITY_ACCOUNT,
            who,
            [f"bid security or guarantee premium of {len(who)} bidders paid from account {acct}"],
            Strength.STRONG,
        )
        for acct, who in _groups(paid).items()
    ]


def _links(bids: Sequence[BidFacts]) -> list[CollusionSignalRaised]:
    out = []
    for a, b in combinations(sorted(bids, key=lambda x: x.bidder_id), 2):
        control = []
        if b.bidder_id in a.controller_ids:
            control.append(f"{b.bidder_id} controls or manages {a.bidder_id}")
        if a.bidder_id in b.controller_ids:
            control.append(f"{a.bidder_id} controls or manages {b.bidder_id}")
        if control:
            out.append(
                CollusionSignalRaised.of(SignalCode.CONTROL_LINK, (a.bidder_id, b.bidder_id), control, Strength.STRONG)
            )
        related = []
        common_parent = sorted(a.controller_ids & b.controller_ids)
        if common_parent:
            related.append(f"both controlled or managed by {', '.join(common_parent)}")
        officers = sorted((a.officer_ids | a.shareholder_ids) & (b.officer_ids | b.shareholder_ids))
        if officers:
            related.append(f"shared officers or shareholders: {', '.join(officers)}")
        if related:
            out.append(
                CollusionSignalRaised.of(
                    SignalCode.SHARED_OFFICER, (a.bidder_id, b.bidder_id), related, Strength.MODERATE
                )
            )
    return out


def _boq(bids: Sequence[BidFacts]) -> list[CollusionSignalRaised]:
    kinds = {
        "identical": (SignalCode.IDENTICAL_BOQ_LINES, Strength.MODERATE),
        "errors": (SignalCode.IDENTICAL_BOQ_ERRORS, Strength.STRONG),
        "proportional": (SignalCode.PROPORTIONAL_BOQ, Strength.MODERATE),
    }
    priced = sorted((b for b in bids if b.boq_lines), key=lambda x: x.bidder_id)
    out = []
    for a, b in combinations(priced, 2):
        for finding in compare_boq((a.bidder_id, a.boq_lines), (b.bidder_id, b.boq_lines)):
            code, strength = kinds[finding.kind]
            out.append(CollusionSignalRaised.of(code, finding.bidders, [finding.evidence], strength))
    return out


def _prices(bids: Sequence[BidFacts], ceiling_price: Decimal | None) -> list[CollusionSignalRaised]:
    kinds = {
        "identical": (SignalCode.IDENTICAL_PRICES, Strength.MODERATE),
        "steps": (SignalCode.EQUAL_PRICE_STEPS, Strength.MODERATE),
        "ratios": (SignalCode.EQUAL_PRICE_RATIOS, Strength.MODERATE),
        "ceiling-discount": (SignalCode.SAME_CEILING_DISCOUNT, Strength.WEAK),
    }
    out = []
    for pattern in find_price_patterns([(b.bidder_id, b.price) for b in bids], ceiling_price=ceiling_price):
        code, strength = kinds[pattern.kind]
        out.append(CollusionSignalRaised.of(code, pattern.bidders, [pattern.evidence], strength))
    return out


def _mixed(bids: Sequence[BidFacts]) -> list[CollusionSignalRaised]:
    out = []
    for a in bids:
        if not a.proposal_text:
            continue
        for b in bids:
            name = b.bidder_name
            if b.bidder_id != a.bidder_id and name and len(name) >= 4 and name in a.proposal_text:
                if a.bidder_name and name in a.bidder_name:
                    continue  # one name contains the other; not evidence
                at = a.proposal_text.index(name)
                excerpt = a.proposal_text[max(0, at - 20) : at + len(name) + 20]
                out.append(
                    CollusionSignalRaised.of(
                        SignalCode.MIXED_DOCUMENTS,
                        (a.bidder_id, b.bidder_id),
                        [f"the proposal of {a.bidder_id} names another bidder, {name}: …{excerpt}…"],
                        Strength.STRONG,
                    )
                )
    return out


def detect_section_signals(
    bids: Sequence[BidFacts],
    *,
    ceiling_price: Decimal | None,
    segment: Segmenter | None = None,
    tender_document_tokens: Sequence[str] = (),
    similarity_threshold: float = 0.8,
) -> list[CollusionSignalRaised]:
    """Every signal among the bids of one section, in a stable order (by code, then bidders).

    ``segment`` turns ``proposal_text`` into tokens when ``proposal_tokens`` is absent (without it, each
    non-space character is a token). ``tender_document_tokens`` are excluded from proposal similarity,
    since every bidder may copy the tender document. ``ceiling_price`` is the 最高投标限价, if any.

    >>> from decimal import Decimal
    >>> bids = [
    ...     BidFacts("A", Decimal("100"), upload_ip="10.0.0.7"),
    ...     BidFacts("B", Decimal("103"), upload_ip="10.0.0.7"),
    ... ]
    >>> [(s.code.value, s.bidders) for s in detect_section_signals(bids, ceiling_price=None)]
    [('same-upload-ip', ('A', 'B'))]
    """
    ids = [b.bidder_id for b in bids]
    if len(set(ids)) != len(ids):
        raise ValueError("each bidder may appear once per section")
    found = (
        _shared_values(bids)
        + _staff(bids)
        + _accounts(bids)
        + _links(bids)
        + _boq(bids)
        + _prices(bids, ceiling_price)
        + _mixed(bids)
    )
    for a, b, evidence in similar_proposals(
        bids, segment=segment, exclude_tokens=tender_document_tokens, threshold=similarity_threshold
    ):
        found.append(CollusionSignalRaised.of(SignalCode.SIMILAR_PROPOSAL, (a, b), evidence, Strength.MODERATE))
    order = list(SignalCode)
    return sorted(found, key=lambda s: (order.index(s.code), s.bidders, s.evidence))
