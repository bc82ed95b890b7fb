"""The access matrix (fairbid.domain.access) against the real API, cell by cell.

One section per lifecycle state is built once for the module (real services, database, crypto). Every cell
role × operation × state is then a real HTTP call as that role: outside the matrix it must be refused (a 401,
403, 404 or 409 problem) with nothing stored changed; inside it must not be refused for lack of rights.
Operations that move a section (withdraw, evaluate, cancel) run last, so the states hold for the others.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from fairbid.api.app import create_app
from fairbid.bootstrap import Platform, bootstrap
from fairbid.clock import SimulatedClock
from fairbid.documents import demo_form_json
from fairbid.documents.prefill import prefilled_form
from fairbid.domain.access import ACCESS, is_allowed
from fairbid.domain.actor import Role
from fairbid.domain.section import SectionStatus as S
from fairbid.services.section import cancel_section
from fairbid.settings import Settings
from fairbid.store.database import normalise_url
from fairbid.store.rows import LedgerEntryRow, SectionRow
from tests.conftest import PG_URL, START
from tests.factories import PASSWORD, World, check_and_publish, credit_code, make_world

ROLES = [Role.OPERATOR, Role.SUPERVISOR, Role.TENDEREE, Role.AGENCY, Role.BIDDER, Role.EXPERT, Role.GUARANTOR]
ROLES_AND_PUBLIC = [*ROLES, Role.PUBLIC]
STATES = [S.DRAFT, S.CHECKED, S.PUBLISHED, S.BIDDING, S.OPENING, S.EVALUATION, S.FAILED, S.CANCELLED]
NOT_BUILT = {S.PUBLICISED, S.AWARDED, S.CONTRACTED}  # need the expert committee's evaluation (see report)
LAST = ("withdraw_bid", "evaluate_section", "cancel_section")
SECRET_404 = ("No bid is visible here", "No section with id", "No open section with id")


@dataclass
class Stage:
    client: TestClient
    world: World
    platform: Platform
    sections: dict[S, str]
    seeds: dict[S, str]
    headers: dict[Role, dict[str, str]] = field(default_factory=dict)


@pytest.fixture(scope="module")
def module_db(template_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if PG_URL:
        base = make_url(normalise_url(PG_URL))
        name = f"fairbid_access_{uuid.uuid4().hex[:10]}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(template_db).database}"'))
        yield base.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        target = tmp_path_factory.mktemp("access") / "fairbid.db"
        shutil.copyfile(template_db, target)
        yield f"sqlite:///{target}"


def _build(w: World) -> tuple[dict[S, str], dict[S, str]]:
    """One section per state; the clock only moves forward, so sections are staggered by their start."""
    p, clock = w.p, w.clock
    bidder = w.bidders[0]
    sections: dict[S, str] = {S.DRAFT: w.section().id}
    checked = w.section()
    from fairbid.services.document import check_section_document

    check_section_document(
        prefilled_form(checked), checked.id, uow=p.uow(), clock=clock, actor=w.agency.actor, blobs=p.blobs
    )
    sections[S.CHECKED] = checked.id
    evaluation = check_and_publish(w, w.section())
    later = clock.now() + _days(2)
    opening = check_and_publish(w, w.section(start=later))
    failed = check_and_publish(w, w.section(start=later))
    w.jump(evaluation.id)
    for b in w.bidders:
        w.submit(evaluation.id, b, w.seal(evaluation.id, b, "9100000.00"))
    w.jump(evaluation.id)
    w.jump(evaluation.id)
    sections[S.EVALUATION] = evaluation.id
    w.jump(opening.id)
    w.jump(failed.id)
    for b in w.bidders:
        w.submit(opening.id, b, w.seal(opening.id, b, "9200000.00"))
    w.submit(failed.id, bidder, w.seal(failed.id, bidder, "9300000.00"))
    assert w.jump(opening.id) == "opening" and w.jump(failed.id) == "failed"
    sections[S.OPENING], sections[S.FAILED] = opening.id, failed.id
    bidding = check_and_publish(w, w.section())
    cancelled = check_and_publish(w, w.section())
    published = check_and_publish(w, w.section(start=clock.now() + _days(1)))
    w.jump(bidding.id)
    w.jump(cancelled.id)
    w.submit(bidding.id, bidder, w.seal(bidding.id, bidder, "9400000.00"))
    w.submit(cancelled.id, bidder, w.seal(cancelled.id, bidder, "9500000.00"))
    cancel_section(cancelled.id, "项目取消", uow=p.uow(), clock=clock, actor=w.tenderee.actor)
    sections.update({S.BIDDING: bidding.id, S.CANCELLED: cancelled.id, S.PUBLISHED: published.id})
    with p.uow() as uow:
        seeds = {state: uow.sections.seed(sid) or "" for state, sid in sections.items()}
        for state, sid in sections.items():
            assert uow.sections.get(sid).status is state, (state, uow.sections.get(sid).status)
    return sections, seeds


def _days(n: int) -> Any:
    from datetime import timedelta

    return timedelta(days=n)


@pytest.fixture(scope="module")
def stage(module_db: str, tmp_path_factory: pytest.TempPathFactory, platform_key_file: Path) -> Iterator[Stage]:
    data = tmp_path_factory.mktemp("access-data")
    shutil.copyfile(platform_key_file, data / "platform-key.json")
    settings = Settings(
        environment="test",
        database_url=module_db,
        data_dir=data,
        platform_key_passphrase="test-passphrase",
        max_envelope_bytes=8 * 1024 * 1024,
    )
    clock = SimulatedClock(START)
    p = bootstrap(settings, clock=clock, migrate=False)
    w = make_world(p, clock, bidders=3)
    sections, seeds = _build(w)
    with TestClient(create_app(platform=p)) as client:
        st = Stage(client, w, p, sections, seeds)
        parties = {
            Role.OPERATOR: w.operator,
            Role.SUPERVISOR: w.supervisor,
            Role.TENDEREE: w.tenderee,
            Role.AGENCY: w.agency,
            Role.BIDDER: w.bidders[0],
            Role.EXPERT: w.expert,
            Role.GUARANTOR: w.guarantor,
        }
        for role, party in parties.items():
            r = client.post("/api/auth/token", data={"username": party.username, "password": PASSWORD})
            assert r.status_code == 200, r.text
            st.headers[role] = {"Authorization": f"Bearer {r.json()['access_token']}"}
        st.headers[Role.PUBLIC] = {}
        yield st
    p.close()


# --- one request per operation -----------------------------------------------------------------------------

Call = Callable[[Stage, Role, S | None], Any]  # an HTTP response (status_code, text, headers)


def _sid(st: Stage, state: S | None) -> str:
    assert state is not None
    return st.sections[state]


def _org(st: Stage, role: Role) -> str:
    return st.world.tenderee.organisation_id or ""


def _schedule(st: Stage) -> dict[str, str]:
    from datetime import timedelta

    start = st.world.clock.now() + timedelta(days=2)
    return {
        "sale_start": start.isoformat(),
        "sale_end": (start + timedelta(days=5)).isoformat(),
        "bid_deadline": (start + timedelta(days=21)).isoformat(),
    }


def _form(st: Stage, state: S | None) -> dict[str, Any]:
    with st.platform.uow() as uow:
        section = uow.sections.get(_sid(st, state))
    return prefilled_form(section).model_dump(mode="json")


CALLS: dict[str, Call] = {
    "register_organisation": lambda st, role, _: st.client.post(
        "/api/organisations", json={"name": "新公司", "credit_code": credit_code()}, headers=st.headers[role]
    ),
    "create_user": lambda st, role, _: st.client.post(
        "/api/users",
        json={"username": f"u{uuid.uuid4().hex[:8]}", "password": PASSWORD, "role": "public", "display_name": "x"},
        headers=st.headers[role],
    ),
    "register_key": lambda st, role, _: st.client.post(
        "/api/keys", json={"public_key": _bidder_key(st)}, headers=st.headers[role]
    ),
    "create_project": lambda st, role, _: st.client.post(
        "/api/projects",
        json={
            "code": f"P-{uuid.uuid4().hex[:6]}",
            "name": "项目",
            "tenderee_id": st.world.tenderee.organisation_id,
            "agency_id": st.world.agency.organisation_id,
        },
        headers=st.headers[role],
    ),
    "verify_ledger": lambda st, role, _: st.client.get("/api/ledger/verification", headers=st.headers[role]),
    "create_section": lambda st, role, _: st.client.post(
        "/api/sections",
        json={
            "project_id": _project(st),
            "code": f"S-{uuid.uuid4().hex[:6]}",
            "name": "标段",
            "kind": "works",
            "estimated_price": "10000000.00",
            "ceiling_price": "9800000.00",
            "schedule": _schedule(st),
        },
        headers=st.headers[role],
    ),
    "check_section_document": lambda st, role, state: st.client.post(
        f"/api/sections/{_sid(st, state)}/document",
        json=_form(st, state) if role in (Role.TENDEREE, Role.AGENCY) and state is not S.DRAFT else _blocked_form(),
        headers=st.headers[role],
    ),
    "amend_section_document": lambda st, role, state: st.client.post(
        f"/api/sections/{_sid(st, state)}/amendments", json=_form(st, state), headers=st.headers[role]
    ),
    "publish_section": lambda st, role, state: st.client.post(
        f"/api/sections/{_sid(st, state)}/publish", headers=st.headers[role]
    ),
    "cancel_section": lambda st, role, state: st.client.post(
        f"/api/sections/{_sid(st, state)}/cancel", json={"reason": "测试"}, headers=st.headers[role]
    ),
    "submit_bid": lambda st, role, state: st.client.post(
        f"/api/sections/{_sid(st, state)}/bids",
        content=st.world.seal(_sid(st, state), st.world.bidders[0], "9000000.00"),
        headers={**st.headers[role], "Content-Type": "application/octet-stream"},
    ),
    "withdraw_bid": lambda st, role, state: st.client.delete(
        f"/api/sections/{_sid(st, state)}/bids/mine", headers=st.headers[role]
    ),
    "decrypt_bid": lambda st, role, state: st.client.post(
        f"/api/sections/{_sid(st, state)}/bids/mine/decryption",
        json={"content_key": _content_key(st, state)},
        headers=st.headers[role],
    ),
    "my_bid": lambda st, role, state: st.client.get(
        f"/api/sections/{_sid(st, state)}/bids/mine", headers=st.headers[role]
    ),
    "list_bids": lambda st, role, state: st.client.get(
        f"/api/sections/{_sid(st, state)}/bids", headers=st.headers[role]
    ),
    "evaluate_section": lambda st, role, state: st.client.post(
        f"/api/sections/{_sid(st, state)}/evaluation", headers=st.headers[role]
    ),
    "sign_contract": lambda st, role, state: st.client.post(
        f"/api/sections/{_sid(st, state)}/contract", headers=st.headers[role]
    ),
    "get_section": lambda st, role, state: st.client.get(f"/api/sections/{_sid(st, state)}", headers=st.headers[role]),
    "list_section_documents": lambda st, role, state: st.client.get(
        f"/api/sections/{_sid(st, state)}/documents", headers=st.headers[role]
    ),
    "read_trace": lambda st, role, state: st.client.get(f"/sections/{_sid(st, state)}/trace", headers=st.headers[role]),
}
SECTIONLESS = {g.operation for g in ACCESS if g.states is None}


def _project(st: Stage) -> str:
    with st.platform.uow() as uow:
        return uow.sections.get(st.sections[S.DRAFT]).project_id


def _blocked_form() -> dict[str, Any]:
    """A form the rule catalog blocks (T09: security over 2 %), so nothing is rendered: a fast refusal."""
    form: dict[str, Any] = json.loads(demo_form_json())
    form["bid_security"]["amount"] = "99999999"
    return form


def _content_key(st: Stage, state: S | None) -> str:
    """The bidder's real content key when it has a bid here (so only rights and state can refuse)."""
    from fairbid.crypto.envelope import unwrap_content_key

    bidder = st.world.bidders[0]
    with st.platform.uow() as uow:
        bid = uow.bids.for_bidder(_sid(st, state), bidder.organisation_id or "")
    if bid is None or bidder.key is None:
        return "00" * 16
    with st.platform.blobs.open(bid.envelope_digest) as src:
        return unwrap_content_key(src, bidder.key).hex()


def _bidder_key(st: Stage) -> str:
    key = st.world.bidders[0].key
    assert key is not None
    return key.public.to_text()


def _seed_probe(st: Stage, role: Role, state: S | None) -> Any:
    """Everything this role can read about the section, joined; the seed must appear only when granted."""
    sid = _sid(st, state)
    h = st.headers[role]
    bodies = [
        st.client.get(path, headers=h)
        for path in (
            f"/api/sections/{sid}",
            f"/api/sections/{sid}/bids",
            "/api/ledger/entries",
            f"/sections/{sid}/trace",
        )
    ]
    seen = any(st.seeds[state] and st.seeds[state] in r.text for r in bodies)  # type: ignore[index]
    return _Probe(200 if seen else 404, "seed seen" if seen else "seed not seen", {})


@dataclass(frozen=True)
class _Probe:
    status_code: int
    text: str
    headers: dict[str, str]


CALLS["read_seed"] = _seed_probe


def _cells() -> list[Any]:
    first: list[Any] = []
    last_out: list[Any] = []
    last_in: list[Any] = []
    for op in dict.fromkeys(g.operation for g in ACCESS):
        states: list[S | None] = [None] if op in SECTIONLESS else list(STATES)
        for state in states:
            for role in ROLES_AND_PUBLIC:
                allowed = is_allowed(role, op, state)
                marks = [pytest.mark.slow] if op == "amend_section_document" else []
                cell = pytest.param(op, role, state, allowed, id=f"{op}-{role}-{state or 'none'}", marks=marks)
                if op in LAST:
                    (last_in if allowed else last_out).append(cell)
                else:
                    first.append(cell)
    last_in.sort(key=lambda cell: LAST.index(cell.values[0]))
    return first + last_out + last_in


def _fingerprint(st: Stage) -> tuple[int, list[str]]:
    with st.platform.uow() as uow:
        top = uow.session.scalar(select(func.max(LedgerEntryRow.seq))) or 0
        statuses = list(uow.session.scalars(select(SectionRow.status).order_by(SectionRow.id)))
    return top, statuses


@pytest.mark.parametrize(("op", "role", "state", "allowed"), _cells())
def test_access_cell(stage: Stage, op: str, role: Role, state: S | None, allowed: bool) -> None:
    before = _fingerprint(stage)
    r = CALLS[op](stage, role, state)
    if allowed:
        assert r.status_code not in (401, 403), f"{op} refused to {role} in {state}: {r.text}"
        if r.status_code == 404:
            assert not any(s in r.text for s in SECRET_404), f"{op} hidden from {role} in {state}: {r.text}"
    else:
        assert r.status_code in (401, 403, 404, 409), (
            f"{op} by {role} in {state} was not refused: {r.status_code} {r.text}"
        )
        if op != "read_seed":
            assert r.headers["content-type"].startswith("application/problem+json"), r.text
        assert _fingerprint(stage) == before, f"{op} by {role} in {state} changed stored state"


def test_every_operation_of_the_matrix_is_called_and_states_not_built_are_named() -> None:
    assert set(CALLS) == {g.operation for g in ACCESS}
    assert set(STATES) | NOT_BUILT == set(S)


def test_the_access_page_shows_every_operation(stage: Stage) -> None:
    page = stage.client.get("/access")
    assert page.status_code == 200
    for grant in ACCESS:
        assert grant.operation in page.text


PUBLIC_READS = {
    "who_am_i",
    "sign_in",
    "sign_out",
    "list_sections",
    "download_section_document",
    "list_ledger_entries",
    "list_ledger_heads",
    "prove_ledger_entry",
    "ledger_consistency",
    "platform_key",
    "check_tender_form",
    "check_tender_text",
    "render_tender_document",
    "list_tender_rules",
}
"""Operations open to everyone (or to every signed-in account on its own data), outside the matrix by design."""

NOT_YET_IN_MATRIX = {
    # the expert committee, scoring, objections and collusion warnings arrived after the matrix was drawn;
    # their services check roles, but no cell proves it yet (expert identities before the evaluation and
    # other experts' scores before all submit are among them)
    "draw_committee",
    "get_committee",
    "answer_invitation",
    "replace_vacancies",
    "check_in",
    "start_evaluation",
    "import_experts",
    "list_experts",
    "set_expert_status",
    "save_venue",
    "list_venues",
    "raise_objection",
    "answer_objection",
    "list_objections",
    "my_score_sheets",
    "submit_score_sheet",
    "answer_warning",
    "give_verdict",
    "list_section_warnings",
}


def test_every_api_operation_is_in_the_matrix_or_named_here() -> None:
    """A new route fails this test until it is given cells (or named above, which the report lists)."""
    import importlib
    import pkgutil

    from fairbid.api import routers

    found = set()
    for info in pkgutil.iter_modules(routers.__path__):
        router = getattr(importlib.import_module(f"fairbid.api.routers.{info.name}"), "router", None)
        for route in getattr(router, "routes", []):
            if getattr(route, "include_in_schema", False) and getattr(route, "operation_id", None):
                found.add(route.operation_id)
    in_matrix = {g.operation for g in ACCESS}
    unlisted = found - in_matrix - PUBLIC_READS - NOT_YET_IN_MATRIX
    assert not unlisted, f"API operations with no access cells: {sorted(unlisted)}"
    stale = (PUBLIC_READS | NOT_YET_IN_MATRIX | (in_matrix - {"read_trace", "read_seed"})) - found
    assert not stale, f"named operations the API no longer has: {sorted(stale)}"
