"""A section's tender document: check it into a section, amend it, list and download its versions."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from fairbid.api.deps import ActorDep, OptionalActorDep, PlatformDep, UowDep
from fairbid.documents.form import parse_form
from fairbid.services.tendering.document import (
    amend_section_document,
    check_section_document,
    find_section_document,
    list_section_documents,
)

__all__ = ["router"]

router = APIRouter(prefix="/api/sections", tags=["tender documents"])


class SectionCheckOut(BaseModel):
    status: str
    blocking: bool
    document_digest: str | None
    version_no: int | None
    findings: list[dict[str, Any]]


class AmendmentOut(BaseModel):
    version_no: int
    bid_deadline: datetime
    deadline_moved: bool
    findings: list[dict[str, Any]]


class DocumentOut(BaseModel):
    version_no: int
    kind: str
    filename: str
    media_type: str
    sm3: str
    size: int
    created_at: datetime


@router.post("/{section_id}/document", operation_id="check_section_document")
def check(section_id: str, form: dict[str, Any], platform: PlatformDep, actor: ActorDep) -> SectionCheckOut:
    """Check a draft section's tender form; if nothing blocks, the document is generated and the section checked."""
    outcome = check_section_document(
        parse_form(form), section_id, uow=platform.uow(), clock=platform.clock, actor=actor, blobs=platform.blobs
    )
    return SectionCheckOut(
        status=outcome.status,
        blocking=outcome.blocking,
        document_digest=outcome.document_digest,
        version_no=outcome.version_no,
        findings=[f.to_json() for f in outcome.findings],
    )


@router.post("/{section_id}/amendments", operation_id="amend_section_document")
def amend(
    section_id: str, form: dict[str, Any], platform: PlatformDep, actor: ActorDep, affects_preparation: bool = True
) -> AmendmentOut:
    """Issue a clarification or amendment (澄清/修改); late ones move the deadline (条例 第二十一条)."""
    out = amend_section_document(
        parse_form(form),
        section_id,
        affects_preparation=affects_preparation,
        uow=platform.uow(),
        clock=platform.clock,
        actor=actor,
        blobs=platform.blobs,
    )
    return AmendmentOut(
        version_no=out.version_no,
        bid_deadline=out.bid_deadline,
        deadline_moved=out.deadline_moved,
        findings=[f.to_json() for f in out.findings],
    )


@router.get("/{section_id}/documents", operation_id="list_section_documents")
def documents(section_id: str, uow: UowDep, actor: OptionalActorDep) -> list[DocumentOut]:
    """Every version of the tender document with its SM3 digest (the one the ledger recorded)."""
    return [
        DocumentOut(
            version_no=d.version_no,
            kind=d.kind,
            filename=d.filename,
            media_type=d.media_type,
            sm3=d.digest,
            size=d.size,
            created_at=d.created_at,
        )
        for d in list_section_documents(section_id, uow=uow, actor=actor)
    ]


@router.get("/{section_id}/documents/{version_no}/{filename}", operation_id="download_section_document")
def download(
    section_id: str, version_no: int, filename: str, platform: PlatformDep, actor: OptionalActorDep
) -> StreamingResponse:
    """Download one file of one version (bidders download the tender document here)."""
    doc = find_section_document(section_id, version_no, filename, uow=platform.uow(), actor=actor)
    return StreamingResponse(
        platform.blobs.iter_chunks(doc.digest),
        media_type=doc.media_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}", "X-Content-SM3": doc.digest},
    )
