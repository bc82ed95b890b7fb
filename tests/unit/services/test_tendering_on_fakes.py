"""The tendering use cases on the in-memory unit of work (tests/fakes.py): creating, checking, publishing with the
terms pinned, amending, cancelling — the rules and the ledger's entries, without a database."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from fairbid.clock import SimulatedClock
from fairbid.documents.form import parse_form
from fairbid.documents.prefill import prefilled_form
from fairbid.domain.actor import Actor, Role
from fairbid.domain.errors import Duplicate, InvalidTransition, NotPermitted
from fairbid.domain.party import Organisation
from fairbid.domain.section import Schedule, Section, SectionKind, SectionStatus
from fairbid.domain.terms import terms_from_json
from fairbid.ledger.chain import LedgerAction
from fairbid.ledger.snapshot import SubjectType, terms_digest
from fairbid.services.tendering.document import amend_section_document, check_section_document
from fairbid.services.tendering.section import (
    CreateProject,
    CreateSection,
    cancel_section,
    create_project,
    create_section,
    publish_section,
)
from tests.fakes import FakeStore

START = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
TENDEREE = Actor(Role.TENDEREE, user_id="u-tenderee", organisation_id="org-tenderee")
AGENCY = Actor(Role.AGENCY, user_id="u-agency", organisation_id="org-agency")
BIDDER = Actor(Role.BIDDER, user_id="u-bidder", organisation_id="org-bidder")


class FixedRandom:
    def token_bytes(self, n: int) -> bytes:
        return bytes(range(n))


@pytest.fixture
def store() -> FakeStore:
    store = FakeStore()
    with store.uow() as uow:
        for org_id, name, code in (
            ("org-tenderee", "某城投集团有限公司", "91430200MA4L000001"),
            ("org-agency", "某招标代理有限公司", "91430200MA4L000002"),
        ):
            uow.organisations.add(Organisation(org_id, name, code), now=START)
        uow.commit()
    return store


def _section(store: FakeStore, clock: SimulatedClock, code: str = "S-1") -> Section:
    project = create_project(
        CreateProject(f"P-{code}", "测试项目", "org-tenderee", "org-agency"), uow=store.uow(), clock=clock, actor=AGENCY
    )
    sale_start = START + timedelta(hours=1)
    return create_section(
        CreateSection(
            project_id=project.id,
            code=code,
            name="测试标段",
            kind=SectionKind.WORKS,
            estimated_price=Decimal("10000000.00"),
            ceiling_price=Decimal("9800000.00"),
            schedule=Schedule(sale_start, sale_start + timedelta(days=5), sale_start + timedelta(days=21), 30, 3),
        ),
        uow=store.uow(),
        clock=clock,
        actor=AGENCY,
    )


def test_a_draft_is_created_by_its_agency_only_and_codes_are_unique(store: FakeStore) -> None:
    clock = SimulatedClock(START)
    section = _section(store, clock)
    assert section.status is SectionStatus.DRAFT
    with pytest.raises(Duplicate):
        _section(store, clock, code="S-1")
    with pytest.raises(NotPermitted):
        create_project(
            CreateProject("P-X", "项目", "org-tenderee", "org-agency"), uow=store.uow(), clock=clock, actor=BIDDER
        )
    assert [e.action for e in store.ledger] == ["project:created", "section:created"]


def test_publication_pins_the_checked_terms_whole_in_the_ledger(store: FakeStore) -> None:
    clock = SimulatedClock(START)
    section = _section(store, clock)
    with pytest.raises(InvalidTransition):  # nothing checked yet
        publish_section(section.id, uow=store.uow(), clock=clock, actor=TENDEREE, random=FixedRandom())
    form = prefilled_form(section)
    out = check_section_document(form, section.id, uow=store.uow(), clock=clock, actor=AGENCY, blobs=store.blobs)
    assert not out.blocking and out.status == "checked"
    published = publish_section(section.id, uow=store.uow(), clock=clock, actor=TENDEREE, random=FixedRandom())
    pinned = [e for e in store.ledger if e.action == "terms:pinned"]
    assert len(pinned) == 1 and pinned[0].subject_id == section.id
    terms = terms_from_json(pinned[0].payload["terms"])
    assert published.terms_digest == terms_digest(terms) == pinned[0].snapshot["terms_sm3"]  # type: ignore[index]
    assert terms.committee.size == 7 and terms.committee.representatives == 2
    publication = next(e for e in store.ledger if e.action == "section:published")
    assert publication.payload["terms_sm3"] == published.terms_digest


def test_an_amendment_changing_the_terms_late_pins_them_and_moves_the_deadline(store: FakeStore) -> None:
    """招标投标法 第二十三条: changed evaluation terms affect bid preparation, so fewer than 15 days before the
    deadline the deadline moves, whatever the agency says."""
    clock = SimulatedClock(START)
    section = _section(store, clock)
    form = prefilled_form(section)
    check_section_document(form, section.id, uow=store.uow(), clock=clock, actor=AGENCY, blobs=store.blobs)
    published = publish_section(section.id, uow=store.uow(), clock=clock, actor=TENDEREE, random=FixedRandom())
    clock.set(published.schedule.bid_deadline - timedelta(days=10))
    changed = json.loads(form.model_dump_json())
    changed["evaluation"]["price"]["k_values"] = ["0.96", "0.97", "0.98"]
    out = amend_section_document(
        parse_form(changed),
        section.id,
        affects_preparation=False,
        uow=store.uow(),
        clock=clock,
        actor=AGENCY,
        blobs=store.blobs,
    )
    assert out.deadline_moved and out.bid_deadline >= clock.now() + timedelta(days=15)
    pins = [e for e in store.ledger if e.action == "terms:pinned"]
    assert len(pins) == 2
    assert [str(k) for k in terms_from_json(pins[-1].payload["terms"]).k_values] == ["0.96", "0.97", "0.98"]
    with store.uow() as uow:
        assert uow.sections.get(section.id).terms_digest == terms_digest(terms_from_json(pins[-1].payload["terms"]))


def test_a_cancellation_needs_a_reason_and_the_tenderee(store: FakeStore) -> None:
    clock = SimulatedClock(START)
    section = _section(store, clock)
    with pytest.raises(NotPermitted):
        cancel_section(section.id, "项目取消", uow=store.uow(), clock=clock, actor=AGENCY)
    before = len(store.ledger)
    cancelled = cancel_section(section.id, "项目取消", uow=store.uow(), clock=clock, actor=TENDEREE)
    assert cancelled.status is SectionStatus.CANCELLED
    assert [e.action for e in store.ledger[before:]] == ["section:cancelled"]


def test_a_block_left_without_commit_changes_nothing(store: FakeStore) -> None:
    clock = SimulatedClock(START)
    section = _section(store, clock)
    with store.uow() as uow:
        s = uow.sections.get(section.id)
        s.name = "改过的名字"
        uow.sections.save(s)
        uow.record(
            actor=TENDEREE,
            action=LedgerAction.SECTION_CANCELLED,
            subject_type=SubjectType.SECTION,
            subject_id=section.id,
            payload={},
            now=clock.now(),
        )
    with store.uow() as uow:
        assert uow.sections.get(section.id).name == "测试标段"
    assert [e.action for e in store.ledger] == ["project:created", "section:created"]
