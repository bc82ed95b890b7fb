"""Objections (异议): at the opening (条例 第四十四条) and during the candidates' publicity (条例 第五十四条)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from fairbid.api.app import create_app
from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.domain.errors import DeadlinePassed, InvalidInput, InvalidTransition, NotFound, NotPermitted
from fairbid.services.disputes.objection import (
    AnswerObjection,
    RaiseObjection,
    answer_objection,
    list_objections,
    raise_objection,
)
from fairbid.services.oversight.ledger import verify_ledger
from fairbid.services.tendering.chronograph import advance_clock
from tests.factories import PASSWORD, SETUP, Party, World, check_and_publish, make_world, run_evaluation


@pytest.fixture
def world(platform: Platform, clock: SimulatedClock) -> World:
    return make_world(platform, clock, bidders=4)


def _opened(w: World) -> str:
    s = check_and_publish(w, w.section())
    assert w.jump(s.id) == "bidding"
    w.clock.advance(timedelta(days=6))
    for i, b in enumerate(w.bidders[:3]):  # the fourth bidder stays out of this section
        w.submit(s.id, b, w.seal(s.id, b, f"{9_000_000 + i * 10_000}.00"))
    assert w.jump(s.id) == "opening"
    return s.id


def _publicised(w: World) -> str:
    sid = _opened(w)
    for b in w.bidders[:3]:
        w.decrypt(sid, b)
    assert w.jump(sid) == "evaluation"
    assert run_evaluation(w, sid).status == "publicised"
    return sid


def _raise(w: World, sid: str, who: Party, text: str = "开标记录中我公司的工期有误。") -> str:
    return raise_objection(RaiseObjection(sid, text), uow=w.p.uow(), clock=w.clock, actor=who.actor).id


def _answer(w: World, objection_id: str, who: Party, text: str = "经核对，工期以投标文件为准，已更正。") -> object:
    return answer_objection(AnswerObjection(objection_id, text), uow=w.p.uow(), clock=w.clock, actor=who.actor)


def _open_count(w: World, sid: str) -> int:
    with w.p.uow() as uow:
        return uow.sections.get(sid).open_objections


def test_objection_at_the_opening_is_answered_on_the_record(world: World) -> None:
    w = world
    sid = _opened(w)
    oid = _raise(w, sid, w.bidders[0])
    assert _open_count(w, sid) == 1
    w.clock.advance(timedelta(minutes=2))
    _answer(w, oid, w.tenderee)
    assert _open_count(w, sid) == 0
    [view] = list_objections(sid, uow=w.p.uow(), actor=SETUP)
    assert (view.stage, view.answer, view.answer_due) == ("opening", "经核对，工期以投标文件为准，已更正。", None)
    assert view.raised_by == w.bidders[0].organisation_id and view.raised_by_name.startswith("投标人1")
    with w.p.uow() as uow:
        actions = [e.action for e in uow.ledger.for_subject("objection", oid)]
    assert actions == ["objection:raised", "objection:answered"]
    assert verify_ledger(uow=w.p.uow(), actor=SETUP).ok


def test_objection_during_publicity_holds_the_award_until_answered(world: World) -> None:
    w = world
    sid = _publicised(w)
    w.clock.advance(timedelta(days=2, hours=12))  # late in the publicity: the answer may come after its end
    oid = _raise(w, sid, w.bidders[2], "第一中标候选人的项目经理有在建工程。")
    with w.p.uow() as uow:
        section = uow.sections.get(sid)
    assert section.publicity_ends is not None
    [view] = list_objections(sid, uow=w.p.uow(), actor=SETUP)
    assert view.stage == "publicity" and view.answer_due == view.raised_at + timedelta(days=3)
    w.clock.set(section.publicity_ends + timedelta(hours=1))
    assert advance_clock(sid, uow=w.p.uow(), clock=w.clock).status == "publicised"  # the award waits
    _answer(w, oid, w.agency, "经核查，该项目经理无在建工程，异议不成立。")
    assert _open_count(w, sid) == 0
    assert w.jump(sid) == "awarded"
    [view] = list_objections(sid, uow=w.p.uow(), actor=SETUP)
    assert view.answered_at is not None and not view.answered_late


def test_answer_after_three_days_is_marked_late(world: World) -> None:
    w = world
    sid = _publicised(w)
    oid = _raise(w, sid, w.bidders[1])
    w.clock.advance(timedelta(days=3, minutes=1))
    _answer(w, oid, w.tenderee)
    [view] = list_objections(sid, uow=w.p.uow(), actor=SETUP)
    assert view.answered_late


def test_only_a_bidder_of_the_section_raises_and_only_its_tenderee_or_agency_answers(world: World) -> None:
    w = world
    sid = _opened(w)
    outsider = w.bidders[3]  # a bidder, but not in this section
    other_tenderee = w.party(w.tenderee.actor.role, "另一招标人有限公司")
    for who in (w.tenderee, w.agency, w.operator, w.supervisor, outsider):
        with pytest.raises(NotPermitted):
            _raise(w, sid, who)
    oid = _raise(w, sid, w.bidders[0])
    for who in (w.bidders[0], w.bidders[1], w.operator, w.supervisor, other_tenderee):
        with pytest.raises(NotPermitted):
            _answer(w, oid, who)
    assert _open_count(w, sid) == 1
    with pytest.raises(NotFound):
        _answer(w, "no-such-objection", w.tenderee)


def test_objections_are_refused_outside_the_opening_and_the_publicity(world: World) -> None:
    w = world
    s = check_and_publish(w, w.section())
    w.jump(s.id)
    w.submit(s.id, w.bidders[0], w.seal(s.id, w.bidders[0], "9000000.00"))
    with pytest.raises(InvalidTransition, match="第四十四条"):  # bidding: nothing is open yet
        _raise(w, s.id, w.bidders[0])
    sid = _opened(w)
    for b in w.bidders[:3]:
        w.decrypt(sid, b)
    w.jump(sid)
    with pytest.raises(InvalidTransition):  # evaluation: wait for the publicity
        _raise(w, sid, w.bidders[0])
    run_evaluation(w, sid)
    with w.p.uow() as uow:
        ends = uow.sections.get(sid).publicity_ends
    assert ends is not None
    w.clock.set(ends)
    with pytest.raises(DeadlinePassed, match="第五十四条"):
        _raise(w, sid, w.bidders[0])


def test_an_answer_is_final_and_empty_text_is_refused(world: World) -> None:
    w = world
    sid = _opened(w)
    with pytest.raises(InvalidInput):
        _raise(w, sid, w.bidders[0], "   ")
    oid = _raise(w, sid, w.bidders[0])
    with pytest.raises(InvalidInput):
        _answer(w, oid, w.tenderee, "")
    _answer(w, oid, w.tenderee)
    with pytest.raises(InvalidTransition, match="answers are final"):
        _answer(w, oid, w.agency, "再次答复")
    [view] = list_objections(sid, uow=w.p.uow(), actor=SETUP)
    assert view.answer == "经核对，工期以投标文件为准，已更正。"


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform=platform)) as c:
        yield c


def _token(client: TestClient, party: Party) -> dict[str, str]:
    r = client.post("/api/auth/token", data={"username": party.username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_objections_over_http_and_on_the_section_page(client: TestClient, world: World) -> None:
    w = world
    sid = _opened(w)
    r = client.post(
        f"/api/sections/{sid}/objections", json={"text": "我方报价显示有误"}, headers=_token(client, w.bidders[0])
    )
    assert r.status_code == 201, r.text
    oid = r.json()["id"]
    assert r.json()["stage"] == "opening" and r.json()["answer"] is None
    wrong = client.post(f"/api/objections/{oid}/answer", json={"answer": "x"}, headers=_token(client, w.bidders[1]))
    assert wrong.status_code == 403 and wrong.headers["content-type"].startswith("application/problem+json")
    page = client.get(f"/sections/{sid}").text
    assert "我方报价显示有误" in page and "awaiting an answer" in page
    tenderee = _token(client, w.tenderee)
    ok = client.post(
        f"/api/objections/{oid}/answer", json={"answer": "已当场核对，报价以解密数据为准"}, headers=tenderee
    )
    assert ok.status_code == 200 and ok.json()["answered_at"]
    twice = client.post(f"/api/objections/{oid}/answer", json={"answer": "again"}, headers=tenderee)
    assert twice.status_code == 409 and twice.json()["code"] == "invalid-transition"
    listed = client.get(f"/api/sections/{sid}/objections").json()
    assert [o["answer"] for o in listed] == ["已当场核对，报价以解密数据为准"]
    page = client.get(f"/sections/{sid}").text
    assert 'id="objections"' in page and "已当场核对，报价以解密数据为准" in page


def test_objection_list_before_the_opening_says_nothing(client: TestClient, world: World) -> None:
    s = check_and_publish(world, world.section())
    world.jump(s.id)
    assert client.get(f"/api/sections/{s.id}/objections").json() == []
    assert client.get("/api/sections/no-such-section/objections").json() == []
    refused = client.post(
        f"/api/sections/{s.id}/objections", json={"text": "x"}, headers=_token(client, world.bidders[0])
    )
    assert refused.status_code in (403, 409)


def test_an_objection_or_its_answer_edited_in_the_database_is_caught_by_ledger_verification(world: World) -> None:
    w = world
    sid = _opened(w)
    oid = _raise(w, sid, w.bidders[0])
    _answer(w, oid, w.tenderee)
    assert verify_ledger(uow=w.p.uow(), actor=SETUP).ok
    with w.p.engine.begin() as conn:
        conn.execute(text("UPDATE objections SET answer = :a WHERE id = :i"), {"a": "异议不成立。", "i": oid})
    report = verify_ledger(uow=w.p.uow(), actor=SETUP)
    assert not report.ok and report.first_problem is not None
    assert f"objection {oid}" in report.first_problem.reason
