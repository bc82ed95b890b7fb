"""Committees, score sheets, session actions, score warnings and the machine's scores.

The committee aggregate (``fairbid.domain.evaluation.committee.Committee``) is read and written here only: its
JSON columns are translated to and from the typed domain explicitly, and saved whole with its ``version``
(optimistic locking), as score sheets and warnings are. JSON holds Decimals as strings and aware UTC times as
ISO 8601.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fairbid.domain.errors import Conflict, NotFound
from fairbid.domain.evaluation.codec import (
    committee_from_json,
    committee_to_json,
    sheet_bids_from_json,
    sheet_bids_to_json,
)
from fairbid.domain.evaluation.committee import (
    Committee,
    MemberSheet,
    RaisedWarning,
)
from fairbid.domain.evaluation.model import ScoreWarning, WarningAnswer, WarningKind
from fairbid.domain.expert import SessionAction
from fairbid.store.rows import CommitteeRow, ScoreRow, ScoreSheetRow, SessionActionRow, WarningRow

__all__ = [
    "CommitteeRepository",
    "ScoreRepository",
    "SessionRepository",
    "SheetRepository",
    "WarningRepository",
]

_STALE = "The committee was changed by another request meanwhile; reload and try again."


def _aware(moment: datetime) -> datetime:  # SQLite hands back naive datetimes; the platform stores UTC
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _when(text: str) -> datetime:
    return _aware(datetime.fromisoformat(text))


def _committee(row: CommitteeRow) -> Committee:
    return committee_from_json(
        {
            "section_id": row.section_id,
            "beacon": str(row.draw.get("beacon", "")),
            "plan": row.plan,
            "draw": row.draw,
            "representatives": row.representatives or [],
            "review": row.review,
            "outcome": row.outcome,
            "report": row.report,
            "created_at": _aware(row.created_at).isoformat(),
        },
        version=row.version,
    )


def _to_row(c: Committee, row: CommitteeRow, now: datetime) -> None:
    data = committee_to_json(c)
    row.plan = data["plan"]
    row.draw = {**data["draw"], "beacon": c.beacon, "labels": list(c.labels)}
    row.representatives = data["representatives"]
    row.review, row.outcome, row.report = data["review"], data["outcome"], data["report"]
    row.evaluation_started_at = None if c.review is None else c.review.started_at
    row.updated_at = now


class CommitteeRepository:
    """One committee per section, saved whole with optimistic locking."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def find(self, section_id: str) -> Committee | None:
        row = self._s.get(CommitteeRow, section_id)
        return None if row is None else _committee(row)

    def get(self, section_id: str) -> Committee:
        found = self.find(section_id)
        if found is None:
            raise NotFound(f"Section {section_id} has no evaluation committee yet.", field="section_id")
        return found

    def all(self) -> list[Committee]:
        return [_committee(r) for r in self._s.scalars(select(CommitteeRow).order_by(CommitteeRow.section_id))]

    def not_started(self) -> list[Committee]:
        """Committees whose session has not started yet (the machine starts them when due)."""
        stmt = (
            select(CommitteeRow).where(CommitteeRow.evaluation_started_at.is_(None)).order_by(CommitteeRow.section_id)
        )
        return [_committee(r) for r in self._s.scalars(stmt)]

    def add(self, committee: Committee, *, now: datetime) -> None:
        row = CommitteeRow(section_id=committee.section_id, created_at=now, evaluation_started_at=None)
        _to_row(committee, row, now)
        self._s.add(row)
        self._s.flush()
        committee.version = row.version

    def save(self, committee: Committee, *, now: datetime) -> None:
        """Store the changed committee; ``Conflict`` if another request changed it since it was read."""
        row = self._s.get(CommitteeRow, committee.section_id)
        if row is None:
            raise NotFound(f"Section {committee.section_id} has no evaluation committee.", field="section_id")
        if row.version != committee.version:
            raise Conflict(_STALE)
        _to_row(committee, row, now)
        self._s.flush()
        committee.version = row.version


def _member_sheet(row: ScoreSheetRow) -> MemberSheet:
    bids = sheet_bids_from_json(row.member_id, row.sheet["bids"])
    return MemberSheet(
        row.section_id,
        row.member_id,
        bids,
        row.revision or 0,
        row.revision_reason,
        None if row.submitted_at is None else _aware(row.submitted_at),
        row.version,
    )


class SheetRepository:
    """Score sheets: one per member and section, ``sheet["bids"][bid_id]`` per bid; saved whole, versioned."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def _row(self, section_id: str, member_id: str) -> ScoreSheetRow | None:
        stmt = select(ScoreSheetRow).where(ScoreSheetRow.section_id == section_id, ScoreSheetRow.member_id == member_id)
        return self._s.scalars(stmt).first()

    def find(self, section_id: str, member_id: str) -> MemberSheet | None:
        row = self._row(section_id, member_id)
        return None if row is None else _member_sheet(row)

    def for_section(self, section_id: str) -> list[MemberSheet]:
        stmt = select(ScoreSheetRow).where(ScoreSheetRow.section_id == section_id).order_by(ScoreSheetRow.member_id)
        return [_member_sheet(r) for r in self._s.scalars(stmt)]

    def save(self, sheet: MemberSheet) -> None:
        """Store the sheet; ``Conflict`` if another request changed (or created) it since it was read."""
        row = self._row(sheet.section_id, sheet.member_id)
        if row is None:
            if sheet.version != 0:
                raise Conflict("The score sheet disappeared meanwhile; reload and try again.")
            row = ScoreSheetRow(id=str(uuid.uuid4()), section_id=sheet.section_id, member_id=sheet.member_id)
            self._s.add(row)
        elif row.version != sheet.version:
            raise Conflict("The score sheet was changed by another request meanwhile; reload and try again.")
        row.sheet = {"bids": sheet_bids_to_json(sheet)}
        row.submitted_at = sheet.submitted_at
        row.revision = sheet.revision
        row.revision_reason = sheet.revision_reason
        self._s.flush()
        sheet.version = row.version


class SessionRepository:
    """Remote-evaluation session actions: who did what, where, when, on which device."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, section_id: str, action: SessionAction) -> None:
        self._s.add(
            SessionActionRow(
                id=str(uuid.uuid4()),
                section_id=section_id,
                member_id=action.expert_id,
                venue_id=action.venue_id,
                action=action.action,
                device=action.device[:120],
                at=action.at,
            )
        )

    def for_section(self, section_id: str) -> list[SessionAction]:
        rows = self._s.scalars(
            select(SessionActionRow)
            .where(SessionActionRow.section_id == section_id)
            .order_by(SessionActionRow.at, SessionActionRow.id)
        )
        return [SessionAction(r.member_id, r.action, r.venue_id, r.device, _aware(r.at)) for r in rows]


def _warning_payload(w: ScoreWarning) -> dict[str, Any]:
    return {
        "warning_id": w.warning_id,
        "kind": w.kind.value,
        "bid_id": w.bid_id,
        "experts": list(w.experts),
        "item_id": w.item_id,
        "value": None if w.value is None else str(w.value),
        "reference": None if w.reference is None else str(w.reference),
        "limit": None if w.limit is None else str(w.limit),
        "detail": w.detail,
    }


def _raised(row: WarningRow) -> RaisedWarning:
    p = row.payload
    value, ref, limit = (None if p.get(k) is None else Decimal(p[k]) for k in ("value", "reference", "limit"))
    warning = ScoreWarning(
        WarningKind(p["kind"]), p["bid_id"], tuple(p["experts"]), p.get("item_id"), value, ref, limit
    )
    answers = [
        WarningAnswer(p["warning_id"], a["expert_id"], bool(a["revised"]), a["reason"], _when(a["at"]))
        for a in (row.resolution or {}).get("answers", [])
    ]
    resolved = None if row.resolved_at is None else _aware(row.resolved_at)
    return RaisedWarning(warning, _aware(row.created_at), answers, resolved, row.id, row.version)


class WarningRepository:
    """Evaluation warnings (source ``evaluation``) and their answers, saved with a version."""

    SOURCE = "evaluation"

    def __init__(self, session: Session) -> None:
        self._s = session

    def for_section(self, section_id: str) -> list[RaisedWarning]:
        stmt = (
            select(WarningRow)
            .where(WarningRow.section_id == section_id, WarningRow.source == self.SOURCE)
            .order_by(WarningRow.created_at, WarningRow.id)
        )
        return [_raised(r) for r in self._s.scalars(stmt)]

    def add(self, section_id: str, warning: ScoreWarning, *, now: datetime) -> None:
        self._s.add(
            WarningRow(
                id=str(uuid.uuid4()),
                section_id=section_id,
                source=self.SOURCE,
                code=warning.kind.value,
                audience="committee+supervisor",
                payload=_warning_payload(warning),
                created_at=now,
                resolved_at=None,
                resolution=None,
            )
        )

    def save(self, raised: RaisedWarning) -> None:
        """Store the answers; ``Conflict`` if another answer was stored since it was read."""
        row = self._s.get(WarningRow, raised.id)
        if row is None:
            raise NotFound("The warning is gone.", field="warning_id")
        if row.version != raised.version:
            raise Conflict("Another member answered this warning meanwhile; reload and try again.")
        row.resolution = {
            "answers": [
                {"expert_id": a.expert_id, "revised": a.revised, "reason": a.reason, "at": _iso(a.at)}
                for a in raised.answers
            ]
        }
        row.resolved_at = raised.resolved_at
        self._s.flush()
        raised.version = row.version


class ScoreRepository:
    """Scores: the machine's scores (``expert_id`` empty) by bid and item."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def replace_machine(self, section_id: str, scores: Mapping[str, Mapping[str, Decimal]], *, now: datetime) -> None:
        self._s.execute(delete(ScoreRow).where(ScoreRow.section_id == section_id, ScoreRow.expert_id.is_(None)))
        for bid_id, items in sorted(scores.items()):
            for item, value in sorted(items.items()):
                self._s.add(
                    ScoreRow(
                        id=str(uuid.uuid4()),
                        section_id=section_id,
                        bid_id=bid_id,
                        expert_id=None,
                        item=item,
                        score=value,
                        recorded_at=now,
                    )
                )

    def machine(self, section_id: str) -> dict[str, dict[str, Decimal]]:
        out: dict[str, dict[str, Decimal]] = {}
        rows = self._s.scalars(select(ScoreRow).where(ScoreRow.section_id == section_id, ScoreRow.expert_id.is_(None)))
        for r in rows:
            out.setdefault(r.bid_id, {})[r.item] = Decimal(r.score)
        return out
