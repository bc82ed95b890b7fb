"""Projects and sections: create, publish, cancel, contract; and what each role may read of them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from fairbid.crypto.digest import sm3_hex
from fairbid.domain.actor import Actor, Role
from fairbid.domain.errors import Duplicate, InvalidInput, InvalidTransition, NotFound, NotPermitted
from fairbid.domain.party import Project
from fairbid.domain.section import (
    Action,
    Schedule,
    Section,
    SectionKind,
    apply_transition,
    validate_schedule,
)
from fairbid.domain.terms import TenderTerms
from fairbid.domain.terms.codec import terms_to_json
from fairbid.ledger.chain import LedgerAction
from fairbid.ledger.snapshot import SubjectType, section_snapshot, terms_digest, terms_snapshot
from fairbid.ports import Clock, RandomSource, UnitOfWork

__all__ = [
    "CreateProject",
    "CreateSection",
    "cancel_section",
    "create_project",
    "create_section",
    "get_section",
    "list_sections",
    "pin_terms",
    "publish_section",
    "sign_contract",
]

_PREPARERS = frozenset({Role.TENDEREE, Role.AGENCY})


def _money(value: Decimal, field: str) -> Decimal:
    if value <= 0:
        raise InvalidInput(f"{field} must be a positive amount in yuan.", field=field)
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise InvalidInput(f"{field} has more than two decimal places (fen).", field=field)
    return value


def _owns(actor: Actor, section: Section) -> bool:
    return actor.organisation_id in (section.tenderee_id, section.agency_id)


@dataclass(frozen=True, slots=True)
class CreateProject:
    code: str
    name: str
    tenderee_id: str
    agency_id: str | None = None


def create_project(cmd: CreateProject, *, uow: UnitOfWork, clock: Clock, actor: Actor) -> Project:
    """A tenderee (or its agency) opens a project (项目)."""
    now = clock.now()
    with uow:
        if actor.role not in _PREPARERS or actor.organisation_id not in (cmd.tenderee_id, cmd.agency_id):
            raise NotPermitted("Only the tenderee or its agency may create the tenderee's project.")
        uow.organisations.get(cmd.tenderee_id)
        if cmd.agency_id:
            uow.organisations.get(cmd.agency_id)
        if uow.projects.code_taken(cmd.code):
            raise Duplicate(f"Project code {cmd.code} is taken.", field="code")
        project = Project(str(uuid.uuid4()), cmd.code, cmd.name, cmd.tenderee_id, cmd.agency_id, now)
        uow.projects.add(project)
        uow.record(
            actor=actor,
            action=LedgerAction.PROJECT_CREATED,
            subject_type=SubjectType.PROJECT,
            subject_id=project.id,
            payload={
                "code": cmd.code,
                "name": cmd.name,
                "tenderee_id": cmd.tenderee_id,
                "agency_id": cmd.agency_id,
            },
            now=now,
        )
        uow.commit()
    return project


@dataclass(frozen=True, slots=True)
class CreateSection:
    project_id: str
    code: str
    name: str
    kind: SectionKind
    estimated_price: Decimal
    ceiling_price: Decimal
    schedule: Schedule
    state_funded: bool = True


def create_section(cmd: CreateSection, *, uow: UnitOfWork, clock: Clock, actor: Actor) -> Section:
    """Create a draft section (标段) with its schedule; dates out of order are refused by field."""
    now = clock.now()
    validate_schedule(cmd.schedule)
    _money(cmd.estimated_price, "estimated_price")
    _money(cmd.ceiling_price, "ceiling_price")
    with uow:
        project = uow.projects.get(cmd.project_id)
        if actor.role not in _PREPARERS or actor.organisation_id not in (
            project.tenderee_id,
            project.agency_id,
        ):
            raise NotPermitted("Only the project's tenderee or agency may add sections to it.")
        if uow.sections.code_taken(cmd.code):
            raise Duplicate(f"Section code {cmd.code} is taken.", field="code")
        section = Section(
            id=str(uuid.uuid4()),
            project_id=project.id,
            code=cmd.code,
            name=cmd.name,
            kind=cmd.kind,
            estimated_price=cmd.estimated_price,
            ceiling_price=cmd.ceiling_price,
            schedule=cmd.schedule,
            tenderee_id=project.tenderee_id,
            agency_id=project.agency_id,
            state_funded=cmd.state_funded,
        )
        uow.sections.add(section, now=now)
        uow.record(
            actor=actor,
            action=LedgerAction.SECTION_CREATED,
            subject_type=SubjectType.SECTION,
            subject_id=section.id,
            payload=section_snapshot(section),
            snapshot=section_snapshot(section),
            now=now,
        )
        uow.commit()
    return section


def publish_section(section_id: str, *, uow: UnitOfWork, clock: Clock, actor: Actor, random: RandomSource) -> Section:
    """Publish a checked section; the platform commits to its secret seed, c = SM3(seed) (DESIGN §Sealed bids)."""
    now = clock.now()
    with uow:
        section = uow.sections.get(section_id)
        if actor.role is Role.TENDEREE and actor.organisation_id != section.tenderee_id:
            raise NotPermitted("Only this section's tenderee may publish it.")
        apply_transition(section, Action.PUBLISH, actor=actor, now=now)
        if section.schedule.sale_start < now:
            raise InvalidInput(
                "The document sale start has already passed; move the schedule before publishing.",
                field="schedule.sale_start",
            )
        latest = uow.terms.latest(section.id)
        if latest is None:
            raise InvalidTransition(
                f"Section {section.code} has no checked terms to pin; check its tender document again before "
                "publishing."
            )
        version_no, terms, _ = latest
        pin_terms(uow, section, terms, actor=actor, now=now, version_no=version_no)
        seed = random.token_bytes(32)
        uow.sections.set_seed(section.id, seed.hex())
        section.seed_commitment = sm3_hex(seed)
        uow.sections.save(section)
        uow.record(
            actor=actor,
            action=LedgerAction.SECTION_PUBLISHED,
            subject_type=SubjectType.SECTION,
            subject_id=section.id,
            payload={
                "seed_commitment": section.seed_commitment,
                "document_digest": section.document_digest,
                "terms_sm3": section.terms_digest,
            },
            snapshot=section_snapshot(section),
            now=now,
        )
        uow.commit()
    return section


def pin_terms(
    uow: UnitOfWork, section: Section, terms: TenderTerms, *, actor: Actor, now: datetime, version_no: int
) -> None:
    """Pin ``terms`` as the ones the machine will run (评标办法固化): the section names their SM3 and the ledger
    carries them whole, so anyone can recompute the evaluation from public data. Publication pins the checked
    version; an amendment before the deadline pins its own (招标投标法 第二十三条)."""
    section.terms_digest = terms_digest(terms)
    uow.record(
        actor=actor,
        action=LedgerAction.TERMS_PINNED,
        subject_type=SubjectType.TERMS,
        subject_id=section.id,
        payload={"version_no": version_no, "terms": terms_to_json(terms)},
        snapshot=terms_snapshot(terms),
        now=now,
    )


def cancel_section(section_id: str, reason: str, *, uow: UnitOfWork, clock: Clock, actor: Actor) -> Section:
    """The tenderee cancels (终止招标) with a stated reason (条例 第三十一条)."""
    now = clock.now()
    if not reason.strip():
        raise InvalidInput("A cancellation needs a reason.", field="reason")
    with uow:
        section = uow.sections.get(section_id, for_update=True)  # ordered with submissions and the opening
        if actor.organisation_id != section.tenderee_id and actor.role is not Role.MACHINE:
            raise NotPermitted("Only this section's tenderee may cancel it.")
        apply_transition(section, Action.CANCEL, actor=actor, now=now, reason=reason)
        payload = {"reason": reason, "sealed_anchor": uow.sealed_anchor(section.id)}
        uow.sections.save(section)
        uow.record(
            actor=actor,
            action=LedgerAction.SECTION_CANCELLED,
            subject_type=SubjectType.SECTION,
            subject_id=section.id,
            payload=payload,
            snapshot=section_snapshot(section),
            now=now,
        )
        uow.commit()
    return section


def sign_contract(section_id: str, *, uow: UnitOfWork, clock: Clock, actor: Actor) -> Section:
    """Record the contract (within 30 days of the award notice, 招标投标法 第四十六条)."""
    now = clock.now()
    with uow:
        section = uow.sections.get(section_id)
        if actor.organisation_id != section.tenderee_id:
            raise NotPermitted("Only this section's tenderee signs its contract.")
        apply_transition(section, Action.SIGN_CONTRACT, actor=actor, now=now)
        uow.sections.save(section)
        uow.record(
            actor=actor,
            action=LedgerAction.SECTION_CONTRACTED,
            subject_type=SubjectType.SECTION,
            subject_id=section.id,
            payload={},
            snapshot=section_snapshot(section),
            now=now,
        )
        uow.commit()
    return section


def get_section(section_id: str, *, uow: UnitOfWork, actor: Actor) -> Section:
    """A section as ``actor`` may see it: drafts only to their preparers and the centre."""
    with uow:
        section = uow.sections.get(section_id)
    if section.status.value in ("draft", "checked") and not (
        _owns(actor, section) or actor.role in (Role.OPERATOR, Role.SUPERVISOR, Role.MACHINE)
    ):
        raise NotFound(f"No section with id {section_id}.")
    return section


def list_sections(*, uow: UnitOfWork, actor: Actor) -> list[Section]:
    """Published sections for everyone; drafts too for the centre and the supervisor."""
    with uow:
        if actor.role in (Role.OPERATOR, Role.SUPERVISOR):
            return uow.sections.list_all()
        sections = uow.sections.list_public()
        if actor.role in _PREPARERS:
            mine = [s for s in uow.sections.list_all() if _owns(actor, s) and s not in sections]
            sections = mine + sections
        return sections
