"""The access matrix (fairbid.domain.access) against the real API, cell by cell.

One section per lifecycle stage is built once for the module (real services, database, crypto): every
status, and in evaluation every phase of the committee (none, drawn, scoring, scored). Every cell
role × operation × stage is then a real HTTP call as that role: outside the matrix it must be refused (a 401,
403, 404 or 409 problem) with nothing stored changed; inside it must not be refused for lack of rights.
Secrecy cells (the seed, the experts' names, another expert's scores) are probes: everything the role can
read about the section is fetched, and the secret must appear exactly where the matrix grants it.
Operations that move a section (withdraw, draw, start, evaluate, contract, cancel) run last, so the stages
hold for the others.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from fairbid.api.app import create_app
from fairbid.bootstrap import Platform, bootstrap
from fairbid.clock import SimulatedClock
from fairbid.crypto.key import PrivateKey, generate_key, sign
from fairbid.documents import demo_form_json
from fairbid.documents.prefill import prefilled_form
from fairbid.domain.access import ACCESS, STAGES, CommitteePhase, is_allowed
from fairbid.domain.actor import Role
from fairbid.domain.errors import FairbidError
from fairbid.domain.section import Section
from fairbid.domain.section import SectionStatus as S
from fairbid.services.disputes.objection import RaiseObjection, raise_objection
from fairbid.services.evaluation.pool import import_experts
from fairbid.services.evaluation.report import (
    evaluation_report_view,
    issue_evaluation_report,
    register_signing_key,
    report_message,
)
from fairbid.services.evaluation.scoring import SubmitSheet, sheets_view, submit_score_sheet
from fairbid.services.evaluation.session import evaluate_section, start_evaluation
from fairbid.services.tendering.chronograph import advance_clock
from fairbid.services.tendering.section import cancel_section, sign_contract
from fairbid.settings import Settings
from fairbid.store.database import normalise_url
from fairbid.store.rows import LedgerEntryRow, SectionRow
from tests.conftest import PG_URL
from tests.factories import (
    PASSWORD,
    Party,
    World,
    answer_all_warnings,
    check_and_publish,
    credit_code,
    draw_and_seat,
    expert_pool,
    make_world,
    tender_form_for,
)

P = CommitteePhase
Key = tuple[S, CommitteePhase | None]  # a stage: the status, and the committee's phase in evaluation
ROLES = [Role.OPERATOR, Role.SUPERVISOR, Role.TENDEREE, Role.AGENCY, Role.BIDDER, Role.EXPERT, Role.GUARANTOR]
ROLES_AND_PUBLIC = [*ROLES, Role.PUBLIC]
LAST = ("withdraw_bid", "draw_committee", "start_evaluation", "evaluate_section", "sign_contract", "cancel_section")
PROBES = ("read_seed", "read_expert_names", "read_other_scores")
SECRET_404 = (
    "No bid is visible here",
    "No section with id",
    "No open section with id",
    "No evaluation report is visible here",
)
MARKED_SCORE = Decimal("11.37")  # a score only the second member gives: seen anywhere, it leaked
REPORTED_STAGES: tuple[Key, ...] = ((S.PUBLICISED, None), (S.AWARDED, None), (S.CONTRACTED, None))
COMMITTEE_STAGES: tuple[Key, ...] = (
    (S.EVALUATION, P.DRAWN),
    (S.EVALUATION, P.SCORING),
    (S.EVALUATION, P.SCORED),
    (S.PUBLICISED, None),
    (S.AWARDED, None),
    (S.CONTRACTED, None),
)

SPECIALTIES = {key: f"A0{n + 1}" for n, key in enumerate(COMMITTEE_STAGES)}
"""Each committee is drawn in its own specialty, so no expert sits on two of them: a member's ID seen anywhere
then means this committee's secret leaked."""


@dataclass
class Stage:
    client: TestClient
    world: World
    platform: Platform
    sections: dict[Key, str]
    seeds: dict[Key, str]
    members: dict[Key, list[str]]  # the committee's experts in seat order (the first acts as "expert"), then the
    # tenderee's representative: the tenderee's own account, so "tenderee" in a committee's cells is a member
    experts: dict[str, Party]  # every pool expert's account
    objections: dict[Key, str]  # an objection raised by another bidder, to answer
    signing_keys: dict[Key, PrivateKey]  # the first member's report-signing key, where a report was issued
    headers: dict[Role, dict[str, str]] = field(default_factory=dict)
    expert_headers: dict[Key, dict[str, str]] = field(default_factory=dict)


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


# --- building one section per stage ------------------------------------------------------------------------

BID_DEADLINE = timedelta(days=21, hours=1)  # from a factory section's ``start`` to its deadline (the opening)


def _advance(w: World, sections: Iterable[str], until: datetime) -> None:
    """Fire every section's due events in time order up to ``until``, then set the clock there."""
    pending = set(sections)
    fired: set[tuple[str, datetime]] = set()
    while True:
        with w.p.uow() as uow:
            due = [(d, sid) for sid in pending if (d := uow.sections.next_check_of(sid)) is not None and d <= until]
        due = [x for x in due if (x[1], x[0]) not in fired]  # a blocked event (an open objection) waits
        if not due:
            break
        when, sid = min(due)
        fired.add((sid, when))
        w.clock.set(max(when, w.clock.now()))
        advance_clock(sid, uow=w.p.uow(), clock=w.clock)
    w.clock.set(max(until, w.clock.now()))


def _score(w: World, sid: str, members: list[str], experts: dict[str, Party], *, only: int | None = None) -> None:
    """Members score every bid; the second member's technical score is ``MARKED_SCORE`` (to spot a leak).
    ``only``: just that member, for the first bid (a session still scoring)."""
    view = sheets_view(sid, uow=w.p.uow(), actor=experts[members[0]].actor)
    bids = sorted(view.bids)
    for n, expert_id in enumerate(members):
        if only is not None and n != only:
            continue
        for rank, bid_id in enumerate(bids[:1] if only is not None else bids):
            plan = MARKED_SCORE if n == 1 else Decimal(11) - rank
            scores = {"construction_plan": plan, "quality_safety": Decimal(7) - rank}
            submit_score_sheet(
                SubmitSheet(sid, bid_id, scores), uow=w.p.uow(), clock=w.clock, actor=experts[expert_id].actor
            )


def _seat(w: World, sid: str, experts: dict[str, Party], specialty: str) -> list[str]:
    """A fresh pool, a committee drawn for 72 hours from now, every member accepted and checked in; the tenderee
    names itself as its representative."""
    pool = expert_pool(w, specialty=specialty)
    experts.update(pool)
    return draw_and_seat(w, sid, experts, evaluation_hours=72, representatives=[w.tenderee])


def _build(
    w: World,
) -> tuple[dict[Key, str], dict[Key, list[str]], dict[str, Party], dict[Key, str], dict[Key, PrivateKey]]:
    """Every stage at one final instant ``final``: sections start staggered so each is where it should be then.

    The committee's sections open first (and two of them are awarded); the others are timed to reach their
    status at ``final``, when the drawn, scoring and scored committees still sit and the publicity still runs.
    """
    p, clock = w.p, w.clock
    t0 = clock.now()
    final = t0 + timedelta(days=30)
    early = {key: _with_representative(w, w.section(start=t0), SPECIALTIES[key]) for key in COMMITTEE_STAGES}
    timed = {
        (S.EVALUATION, P.NONE): final - BID_DEADLINE - timedelta(hours=1),
        (S.OPENING, None): final - BID_DEADLINE,
        (S.FAILED, None): final - BID_DEADLINE,
        (S.BIDDING, None): final - timedelta(days=2),
        (S.CANCELLED, None): final - timedelta(days=2),
        (S.PUBLISHED, None): final + timedelta(days=1),
    }
    late = {key: check_and_publish(w, w.section(start=start)).id for key, start in timed.items()}
    checked = w.section()
    from fairbid.services.tendering.document import check_section_document

    check_section_document(
        prefilled_form(checked), checked.id, uow=p.uow(), clock=clock, actor=w.agency.actor, blobs=p.blobs
    )
    sections: dict[Key, str] = {(S.DRAFT, None): w.section().id, (S.CHECKED, None): checked.id, **early, **late}
    every = list(sections.values())
    members: dict[Key, list[str]] = {}
    experts: dict[str, Party] = {}
    objections: dict[Key, str] = {}

    _advance(w, every, t0 + timedelta(hours=1))  # the early sections take bids
    for sid in early.values():
        for i, b in enumerate(w.bidders):
            w.submit(sid, b, w.seal(sid, b, f"{9100000 + 10000 * i}.00"))
    _advance(w, every, t0 + BID_DEADLINE)
    for sid in early.values():
        for b in w.bidders:
            w.decrypt(sid, b)
    _advance(w, every, t0 + BID_DEADLINE + timedelta(minutes=30))
    for key in ((S.AWARDED, None), (S.CONTRACTED, None)):
        sid = early[key]
        members[key] = _seat(w, sid, experts, SPECIALTIES[key])
        start_evaluation(sid, uow=p.uow(), clock=clock, actor=w.operator.actor)
        _score(w, sid, members[key], experts)
        answer_all_warnings(w, sid, members[key], experts)
        evaluate_section(sid, uow=p.uow(), clock=clock, actor=w.operator.actor)
    _advance(w, every, clock.now() + timedelta(days=3, minutes=1))  # publicity over: awarded
    sign_contract(early[(S.CONTRACTED, None)], uow=p.uow(), clock=clock, actor=w.tenderee.actor)

    _advance(w, every, final - timedelta(days=2))  # the late sections take bids; the last committees sit
    for key in ((S.EVALUATION, P.NONE), (S.OPENING, None)):
        for i, b in enumerate(w.bidders):
            w.submit(late[key], b, w.seal(late[key], b, f"{9200000 + 10000 * i}.00"))
    w.submit(late[(S.FAILED, None)], w.bidders[0], w.seal(late[(S.FAILED, None)], w.bidders[0], "9300000.00"))
    for key in ((S.EVALUATION, P.DRAWN), (S.EVALUATION, P.SCORING), (S.EVALUATION, P.SCORED), (S.PUBLICISED, None)):
        sid = early[key]
        members[key] = _seat(w, sid, experts, SPECIALTIES[key])
        if key[1] is P.DRAWN:
            continue
        start_evaluation(sid, uow=p.uow(), clock=clock, actor=w.operator.actor)
        _score(w, sid, members[key], experts, only=1 if key[1] is P.SCORING else None)
        if key[1] is not P.SCORING:
            answer_all_warnings(w, sid, members[key], experts)
    evaluate_section(early[(S.PUBLICISED, None)], uow=p.uow(), clock=clock, actor=w.operator.actor)
    objections[(S.PUBLICISED, None)] = _object(w, early[(S.PUBLICISED, None)])

    _advance(w, every, final)
    for key in ((S.BIDDING, None), (S.CANCELLED, None)):
        w.submit(late[key], w.bidders[0], w.seal(late[key], w.bidders[0], "9400000.00"))
    cancel_section(late[(S.CANCELLED, None)], "项目取消", uow=p.uow(), clock=clock, actor=w.tenderee.actor)
    objections[(S.OPENING, None)] = _object(w, late[(S.OPENING, None)])
    keys = {key: _issue_report(w, early[key], experts[members[key][0]]) for key in REPORTED_STAGES}
    _join_pool(w)
    return sections, members, experts, objections, keys


def _with_representative(w: World, section: Section, specialty: str) -> str:
    """A section whose terms seat 4 experts in ``specialty`` and 1 of the tenderee's representatives; published."""
    form = tender_form_for(section, experts=4, representatives=1, specialty=specialty)
    return check_and_publish(w, section, form).id


def _issue_report(w: World, sid: str, first: Party) -> PrivateKey:
    """The machine issues the section's report; its first member registers a signing key (kept to sign)."""
    issue_evaluation_report(sid, uow=w.p.uow(), clock=w.clock, actor=w.operator.actor, blobs=w.p.blobs)
    key = generate_key()
    register_signing_key(key.public.to_text(), uow=w.p.uow(), clock=w.clock, actor=first.actor)
    return key


def _join_pool(w: World) -> None:
    """The account acting as "expert" outside any committee joins the pool in a specialty never drawn here."""
    with w.p.uow() as uow:
        code = uow.organisations.get(w.expert.organisation_id or "").credit_code
    csv = (
        "expert_id,name,specialties,region,employer,title,years,email,username\n"
        f"XOUT,池外专家,B02,430100,{code},senior,10,out@experts.test,{w.expert.username}\n"
    )
    import_experts(csv, uow=w.p.uow(), clock=w.clock, actor=w.operator.actor)


def _object(w: World, sid: str) -> str:
    """An objection by the second bidder (the first acts as "bidder" in the cells)."""
    cmd = RaiseObjection(sid, "报价明显低于成本，请核实。")
    return raise_objection(cmd, uow=w.p.uow(), clock=w.clock, actor=w.bidders[1].actor).id


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
    from tests.conftest import START

    clock = SimulatedClock(START)
    p = bootstrap(settings, clock=clock, migrate=False)
    w = make_world(p, clock, bidders=3)
    sections, members, experts, objections, keys = _build(w)
    with p.uow() as uow:
        seeds = {key: uow.sections.seed(sid) or "" for key, sid in sections.items()}
        for (status, _), sid in sections.items():
            assert uow.sections.get(sid).status is status, (status, uow.sections.get(sid).status)
    with TestClient(create_app(platform=p)) as client:
        st = Stage(client, w, p, sections, seeds, members, experts, objections, keys)
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
            st.headers[role] = _sign_in(client, party)
        st.headers[Role.PUBLIC] = {}
        for key, seated in members.items():
            st.expert_headers[key] = _sign_in(client, experts[seated[0]])
        yield st
    p.close()


def _sign_in(client: TestClient, party: Party) -> dict[str, str]:
    r = client.post("/api/auth/token", data={"username": party.username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


# --- one request per operation -----------------------------------------------------------------------------

Call = Callable[[Stage, Role, Key | None], Any]  # an HTTP response (status_code, text, headers)


def _sid(st: Stage, key: Key | None) -> str:
    assert key is not None
    return st.sections[key]


def _h(st: Stage, role: Role, key: Key | None) -> dict[str, str]:
    """The role's credentials; in a section with a committee, "expert" is its first member."""
    if role is Role.EXPERT and key in st.expert_headers:
        return st.expert_headers[key]  # type: ignore[index]
    return st.headers[role]


def _schedule(st: Stage) -> dict[str, str]:
    start = st.world.clock.now() + timedelta(days=2)
    return {
        "sale_start": start.isoformat(),
        "sale_end": (start + timedelta(days=5)).isoformat(),
        "bid_deadline": (start + timedelta(days=21)).isoformat(),
    }


def _form(st: Stage, key: Key | None) -> dict[str, Any]:
    with st.platform.uow() as uow:
        section = uow.sections.get(_sid(st, key))
    return prefilled_form(section).model_dump(mode="json")


def _view(st: Stage, key: Key | None, role: Role = Role.EXPERT) -> Any:
    """The acting member's view of the scoring (bids, reviews, warnings), or None where no session runs: the
    tenderee's (its representative) for "tenderee", else the first expert's."""
    if key not in st.members:
        return None
    acting = st.world.tenderee if role is Role.TENDEREE else st.experts[st.members[key][0]]  # type: ignore[index]
    actor = acting.actor
    try:
        return sheets_view(_sid(st, key), uow=st.platform.uow(), actor=actor)
    except FairbidError:  # closed or not started: the cell then refers to nothing real
        return None


def _unscored_bid(st: Stage, key: Key | None, role: Role) -> str:
    view = _view(st, key, role)
    if view is None:
        return str(uuid.uuid4())
    scored = {s.bid_id for s in view.sheets if s.expert_id == view.expert_id}
    return next((b for b in view.bids if b not in scored), view.bids[0])


def _warning(st: Stage, key: Key | None, role: Role) -> str:
    view = _view(st, key, role)
    found = [w.warning_id for w, answered in view.warnings if not answered] if view else []
    return found[0] if found else str(uuid.uuid4())


def _verdict(st: Stage, key: Key | None, role: Role) -> dict[str, Any]:
    view = _view(st, key, role)
    if view is None or not view.reviews:
        return {"bid_id": str(uuid.uuid4()), "check_id": "qualification", "agrees": True}
    review = view.reviews[0]
    return {"bid_id": review.bid_id, "check_id": review.results[0].check_id, "agrees": True}


def _committee(st: Stage, key: Key | None) -> str:
    return f"/api/sections/{_sid(st, key)}/committee"


def _scoring(st: Stage, key: Key | None) -> str:
    return f"/api/sections/{_sid(st, key)}/scoring"


def _report(st: Stage, key: Key | None) -> str:
    return f"/api/sections/{_sid(st, key)}/evaluation-report"


def _signature(st: Stage, key: Key | None) -> str:
    """The first member's real signature over the issued report (so only rights and state can refuse)."""
    if key not in st.signing_keys:
        return "00" * 64
    sid = _sid(st, key)
    view = evaluation_report_view(sid, uow=st.platform.uow(), actor=st.world.operator.actor)
    return sign(st.signing_keys[key], report_message(sid, view.pdf_digest)).hex()  # type: ignore[index]


def _first_member(st: Stage, key: Key | None) -> str | None:
    return st.members[key][0] if key in st.members else None  # type: ignore[index]


def _pool_csv() -> str:
    code = credit_code()
    return (
        "expert_id,name,specialties,region,employer,title,years,email\n"
        f"X{uuid.uuid4().hex[:8]},新专家,B02,430100,{code},senior,10,new@experts.test\n"
    )


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
    "check_section_document": lambda st, role, key: st.client.post(
        f"/api/sections/{_sid(st, key)}/document",
        json=_form(st, key)
        if role in (Role.TENDEREE, Role.AGENCY) and key and key[0] is not S.DRAFT
        else _blocked_form(),
        headers=st.headers[role],
    ),
    "amend_section_document": lambda st, role, key: st.client.post(
        f"/api/sections/{_sid(st, key)}/amendments", json=_form(st, key), headers=st.headers[role]
    ),
    "publish_section": lambda st, role, key: st.client.post(
        f"/api/sections/{_sid(st, key)}/publish", headers=st.headers[role]
    ),
    "cancel_section": lambda st, role, key: st.client.post(
        f"/api/sections/{_sid(st, key)}/cancel", json={"reason": "测试"}, headers=_h(st, role, key)
    ),
    "submit_bid": lambda st, role, key: st.client.post(
        f"/api/sections/{_sid(st, key)}/bids",
        content=st.world.seal(_sid(st, key), st.world.bidders[0], "9000000.00"),
        headers={**_h(st, role, key), "Content-Type": "application/octet-stream"},
    ),
    "withdraw_bid": lambda st, role, key: st.client.delete(
        f"/api/sections/{_sid(st, key)}/bids/mine", headers=_h(st, role, key)
    ),
    "decrypt_bid": lambda st, role, key: st.client.post(
        f"/api/sections/{_sid(st, key)}/bids/mine/decryption",
        json={"content_key": _content_key(st, key)},
        headers=_h(st, role, key),
    ),
    "my_bid": lambda st, role, key: st.client.get(
        f"/api/sections/{_sid(st, key)}/bids/mine", headers=_h(st, role, key)
    ),
    "list_bids": lambda st, role, key: st.client.get(f"/api/sections/{_sid(st, key)}/bids", headers=_h(st, role, key)),
    "evaluate_section": lambda st, role, key: st.client.post(
        f"/api/sections/{_sid(st, key)}/evaluation", headers=_h(st, role, key)
    ),
    "sign_contract": lambda st, role, key: st.client.post(
        f"/api/sections/{_sid(st, key)}/contract", headers=_h(st, role, key)
    ),
    "get_section": lambda st, role, key: st.client.get(f"/api/sections/{_sid(st, key)}", headers=_h(st, role, key)),
    "list_section_documents": lambda st, role, key: st.client.get(
        f"/api/sections/{_sid(st, key)}/documents", headers=_h(st, role, key)
    ),
    "read_trace": lambda st, role, key: st.client.get(f"/sections/{_sid(st, key)}/trace", headers=_h(st, role, key)),
    # the expert pool and venues
    "import_experts": lambda st, role, _: st.client.post(
        "/api/experts/import", json={"csv": _pool_csv()}, headers=st.headers[role]
    ),
    "list_experts": lambda st, role, _: st.client.get("/api/experts", headers=st.headers[role]),
    "set_expert_status": lambda st, role, _: st.client.post(
        f"/api/experts/{next(iter(st.experts))}/status",
        json={"status": "active", "reason": "复核无误"},
        headers=st.headers[role],
    ),
    "save_venue": lambda st, role, _: st.client.put(
        "/api/venues/extra",
        json={"name": "醴陵分场", "role": "secondary", "regions": ["430281"]},
        headers=st.headers[role],
    ),
    "list_venues": lambda st, role, _: st.client.get("/api/venues", headers=st.headers[role]),
    # the committee
    "draw_committee": lambda st, role, key: st.client.post(
        _committee(st, key),
        json={"venues": {"main": 2, "partner": 2}},
        headers=_h(st, role, key),
    ),
    "get_committee": lambda st, role, key: st.client.get(_committee(st, key), headers=_h(st, role, key)),
    "answer_invitation": lambda st, role, key: st.client.post(
        f"{_committee(st, key)}/answer",
        json={"accepted": True, "expert_id": (_first_member(st, key) or "E-none") if role is Role.OPERATOR else None},
        headers=_h(st, role, key),
    ),
    "replace_vacancies": lambda st, role, key: st.client.post(
        f"{_committee(st, key)}/replacements", headers=_h(st, role, key)
    ),
    "check_in": lambda st, role, key: st.client.post(
        f"{_committee(st, key)}/check-in", json={"venue_id": "main", "device": "终端-1"}, headers=_h(st, role, key)
    ),
    "name_representatives": lambda st, role, key: st.client.put(
        f"{_committee(st, key)}/representatives",
        json={"usernames": [st.world.tenderee.username]},
        headers=_h(st, role, key),
    ),
    "register_member_key": lambda st, role, key: st.client.put(
        f"{_committee(st, key)}/key", json={"public_key": generate_key().public.to_text()}, headers=_h(st, role, key)
    ),
    "start_evaluation": lambda st, role, key: st.client.post(f"{_committee(st, key)}/start", headers=_h(st, role, key)),
    # scoring
    "my_score_sheets": lambda st, role, key: st.client.get(_scoring(st, key), headers=_h(st, role, key)),
    "submit_score_sheet": lambda st, role, key: st.client.put(
        f"{_scoring(st, key)}/bids/{_unscored_bid(st, key, role)}",
        json={"scores": {"construction_plan": "10", "quality_safety": "6"}},
        headers=_h(st, role, key),
    ),
    "answer_warning": lambda st, role, key: st.client.post(
        f"{_scoring(st, key)}/warnings/{_warning(st, key, role)}",
        json={"revised": False, "reason": "评分依据充分，维持原评分。"},
        headers=_h(st, role, key),
    ),
    "give_verdict": lambda st, role, key: st.client.post(
        f"{_scoring(st, key)}/verdicts", json=_verdict(st, key, role), headers=_h(st, role, key)
    ),
    "list_section_warnings": lambda st, role, key: st.client.get(
        f"/api/sections/{_sid(st, key)}/warnings", headers=_h(st, role, key)
    ),
    # the evaluation report
    "issue_evaluation_report": lambda st, role, key: st.client.post(_report(st, key), headers=_h(st, role, key)),
    "get_evaluation_report": lambda st, role, key: st.client.get(_report(st, key), headers=_h(st, role, key)),
    "download_evaluation_report": lambda st, role, key: st.client.get(
        f"{_report(st, key)}/pdf", headers=_h(st, role, key)
    ),
    "sign_evaluation_report": lambda st, role, key: st.client.post(
        f"{_report(st, key)}/signatures", json={"signature": _signature(st, key)}, headers=_h(st, role, key)
    ),
    "register_expert_key": lambda st, role, _: st.client.put(
        "/api/experts/me/key", json={"public_key": generate_key().public.to_text()}, headers=st.headers[role]
    ),
    # objections
    "raise_objection": lambda st, role, key: st.client.post(
        f"/api/sections/{_sid(st, key)}/objections", json={"text": "对开标记录有异议。"}, headers=_h(st, role, key)
    ),
    "answer_objection": lambda st, role, key: st.client.post(
        f"/api/objections/{st.objections.get(key, str(uuid.uuid4()))}/answer",  # type: ignore[arg-type]
        json={"answer": "经核实，开标记录无误。"},
        headers=_h(st, role, key),
    ),
    "list_objections": lambda st, role, key: st.client.get(
        f"/api/sections/{_sid(st, key)}/objections", headers=_h(st, role, key)
    ),
}
SECTIONLESS = {g.operation for g in ACCESS if g.states is None}


def _project(st: Stage) -> str:
    with st.platform.uow() as uow:
        return uow.sections.get(st.sections[(S.DRAFT, None)]).project_id


def _blocked_form() -> dict[str, Any]:
    """A form the rule catalog blocks (T09: security over 2 %), so nothing is rendered: a fast refusal."""
    form: dict[str, Any] = json.loads(demo_form_json())
    form["bid_security"]["amount"] = "99999999"
    return form


def _content_key(st: Stage, key: Key | None) -> str:
    """The bidder's real content key when it has a bid here (so only rights and state can refuse)."""
    from fairbid.crypto.envelope import unwrap_content_key

    bidder = st.world.bidders[0]
    with st.platform.uow() as uow:
        bid = uow.bids.for_bidder(_sid(st, key), bidder.organisation_id or "")
    if bid is None or bidder.key is None:
        return "00" * 16
    with st.platform.blobs.open(bid.envelope_digest) as src:
        return unwrap_content_key(src, bidder.key).hex()


def _bidder_key(st: Stage) -> str:
    key = st.world.bidders[0].key
    assert key is not None
    return key.public.to_text()


# --- secrecy probes: everything the role can read about the section, searched for the secret ---------------


@dataclass(frozen=True)
class _Probe:
    status_code: int
    text: str
    headers: dict[str, str]


def _readable(st: Stage, role: Role, key: Key | None) -> dict[str, str]:
    """Everything ``role`` can read about the section, by path."""
    sid = _sid(st, key)
    h = _h(st, role, key)
    paths = [
        f"/api/sections/{sid}",
        f"/api/sections/{sid}/bids",
        f"/api/sections/{sid}/committee",
        f"/api/sections/{sid}/scoring",
        f"/api/sections/{sid}/warnings",
        f"/api/sections/{sid}/objections",
        f"/api/sections/{sid}/documents",
        "/api/ledger/entries?limit=1000",
        f"/sections/{sid}/trace",
        f"/sections/{sid}",
    ]
    return {path: st.client.get(path, headers=h).text for path in paths}


def _probe(secrets: Callable[[Stage, Role, Key], list[str]]) -> Call:
    def call(st: Stage, role: Role, key: Key | None) -> _Probe:
        assert key is not None
        wanted = [s for s in secrets(st, role, key) if s]
        seen = [
            (path, s, body[max(0, body.find(s) - 400) : body.find(s) + 60])
            for path, body in _readable(st, role, key).items()
            for s in wanted
            if s in body
        ]
        return _Probe(200 if seen else 404, f"secret seen: {seen}" if seen else "secret not seen", {})

    return call


def _other_members(st: Stage, role: Role, key: Key) -> list[str]:
    """The pool IDs and account names of the members other than the one acting as "expert" (who always sees
    their own seat)."""
    others = [m for m in st.members.get(key, [])[1:] if not m.startswith("rep:")]  # the tenderee is no secret
    with st.platform.uow() as uow:
        names = [uow.users.get(st.experts[m].actor.user_id or "").display_name for m in others]
    return [*others, *names]


CALLS["read_seed"] = _probe(lambda st, role, key: [st.seeds[key]])
CALLS["read_expert_names"] = _probe(_other_members)
CALLS["read_other_scores"] = _probe(lambda st, role, key: [str(MARKED_SCORE)] if key in st.members else [])


# --- the cells -----------------------------------------------------------------------------------------------


def _cells() -> list[Any]:
    first: list[Any] = []
    last_out: list[Any] = []
    last_in: list[Any] = []
    for op in dict.fromkeys(g.operation for g in ACCESS):
        keys: list[Key | None] = [None] if op in SECTIONLESS else list(STAGES)
        for key in keys:
            for role in ROLES_AND_PUBLIC:
                allowed = is_allowed(role, op, *(key or (None, None)))
                marks = [pytest.mark.slow] if op == "amend_section_document" else []
                name = "none" if key is None else "-".join(x.value.replace(" ", "_") for x in key if x)
                cell = pytest.param(op, role, key, allowed, id=f"{op}-{role}-{name}", marks=marks)
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


# --- cases beside the matrix: they run first, while every stage is as built ------------------------------


@pytest.mark.parametrize("key", COMMITTEE_STAGES, ids=lambda k: "-".join(x.value for x in k if x))
def test_a_tenderee_agency_or_expert_of_another_section_sees_no_names_before_the_award(stage: Stage, key: Key) -> None:
    """法 第三十七条: a session's names open to *its* participants; the same roles elsewhere wait for the award."""
    w = stage.world
    foreign = [w.party(role, f"别处的{role.value}") for role in (Role.TENDEREE, Role.AGENCY)]
    outsiders = [_sign_in(stage.client, p) for p in foreign] + [stage.headers[Role.EXPERT]]  # not on any committee
    awarded = key[0] in (S.AWARDED, S.CONTRACTED)
    for headers in outsiders:
        seen = [
            s
            for s in _other_members(stage, Role.PUBLIC, key)
            for body in _readable_as(stage, headers, key)
            if s in body
        ]
        assert bool(seen) is awarded, (key, seen)


def _readable_as(st: Stage, headers: dict[str, str], key: Key) -> list[str]:
    sid = _sid(st, key)
    paths = [f"/api/sections/{sid}/committee", f"/sections/{sid}/trace", f"/api/sections/{sid}", "/api/ledger/entries"]
    return [st.client.get(path, headers=headers).text for path in paths]


@pytest.mark.parametrize("state", [S.BIDDING, S.CANCELLED, S.FAILED])
def test_no_one_learns_from_the_trace_who_bid_where_no_opening_came(stage: Stage, state: S) -> None:
    """The centre and the supervisor read every trace, but bids sealed (before an opening, or for ever when
    the section is cancelled or failed before one) leave no row there (法 第二十二条)."""
    sid = stage.sections[(state, None)]
    with stage.platform.uow() as uow:
        bidder = uow.organisations.get(stage.world.bidders[0].organisation_id or "").name
        assert uow.bids.for_bidder(sid, stage.world.bidders[0].organisation_id or "") is not None
    for role in (Role.OPERATOR, Role.SUPERVISOR):
        page = stage.client.get(f"/sections/{sid}/trace", headers=stage.headers[role])
        assert page.status_code == 200
        assert "bid:submitted" not in page.text and bidder not in page.text


OWN_BID_OPERATIONS = ("my_bid", "withdraw_bid", "decrypt_bid", "raise_objection")
"""Operations the matrix grants a bidder on its *own* bid: a bidder that did not bid here is refused."""


@pytest.fixture(scope="module")
def outsider(stage: Stage) -> Stage:
    """The stage as seen by a registered bidder, with a key, that bid in no section."""
    party = stage.world.add_bidder("从未投标有限公司")
    stage.world.bidders.remove(party)  # the cells' "bidder" stays the one that bid
    return replace(stage, headers={**stage.headers, Role.BIDDER: _sign_in(stage.client, party)})


@pytest.mark.parametrize("op", OWN_BID_OPERATIONS)
@pytest.mark.parametrize("key", STAGES, ids=lambda k: "-".join(x.value.replace(" ", "_") for x in k if x))
def test_a_bidder_that_did_not_bid_is_refused_its_own_bid_operations(outsider: Stage, op: str, key: Key) -> None:
    before = _fingerprint(outsider)
    r = CALLS[op](outsider, Role.BIDDER, key)  # decrypt_bid even offers the real bidder's content key
    assert r.status_code in (403, 404, 409), f"{op} by an outsider in {key}: {r.status_code} {r.text}"
    assert r.headers["content-type"].startswith("application/problem+json")
    assert _fingerprint(outsider) == before


@pytest.mark.parametrize(("op", "role", "key", "allowed"), _cells())
def test_access_cell(stage: Stage, op: str, role: Role, key: Key | None, allowed: bool) -> None:
    before = _fingerprint(stage)
    r = CALLS[op](stage, role, key)
    if op in PROBES:
        assert (r.status_code == 200) == allowed, f"{op} for {role} in {key}: {r.text}, but the matrix says {allowed}"
    elif allowed:
        assert r.status_code not in (401, 403), f"{op} refused to {role} in {key}: {r.text}"
        if r.status_code == 404:
            assert not any(s in r.text for s in SECRET_404), f"{op} hidden from {role} in {key}: {r.text}"
    else:
        assert r.status_code in (401, 403, 404, 409), (
            f"{op} by {role} in {key} was not refused: {r.status_code} {r.text}"
        )
        assert r.headers["content-type"].startswith("application/problem+json"), r.text
    if not allowed:
        assert _fingerprint(stage) == before, f"{op} by {role} in {key} changed stored state"


def test_every_operation_of_the_matrix_is_called_and_every_stage_is_built(stage: Stage) -> None:
    assert set(CALLS) == {g.operation for g in ACCESS}
    assert set(stage.sections) == set(STAGES)


def test_the_access_page_shows_every_operation(stage: Stage) -> None:
    page = stage.client.get("/access")
    assert page.status_code == 200
    for grant in ACCESS:
        assert grant.operation in page.text
    assert "evaluation (scored)" in page.text  # a phase-limited cell names its phases


PUBLIC_READS = {
    "who_am_i",
    "sign_in",
    "sign_out",
    "list_sections",
    "download_section_document",
    "list_ledger_entries",
    "list_ledger_heads",
    "prove_ledger_entry",
    "prove_ledger_commitment",  # the same 404 for a sealed bid's commitment and a made-up one
    "ledger_consistency",
    "platform_key",
    "check_tender_form",
    "check_tender_text",
    "render_tender_document",
    "list_tender_rules",
}
"""Operations open to everyone (or to every signed-in account on its own data), outside the matrix by design."""

PSEUDO_OPERATIONS = {"read_trace", *PROBES}
"""Cells that are a page or a probe, not an API operation."""


def test_every_api_operation_is_in_the_matrix_or_named_here() -> None:
    """A new route fails this test until it is given cells (or named above as public by design)."""
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
    unlisted = found - in_matrix - PUBLIC_READS
    assert not unlisted, f"API operations with no access cells: {sorted(unlisted)}"
    stale = (PUBLIC_READS | (in_matrix - PSEUDO_OPERATIONS)) - found
    assert not stale, f"named operations the API no longer has: {sorted(stale)}"
