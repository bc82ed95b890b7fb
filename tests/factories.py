"""Builders for test worlds: parties, a section with its schedule, sealed bids — all through the services."""

from __future__ import annotations

import io
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from fairbid.bidder.machine import machine_fingerprint
from fairbid.bidder.sample import sample_bid_form
from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.crypto.envelope import seal_envelope, unwrap_content_key
from fairbid.crypto.key import PrivateKey, generate_key
from fairbid.documents.form import TenderForm
from fairbid.domain.actor import Actor, Role
from fairbid.domain.calendar import BEIJING
from fairbid.domain.credit_code import check_character
from fairbid.domain.section import Schedule, Section, SectionKind
from fairbid.services.bidding.bid import (
    DecryptBid,
    RegisterKey,
    SubmitBid,
    decrypt_bid,
    register_bidder_key,
    submit_bid,
)
from fairbid.services.evaluation.session import EvaluationResult, evaluate_section, start_evaluation
from fairbid.services.parties.accounts import CreateUser, RegisterOrganisation, create_user, register_organisation
from fairbid.services.tendering.chronograph import advance_clock
from fairbid.services.tendering.section import CreateProject, CreateSection, create_project, create_section

SETUP = Actor(role=Role.MACHINE, job="test-setup")
_counter = itertools.count(1)
PASSWORD = "correct horse battery"


def credit_code(n: int | None = None) -> str:
    """A valid, unique USCC."""
    n = next(_counter) if n is None else n
    body = f"9143020{random.Random(n).randrange(10**9):09d}{n % 10}"[:17]
    return body + check_character(body)


@dataclass
class Party:
    actor: Actor
    username: str
    organisation_id: str | None
    key: PrivateKey | None = None


@dataclass
class World:
    p: Platform
    clock: SimulatedClock
    operator: Party
    supervisor: Party
    tenderee: Party
    agency: Party
    expert: Party
    guarantor: Party
    bidders: list[Party] = field(default_factory=list)

    def party(self, role: Role, name: str, *, with_org: bool = True) -> Party:
        org_id = None
        if with_org:
            org = register_organisation(
                RegisterOrganisation(name, credit_code()), uow=self.p.uow(), clock=self.clock, actor=SETUP
            )
            org_id = org.id
        username = f"{role.value}{next(_counter)}"
        user = create_user(
            CreateUser(username, PASSWORD, role, name, org_id), uow=self.p.uow(), clock=self.clock, actor=SETUP
        )
        return Party(user.as_actor(), username, org_id)

    def tenderee_staff(self, n: int) -> list[Party]:
        """``n`` more users of the tenderee, e.g. its representatives on a committee (招标人代表)."""
        staff = []
        for i in range(n):
            username = f"tenderee-staff{next(_counter)}"
            user = create_user(
                CreateUser(username, PASSWORD, Role.TENDEREE, f"招标人代表{i + 1}", self.tenderee.organisation_id),
                uow=self.p.uow(),
                clock=self.clock,
                actor=SETUP,
            )
            staff.append(Party(user.as_actor(), username, self.tenderee.organisation_id))
        return staff

    def add_bidder(self, name: str | None = None) -> Party:
        b = self.party(Role.BIDDER, name or f"投标人{len(self.bidders) + 1}有限公司")
        b.key = generate_key()
        register_bidder_key(RegisterKey(b.key.public.to_text()), uow=self.p.uow(), clock=self.clock, actor=b.actor)
        self.bidders.append(b)
        return b

    def section(self, *, start: datetime | None = None, code: str | None = None) -> Section:
        start = (start or self.clock.now()).replace(microsecond=0)  # a schedule states whole seconds
        project = create_project(
            CreateProject(
                f"P{next(_counter)}", "测试项目", self.tenderee.organisation_id or "", self.agency.organisation_id
            ),
            uow=self.p.uow(),
            clock=self.clock,
            actor=self.agency.actor,
        )
        sale_start = start + timedelta(hours=1)
        return create_section(
            CreateSection(
                project_id=project.id,
                code=code or f"S{next(_counter)}",
                name="测试标段",
                kind=SectionKind.WORKS,
                estimated_price=Decimal("10000000.00"),
                ceiling_price=Decimal("9800000.00"),
                schedule=Schedule(sale_start, sale_start + timedelta(days=5), sale_start + timedelta(days=21), 30, 3),
            ),
            uow=self.p.uow(),
            clock=self.clock,
            actor=self.agency.actor,
        )

    def seal(
        self, section_id: str, bidder: Party, price: str, *, fingerprint: str = "", size: int = 0, duration: int = 360
    ) -> bytes:
        assert bidder.key is not None
        attachment = random.Random(size).randbytes(size) if size else "技术方案：分段施工。".encode() * 50
        from fairbid.crypto.payload import AttachmentSource

        with self.p.uow() as uow:
            section = uow.sections.get(section_id)
        form = sample_bid_form(
            random.Random(bidder.username),
            price=Decimal(price),
            index=self.bidders.index(bidder) if bidder in self.bidders else 0,
            estimate=section.estimated_price,
            deadline=section.schedule.bid_deadline.astimezone(BEIJING).date(),
            duration_days=duration,
            similar_contracts=2,  # the same objective facts for every bidder: price and scores decide
            safety_officers=4,
        )
        out = io.BytesIO()
        seal_envelope(
            out,
            form=form,
            attachments=[AttachmentSource("proposal.txt", io.BytesIO(attachment), len(attachment))],
            section_id=section_id,
            bidder_id=bidder.organisation_id or "",
            private_key=bidder.key,
            now=self.clock.now(),
            machine_fingerprint=machine_fingerprint(identifiers={"id": fingerprint or bidder.username}),
            tool_version="fairbid-bidder/test",
        )
        return out.getvalue()

    def submit(self, section_id: str, bidder: Party, envelope: bytes) -> object:
        return submit_bid(
            SubmitBid(section_id, io.BytesIO(envelope)),
            uow=self.p.uow(),
            clock=self.clock,
            actor=bidder.actor,
            blobs=self.p.blobs,
            platform_key=self.p.platform_key,
            max_bytes=self.p.settings.max_envelope_bytes,
        )

    def decrypt(self, section_id: str, bidder: Party) -> object:
        assert bidder.key is not None
        with self.p.uow() as uow:
            bid = uow.bids.for_bidder(section_id, bidder.organisation_id or "")
        assert bid is not None
        with self.p.blobs.open(bid.envelope_digest) as src:
            key = unwrap_content_key(src, bidder.key)
        return decrypt_bid(
            DecryptBid(section_id, key),
            uow=self.p.uow(),
            clock=self.clock,
            actor=bidder.actor,
            blobs=self.p.blobs,
            max_plaintext_bytes=self.p.settings.max_plaintext_bytes,
        )

    def jump(self, section_id: str) -> str:
        """Move the clock to the section's next due event and fire it; returns the new status."""
        with self.p.uow() as uow:
            due = uow.sections.next_check_of(section_id)
        assert due is not None, "nothing is due"
        self.clock.set(max(due, self.clock.now()))
        return advance_clock(section_id, uow=self.p.uow(), clock=self.clock).status


def make_world(p: Platform, clock: SimulatedClock, *, bidders: int = 3) -> World:
    w = World.__new__(World)
    w.p, w.clock, w.bidders = p, clock, []
    w.operator = w.party(Role.OPERATOR, "交易中心", with_org=False)
    w.supervisor = w.party(Role.SUPERVISOR, "行政监督", with_org=False)
    w.tenderee = w.party(Role.TENDEREE, "某城投集团有限公司")
    w.agency = w.party(Role.AGENCY, "某招标代理有限公司")
    w.expert = w.party(Role.EXPERT, "某设计院")
    w.guarantor = w.party(Role.GUARANTOR, "某担保有限公司")
    for _ in range(bidders):
        w.add_bidder()
    return w


def tender_form_for(
    section: Section, *, experts: int = 5, representatives: int = 0, specialty: str = "A01", **changes: Any
) -> TenderForm:
    """The sample form for ``section`` with a committee of ``experts`` drawn in one specialty and the tenderee's
    ``representatives``; ``changes`` replace top-level parts (``evaluation=…``)."""
    from fairbid.documents.form import parse_form
    from fairbid.documents.prefill import prefilled_form

    form = prefilled_form(section).model_dump(mode="json")
    form["committee"] = {
        "size": experts + representatives,
        "experts": [{"specialty": specialty, "count": experts}],
        "representatives": representatives,
    }
    form.update(changes)
    return parse_form(form)


def check_and_publish(w: World, section: Section, form: TenderForm | None = None) -> Section:
    """Check the section's tender document (the real rule catalog and renderer) and publish it; the terms are
    ``form``'s, by default ``tender_form_for(section)`` (five experts, no representatives)."""
    from fairbid.services.tendering.document import check_section_document
    from fairbid.services.tendering.section import publish_section

    outcome = check_section_document(
        form or tender_form_for(section),
        section.id,
        uow=w.p.uow(),
        clock=w.clock,
        actor=w.agency.actor,
        blobs=w.p.blobs,
    )
    assert not outcome.blocking, [f.message for f in outcome.findings]
    return publish_section(section.id, uow=w.p.uow(), clock=w.clock, actor=w.tenderee.actor, random=w.p.random)


def in_evaluation(w: World, form: Callable[[Section], TenderForm] | None = None) -> str:
    """A published section every bidder bid in and decrypted, past the decryption window: in evaluation.
    ``form`` makes the section's tender form (default ``tender_form_for``)."""
    section = w.section()
    s = check_and_publish(w, section, form(section) if form else None)
    w.jump(s.id)
    w.clock.advance(timedelta(days=6))
    for i, b in enumerate(w.bidders):
        w.submit(s.id, b, w.seal(s.id, b, f"{9000000 + i * 10000}.00"))
    w.jump(s.id)
    for b in w.bidders:
        w.decrypt(s.id, b)
    assert w.jump(s.id) == "evaluation"
    return s.id


MAIN_REGION, PARTNER_REGION = "430100", "430200"
SPECIALTY = "A01"


def expert_pool(w: World, *, main: int = 3, partner: int = 4, specialty: str = SPECIALTY) -> dict[str, Party]:
    """Venues (a main venue and one partner venue) and a pool of expert accounts, imported from CSV."""
    from fairbid.domain.expert import VenueRole
    from fairbid.services.evaluation.pool import SaveVenue, import_experts, save_venue

    op = w.operator.actor
    save_venue(SaveVenue("main", "长沙主场", VenueRole.MAIN, (MAIN_REGION,)), uow=w.p.uow(), clock=w.clock, actor=op)
    save_venue(
        SaveVenue("partner", "株洲副场", VenueRole.SECONDARY, (PARTNER_REGION,)), uow=w.p.uow(), clock=w.clock, actor=op
    )
    lines = ["expert_id,name,specialties,region,employer,title,years,email,username"]
    experts: dict[str, Party] = {}
    batch = next(_counter)
    for i in range(main + partner):
        party = w.party(Role.EXPERT, f"专家单位{batch}-{i}")
        with w.p.uow() as uow:
            code = uow.organisations.get(party.organisation_id or "").credit_code
        expert_id = f"E{batch:04d}{i:02d}"
        region = MAIN_REGION if i < main else PARTNER_REGION
        lines.append(
            f"{expert_id},专家{i},{specialty},{region},{code},senior,12,{expert_id}@experts.test,{party.username}"
        )
        experts[expert_id] = party
    import_experts("\n".join(lines) + "\n", uow=w.p.uow(), clock=w.clock, actor=op)
    return experts


def draw_and_seat(
    w: World,
    section_id: str,
    experts: dict[str, Party],
    *,
    notifier: object = None,
    evaluation_hours: int = 8,
    representatives: list[Party] | None = None,
) -> list[str]:
    """Draw the experts the pinned terms ask for (2 at the main venue, the rest at the partner venue); all accept
    and check in; the tenderee names ``representatives``, who check in at the main venue. Returns the members'
    IDs (experts' pool IDs, then ``rep:<user>``)."""
    from fairbid.services.evaluation.committee import (
        CheckIn,
        DrawRequest,
        answer_invitation,
        check_in_member,
        name_representatives,
    )
    from fairbid.services.evaluation.committee import draw_committee_for_section as draw
    from fairbid.services.shared.terms import pinned_terms

    with w.p.uow() as uow:
        drawn = pinned_terms(uow, uow.sections.get(section_id)).committee.drawn
    d = draw(
        DrawRequest(section_id, {"main": 2, "partner": drawn - 2}, evaluation_hours=evaluation_hours),
        uow=w.p.uow(),
        clock=w.clock,
        actor=w.operator.actor,
        notifier=notifier,  # type: ignore[arg-type]
    )
    members = []
    for seat in d.seats:
        expert = experts[seat.expert_id].actor
        answer_invitation(section_id, True, uow=w.p.uow(), clock=w.clock, actor=expert)
        check_in_member(CheckIn(section_id, seat.venue_id, "test-terminal"), uow=w.p.uow(), clock=w.clock, actor=expert)
        members.append(seat.expert_id)
    if representatives:
        usernames = [r.username for r in representatives]
        name_representatives(section_id, usernames, uow=w.p.uow(), clock=w.clock, actor=w.tenderee.actor)
        for rep in representatives:
            check_in_member(CheckIn(section_id, "main", "rep-terminal"), uow=w.p.uow(), clock=w.clock, actor=rep.actor)
            experts[f"rep:{rep.actor.user_id}"] = rep
            members.append(f"rep:{rep.actor.user_id}")
    return members


def subjective_scores(rank: int, wiggle: Decimal = Decimal(0)) -> dict[str, Decimal]:
    """Scores on the sample terms' subjective items (施工组织设计 0–12, 质量安全保证措施 0–8) for the bid ranked
    ``rank`` by price; ``wiggle`` shifts a member's scores a little."""
    return {
        "construction_plan": Decimal(11) - Decimal(rank) / 2 + wiggle,
        "quality_safety": Decimal(7) - Decimal(rank) / 4 + wiggle / 2,
    }


def score_all(w: World, section_id: str, members: list[str], experts: dict[str, Party], *, spread: str = "0.1") -> None:
    """Every member scores every bid under evaluation: cheaper bids score a little higher, members differ."""
    from fairbid.services.evaluation.scoring import SubmitSheet, sheets_view, submit_score_sheet

    with w.p.uow() as uow:
        prices = {b.id: b.data.price for b in uow.bids.in_section(section_id) if b.data is not None}
    view = sheets_view(section_id, uow=w.p.uow(), actor=experts[members[0]].actor)
    order = sorted(view.bids, key=lambda b: (prices[b], b))
    for n, member in enumerate(members):
        for rank, bid_id in enumerate(order):
            scores = subjective_scores(rank, Decimal(spread) * n)
            submit_score_sheet(
                SubmitSheet(section_id, bid_id, scores), uow=w.p.uow(), clock=w.clock, actor=experts[member].actor
            )


def answer_all_warnings(w: World, section_id: str, members: list[str], experts: dict[str, Party]) -> int:
    """Each warned member confirms their score with a reason; returns how many answers were given."""
    from fairbid.services.evaluation.scoring import AnswerWarning, answer_score_warning, sheets_view

    answered = 0
    for expert_id in members:
        actor = experts[expert_id].actor
        for warning, done in sheets_view(section_id, uow=w.p.uow(), actor=actor).warnings:
            if not done:
                answer = AnswerWarning(section_id, warning.warning_id, False, "评分依据充分，维持原评分。")
                answer_score_warning(answer, uow=w.p.uow(), clock=w.clock, actor=actor)
                answered += 1
    return answered


def run_evaluation(w: World, section_id: str, *, notifier: object = None) -> EvaluationResult:
    """A whole remote evaluation with a committee: pool, draw, answers, check-in, machine review and price
    scores, expert sheets, warnings answered, ranking and publicity. Returns the ``EvaluationResult``."""
    experts = expert_pool(w)
    members = draw_and_seat(w, section_id, experts, notifier=notifier)
    start_evaluation(section_id, uow=w.p.uow(), clock=w.clock, actor=w.operator.actor)
    score_all(w, section_id, members, experts)
    answer_all_warnings(w, section_id, members, experts)
    return evaluate_section(section_id, uow=w.p.uow(), clock=w.clock, actor=w.operator.actor)
