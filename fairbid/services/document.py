"""The tender document: generated from the form, checked against the rule catalog, versioned in the ledger.

"先体检、再发布" (195号 item 3): a section moves from draft to checked only when no blocking finding stands,
and the section's prices and schedule are taken from the checked form, so what is published is what was
checked.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

from fairbid.documents.check import check_form
from fairbid.documents.form import TenderForm
from fairbid.documents.render import render_document
from fairbid.domain.actor import Actor, Role
from fairbid.domain.errors import InvalidInput, NotPermitted
from fairbid.domain.rules import Finding, blocking
from fairbid.domain.section import Action, Schedule, SectionKind, apply_transition, validate_schedule
from fairbid.ledger.chain import LedgerAction
from fairbid.ports import Clock
from fairbid.services.trace import record, section_snapshot
from fairbid.store.blob import LocalBlobStore
from fairbid.store.rows import DocumentRow
from fairbid.store.uow import SqlUnitOfWork

__all__ = ["CheckOutcome", "check_section_document", "finding_json"]


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    section_id: str
    status: str
    findings: tuple[Finding, ...]
    blocking: bool
    document_digest: str | None
    version_no: int | None


def finding_json(f: Finding) -> dict[str, object]:
    """A finding as the CLI and API print it."""
    out: dict[str, object] = {
        "rule": f.rule,
        "severity": f.severity.value,
        "citation": f.citation,
        "message": f.message,
    }
    if f.field:
        out["field"] = f.field
    if f.span is not None:
        out["span"] = {"start": f.span.start, "end": f.span.end, "text": f.span.text}
    return out


def check_section_document(
    form: TenderForm,
    section_id: str,
    *,
    uow: SqlUnitOfWork,
    clock: Clock,
    actor: Actor,
    blobs: LocalBlobStore,
) -> CheckOutcome:
    """Check ``form`` for a draft section; if nothing blocks, render and store the document and mark it checked.

    A blocked check is recorded in the ledger too (the machine's decision), and leaves the section a draft.
    """
    now = clock.now()
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
            "findings": [finding_json(f) for f in findings],
        }
        version_no = None
        if rendered is not None:
            apply_transition(section, Action.CHECK, actor=actor, now=now)
            section.schedule = schedule
            section.kind = SectionKind(form.project_type.value)
            section.estimated_price = form.estimated_price
            section.ceiling_price = form.ceiling_price
            version_no = len({d.version_no for d in uow.records.documents(section.id)}) + 1
            for f in rendered.files():
                digest = blobs.put(io.BytesIO(f.content))[0]
                uow.records.add_document(
                    DocumentRow(
                        id=str(uuid.uuid4()),
                        section_id=section.id,
                        version_no=version_no,
                        kind="tender_document",
                        media_type=f.media_type,
                        filename=f.name,
                        digest=digest,
                        size=len(f.content),
                        created_at=now,
                    )
                )
            section.document_digest = rendered.pdf.sm3
            payload["version_no"] = version_no
            payload["files"] = {f.name: f.sm3 for f in rendered.files()}
            record(
                uow,
                actor=actor,
                action=LedgerAction.DOCUMENT_VERSION_ADDED,
                subject_type="section",
                subject_id=section.id,
                payload={"version_no": version_no, "files": payload["files"]},
                now=now,
            )
            uow.sections.save(section, next_check=None)
        record(
            uow,
            actor=Actor(role=Role.MACHINE, job="rule-catalog"),
            action=LedgerAction.SECTION_CHECKED,
            subject_type="section",
            subject_id=section.id,
            payload=payload,
            snapshot=section_snapshot(section),
            now=now,
        )
        uow.commit()
    return CheckOutcome(section.id, section.status.value, findings, blocked, section.document_digest, version_no)
