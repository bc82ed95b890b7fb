"""Machine review, expert sheets, warnings and the final ranking through the services, on a real database."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.domain.errors import Conflict, DeadlinePassed, InvalidInput, InvalidTransition, NotPermitted, RuleViolation
from fairbid.domain.evaluation import price_score
from fairbid.domain.evaluation.codec import sheet_bids_to_json
from fairbid.domain.evaluation.machine import benchmark_rule
from fairbid.services.evaluation.scoring import (
    AnswerWarning,
    SubmitSheet,
    Verdict,
    answer_score_warning,
    give_verdict,
    sheets_view,
    submit_score_sheet,
)
from fairbid.services.evaluation.session import evaluate_section, start_evaluation
from fairbid.services.oversight.ledger import verify_ledger
from fairbid.services.shared.terms import drawn_k, pinned_terms
from tests.factories import (
    SETUP,
    Party,
    World,
    answer_all_warnings,
    check_and_publish,
    draw_and_seat,
    expert_pool,
    make_world,
    score_all,
)


@pytest.fixture
def world(platform: Platform, clock: SimulatedClock) -> World:
    return make_world(platform, clock, bidders=3)


def _started(w: World) -> tuple[str, list[str], dict[str, Party]]:
    s = check_and_publish(w, w.section())
    w.jump(s.id)
    w.clock.advance(timedelta(days=6))
    for i, b in enumerate(w.bidders):
        w.submit(s.id, b, w.seal(s.id, b, f"{9000000 + i * 10000}.00"))
    w.jump(s.id)
    for b in w.bidders:
        w.decrypt(s.id, b)
    w.jump(s.id)
    experts = expert_pool(w)
    members = draw_and_seat(w, s.id, experts)
    start_evaluation(s.id, uow=w.p.uow(), clock=w.clock, actor=w.operator.actor)
    return s.id, members, experts


GOOD = {"construction_plan": Decimal(11), "quality_safety": Decimal(7)}


def _sheets(w: World, sid: str) -> list[tuple[str, dict[str, object]]]:
    with w.p.uow() as uow:
        return [(s.member_id, sheet_bids_to_json(s)) for s in uow.sheets.for_section(sid)]


def test_machine_review_and_price_scores_use_the_beacon_k(world: World) -> None:
    w = world
    sid, members, experts = _started(w)
    view = sheets_view(sid, uow=w.p.uow(), actor=experts[members[0]].actor)
    assert len(view.bids) == 3 and all(r.passed for r in view.reviews)
    assert {r.results[0].citation for r in view.reviews} == {"条例 第五十一条 (一)"}
    with w.p.uow() as uow:
        section = uow.sections.get(sid)
        terms = pinned_terms(uow, section)
        prices = {b.id: b.data.price for b in uow.bids.in_section(sid) if b.data}
    k = drawn_k(section, terms.k_values)
    assert k is not None and k in terms.k_values  # drawn from the published set, as the opening published it
    mean = (Decimal(9000000) + Decimal(9010000) + Decimal(9020000)) / 3  # 3 bids: the sample's trim needs 5
    expected = (mean * k).quantize(Decimal("0.01"))  # the sample terms state B × K
    assert terms.scoring is not None
    _, rule = benchmark_rule(terms.scoring.price)
    assert {b: str(price_score(prices[b], expected, rule)) for b in view.bids} == dict(view.price_scores)


def test_bad_sheets_are_refused_and_nothing_changes(world: World) -> None:
    w = world
    sid, members, experts = _started(w)
    me = experts[members[0]].actor
    bid = sheets_view(sid, uow=w.p.uow(), actor=me).bids[0]
    cases = [
        ({**GOOD, "construction_plan": Decimal(13)}, InvalidInput, "outside"),
        ({**GOOD, "price": Decimal(50)}, InvalidInput, "objective"),
        ({**GOOD, "duration": Decimal(5)}, InvalidInput, "objective"),
        ({"construction_plan": Decimal(11)}, InvalidInput, "not scored"),
    ]
    for scores, error, match in cases:
        with pytest.raises(error, match=match):
            submit_score_sheet(SubmitSheet(sid, bid, scores), uow=w.p.uow(), clock=w.clock, actor=me)
    with pytest.raises(InvalidInput, match="not under evaluation"):
        submit_score_sheet(SubmitSheet(sid, "no-such-bid", GOOD), uow=w.p.uow(), clock=w.clock, actor=me)
    outsider = next(p for e, p in experts.items() if e not in members)
    with pytest.raises(NotPermitted):
        submit_score_sheet(SubmitSheet(sid, bid, GOOD), uow=w.p.uow(), clock=w.clock, actor=outsider.actor)
    with pytest.raises(NotPermitted):
        submit_score_sheet(SubmitSheet(sid, bid, GOOD), uow=w.p.uow(), clock=w.clock, actor=w.tenderee.actor)
    assert _sheets(w, sid) == []
    submit_score_sheet(SubmitSheet(sid, bid, GOOD), uow=w.p.uow(), clock=w.clock, actor=me)
    submit_score_sheet(SubmitSheet(sid, bid, GOOD), uow=w.p.uow(), clock=w.clock, actor=me)  # same again: harmless
    stored = _sheets(w, sid)
    with pytest.raises(Conflict, match="already submitted"):
        submit_score_sheet(
            SubmitSheet(sid, bid, {**GOOD, "construction_plan": Decimal(10)}), uow=w.p.uow(), clock=w.clock, actor=me
        )
    assert _sheets(w, sid) == stored
    # the others cannot see this sheet until everyone has submitted
    other = experts[members[1]].actor
    assert sheets_view(sid, uow=w.p.uow(), actor=other).sheets == ()
    w.clock.advance(timedelta(hours=12))  # past the end of the evaluation window
    with pytest.raises(DeadlinePassed):
        submit_score_sheet(SubmitSheet(sid, bid, GOOD), uow=w.p.uow(), clock=w.clock, actor=other)


def test_warnings_must_be_answered_before_the_result_and_a_revision_needs_a_reason(world: World) -> None:
    w = world
    sid, members, experts = _started(w)
    score_all(w, sid, members, experts, spread="0")  # every member gives the same scores: identical sheets
    with w.p.uow() as uow:
        warnings = uow.score_warnings.for_section(sid)
    assert {r.warning.kind.value for r in warnings} == {"identical_sheets"}
    with pytest.raises(RuleViolation, match="unanswered"):
        evaluate_section(sid, uow=w.p.uow(), clock=w.clock, actor=SETUP)
    first = experts[members[0]].actor
    warning = next(x for x, done in sheets_view(sid, uow=w.p.uow(), actor=first).warnings if not done)
    with pytest.raises(InvalidInput, match="reason"):
        answer_score_warning(
            AnswerWarning(sid, warning.warning_id, False, "  "), uow=w.p.uow(), clock=w.clock, actor=first
        )
    with pytest.raises(InvalidInput, match="revised scores"):
        answer_score_warning(
            AnswerWarning(sid, warning.warning_id, True, "复核"), uow=w.p.uow(), clock=w.clock, actor=first
        )
    revised = {"construction_plan": Decimal(9), "quality_safety": Decimal(6)}
    answer_score_warning(
        AnswerWarning(sid, warning.warning_id, True, "复核后调整技术分。", revised),
        uow=w.p.uow(),
        clock=w.clock,
        actor=first,
    )
    # disputes need a reason; one dissent does not overturn the machine
    bid = warning.bid_id
    with pytest.raises(InvalidInput, match="reason"):
        give_verdict(Verdict(sid, bid, "quality", False, ""), uow=w.p.uow(), clock=w.clock, actor=first)
    give_verdict(Verdict(sid, bid, "quality", False, "质量标准表述不清。"), uow=w.p.uow(), clock=w.clock, actor=first)
    answer_all_warnings(w, sid, members, experts)
    result = evaluate_section(sid, uow=w.p.uow(), clock=w.clock, actor=SETUP)
    assert result.status == "publicised" and len(result.candidates) == 3
    assert all(c.score is not None for c in result.candidates)
    with w.p.uow() as uow:
        rows = {r.member_id: r for r in uow.sheets.for_section(sid)}
    assert rows[members[0]].revision == 1 and rows[members[0]].revision_reason == "复核后调整技术分。"
    assert verify_ledger(uow=w.p.uow(), actor=SETUP).ok
    with pytest.raises(InvalidTransition, match="finished"):
        submit_score_sheet(SubmitSheet(sid, bid, GOOD), uow=w.p.uow(), clock=w.clock, actor=first)


def test_a_score_sheet_edited_in_the_database_is_caught_by_ledger_verification(world: World) -> None:
    """条例 第四十九条: a sheet changed behind the platform's back (before the report is rendered from it) shows."""
    w = world
    sid, members, experts = _started(w)
    score_all(w, sid, members, experts)
    answer_all_warnings(w, sid, members, experts)
    assert verify_ledger(uow=w.p.uow(), actor=w.operator.actor).ok
    with w.p.engine.begin() as conn:
        row_id, sheet = conn.execute(
            text("SELECT id, sheet FROM score_sheets WHERE section_id = :s"), {"s": sid}
        ).first()
        sheet = json.loads(sheet) if isinstance(sheet, str) else sheet
        first = next(iter(sheet["bids"]))
        sheet["bids"][first]["scores"] = {k: "12" for k in sheet["bids"][first]["scores"]}
        conn.execute(text("UPDATE score_sheets SET sheet = :s WHERE id = :i"), {"s": json.dumps(sheet), "i": row_id})
    report = verify_ledger(uow=w.p.uow(), actor=w.operator.actor)
    assert not report.ok and report.first_problem is not None
    assert "score_sheet" in report.first_problem.reason


def test_a_machine_review_or_verdict_edited_in_the_database_is_caught_by_ledger_verification(world: World) -> None:
    """条例 第五十一条: which bids pass the review decides who can win; flipping a result behind the platform's
    back (here: a passed check marked failed) is caught."""
    w = world
    sid, members, experts = _started(w)
    member = experts[members[0]].actor
    review = sheets_view(sid, uow=w.p.uow(), actor=member).reviews[0]
    verdict = Verdict(sid, review.bid_id, review.results[0].check_id, True)
    give_verdict(verdict, uow=w.p.uow(), clock=w.clock, actor=member)  # the latest entry about the review
    assert verify_ledger(uow=w.p.uow(), actor=w.operator.actor).ok
    with w.p.engine.begin() as conn:
        review = conn.execute(text("SELECT review FROM committees WHERE section_id = :s"), {"s": sid}).scalar_one()
        review = json.loads(review) if isinstance(review, str) else review
        reviews = review["reviews"]
        first = next(iter(reviews))
        reviews[first][0]["passed"] = not reviews[first][0]["passed"]
        conn.execute(
            text("UPDATE committees SET review = :d WHERE section_id = :s"), {"d": json.dumps(review), "s": sid}
        )
    report = verify_ledger(uow=w.p.uow(), actor=w.operator.actor)
    assert not report.ok and report.first_problem is not None
    assert f"committee {sid}" in report.first_problem.reason
