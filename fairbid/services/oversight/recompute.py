"""Recomputing a section's evaluation from what the ledger committed to (评标结果可复算).

The inputs are the ones the ledger fixes: the executable terms from their ``terms.pinned`` entry (whole, their SM3
the one the publication named), K from the beacon entry, the bids' opened data and the committee's review, verdicts
and score sheets (each stored aggregate carries the SM3 ``fairbid ledger verify`` checks against its latest entry).
The machine's own function (``domain.evaluation.machine.evaluation_outcome``) runs again over them; the ranking,
every total and the price benchmark must equal the stored outcome and the ranking the ``evaluation:completed``
entry published. Together with ``ledger verify`` this shows the result follows from the published terms alone
(招标投标法实施条例 第四十九条: only the standards and method stated in the tender document).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fairbid.crypto.draw import draw_k
from fairbid.domain.actor import Actor, Role
from fairbid.domain.errors import NotFound, NotPermitted
from fairbid.domain.evaluation.committee import EvaluationOutcome
from fairbid.domain.evaluation.machine import evaluation_outcome
from fairbid.domain.section import Section
from fairbid.domain.terms import TenderTerms, terms_from_json
from fairbid.ledger.chain import LedgerAction, StoredEntry
from fairbid.ledger.snapshot import SubjectType, terms_digest
from fairbid.ports import UnitOfWork
from fairbid.services.shared.standing import standings

__all__ = ["Recomputation", "RecomputedCheck", "recompute_evaluation"]

_AUDITORS = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.MACHINE})


@dataclass(frozen=True, slots=True)
class RecomputedCheck:
    """One value as stored (or published) against the same value recomputed."""

    name: str
    stored: str
    recomputed: str

    @property
    def ok(self) -> bool:
        return self.stored == self.recomputed


@dataclass(frozen=True, slots=True)
class Recomputation:
    section_id: str
    section_code: str
    terms_sm3: str
    checks: tuple[RecomputedCheck, ...]

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    def to_json(self) -> dict[str, Any]:
        return {
            "section_id": self.section_id,
            "section_code": self.section_code,
            "terms_sm3": self.terms_sm3,
            "ok": self.ok,
            "checks": [
                {"name": c.name, "ok": c.ok, "stored": c.stored, "recomputed": c.recomputed} for c in self.checks
            ],
        }


def _last(entries: list[StoredEntry], action: LedgerAction) -> StoredEntry | None:
    return next((e for e in reversed(entries) if e.action == action.value), None)


def _ranking(outcome: EvaluationOutcome) -> str:
    return "; ".join(f"{r.rank}:{r.bid_id[:8]}:{r.total}" for r in outcome.ranking)


def _published_ranking(entry: StoredEntry | None) -> str:
    if entry is None:
        return "(no evaluation:completed entry)"
    return "; ".join(f"{rank}:{str(bid)[:8]}:{total}" for rank, bid, total, _ in entry.payload.get("ranking", []))


def _pinned(entries: list[StoredEntry], published_sm3: str | None) -> tuple[TenderTerms, list[RecomputedCheck]]:
    entry = _last(entries, LedgerAction.TERMS_PINNED)
    if entry is None:
        raise NotFound("The ledger holds no pinned terms for this section; there is nothing to recompute from.")
    terms = terms_from_json(entry.payload.get("terms", {}))
    checks = [RecomputedCheck("pinned terms = the section's terms", published_sm3 or "(none)", terms_digest(terms))]
    return terms, checks


def recompute_evaluation(section_ref: str, *, uow: UnitOfWork, actor: Actor) -> Recomputation:
    """Run the machine's evaluation again for a section (by ID or code) from its committed inputs and compare.

    The centre and the supervisor may ask at any time after the evaluation (the scores are in it); the section
    must have been evaluated.
    """
    if actor.role not in _AUDITORS:
        raise NotPermitted("The centre and the supervisor recompute evaluations (the inputs include every score).")
    with uow:
        section = _find(uow, section_ref)
        committee = uow.committees.find(section.id)
        if committee is None or committee.outcome is None or committee.review is None:
            raise NotFound(f"Section {section.code} has no finished evaluation to recompute.")
        terms, checks = _pinned(uow.ledger.for_subject(SubjectType.TERMS, section.id), section.terms_digest)
        beacon = _last(uow.ledger.for_subject(SubjectType.SECTION, section.id), LedgerAction.BEACON_REVEALED)
        k = (
            None
            if not terms.k_values or section.beacon is None
            else draw_k(bytes.fromhex(section.beacon), terms.k_values)
        )
        if beacon is not None:
            checks.append(RecomputedCheck("K (beacon entry)", str(beacon.payload.get("k")), str(k)))
        bids = {b.id: b for b in uow.bids.in_section(section.id)}
        sheets = [s for sheet in uow.sheets.for_section(section.id) for s in sheet.bids.values()]
        stored = committee.outcome
        again = evaluation_outcome(
            terms,
            committee.review,
            bids,
            standings(uow, list(bids.values())),
            members=committee.members,
            sheets=sheets,
            k=k,
            deadline=section.schedule.bid_deadline,
            now=stored.finished_at,
        )
        completed = _last(uow.ledger.for_subject(SubjectType.COMMITTEE, section.id), LedgerAction.EVALUATION_COMPLETED)
    checks.append(RecomputedCheck("valid bids", ",".join(sorted(stored.valid)), ",".join(sorted(again.valid))))
    if stored.price is not None or again.price is not None:
        checks.append(
            RecomputedCheck(
                "benchmark price (评标基准价)",
                str(None if stored.price is None else stored.price.benchmark.value),
                str(None if again.price is None else again.price.benchmark.value),
            )
        )
    for bid_id in sorted(set(stored.totals) | set(again.totals)):
        before, after = stored.totals.get(bid_id), again.totals.get(bid_id)
        checks.append(
            RecomputedCheck(
                f"total of bid {bid_id[:8]}",
                "(none)" if before is None else str(before.total),
                "(none)" if after is None else str(after.total),
            )
        )
    checks.append(RecomputedCheck("ranking (stored)", _ranking(stored), _ranking(again)))
    checks.append(RecomputedCheck("ranking (ledger)", _published_ranking(completed), _ranking(again)))
    return Recomputation(section.id, section.code, section.terms_digest or "", tuple(checks))


def _find(uow: UnitOfWork, ref: str) -> Section:
    try:
        return uow.sections.get(ref)
    except NotFound:
        for section in uow.sections.list_all():
            if section.code == ref:
                return section
    raise NotFound(f"No section with id or code {ref}.")
