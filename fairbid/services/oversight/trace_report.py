"""The trace report of a section (全程留痕报告, 电子招标投标办法 第四十九条, rule T29).

Every ledger entry about the section, in order: who acted — a person (role, name, organisation) or the
machine (the job or rule that acted), always told apart — each random draw with how to recompute it, every
finding and warning from the entries' payloads, the inclusion proof of each entry against the newest signed
head, and how much of the process the machine decided.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fairbid.domain.actor import Actor, Role
from fairbid.domain.errors import NotFound, NotPermitted
from fairbid.domain.section import SectionStatus
from fairbid.ledger.chain import StoredEntry
from fairbid.ports import UnitOfWork
from fairbid.services.shared.participation import expert_names_visible

__all__ = ["DECISIONS", "Draw", "Finding", "MachineShare", "TraceEvent", "TraceReport", "trace_report"]

DECISIONS = frozenset(
    {
        "section:checked",
        "section:published",
        "section:bidding_started",
        "section:opened",
        "section:failed",
        "section:decryption_closed",
        "section:publicised",
        "section:awarded",
        "section:contracted",
        "section:cancelled",
        "bid:rejected",
        "beacon:revealed",
        "draw:made",
        "committee:drawn",
        "committee:replaced",
        "opening_record:published",
        "evaluation:started",
        "evaluation:completed",
        "score:recorded",
        "score_sheet:submitted",
        "score_warning:raised",
        "score_warning:answered",
        "review:verdict_given",
        "evaluation_report:issued",
        "objection:answered",
    }
)
"""Actions that decide something about the section (the rest submit, register or record)."""

_DRAWS = {
    "beacon:revealed": (
        "Check SM3(seed) = seed_commitment (published with the section), then beacon = SM3(seed ‖ sorted envelope "
        "digests ‖ section id) and K from the stream labelled benchmark-k (docs/evaluation.md §1)."
    ),
    "draw:made": "Replay the stream of the entry's label over the beacon (docs/evaluation.md §1).",
    "committee:drawn": (
        "Replay the stream labelled in the entry over the section's beacon with the published plan and eligible "
        "counts; names_digest is SM3 of the drawn names (docs/evaluation.md §1–2)."
    ),
    "committee:replaced": (
        "Replay the next round's stream (label in the entry) over the beacon for the vacant seats "
        "(docs/evaluation.md §1–2)."
    ),
}
_FINDING_KEYS = ("passed", "findings", "warnings", "warning", "reason", "kinds", "blocking", "check_id")
_PUBLIC_AFTER = frozenset(
    {SectionStatus.PUBLICISED, SectionStatus.AWARDED, SectionStatus.CONTRACTED, SectionStatus.FAILED}
)
_AUDITORS = (Role.OPERATOR, Role.SUPERVISOR, Role.MACHINE)


@dataclass(frozen=True, slots=True)
class TraceEvent:
    """One ledger entry of the section, with who did it in words."""

    seq: int
    at: datetime
    kind: str  # person | machine
    who: str  # "agency · 张三 · 某招标代理有限公司" or "machine · chronograph"
    role: str
    action: str
    subject: str
    decision: bool
    payload: dict[str, Any]
    entry_hash: str


@dataclass(frozen=True, slots=True)
class Draw:
    seq: int
    at: datetime
    action: str
    inputs: dict[str, Any]
    how: str


@dataclass(frozen=True, slots=True)
class Finding:
    seq: int
    at: datetime
    action: str
    who: str
    detail: dict[str, Any]


@dataclass(frozen=True, slots=True)
class MachineShare:
    """How much of the section's process the machine did and decided (entries, decisions)."""

    machine_entries: int
    person_entries: int
    machine_decisions: int
    person_decisions: int

    @property
    def entry_share(self) -> float:
        total = self.machine_entries + self.person_entries
        return self.machine_entries / total if total else 0.0

    @property
    def decision_share(self) -> float:
        total = self.machine_decisions + self.person_decisions
        return self.machine_decisions / total if total else 0.0


@dataclass(frozen=True, slots=True)
class TraceReport:
    section_id: str
    code: str
    name: str
    status: str
    events: list[TraceEvent]
    draws: list[Draw]
    findings: list[Finding]
    share: MachineShare
    head: dict[str, Any] | None
    proofs: dict[int, list[str]] = field(default_factory=dict)


def _belongs(row: StoredEntry, section_id: str, bid_ids: set[str]) -> bool:
    if row.embargo_section_id == section_id or row.subject_id == section_id:
        return True
    if row.subject_id.startswith(section_id + ":") or (row.subject_type == "bid" and row.subject_id in bid_ids):
        return True
    payload = row.payload if isinstance(row.payload, dict) else {}
    return payload.get("section_id") == section_id


def _about_bids(row: StoredEntry, section_id: str) -> bool:
    return row.embargo_section_id == section_id or row.subject_type == "bid"


def _who(kind: str, role: str, actor_id: str, org_id: str | None, names: dict[str, str], orgs: dict[str, str]) -> str:
    if kind == "machine":
        return f"machine · {actor_id}"
    parts = [role, names.get(actor_id, actor_id)]
    if org_id:
        parts.append(orgs.get(org_id, org_id))
    return " · ".join(parts)


def _findings(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: payload[k] for k in _FINDING_KEYS if payload.get(k) not in (None, [], {}, "")}


def _share(events: Iterable[TraceEvent]) -> MachineShare:
    counts = {"me": 0, "pe": 0, "md": 0, "pd": 0}
    for e in events:
        machine = e.kind == "machine"
        counts["me" if machine else "pe"] += 1
        if e.decision:
            counts["md" if machine else "pd"] += 1
    return MachineShare(counts["me"], counts["pe"], counts["md"], counts["pd"])


def trace_report(section_id: str, *, uow: UnitOfWork, actor: Actor) -> TraceReport:
    """The trace report of a section.

    The centre and the supervisor read it at any time; everyone else once the evaluation is over (candidates
    publicised, awarded, contracted, or failed), so it reveals neither bids before the opening nor experts
    before the evaluation (法 第二十二条, 第四十四条).
    """
    with uow:
        section = uow.sections.get(section_id)
        if actor.role not in _AUDITORS and section.status not in _PUBLIC_AFTER:
            raise NotPermitted("The trace report is public once the evaluation is over.")
        bid_ids = {b.id for b in uow.bids.in_section(section_id)}
        # who bid stays secret from everyone, the centre included, until an opening (招标投标法 第二十二条)
        hide_bids = section.bids_sealed and actor.role is not Role.MACHINE
        # who sits on the committee, only as committee_view shows it (法 第三十七条)
        show_experts = expert_names_visible(uow, section, uow.committees.find(section_id), actor)
        rows = [
            (
                r.seq,
                r.recorded_at,
                r.actor_kind,
                r.actor_role,
                r.actor_id,
                r.organisation_id,
                r.action,
                r.subject_type,
                r.subject_id,
                dict(r.payload or {}),
                r.entry_hash,
            )
            for r in uow.ledger.iter_entries()
            if _belongs(r, section_id, bid_ids) and not (hide_bids and _about_bids(r, section_id))
        ]
        person_ids = {r[4] for r in rows if r[2] == "person"}
        names = {}
        for uid in person_ids:
            try:
                names[uid] = uow.users.get(uid).display_name
            except NotFound:
                continue
        org_ids = sorted({r[5] for r in rows if r[5]})
        orgs = {oid: org.name for oid, org in uow.organisations.names(org_ids).items()}
        head = uow.heads.latest()
        proofs: dict[int, list[str]] = {}
        if head is not None:
            tree = uow.ledger.merkle(head.tree_size)
            for r in rows:
                if r[0] < head.tree_size:
                    proofs[r[0]] = [h.hex() for h in tree.inclusion_proof(r[0], head.tree_size)]
        code, name, status = section.code, section.name, section.status.value
    events, draws, findings = [], [], []
    for seq, at, kind, role, actor_id, org_id, action, stype, sid, payload, digest in rows:
        who = (
            "expert"
            if role == Role.EXPERT.value and not show_experts
            else _who(kind, role, actor_id, org_id, names, orgs)
        )
        event = TraceEvent(seq, at, kind, who, role, action, f"{stype} {sid}", action in DECISIONS, payload, digest)
        events.append(event)
        if action in _DRAWS:
            draws.append(Draw(seq, at, action, payload, _DRAWS[action]))
        found = _findings(payload)
        if found and action not in _DRAWS:
            findings.append(Finding(seq, at, action, who, found))
    return TraceReport(
        section_id,
        code,
        name,
        status,
        events,
        draws,
        findings,
        _share(events),
        None if head is None else head.to_json(),
        proofs,
    )
