"""Versions of a section's tender document (招标文件) and amendments: the files, by SM3, in the blob store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["DocumentVersion"]


@dataclass(frozen=True, slots=True)
class DocumentVersion:
    """One file of one version of the tender document (or an amendment); its bytes are stored under ``digest``."""

    id: str
    section_id: str
    version_no: int
    kind: str  # tender_document | amendment
    media_type: str
    filename: str
    digest: str
    size: int
    created_at: datetime
