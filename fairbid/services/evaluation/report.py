"""The evaluation report (评标报告) as PDF and DOCX: every score, warning, dispute, session action and the
beacon recomputation; stored in the blob store with its digest in the ledger; signed by the experts.

条例 第五十三条: the committee submits a written report signed by its members; a member who disagrees
states the dissent and reasons in writing. 法 第四十条: the report goes to the tenderee.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fairbid.crypto.digest import sm3_hex
from fairbid.crypto.key import PublicKey, verify_signature
from fairbid.documents.word import html_to_docx
from fairbid.domain.actor import Actor, Role
from fairbid.domain.errors import InvalidInput, InvalidKey, InvalidTransition, NotFound, NotPermitted
from fairbid.ledger.chain import LedgerAction
from fairbid.ledger.snapshot import SubjectType
from fairbid.ports import BlobStore, Clock
from fairbid.services.evaluation.committee import accepted_members, expert_of, load_draw
from fairbid.services.evaluation.terms import reviews_of
from fairbid.services.shared.participation import is_session_participant
from fairbid.store.uow import SqlUnitOfWork
from fairbid.templating import render, render_pdf

__all__ = [
    "IssuedReport",
    "ReportSignature",
    "ReportView",
    "SignReport",
    "evaluation_report_pdf",
    "evaluation_report_view",
    "issue_evaluation_report",
    "register_expert_key",
    "report_message",
    "sign_evaluation_report",
]

_SYSTEM = frozenset({Role.OPERATOR, Role.MACHINE})


def report_message(section_id: str, pdf_digest: str) -> bytes:
    """What each expert signs: the section and the SM3 of the report's PDF."""
    return f"FAIRBID-EVALUATION-REPORT-V1\n{section_id}\n{pdf_digest}".encode()


@dataclass(frozen=True, slots=True)
class IssuedReport:
    section_id: str
    pdf_digest: str
    docx_digest: str
    html: str


def _context(uow: SqlUnitOfWork, section_id: str) -> dict[str, Any]:
    section = uow.sections.get(section_id)
    row = uow.committees.get(section_id)
    result = row.draw.get("result")
    if not result:
        raise InvalidTransition("The evaluation is not finished; the report follows the ranking.")
    draw = load_draw(row)
    experts = uow.experts.rows(s.expert_id for s in draw.seats)
    bids = {b.id: b for b in uow.bids.in_section(section_id)}
    orgs = uow.organisations.names([b.bidder_id for b in bids.values()])
    bidder = {b: orgs[bids[b].bidder_id].name for b in bids}
    sheets = [
        (r.expert_id, bid_id, data, r.revision, r.revision_reason)
        for r in uow.sheets.for_section(section_id)
        for bid_id, data in sorted(r.sheet["bids"].items())
    ]
    return {
        "section": section,
        "plan": row.plan,
        "venues": {v.venue_id: v for v in uow.venues.all()},
        "draw": draw,
        "labels": row.draw.get("labels", []),
        "beacon": section.beacon,
        "experts": {k: v.name for k, v in experts.items()},
        "members": accepted_members(draw),
        "machine": row.draw["machine"],
        "reviews": reviews_of(row),
        "result": result,
        "bidder": bidder,
        "sheets": sheets,
        "warnings": uow.score_warnings.for_section(section_id),
        "actions": uow.session_actions.for_section(section_id),
    }


def _render(context: dict[str, Any]) -> str:
    return render("reports/evaluation_report.html", **context)


def issue_evaluation_report(
    section_id: str, *, uow: SqlUnitOfWork, clock: Clock, actor: Actor, blobs: BlobStore
) -> IssuedReport:
    """Render the report (HTML → PDF and DOCX), store both files, ledger their digests (条例 第五十三条)."""
    now = clock.now()
    if actor.role not in _SYSTEM:
        raise NotPermitted("The trading centre's system issues the evaluation report.")
    with uow:
        if uow.committees.get(section_id).draw.get("report"):
            # once issued, the members sign that very PDF: a second issue would orphan their signatures
            raise InvalidTransition("The evaluation report has already been issued; the committee signs that one.")
        context = _context(uow, section_id)
        html = _render(context)
        pdf, docx = render_pdf(html), html_to_docx(html)
        pdf_digest, docx_digest = blobs.put_bytes(pdf), blobs.put_bytes(docx)
        row = uow.committees.get(section_id)
        row.draw = {
            **row.draw,
            "report": {"pdf": pdf_digest, "docx": docx_digest, "issued_at": now.isoformat(), "signatures": []},
        }
        uow.record(
            actor=actor,
            action=LedgerAction.EVALUATION_REPORT_ISSUED,
            subject_type=SubjectType.EVALUATION_REPORT,
            subject_id=section_id,
            payload={"pdf": pdf_digest, "docx": docx_digest, "html": sm3_hex(html.encode())},
            now=now,
        )
        uow.commit()
    return IssuedReport(section_id, pdf_digest, docx_digest, html)


def register_expert_key(public_key: str, *, uow: SqlUnitOfWork, clock: Clock, actor: Actor) -> str:
    """An expert registers the public key they sign reports with; returns its key ID."""
    now = clock.now()
    try:
        key = PublicKey.from_text(public_key)
    except InvalidKey:
        raise InvalidInput("Not a public key (expected gm:04… or intl:…).", field="public_key") from None
    with uow:
        who = expert_of(uow, actor)
        row = uow.experts.row(who)
        row.profile = {**(row.profile or {}), "public_key": key.to_text()}
        uow.record(
            actor=actor,
            action=LedgerAction.SIGNING_KEY_REGISTERED,
            subject_type=SubjectType.EXPERT_KEY,
            subject_id=who,
            payload={"key_id": key.key_id, "public_key": key.to_text()},
            now=now,
        )
        uow.commit()
    return key.key_id


@dataclass(frozen=True, slots=True)
class SignReport:
    section_id: str
    signature: str  # hex, over ``report_message(section_id, pdf_digest)``
    dissent: str = ""  # a member who disagrees says so, with reasons (条例 第五十三条)


def sign_evaluation_report(cmd: SignReport, *, uow: SqlUnitOfWork, clock: Clock, actor: Actor) -> int:
    """A committee member signs the issued report with their key; dissent is recorded. Returns signatures."""
    now = clock.now()
    with uow:
        who = expert_of(uow, actor)
        row = uow.committees.get(cmd.section_id)
        report = row.draw.get("report")
        if not report:
            raise InvalidTransition("The evaluation report has not been issued yet.")
        if who not in accepted_members(load_draw(row)):
            raise NotPermitted(f"{who} is not on this committee.", field="expert_id")
        if any(s["expert_id"] == who for s in report["signatures"]):
            raise InvalidTransition("You have already signed this report.")
        text = (uow.experts.row(who).profile or {}).get("public_key")
        if not text:
            raise InvalidTransition("Register your signing key first.", field="public_key")
        try:
            signature = bytes.fromhex(cmd.signature)
        except ValueError:
            raise InvalidInput("The signature is hex text.", field="signature") from None
        verify_signature(PublicKey.from_text(text), report_message(cmd.section_id, report["pdf"]), signature)
        signatures = [
            *report["signatures"],
            {"expert_id": who, "signature": cmd.signature, "dissent": cmd.dissent.strip(), "at": now.isoformat()},
        ]
        row.draw = {**row.draw, "report": {**report, "signatures": signatures}}
        uow.record(
            actor=actor,
            action=LedgerAction.EVALUATION_REPORT_SIGNED,
            subject_type=SubjectType.EVALUATION_REPORT,
            subject_id=cmd.section_id,
            payload={"pdf": report["pdf"], "signature": cmd.signature, "dissent": cmd.dissent.strip()},
            now=now,
        )
        uow.commit()
    return len(signatures)


@dataclass(frozen=True, slots=True)
class ReportSignature:
    seat: int
    signed_at: str
    dissent: str


@dataclass(frozen=True, slots=True)
class ReportView:
    section_id: str
    pdf_digest: str
    docx_digest: str
    issued_at: str
    message: str  # what each member signs (hex of ``report_message``)
    members: int
    signatures: tuple[ReportSignature, ...]


_NO_REPORT = "No evaluation report is visible here."


def _readable_report(uow: SqlUnitOfWork, section_id: str, actor: Actor) -> dict[str, Any]:
    """The issued report's record, if ``actor`` may read it: the centre, the supervisor, the section's tenderee
    and agency (法 第四十条: the report goes to the tenderee) and the committee's members. Anyone else, and
    everyone before it is issued, gets the same ``NotFound`` (the report names the experts and every score)."""
    section = uow.sections.get(section_id)
    row = uow.committees.find(section_id)
    report = None if row is None else row.draw.get("report")
    if row is None or not report:
        raise NotFound(_NO_REPORT)
    if actor.role in _SYSTEM or is_session_participant(uow, section, row, actor):
        return dict(report)
    raise NotFound(_NO_REPORT)


def evaluation_report_view(section_id: str, *, uow: SqlUnitOfWork, actor: Actor) -> ReportView:
    """The issued report's digests and who has signed it (by seat), for those who may read it."""
    with uow:
        report = _readable_report(uow, section_id, actor)
        draw = load_draw(uow.committees.get(section_id))
        seats = {s.expert_id: n for n, s in enumerate(draw.seats, start=1)}
        return ReportView(
            section_id,
            report["pdf"],
            report["docx"],
            report["issued_at"],
            report_message(section_id, report["pdf"]).hex(),
            len(accepted_members(draw)),
            tuple(ReportSignature(seats.get(s["expert_id"], 0), s["at"], s["dissent"]) for s in report["signatures"]),
        )


def evaluation_report_pdf(section_id: str, *, uow: SqlUnitOfWork, actor: Actor, blobs: BlobStore) -> bytes:
    """The issued report's PDF, for those who may read it; its SM3 is the digest in the ledger."""
    with uow:
        report = _readable_report(uow, section_id, actor)
    return blobs.read(report["pdf"])
