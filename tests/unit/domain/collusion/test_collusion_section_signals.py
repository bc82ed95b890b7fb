"""Signals within one section: a seeded cartel is flagged with every planted signal; honest bids are not."""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal

import pytest

from fairbid.domain.collusion import (
    ADVISORY,
    AUDIENCE,
    BidFacts,
    BoqLine,
    SignalCode,
    Strength,
    detect_section_signals,
)

_CHARS = (
    "工程施工质量安全进度管理措施保证体系组织机构人员配备材料设备机械投入计划环境保护文明现场"
    "混凝土钢筋模板脚手架基础主体结构装饰装修给排水电气暖通消防道路桥梁隧道排水绿化照明监测"
    "测量放线验收检验试验资料整理技术交底培训应急预案风险控制冬季雨季夜间专项方案协调配合服务"
)
CEILING = Decimal("10000000.00")


def _words(rng: random.Random, n: int) -> list[str]:
    return ["".join(rng.choice(_CHARS) for _ in range(rng.choice((2, 2, 3, 4)))) for _ in range(n)]


def _tender_document() -> list[str]:
    return _words(random.Random(99), 400)


def _proposal(seed: int) -> list[str]:
    """An honest proposal: its own text, plus passages of the tender document that anyone may quote."""
    rng = random.Random(seed)
    doc = _tender_document()
    own = _words(rng, 1500)
    return doc[:120] + own[:700] + doc[200:300] + own[700:]


def _boq(seed: int, *, error_on: str | None = None) -> tuple[BoqLine, ...]:
    rng = random.Random(seed)
    lines = []
    for i in range(12):
        qty = Decimal(rng.randint(10, 900))
        price = Decimal(rng.randint(1000, 99999)) / 100
        amount = (qty * price).quantize(Decimal("0.01"))
        code = f"0101010{i:02d}001"
        if code == error_on:
            amount += Decimal("100.00")
        lines.append(BoqLine(code=code, quantity=qty, unit_price=price, amount=amount))
    return tuple(lines)


def _honest_section() -> list[BidFacts]:
    prices = ["9123456.78", "9387120.55", "9650333.10", "9811004.27", "8977210.64"]
    return [
        BidFacts(
            bidder_id=f"H{i}",
            price=Decimal(p),
            bidder_name=f"诚信建设工程有限公司{i}号",
            machine_fingerprint=f"mac-{i}",
            upload_ip=f"203.0.113.{10 + i}",
            decrypt_ip=f"198.51.100.{10 + i}",
            signing_key_id=f"key-{i}",
            contact_phone=f"1380000000{i}",
            project_manager_id=f"pm-{i}",
            key_staff_ids=frozenset({f"staff-{i}-a", f"staff-{i}-b"}),
            proposal_tokens=tuple(_proposal(i)),
            boq_lines=_boq(100 + i),
            security_payer_account=f"acct-{i}",
            head_id=f"head-{i}",
            officer_ids=frozenset({f"officer-{i}"}),
        )
        for i, p in enumerate(prices)
    ]


def _cartel_section() -> list[BidFacts]:
    honest = _honest_section()
    a, b, c = honest[0], honest[1], honest[2]
    copied = list(a.proposal_tokens or ())
    for i in range(0, len(copied), 60):  # light edits: one word in sixty changed
        copied[i] = "改动"
    a = replace(a, price=Decimal("9500000.00"), boq_lines=_boq(1, error_on="010101003001"))
    b = replace(
        b,
        price=Decimal("9550000.00"),
        machine_fingerprint=a.machine_fingerprint,
        upload_ip=a.upload_ip,
        proposal_tokens=tuple(copied),
        project_manager_id=a.project_manager_id,
        boq_lines=_boq(1, error_on="010101003001"),
        security_payer_account=a.security_payer_account,
        controller_ids=frozenset({a.bidder_id}),
    )
    c = replace(c, price=Decimal("9600000.00"), signing_key_id=a.signing_key_id, officer_ids=frozenset({"officer-0"}))
    return [a, b, c, *honest[3:]]


def _codes(signals: list) -> dict[SignalCode, set[tuple[str, ...]]]:
    out: dict[SignalCode, set[tuple[str, ...]]] = {}
    for s in signals:
        out.setdefault(s.code, set()).add(s.bidders)
    return out


def test_honest_section_raises_no_signal() -> None:
    signals = detect_section_signals(
        _honest_section(), ceiling_price=CEILING, tender_document_tokens=_tender_document()
    )
    assert signals == []


def test_seeded_cartel_is_flagged_with_every_planted_signal() -> None:
    signals = detect_section_signals(
        _cartel_section(), ceiling_price=CEILING, tender_document_tokens=_tender_document()
    )
    found = _codes(signals)
    planted = {
        SignalCode.SAME_MACHINE: ("H0", "H1"),
        SignalCode.SAME_UPLOAD_IP: ("H0", "H1"),
        SignalCode.SAME_SIGNING_KEY: ("H0", "H2"),
        SignalCode.SAME_PROJECT_MANAGER: ("H0", "H1"),
        SignalCode.SIMILAR_PROPOSAL: ("H0", "H1"),
        SignalCode.IDENTICAL_BOQ_LINES: ("H0", "H1"),
        SignalCode.IDENTICAL_BOQ_ERRORS: ("H0", "H1"),
        SignalCode.EQUAL_PRICE_STEPS: ("H0", "H1", "H2"),
        SignalCode.SAME_CEILING_DISCOUNT: ("H0", "H1", "H2"),
        SignalCode.SAME_SECURITY_ACCOUNT: ("H0", "H1"),
        SignalCode.CONTROL_LINK: ("H0", "H1"),
        SignalCode.SHARED_OFFICER: ("H0", "H2"),
    }
    for code, bidders in planted.items():
        assert bidders in found.get(code, set()), f"{code} not raised for {bidders}: {found}"
    honest = {"H3", "H4"}
    assert all(not honest & set(s.bidders) for s in signals), "an honest bidder was drawn into a signal"


def test_every_signal_carries_evidence_citation_and_advisory() -> None:
    for s in detect_section_signals(
        _cartel_section(), ceiling_price=CEILING, tender_document_tokens=_tender_document()
    ):
        assert s.evidence and all(s.evidence)
        assert "条例" in s.citation or "1117号" in s.citation
        assert s.audience == AUDIENCE and "bidder" not in " ".join(s.audience)
        assert s.advisory == ADVISORY


def test_similar_proposal_evidence_quotes_shared_rare_passages() -> None:
    signals = detect_section_signals(
        _cartel_section(), ceiling_price=CEILING, tender_document_tokens=_tender_document()
    )
    (similar,) = [s for s in signals if s.code is SignalCode.SIMILAR_PROPOSAL]
    assert similar.evidence[0].startswith("Jaccard similarity")
    assert any("passages found in these two bids only" in e for e in similar.evidence)


def test_tender_document_text_alone_does_not_make_proposals_similar() -> None:
    doc = tuple(_tender_document())
    bids = [
        BidFacts(
            f"B{i}", Decimal(9_000_000 + 12_345 * i * i), proposal_tokens=doc + tuple(_words(random.Random(i), 30))
        )
        for i in range(3)
    ]
    assert detect_section_signals(bids, ceiling_price=None, tender_document_tokens=doc) == []
    flagged = detect_section_signals(bids, ceiling_price=None)
    assert {s.code for s in flagged} == {SignalCode.SIMILAR_PROPOSAL}


def test_proposal_text_is_segmented_by_the_callable_passed_in() -> None:
    text = "".join(_proposal(7))
    calls: list[str] = []

    def segment(t: str) -> list[str]:
        calls.append(t)
        return [t[i : i + 2] for i in range(0, len(t), 2)]

    bids = [BidFacts("A", Decimal("100.13"), proposal_text=text), BidFacts("B", Decimal("231.57"), proposal_text=text)]
    signals = detect_section_signals(bids, ceiling_price=None, segment=segment)
    assert len(calls) == 2
    assert [s.code for s in signals] == [SignalCode.SIMILAR_PROPOSAL]


def test_identical_prices_and_equal_ratios_are_regular_patterns() -> None:
    bids = [
        BidFacts("A", Decimal("1000000.00")),
        BidFacts("B", Decimal("1020000.00")),
        BidFacts("C", Decimal("1040400.00")),
        BidFacts("D", Decimal("1234567.89")),
        BidFacts("E", Decimal("1234567.89")),
    ]
    found = _codes(detect_section_signals(bids, ceiling_price=None))
    assert found[SignalCode.EQUAL_PRICE_RATIOS] == {("A", "B", "C")}
    assert found[SignalCode.IDENTICAL_PRICES] == {("D", "E")}


def test_shared_key_staff_and_same_head_and_mixed_documents() -> None:
    bids = [
        BidFacts("A", Decimal("101.17"), bidder_name="甲建设工程有限公司", project_manager_id="p1", head_id="h1"),
        BidFacts("B", Decimal("109.23"), key_staff_ids=frozenset({"p1"}), head_id="h1"),
        BidFacts("C", Decimal("131.71"), proposal_text="本项目由甲建设工程有限公司负责施工组织"),
    ]
    found = _codes(detect_section_signals(bids, ceiling_price=None))
    assert found[SignalCode.SHARED_KEY_STAFF] == {("A", "B")}
    assert found[SignalCode.SAME_HEAD] == {("A", "B")}
    assert found[SignalCode.MIXED_DOCUMENTS] == {("A", "C")}


def test_signal_strengths_and_stable_order() -> None:
    first = detect_section_signals(_cartel_section(), ceiling_price=CEILING, tender_document_tokens=_tender_document())
    again = detect_section_signals(
        list(reversed(_cartel_section())), ceiling_price=CEILING, tender_document_tokens=_tender_document()
    )
    assert first == again
    by_code = {s.code: s.strength for s in first}
    assert by_code[SignalCode.SAME_MACHINE] is Strength.STRONG
    assert by_code[SignalCode.SAME_CEILING_DISCOUNT] is Strength.WEAK


def test_a_bidder_twice_in_one_section_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="once per section"):
        detect_section_signals([BidFacts("A", Decimal(1)), BidFacts("A", Decimal(2))], ceiling_price=None)
