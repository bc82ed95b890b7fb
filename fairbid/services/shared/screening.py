"""Screening an opened section for collusion (围标串标预警, 招标投标法实施条例 第四十条 and 第三十四条).

Shared by the tendering context (the chronograph screens a section in the transaction that closes its decryption
window, so warnings exist before any committee sits) and the oversight context (screening on demand). It builds
one ``BidFacts`` per decrypted bid (price, authoring machine, signing key, upload and decryption IPs, project
manager and the fields of ``extra``, and the technical proposal read from the text attachments in the blob store,
segmented with rjieba), runs ``detect_section_signals`` and the tender's statistical screens and risk score
(``fairbid.analytics``), stores each finding as a warning for the committee and the supervisor, and records each
in the ledger as a machine decision. Running it again adds nothing.

Signals are clues for human review, never proof, and never shown to bidders (发改法规〔2026〕195号 (十一)). The
ledger entry carries the code, the strength, the citation and the SM3 of the stored warning, not the bidders or
the evidence: the ledger's entries become public, the warnings do not.
"""

from __future__ import annotations

import html
import math
import re
import uuid
from datetime import datetime
from typing import Any

from fairbid.analytics import DatasetProblem, TenderRisk, TenderRiskModel, segment_chinese
from fairbid.crypto.digest import canonical_json
from fairbid.domain.actor import Actor, Role
from fairbid.domain.bid import AuthoringFacts, Bid, BidStatus
from fairbid.domain.collusion import BidFacts, CollusionSignalRaised, detect_section_signals
from fairbid.domain.records import CollusionWarningRecord
from fairbid.ledger.chain import LedgerAction
from fairbid.ledger.snapshot import SubjectType, collusion_warning_snapshot
from fairbid.ports import UnitOfWork

__all__ = ["COLLUSION_SCREEN", "FLAGGED_RISK", "RISK_CODE", "screen_within"]

COLLUSION_SCREEN = Actor(role=Role.MACHINE, job="collusion-screen")
RISK_CODE = "tender-risk"
FLAGGED_RISK = ("high", "elevated")
_NAMESPACE = uuid.UUID("6f1c2a4e-5b8d-4c3a-9e7f-0a1b2c3d4e5f")
_TEXT_SUFFIXES = (".txt", ".md", ".csv", ".html", ".htm", ".xml", ".json")
_MAX_TEXT_BYTES = 1 << 20  # per bid (≈ 300 pages of Chinese); bounds the time a bidder can cost the opening
# bids.data["extra"] keys the screen understands (Chinese labels of the bid form accepted too)
_EXTRA = {
    "contact_phone": ("contact_phone", "联系电话"),
    "agent_id": ("agent_id", "代理人"),
    "key_staff_ids": ("key_staff_ids", "key_staff", "主要人员"),
    "security_payer_account": ("security_payer_account", "保证金付款账户"),
    "premium_payer_account": ("premium_payer_account", "保函保费付款账户"),
    "head_id": ("head_id", "单位负责人"),
    "controller_ids": ("controller_ids", "控股或管理单位"),
    "officer_ids": ("officer_ids", "高级管理人员"),
    "shareholder_ids": ("shareholder_ids", "股东"),
}
_SETS = ("key_staff_ids", "controller_ids", "officer_ids", "shareholder_ids")


def _risk_model() -> TenderRiskModel | None:
    try:
        return TenderRiskModel.load()
    except DatasetProblem:
        return None


def _extra(bid: Bid) -> dict[str, str]:
    pairs = dict(bid.data.extra) if bid.data else {}
    out: dict[str, str] = {}
    for field, names in _EXTRA.items():
        for name in names:
            if pairs.get(name, "").strip():
                out[field] = pairs[name].strip()
                break
    return out


def _proposal_text(uow: UnitOfWork, bid: Bid) -> str | None:
    """The text attachments of a bid (the technical proposal), read from the blob store by SM3."""
    parts: list[str] = []
    budget = _MAX_TEXT_BYTES
    for name, digest, _size in sorted(bid.attachments):
        if budget <= 0 or not name.lower().endswith(_TEXT_SUFFIXES) or not uow.blobs.exists(digest):
            continue
        with uow.blobs.open(digest) as f:
            raw = f.read(budget)
        budget -= len(raw)
        try:  # text that is not UTF-8 is not a proposal we can compare (and random bytes would be costly)
            parts.append(raw.decode("utf-8"))
        except UnicodeDecodeError as e:
            if e.start < len(raw) - 3:  # a cut multi-byte character at the budget's end is fine
                continue
            parts.append(raw[: e.start].decode("utf-8"))
    return "\n".join(parts) if parts else None


_MARKUP = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S | re.I)


def _tender_document_tokens(uow: UnitOfWork, section_id: str) -> list[str]:
    """Words of the newest text or HTML version of the tender document: every bidder may repeat them."""
    docs = [d for d in uow.documents.in_section(section_id) if d.media_type.startswith(("text/html", "text/plain"))]
    newest = max(docs, key=lambda d: d.version_no, default=None)
    if newest is None or not uow.blobs.exists(newest.digest):
        return []
    with uow.blobs.open(newest.digest) as f:
        raw = f.read(_MAX_TEXT_BYTES).decode("utf-8", errors="replace")
    return segment_chinese(html.unescape(_MARKUP.sub(" ", raw)))


def _facts(uow: UnitOfWork, bid: Bid, name: str | None, meta: AuthoringFacts | None) -> BidFacts:
    assert bid.data is not None
    extra = _extra(bid)
    text = _proposal_text(uow, bid)
    sets = {k: frozenset(p.strip() for p in extra.pop(k, "").replace("，", ",").split(",") if p.strip()) for k in _SETS}
    return BidFacts(
        bidder_id=bid.bidder_id,
        price=bid.data.price,
        bidder_name=name,
        machine_fingerprint=meta.machine_fingerprint if meta else None,
        upload_ip=meta.upload_ip if meta else None,
        decrypt_ip=meta.decrypt_ip if meta else None,
        signing_key_id=meta.signing_key_id if meta else None,
        project_manager_id=bid.data.project_manager_id or None,
        proposal_tokens=None if text is None else tuple(segment_chinese(text)),
        proposal_text=text,
        contact_phone=extra.get("contact_phone"),
        agent_id=extra.get("agent_id"),
        security_payer_account=extra.get("security_payer_account"),
        premium_payer_account=extra.get("premium_payer_account"),
        head_id=extra.get("head_id"),
        key_staff_ids=sets["key_staff_ids"],
        controller_ids=sets["controller_ids"],
        officer_ids=sets["officer_ids"],
        shareholder_ids=sets["shareholder_ids"],
    )


def _signal_payload(s: CollusionSignalRaised, names: dict[str, str]) -> dict[str, Any]:
    return {
        "kind": "signal",
        "code": s.code.value,
        "strength": s.strength.value,
        "bidders": list(s.bidders),
        "bidder_names": [names.get(b, b) for b in s.bidders],
        "evidence": list(s.evidence),
        "citation": s.citation,
        "audience": list(s.audience),
        "advisory": s.advisory,
    }


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def _risk_payload(r: TenderRisk | None, n_bids: int) -> dict[str, Any]:
    if r is None:
        note = "no tender-risk score (model missing or prices unusable); signals only"
        return {"kind": "risk", "code": RISK_CODE, "n_bids": n_bids, "score": None, "level": "unavailable",
                "screens": {}, "drivers": [], "note": note}  # fmt: skip
    return {
        "kind": "risk",
        "code": RISK_CODE,
        "n_bids": r.n_bids,
        "score": r.score,
        "level": r.level,
        "screens": {k: _finite(v) for k, v in r.screens.items()},
        "drivers": [{"screen": d.screen, "value": _finite(d.value), "contribution": d.contribution} for d in r.drivers],
        "note": r.note,
    }


def _warning_id(section_id: str, payload: dict[str, Any]) -> str:
    key = {k: payload.get(k) for k in ("code", "bidders", "evidence")} if payload["kind"] == "signal" else {}
    return str(uuid.uuid5(_NAMESPACE, f"{section_id}|{payload['code']}|{canonical_json(key).decode()}"))


def screen_within(uow: UnitOfWork, section_id: str, *, now: datetime) -> list[CollusionWarningRecord]:
    """Screen an opened section inside the caller's open unit of work (no commit): what the chronograph calls
    at the close of the decryption window. Returns every collusion warning of the section."""
    repo = uow.collusion_warnings
    bids = [b for b in uow.bids.in_section(section_id) if b.status is BidStatus.DECRYPTED and b.data is not None]
    section = uow.sections.get(section_id)
    names = {k: v.name for k, v in uow.organisations.names([b.bidder_id for b in bids]).items()}
    meta = uow.bids.authoring([b.id for b in bids])
    facts = [_facts(uow, b, names.get(b.bidder_id), meta.get(b.id)) for b in bids]
    signals = detect_section_signals(
        facts,
        ceiling_price=section.ceiling_price,
        segment=segment_chinese,
        tender_document_tokens=_tender_document_tokens(uow, section_id) if facts else (),
    )
    payloads = [_signal_payload(s, names) for s in signals]
    if len(bids) >= 2:
        model = _risk_model()
        prices = [float(b.data.price) for b in bids if b.data is not None]
        try:  # an advisory score must never hold up the legal opening
            risk = model.assess({section_id: prices})[0] if model is not None else None
        except (ValueError, ArithmeticError):
            risk = None
        payloads.append(_risk_payload(risk, len(bids)))
    known = repo.known_ids(section_id)
    for payload in payloads:
        warning_id = _warning_id(section_id, payload)
        if warning_id in known:
            continue
        known.add(warning_id)
        repo.add(warning_id, section_id, payload["code"], payload, now=now)
        snapshot = collusion_warning_snapshot(payload)
        is_signal = payload["kind"] == "signal"
        uow.record(
            actor=COLLUSION_SCREEN,
            action=LedgerAction.COLLUSION_SIGNAL_RAISED if is_signal else LedgerAction.COLLUSION_RISK_ASSESSED,
            subject_type=SubjectType.COLLUSION_WARNING,
            subject_id=warning_id,
            payload={
                "code": payload["code"],
                "strength": payload.get("strength", payload.get("level")),
                "citation": payload.get("citation", "条例 第四十条 (统计筛查)"),
                "bidder_count": len(payload.get("bidders", [])) if is_signal else payload["n_bids"],
                "warning_sm3": snapshot["warning_sm3"],
                "audience": "committee+supervisor",
            },
            snapshot=snapshot,
            now=now,
        )
    uow.flush()
    return repo.for_section(section_id)
