"""Tender documents: checked before publication, amended after, late amendments move the deadline (条例 第二十一条)."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from fastapi.testclient import TestClient

from fairbid.api.app import create_app
from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.documents.prefill import prefilled_form
from fairbid.domain.errors import InvalidTransition, NotPermitted, RuleViolation
from fairbid.services.oversight.ledger import verify_ledger
from fairbid.services.tendering.document import amend_section_document, check_section_document, list_section_documents
from tests.factories import SETUP, World, check_and_publish, make_world


@pytest.fixture
def world(platform: Platform, clock: SimulatedClock) -> World:
    return make_world(platform, clock, bidders=1)


def _amend(w: World, section_id: str, form: object, **kw: object) -> object:
    return amend_section_document(
        form,  # type: ignore[arg-type]
        section_id,
        affects_preparation=bool(kw.get("affects", True)),
        uow=w.p.uow(),
        clock=w.clock,
        actor=w.agency.actor,
        blobs=w.p.blobs,
    )


def test_blocking_finding_keeps_the_section_a_draft_and_is_recorded(world: World) -> None:
    w = world
    s = w.section()
    form = prefilled_form(s).model_copy(
        update={
            "free_text": prefilled_form(s).free_text.model_copy(
                update={"bidder_instructions": "投标人须在本市设立分公司，并提供本市社保缴纳证明。"}
            )
        }
    )
    out = check_section_document(form, s.id, uow=w.p.uow(), clock=w.clock, actor=w.agency.actor, blobs=w.p.blobs)
    assert out.blocking and out.status == "draft" and out.version_no is None
    assert any(f.span is not None and "本市" in f.span.text for f in out.findings)
    with w.p.uow() as uow:
        actions = [r.action for r in uow.ledger.for_subject("section", s.id)]
        assert uow.documents.in_section(s.id) == []
    assert actions[-1] == "section:checked"


def test_late_amendment_moves_the_deadline_and_adds_a_version(world: World) -> None:
    w = world
    s = check_and_publish(w, w.section())
    w.jump(s.id)
    w.clock.set(s.schedule.bid_deadline - timedelta(days=10))  # 10 < 15 days before the deadline
    out = _amend(w, s.id, prefilled_form(s))
    assert out.deadline_moved and out.version_no == 2  # type: ignore[attr-defined]
    assert (out.bid_deadline - w.clock.now()) >= timedelta(days=15)  # type: ignore[attr-defined]
    with w.p.uow() as uow:
        sec = uow.sections.get(s.id)
        assert sec.schedule.bid_deadline == out.bid_deadline.astimezone(UTC)  # type: ignore[attr-defined]
        assert uow.sections.next_check_of(s.id) == sec.schedule.bid_deadline
    docs = list_section_documents(s.id, uow=w.p.uow(), actor=w.bidders[0].actor)
    assert {d.version_no for d in docs} == {1, 2} and {d.kind for d in docs} == {"tender_document", "amendment"}
    assert verify_ledger(uow=w.p.uow(), actor=SETUP).ok


def test_early_or_non_substantive_amendment_keeps_the_deadline(world: World) -> None:
    w = world
    s = check_and_publish(w, w.section())
    w.jump(s.id)
    assert not _amend(w, s.id, prefilled_form(s)).deadline_moved  # type: ignore[attr-defined]
    w.clock.set(s.schedule.bid_deadline - timedelta(days=2))
    assert not _amend(w, s.id, prefilled_form(s), affects=False).deadline_moved  # type: ignore[attr-defined]


def test_amendments_are_refused_after_the_deadline_or_by_others(world: World) -> None:
    w = world
    s = check_and_publish(w, w.section())
    with pytest.raises(NotPermitted):
        amend_section_document(
            prefilled_form(s),
            s.id,
            affects_preparation=True,
            uow=w.p.uow(),
            clock=w.clock,
            actor=w.bidders[0].actor,
            blobs=w.p.blobs,
        )
    w.clock.set(s.schedule.bid_deadline + timedelta(seconds=1))
    with pytest.raises(InvalidTransition):
        _amend(w, s.id, prefilled_form(s))


def test_blocking_amendment_changes_nothing(world: World) -> None:
    w = world
    s = check_and_publish(w, w.section())
    bad = prefilled_form(s).model_copy(
        update={
            "free_text": prefilled_form(s).free_text.model_copy(
                update={"technical_requirements": "设备须采用西门子品牌。"}
            )
        }
    )
    with pytest.raises(RuleViolation):
        _amend(w, s.id, bad)
    assert len(list_section_documents(s.id, uow=w.p.uow(), actor=w.agency.actor)) == 3  # the three v1 files


def test_bidders_download_the_document_with_its_digest(world: World, platform: Platform) -> None:
    w = world
    s = check_and_publish(w, w.section())
    with TestClient(create_app(platform=platform)) as client:
        listing = client.get(f"/api/sections/{s.id}/documents").json()
        pdf = next(d for d in listing if d["filename"].endswith(".pdf"))
        r = client.get(f"/api/sections/{s.id}/documents/1/{pdf['filename']}")
        assert r.status_code == 200 and r.content.startswith(b"%PDF")
        assert r.headers["x-content-sm3"] == pdf["sm3"]
        assert client.get(f"/api/sections/{s.id}/documents/1/nope.pdf").status_code == 404
