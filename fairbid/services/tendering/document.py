"""The tender document: generated from the form, checked against the rule catalog, versioned in the ledger.

"先体检、再发布" (195号 item 3): a section moves from draft to checked only when no blocking finding stands,
and the section's prices and schedule are taken from the checked form, so what is published is what was
checked.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from fairbid.documents.check import check_form
from fairbid.documents.form import TenderForm, to_terms
from fairbid.documents.render import RenderedDocument, render_document
from fairbid.domain.actor import Actor, Role
from fairbid.domain.errors import InvalidInput, InvalidTransition, NotFound, NotPermitted
from fairbid.domain.rules import Finding, amended_deadline, blocking, raise_if_blocking
from fairbid.domain.section import (
    Action,
    Schedule,
    SectionKind,
    SectionStatus,
    apply_transition,
    validate_schedule,
)
from fairbid.domain.section.document import DocumentVersion
from fairbid.ledger.chain import LedgerAction
from fairbid.ledger.snapshot import SubjectType, section_snapshot, terms_digest
from fairbid.ports import BlobStore, Clock, UnitOfWork
from fairbid.services.tendering.section import get_section, pin_terms

__all__ = [
    "AmendOutcome",
    "CheckOutcome",
    "DocumentFile",
    "amend_section_document",
    "check_section_document",
    "find_section_document",
    "list_section_documents",
]


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    section_id: str
    status: str
    findings: tuple[Finding, ...]
    blocking: bool
    document_digest: str | None
    version_no: int | None


def _ensure_preparer(uow: UnitOfWork, section_id: str, actor: Actor, what: str) -> None:
    """Refuse early, before any rendering work, unless ``actor`` prepares this section."""
    with uow:
        section = uow.sections.get(section_id)
    if actor.role not in (Role.AGENCY, Role.TENDEREE) or actor.organisation_id not in (
        section.tenderee_id,
        section.agency_id,
    ):
        raise NotPermitted(f"Only this section's tenderee or agency may {what} its tender document.")


def check_section_document(
    form: TenderForm,
    section_id: str,
    *,
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    blobs: BlobStore,
) -> CheckOutcome:
    """Check ``form`` for a draft section; if nothing blocks, render and store the document and mark it checked.

    A blocked check is recorded in the ledger too (the machine's decision), and leaves the section a draft.
    """
    now = clock.now()
    _ensure_preparer(uow, section_id, actor, "check")
    findings = tuple(check_form(form, on=now.date()))
    blocked = blocking(findings)
    schedule = Schedule(
        sale_start=form.schedule.sale_start,
        sale_end=form.schedule.sale_end,
        bid_deadline=form.schedule.bid_deadline,
        decryption_minutes=form.schedule.decryption_minutes,
        publicity_days=max(form.schedule.publicity_days, 3),
    )
    rendered = None if blocked else render_document(form)
    with uow:
        section = uow.sections.get(section_id)
        if actor.role not in (Role.AGENCY, Role.TENDEREE) or actor.organisation_id not in (
            section.tenderee_id,
            section.agency_id,
        ):
            raise NotPermitted("Only this section's tenderee or agency may check its tender document.")
        if form.ceiling_price is None:
            raise InvalidInput("The form needs a ceiling price (最高投标限价, 条例 第二十七条).", field="ceiling_price")
        validate_schedule(schedule)
        payload: dict[str, object] = {
            "passed": not blocked,
            "findings": [f.to_json() for f in findings],
        }
        version_no = None
        if rendered is not None:
            apply_transition(section, Action.CHECK, actor=actor, now=now)
            section.schedule = schedule
            section.kind = SectionKind(form.project_type.value)
            section.estimated_price = form.estimated_price
            section.ceiling_price = form.ceiling_price
            version_no = len({d.version_no for d in uow.documents.in_section(section.id)}) + 1
            files = _store_rendered(
                uow, blobs, rendered, section_id=section.id, version_no=version_no, kind="tender_document", now=now
            )
            section.document_digest = rendered.pdf.sm3
            terms = to_terms(form)
            uow.terms.add(section.id, version_no, terms, digest=terms_digest(terms), now=now)
            payload["version_no"] = version_no
            payload["files"] = files
            payload["terms_sm3"] = terms_digest(terms)
            uow.record(
                actor=actor,
                action=LedgerAction.DOCUMENT_VERSION_ADDED,
                subject_type=SubjectType.SECTION,
                subject_id=section.id,
                payload={"version_no": version_no, "files": payload["files"], "terms_sm3": terms_digest(terms)},
                now=now,
            )
            uow.sections.save(section)
        uow.record(
            actor=Actor(role=Role.MACHINE, job="rule-catalog"),
            action=LedgerAction.SECTION_CHECKED,
            subject_type=SubjectType.SECTION,
            subject_id=section.id,
            payload=payload,
            snapshot=section_snapshot(section),
            now=now,
        )
        uow.commit()
    return CheckOutcome(section.id, section.status.value, findings, blocked, section.document_digest, version_no)


@dataclass(frozen=True, slots=True)
class AmendOutcome:
    section_id: str
    version_no: int
    findings: tuple[Finding, ...]
    bid_deadline: datetime
    deadline_moved: bool


def amend_section_document(
    form: TenderForm,
    section_id: str,
    *,
    affects_preparation: bool,
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    blobs: BlobStore,
) -> AmendOutcome:
    """Issue a clarification or amendment (澄清/修改) as a new checked version of the tender document.

    One issued less than 15 days before the deadline that may affect bid preparation moves the deadline
    (招标投标法 第二十三条, 条例 第二十一条); a blocking finding refuses the amendment and changes nothing.
    """
    now = clock.now()
    _ensure_preparer(uow, section_id, actor, "amend")
    findings = tuple(check_form(form, on=now.date()))
    raise_if_blocking(findings)
    rendered = render_document(form)
    with uow:
        section = uow.sections.get(section_id)
        if actor.role not in (Role.AGENCY, Role.TENDEREE) or actor.organisation_id not in (
            section.tenderee_id,
            section.agency_id,
        ):
            raise NotPermitted("Only this section's tenderee or agency may amend its tender document.")
        if (
            section.status not in (SectionStatus.PUBLISHED, SectionStatus.BIDDING)
            or now >= section.schedule.bid_deadline
        ):
            raise InvalidTransition(
                f"Amendments are issued between publication and the bid deadline; section {section.code} is "
                f"{section.status}."
            )
        old_deadline = section.schedule.bid_deadline
        terms = to_terms(form)
        terms_changed = section.terms_digest != terms_digest(terms)
        # changed evaluation terms always affect how bids are prepared
        affects_preparation = affects_preparation or terms_changed
        wanted = max(form.schedule.bid_deadline.astimezone(UTC), old_deadline)
        required = amended_deadline(wanted, issued_at=now, affects_preparation=affects_preparation).astimezone(UTC)
        new_deadline = max(wanted, required)
        section.schedule = replace(section.schedule, bid_deadline=new_deadline)
        if form.ceiling_price is not None:
            section.ceiling_price = form.ceiling_price
        section.estimated_price = form.estimated_price
        version_no = len({d.version_no for d in uow.documents.in_section(section.id)}) + 1
        files = _store_rendered(
            uow, blobs, rendered, section_id=section.id, version_no=version_no, kind="amendment", now=now
        )
        section.document_digest = rendered.pdf.sm3
        uow.terms.add(section.id, version_no, terms, digest=terms_digest(terms), now=now)
        if terms_changed:  # the amendment's terms replace the published ones
            pin_terms(uow, section, terms, actor=actor, now=now, version_no=version_no)
        uow.sections.save(section)
        uow.record(
            actor=actor,
            action=LedgerAction.DOCUMENT_VERSION_ADDED,
            subject_type=SubjectType.SECTION,
            subject_id=section.id,
            payload={
                "version_no": version_no,
                "kind": "amendment",
                "files": files,
                "affects_preparation": affects_preparation,
                "bid_deadline_before": old_deadline.isoformat(),
                "bid_deadline_after": new_deadline.isoformat(),
                "findings": [f.to_json() for f in findings],
                "terms_sm3": terms_digest(terms),
            },
            snapshot=section_snapshot(section),
            now=now,
        )
        uow.commit()
    return AmendOutcome(section.id, version_no, findings, new_deadline, new_deadline != old_deadline)


def _store_rendered(
    uow: UnitOfWork,
    blobs: BlobStore,
    rendered: RenderedDocument,
    *,
    section_id: str,
    version_no: int,
    kind: str,
    now: datetime,
) -> dict[str, str]:
    """Put each rendered file in the blob store and list it as a document version; returns name → SM3."""
    for f in rendered.files():
        digest = blobs.put(io.BytesIO(f.content))[0]
        uow.documents.add(
            DocumentVersion(
                id=str(uuid.uuid4()),
                section_id=section_id,
                version_no=version_no,
                kind=kind,
                media_type=f.media_type,
                filename=f.name,
                digest=digest,
                size=len(f.content),
                created_at=now,
            )
        )
    return {f.name: f.sm3 for f in rendered.files()}


@dataclass(frozen=True, slots=True)
class DocumentFile:
    version_no: int
    kind: str
    filename: str
    media_type: str
    digest: str
    size: int
    created_at: datetime


def list_section_documents(section_id: str, *, uow: UnitOfWork, actor: Actor) -> list[DocumentFile]:
    """Every version of a section's tender document; public once published, drafts only to their preparers."""
    section = get_section(section_id, uow=uow, actor=actor)
    with uow:
        rows = uow.documents.in_section(section.id)
    return [DocumentFile(r.version_no, r.kind, r.filename, r.media_type, r.digest, r.size, r.created_at) for r in rows]


def find_section_document(
    section_id: str, version_no: int, filename: str, *, uow: UnitOfWork, actor: Actor
) -> DocumentFile:
    """One file of one version, if ``actor`` may see the section; its bytes are in the blob store by digest."""
    for doc in list_section_documents(section_id, uow=uow, actor=actor):
        if doc.version_no == version_no and doc.filename == filename:
            return doc
    raise NotFound(f"Section {section_id} has no document {filename!r} in version {version_no}.")
