"""Re-tendering a failed section (重新招标): the new section's draft, copied from the failed one and linked
to it with the failure's cause.

The causes the law names: fewer than three bids (招标投标法 第二十八条, 招标投标法实施条例 第四十四条第二款);
every bid rejected (招标投标法 第四十二条第二款); fewer than three pass prequalification (招标投标法实施条例
第十九条第二款); every candidate set aside (招标投标法实施条例 第五十五条); an unlawful tender document
(招标投标法实施条例 第二十三条); a void result (招标投标法 第六十四条, 招标投标法实施条例 第八十一条).
The draft keeps what the tender was (project, kind, prices, parties, funding, K values, window lengths)
and none of its dates: a new schedule is set, and the new document goes through the checks again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from fairbid.domain.errors import InvalidInput, InvalidTransition
from fairbid.domain.section import Section, SectionKind, SectionStatus

__all__ = ["RETENDER_CITATION", "RetenderCause", "RetenderDraft", "retender_draft"]


class RetenderCause(StrEnum):
    TOO_FEW_BIDS = "too_few_bids"
    ALL_REJECTED = "all_rejected"
    TOO_FEW_PREQUALIFIED = "too_few_prequalified"
    CANDIDATES_EXHAUSTED = "candidates_exhausted"
    DOCUMENT_UNLAWFUL = "document_unlawful"
    RESULT_VOID = "result_void"
    OTHER = "other"


RETENDER_CITATION = {
    RetenderCause.TOO_FEW_BIDS: "招标投标法 第二十八条; 招标投标法实施条例 第四十四条第二款",
    RetenderCause.ALL_REJECTED: "招标投标法 第四十二条第二款",
    RetenderCause.TOO_FEW_PREQUALIFIED: "招标投标法实施条例 第十九条第二款",
    RetenderCause.CANDIDATES_EXHAUSTED: "招标投标法实施条例 第五十五条",
    RetenderCause.DOCUMENT_UNLAWFUL: "招标投标法实施条例 第二十三条",
    RetenderCause.RESULT_VOID: "招标投标法 第六十四条; 招标投标法实施条例 第八十一条",
    RetenderCause.OTHER: "",
}
_ATTEMPT = re.compile(r"^(?P<base>.*)-R(?P<n>\d+)$")
_MARK = "（重新招标）"


@dataclass(frozen=True, slots=True)
class RetenderDraft:
    """The new section's data: as the failed one, minus its dates, plus the link and the cause."""

    previous_section_id: str
    attempt: int  # 2 for the first re-tender
    project_id: str
    code: str
    name: str
    kind: SectionKind
    estimated_price: Decimal
    ceiling_price: Decimal
    tenderee_id: str
    agency_id: str | None
    state_funded: bool
    terms_digest: str | None  # the failed section's pinned terms: the new document starts from them, checked again
    decryption_minutes: int
    publicity_days: int
    cause: RetenderCause
    cause_text: str
    citation: str


def retender_draft(failed: Section, *, cause: RetenderCause, cause_text: str | None = None) -> RetenderDraft:
    """The draft re-tendering ``failed`` (a section in status failed) for ``cause``.

    The code gains ``-R<n>`` (``CDPG-SG-01`` → ``CDPG-SG-01-R2`` → ``CDPG-SG-01-R3``) and the name the
    mark 重新招标; ``cause_text`` defaults to the section's recorded outcome reason and is required for
    ``RetenderCause.OTHER``.
    """
    if failed.status is not SectionStatus.FAILED:
        raise InvalidTransition(f"Section {failed.code} is {failed.status}: only a failed section is re-tendered.")
    text = (cause_text or failed.outcome_reason or "").strip()
    if not text:
        raise InvalidInput("Say why the section failed; the new section carries the cause.", field="cause_text")
    if cause is RetenderCause.OTHER and not cause_text:
        raise InvalidInput("Describe the cause when it is none of the listed ones.", field="cause_text")
    matched = _ATTEMPT.match(failed.code)
    base, previous = (matched["base"], int(matched["n"])) if matched else (failed.code, 1)
    name = failed.name if failed.name.endswith(_MARK) else failed.name + _MARK
    return RetenderDraft(
        failed.id,
        previous + 1,
        failed.project_id,
        f"{base}-R{previous + 1}",
        name,
        failed.kind,
        failed.estimated_price,
        failed.ceiling_price,
        failed.tenderee_id,
        failed.agency_id,
        failed.state_funded,
        failed.terms_digest,
        failed.schedule.decryption_minutes,
        failed.schedule.publicity_days,
        cause,
        text,
        RETENDER_CITATION[cause],
    )
