"""Schemas for projects and sections."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import AwareDatetime, BaseModel, Field

from fairbid.domain.section import Section, SectionKind

__all__ = ["ProjectIn", "ProjectOut", "ScheduleIO", "SectionIn", "SectionOut"]


# letters (CJK included), digits, "_", "." and "-": codes end up in file names and headers (Content-Disposition)
CODE = Field(min_length=1, max_length=40, pattern=r"^[\w.\-]+$", examples=["ZZJS-2026-017"])


class ProjectIn(BaseModel):
    code: str = CODE
    name: str = Field(min_length=1, max_length=200)
    tenderee_id: str
    agency_id: str | None = None


class ProjectOut(BaseModel):
    id: str
    code: str
    name: str
    tenderee_id: str
    agency_id: str | None


class ScheduleIO(BaseModel):
    sale_start: AwareDatetime
    sale_end: AwareDatetime
    bid_deadline: AwareDatetime
    decryption_minutes: int = Field(30, ge=1, le=1440)
    publicity_days: int = Field(3, ge=3, le=30)


class SectionIn(BaseModel):
    project_id: str
    code: str = CODE
    name: str = Field(min_length=1, max_length=200)
    kind: SectionKind
    estimated_price: Decimal = Field(gt=0, max_digits=16, decimal_places=2, description="估算价, yuan")
    ceiling_price: Decimal = Field(gt=0, max_digits=16, decimal_places=2, description="最高投标限价, yuan")
    schedule: ScheduleIO
    state_funded: bool = True


class SectionOut(BaseModel):
    id: str
    project_id: str
    code: str
    name: str
    kind: SectionKind
    status: str
    estimated_price: Decimal
    ceiling_price: Decimal
    schedule: ScheduleIO
    seed_commitment: str | None
    beacon: str | None
    seed: str | None = Field(None, description="revealed at the opening, so anyone can check SM3(seed) and the beacon")
    document_digest: str | None
    publicity_ends: datetime | None
    outcome_reason: str | None
    version: int

    @classmethod
    def of(cls, s: Section) -> SectionOut:
        return cls(
            id=s.id,
            project_id=s.project_id,
            code=s.code,
            name=s.name,
            kind=s.kind,
            status=s.status.value,
            estimated_price=s.estimated_price,
            ceiling_price=s.ceiling_price,
            schedule=ScheduleIO(
                sale_start=s.schedule.sale_start,
                sale_end=s.schedule.sale_end,
                bid_deadline=s.schedule.bid_deadline,
                decryption_minutes=s.schedule.decryption_minutes,
                publicity_days=s.schedule.publicity_days,
            ),
            seed_commitment=s.seed_commitment,
            beacon=s.beacon,
            seed=s.revealed_seed,
            document_digest=s.document_digest,
            publicity_ends=s.publicity_ends,
            outcome_reason=s.outcome_reason,
            version=s.version,
        )
