"""The evaluation report (评标报告) as PDF and DOCX: every score, warning, dispute, session action and the
beacon recomputation; stored in the blob store with its digest in the ledger; signed by the experts.

条例 第五十三条: the committee submits a written report signed by its members; a member who disagrees
states the dissent and reasons in writing. 法 第四十条: the report goes to the tenderee.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from fairbid.crypto.digest import sm3_hex
from fairbid.crypto.key import PublicKey, verify_signature
from fairbid.documents.word import html_to_docx
from fairbid.domain.actor import Actor, Role
from fairbid.domain.errors import InvalidInput, InvalidKey, InvalidTransition, NotFound, NotPermitted
from fairbid.domain.evaluation.committee import Committee, ReportRecord, ReportSignature
from fairbid.domain.terms import PRICE_ITEM, TenderTerms, wording
from fairbid.ledger.chain import LedgerAction
from fairbid.ledger.snapshot import SubjectType, committee_snapshot
from fairbid.ports import BlobStore, Clock, UnitOfWork
from fairbid.services.shared.participation import is_session_participant, member_of, pool_id_of
from fairbid.services.shared.retry import retry_on_conflict
from fairbid.services.shared.terms import pinned_terms
from fairbid.templating import render, render_pdf

__all__ = [
    "IssuedReport",
    "ReportSignature",
    "ReportView",
    "SignReport",
    "evaluation_report_pdf",
    "evaluation_report_view",
    "issue_evaluation_report",
    "register_signing_key",
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


def _context(uow: UnitOfWork, section_id: str) -> dict[str, Any]:
    section = uow.sections.get(section_id)
    committee = uow.committees.get(section_id)
    if committee.outcome is None or committee.review is None:
        raise InvalidTransition("The evaluation is not finished; the report follows the ranking.")
    terms = pinned_terms(uow, section)
    draw = committee.draw
    names = uow.experts.names(s.expert_id for s in draw.seats)
    names.update({r.member_id: f"{r.name}（招标人代表）" for r in committee.representatives})
    bids = {b.id: b for b in uow.bids.in_section(section_id)}
    orgs = uow.organisations.names([b.bidder_id for b in bids.values()])
    bidder = {b: orgs[bids[b].bidder_id].name for b in bids}
    sheets = [
        (sheet.member_id, bid_id, score, sheet.revision, sheet.revision_reason)
        for sheet in uow.sheets.for_section(section_id)
        for bid_id, score in sorted(sheet.bids.items())
    ]
    return {
        "section": section,
        "terms": terms,
        "terms_digest": section.terms_digest,
        "wording": wording,
        "item_names": _item_names(terms),
        "committee": committee,
        "venues": {v.venue_id: v for v in uow.venues.all()},
        "draw": draw,
        "labels": committee.labels,
        "beacon": section.beacon,
        "experts": names,
        "members": committee.members,
        "review": committee.review,
        "outcome": committee.outcome,
        "bidder": bidder,
        "sheets": sheets,
        "warnings": uow.score_warnings.for_section(section_id),
        "actions": uow.session_actions.for_section(section_id),
    }


def _item_names(terms: TenderTerms) -> dict[str, str]:
    if terms.scoring is None:
        return {}
    names = {PRICE_ITEM: "投标报价"}
    names.update({i.item_id: i.name for i in terms.scoring.objective})
    names.update({i.item_id: i.name for i in terms.scoring.subjective})
    return names


def _render(context: dict[str, Any]) -> str:
    return render("reports/evaluation_report.html", **context)


def issue_evaluation_report(
    section_id: str, *, uow: UnitOfWork, clock: Clock, actor: Actor, blobs: BlobStore
) -> IssuedReport:
    """Render the report (HTML → PDF and DOCX), store both files, ledger their digests (条例 第五十三条)."""
    now = clock.now()
    if actor.role not in _SYSTEM:
        raise NotPermitted("The trading centre's system issues the evaluation report.")
    with uow:
        committee = uow.committees.get(section_id)
        if committee.report is not None:
            # once issued, the members sign that very PDF: a second issue would orphan their signatures
            raise InvalidTransition("The evaluation report has already been issued; the committee signs that one.")
        context = _context(uow, section_id)
        html = _render(context)
        pdf, docx = render_pdf(html), html_to_docx(html)
        pdf_digest, docx_digest = blobs.put_bytes(pdf), blobs.put_bytes(docx)
        committee.report = ReportRecord(pdf_digest, docx_digest, now)
        uow.committees.save(committee, now=now)
        uow.record(
            actor=actor,
            action=LedgerAction.EVALUATION_REPORT_ISSUED,
            subject_type=SubjectType.COMMITTEE,  # the report is part of the committee aggregate
            subject_id=section_id,
            payload={"pdf": pdf_digest, "docx": docx_digest, "html": sm3_hex(html.encode())},
            snapshot=committee_snapshot(committee),
            now=now,
        )
        uow.commit()
    return IssuedReport(section_id, pdf_digest, docx_digest, html)


def register_signing_key(
    public_key: str, *, uow: UnitOfWork, clock: Clock, actor: Actor, section_id: str | None = None
) -> str:
    """A committee member registers the public key they sign reports with; returns its key ID. An expert's key
    is kept on the pool (one for every committee, no ``section_id``); a tenderee's representative registers one
    for the committee of ``section_id``, since the tenderee names them per section."""
    now = clock.now()
    try:
        key = PublicKey.from_text(public_key)
    except InvalidKey:
        raise InvalidInput("Not a public key (expected gm:04… or intl:…).", field="public_key") from None
    with uow:
        if section_id is None:
            who = pool_id_of(uow, actor)
            if who is None:
                raise NotPermitted("Only an evaluation expert linked to the pool registers a report-signing key here.")
            uow.experts.set_signing_key(who, key.to_text())
            subject_type, subject_id = SubjectType.EXPERT_KEY, who
        else:
            committee = uow.committees.get(section_id)
            if actor.role is not Role.TENDEREE:
                raise NotPermitted("Only the tenderee's representatives register a key for one committee.")
            member = member_of(uow, committee, actor)
            committee.representatives = tuple(
                replace(r, signing_key=key.to_text()) if r.member_id == member else r for r in committee.representatives
            )
            uow.committees.save(committee, now=now)
            subject_type, subject_id = SubjectType.COMMITTEE, section_id
        uow.record(
            actor=actor,
            action=LedgerAction.SIGNING_KEY_REGISTERED,
            subject_type=subject_type,
            subject_id=subject_id,
            payload={"key_id": key.key_id, "public_key": key.to_text()},
            snapshot=committee_snapshot(committee) if subject_type is SubjectType.COMMITTEE else None,
            now=now,
        )
        uow.commit()
    return key.key_id


def _signing_key(uow: UnitOfWork, committee: Committee, member: str) -> str | None:
    rep = next((r for r in committee.representatives if r.member_id == member), None)
    return rep.signing_key if rep is not None else uow.experts.signing_key(member)


@dataclass(frozen=True, slots=True)
class SignReport:
    section_id: str
    signature: str  # hex, over ``report_message(section_id, pdf_digest)``
    dissent: str = ""  # a member who disagrees says so, with reasons (条例 第五十三条)


@retry_on_conflict
def sign_evaluation_report(cmd: SignReport, *, uow: UnitOfWork, clock: Clock, actor: Actor) -> int:
    """A committee member signs the issued report with their key; dissent is recorded. Returns signatures."""
    now = clock.now()
    with uow:
        committee = uow.committees.get(cmd.section_id)
        report = committee.report
        if report is None:
            raise InvalidTransition("The evaluation report has not been issued yet.")
        who = member_of(uow, committee, actor)
        if any(s.member_id == who for s in report.signatures):
            raise InvalidTransition("You have already signed this report.")
        text = _signing_key(uow, committee, who)
        if not text:
            raise InvalidTransition("Register your signing key first.", field="public_key")
        try:
            signature = bytes.fromhex(cmd.signature)
        except ValueError:
            raise InvalidInput("The signature is hex text.", field="signature") from None
        verify_signature(PublicKey.from_text(text), report_message(cmd.section_id, report.pdf), signature)
        signed = ReportSignature(who, cmd.signature, cmd.dissent.strip(), now)
        committee.report = replace(report, signatures=(*report.signatures, signed))
        uow.committees.save(committee, now=now)
        uow.record(
            actor=actor,
            action=LedgerAction.EVALUATION_REPORT_SIGNED,
            subject_type=SubjectType.COMMITTEE,  # the report is part of the committee aggregate
            subject_id=cmd.section_id,
            payload={"pdf": report.pdf, "signature": cmd.signature, "dissent": cmd.dissent.strip()},
            snapshot=committee_snapshot(committee),
            now=now,
        )
        uow.commit()
    return len(committee.report.signatures)


@dataclass(frozen=True, slots=True)
class ReportSignature_:
    seat: str
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
    signatures: tuple[ReportSignature_, ...]


_NO_REPORT = "No evaluation report is visible here."


def _readable_report(uow: UnitOfWork, section_id: str, actor: Actor) -> tuple[Committee, ReportRecord]:
    """The issued report's record, if ``actor`` may read it: the centre, the supervisor, the section's tenderee
    and agency (法 第四十条: the report goes to the tenderee) and the committee's members. Anyone else, and
    everyone before it is issued, gets the same ``NotFound`` (the report names the experts and every score)."""
    section = uow.sections.get(section_id)
    committee = uow.committees.find(section_id)
    if committee is None or committee.report is None:
        raise NotFound(_NO_REPORT)
    if actor.role in _SYSTEM or is_session_participant(uow, section, committee, actor):
        return committee, committee.report
    raise NotFound(_NO_REPORT)


def evaluation_report_view(section_id: str, *, uow: UnitOfWork, actor: Actor) -> ReportView:
    """The issued report's digests and who has signed it (by seat), for those who may read it."""
    with uow:
        committee, report = _readable_report(uow, section_id, actor)
        return ReportView(
            section_id,
            report.pdf,
            report.docx,
            report.issued_at.isoformat(),
            report_message(section_id, report.pdf).hex(),
            len(committee.members),
            tuple(
                ReportSignature_(committee.seat_of(s.member_id), s.at.isoformat(), s.dissent) for s in report.signatures
            ),
        )


def evaluation_report_pdf(section_id: str, *, uow: UnitOfWork, actor: Actor, blobs: BlobStore) -> bytes:
    """The issued report's PDF, for those who may read it; its SM3 is the digest in the ledger."""
    with uow:
        _, report = _readable_report(uow, section_id, actor)
    return blobs.read(report.pdf)
