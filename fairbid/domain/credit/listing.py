"""Parsing imported external lists (外部信用名单导入): 失信被执行人, 重大税收违法, 行政处罚, from CSV text.

Pure: the caller reads the file and passes its text. One row per entry; headers in English or Chinese:

============================  ==============================  =========================================
column                        Chinese header                  value
============================  ==============================  =========================================
``list``                      名单                            ``dishonest_debtor`` / 失信被执行人,
                                                              ``major_tax_violation`` / 重大税收违法,
                                                              ``administrative_penalty`` / 行政处罚
``credit_code``               统一社会信用代码                18 characters, GB 32100-2015 check
``source``                    来源                            the publishing body or site
``reference``                 文号                            case or decision number
``decided_on``                决定日期                        ``YYYY-MM-DD`` (Beijing date)
``valid_until`` (optional)    有效期至                        ``YYYY-MM-DD``; empty: the policy default
``debarred_until`` (optional) 禁止投标至                      ``YYYY-MM-DD``, only for a penalty banning bids
``detail`` (optional)         事由                            free text
============================  ==============================  =========================================

Other columns (a name, a region, a registered capital…) are ignored and listed in the result: they never
reach a record, so no grade can use them (招标投标领域公平竞争审查规则 第九条). Each bad line is reported with
its line number and what to fix; good lines still parse, and :meth:`ListImport.raise_for_problems` refuses
the whole file when the caller wants all or nothing.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from fairbid.domain.calendar import BEIJING
from fairbid.domain.credit.grade import GradingPolicy
from fairbid.domain.credit.record import EXTERNAL_KINDS, ConductKind, ConductRecord
from fairbid.domain.credit_code import validate_credit_code
from fairbid.domain.errors import InvalidInput

__all__ = ["HEADERS", "ListImport", "ListProblem", "parse_external_list"]

HEADERS: dict[str, str] = {
    "名单": "list", "统一社会信用代码": "credit_code", "来源": "source", "文号": "reference",
    "决定日期": "decided_on", "有效期至": "valid_until", "禁止投标至": "debarred_until", "事由": "detail",
}  # fmt: skip
_REQUIRED = ("list", "credit_code", "source", "reference", "decided_on")
_KNOWN = (*_REQUIRED, "valid_until", "debarred_until", "detail")
_LISTS: dict[str, ConductKind] = {
    "dishonest_debtor": ConductKind.DISHONEST_DEBTOR,
    "失信被执行人": ConductKind.DISHONEST_DEBTOR,
    "major_tax_violation": ConductKind.MAJOR_TAX_VIOLATION,
    "重大税收违法": ConductKind.MAJOR_TAX_VIOLATION,
    "重大税收违法失信主体": ConductKind.MAJOR_TAX_VIOLATION,
    "administrative_penalty": ConductKind.ADMINISTRATIVE_PENALTY,
    "行政处罚": ConductKind.ADMINISTRATIVE_PENALTY,
}


@dataclass(frozen=True, slots=True)
class ListProblem:
    """One bad line: its number in the file (the header is line 1) and what is wrong."""

    line: int
    message: str


@dataclass(frozen=True, slots=True)
class ListImport:
    """The records parsed (ids ``<batch>-<line>``), the bad lines, and the columns ignored."""

    records: tuple[ConductRecord, ...]
    problems: tuple[ListProblem, ...]
    ignored_columns: tuple[str, ...]

    def raise_for_problems(self) -> None:
        """Raise ``InvalidInput`` listing every bad line (at most ten shown), if there is any."""
        if self.problems:
            shown = "; ".join(f"line {p.line}: {p.message}" for p in self.problems[:10])
            more = f" and {len(self.problems) - 10} more" if len(self.problems) > 10 else ""
            raise InvalidInput(f"The list has {len(self.problems)} bad line(s): {shown}{more}.", field="file")


def _date(value: str, name: str) -> datetime:
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{name} {value.strip()!r} is not a date YYYY-MM-DD") from None
    return datetime.combine(day, time(0), tzinfo=BEIJING)


def _end_of(value: str, name: str) -> datetime:
    """A closing date counts to 24:00 Beijing time of that day."""
    return _date(value, name) + timedelta(days=1)


def _row(cells: dict[str, str], *, record_id: str, imported_at: datetime, policy: GradingPolicy) -> ConductRecord:
    kind = _LISTS.get(cells["list"].strip())
    if kind is None:
        raise ValueError(f"list {cells['list'].strip()!r} is not one of {', '.join(sorted(_LISTS))}")
    assert kind in EXTERNAL_KINDS
    try:
        code = validate_credit_code(cells["credit_code"])
    except InvalidInput as exc:
        raise ValueError(exc.detail) from None
    for name in ("source", "reference"):
        if not cells[name].strip():
            raise ValueError(f"{name} is empty")
    decided = _date(cells["decided_on"], "decided_on")
    valid = cells.get("valid_until", "").strip()
    banned = cells.get("debarred_until", "").strip()
    if banned and kind is not ConductKind.ADMINISTRATIVE_PENALTY:
        raise ValueError("debarred_until is only for an administrative penalty that bans bidding")
    valid_until = _end_of(valid, "valid_until") if valid else policy.default_valid_until(kind, decided)
    debarred_until = _end_of(banned, "debarred_until") if banned else None
    if debarred_until is not None and valid_until is not None and valid_until < debarred_until:
        valid_until = debarred_until  # the record lasts at least as long as the ban it carries
    try:
        return ConductRecord(
            id=record_id, subject=code, kind=kind, source=cells["source"].strip(), reference=cells["reference"].strip(),
            occurred_on=decided, recorded_at=imported_at, valid_until=valid_until, debarred_until=debarred_until,
            detail=cells.get("detail", "").strip(),
        )  # fmt: skip
    except InvalidInput as exc:
        raise ValueError(exc.detail) from None


def parse_external_list(
    text: str, *, batch: str, imported_at: datetime, policy: GradingPolicy | None = None
) -> ListImport:
    """Parse a list's CSV text; record ids are ``<batch>-<line>``. Refuses a file without the needed columns."""
    policy = policy or GradingPolicy()
    reader = csv.reader(text.lstrip("\ufeff").splitlines())
    header = next(reader, None)
    if not header:
        raise InvalidInput("The list is empty: expected a header line and one row per entry.", field="file")
    names = [HEADERS.get(h.strip(), h.strip()) for h in header]
    missing = [c for c in _REQUIRED if c not in names]
    if missing:
        raise InvalidInput(
            f"The list lacks the column(s) {', '.join(missing)} (Chinese headers: "
            f"{', '.join(k for k, v in HEADERS.items() if v in missing)}).",
            field="file",
        )
    records: list[ConductRecord] = []
    problems: list[ListProblem] = []
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(names):
            problems.append(ListProblem(line, f"{len(row)} cells where the header has {len(names)}"))
            continue
        cells = {n: v for n, v in zip(names, row, strict=True) if n in _KNOWN}
        try:
            records.append(_row(cells, record_id=f"{batch}-{line}", imported_at=imported_at, policy=policy))
        except ValueError as exc:
            problems.append(ListProblem(line, str(exc)))
    ignored = tuple(h for h, n in zip(header, names, strict=True) if n not in _KNOWN)
    return ListImport(tuple(records), tuple(problems), ignored)
