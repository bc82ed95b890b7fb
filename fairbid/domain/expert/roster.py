"""Import the expert pool from CSV text (专家库导入). Pure: the caller reads the file.

Header (UTF-8, comma-separated; the first seven columns are required, the rest optional)::

    expert_id,name,specialties,region,employer,title,years,status,email,former_employers,relationships,unavailable

- ``specialties``: codes separated by ``;``
- ``title``: ``senior_full``/``senior``/``intermediate``/``junior``/``none`` or 正高级/副高级/高级/中级/初级/无
- ``status``: ``active``/``suspended``/``retired`` or 正常/暂停/退出 (default active)
- ``former_employers``: ``CODE@start/end;…`` with ISO dates (UTC)
- ``relationships``: ``CODE:kind;…``
- ``unavailable``: ``start/end;…`` with ISO dates or datetimes (UTC)
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from fairbid.domain.credit_code import validate_credit_code
from fairbid.domain.errors import InvalidInput
from fairbid.domain.expert.model import Employment, Expert, ExpertStatus, Period, Relationship, Title

__all__ = ["REQUIRED_COLUMNS", "parse_expert_csv"]

REQUIRED_COLUMNS = ("expert_id", "name", "specialties", "region", "employer", "title", "years")
_TITLES = {
    **{t.value: t for t in Title},
    "正高级": Title.SENIOR_FULL,
    "副高级": Title.SENIOR,
    "高级": Title.SENIOR,
    "中级": Title.INTERMEDIATE,
    "初级": Title.JUNIOR,
    "无": Title.NONE,
}
_STATUSES = {
    **{s.value: s for s in ExpertStatus},
    "正常": ExpertStatus.ACTIVE,
    "暂停": ExpertStatus.SUSPENDED,
    "退出": ExpertStatus.RETIRED,
}


def _bad(line: int, column: str, why: str) -> InvalidInput:
    return InvalidInput(f"Line {line}, column {column}: {why}", field=column)


def _when(text: str, line: int, column: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise _bad(line, column, f"{text!r} is not an ISO date.") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _items(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(";") if part.strip()]


def _span(text: str, line: int, column: str) -> tuple[datetime, datetime]:
    start, slash, end = text.partition("/")
    if not slash:
        raise _bad(line, column, f"{text!r} should be start/end.")
    return _when(start, line, column), _when(end, line, column)


def _code(text: str, line: int, column: str) -> str:
    try:
        return validate_credit_code(text)
    except InvalidInput as error:
        raise _bad(line, column, error.detail) from None


def _row(row: dict[str, str | None], line: int) -> Expert:
    def cell(column: str) -> str:
        return (row.get(column) or "").strip()

    title = _TITLES.get(cell("title"))
    if title is None:
        raise _bad(line, "title", f"unknown title {cell('title')!r}.")
    status = _STATUSES.get(cell("status") or "active")
    if status is None:
        raise _bad(line, "status", f"unknown status {cell('status')!r}.")
    try:
        years = int(cell("years"))
    except ValueError:
        raise _bad(line, "years", f"{cell('years')!r} is not a whole number.") from None
    former = []
    for item in _items(row.get("former_employers")):
        code, at, span = item.partition("@")
        if not at:
            raise _bad(line, "former_employers", f"{item!r} should be CODE@start/end.")
        start, end = _span(span, line, "former_employers")
        former.append(Employment(_code(code, line, "former_employers"), start, end))
    relationships = []
    for item in _items(row.get("relationships")):
        code, colon, kind = item.partition(":")
        if not colon or not kind:
            raise _bad(line, "relationships", f"{item!r} should be CODE:kind.")
        relationships.append(Relationship(_code(code, line, "relationships"), kind.strip()))
    unavailable = []
    for item in _items(row.get("unavailable")):
        start, end = _span(item, line, "unavailable")
        try:
            unavailable.append(Period(start, end))
        except InvalidInput as error:
            raise _bad(line, "unavailable", error.detail) from None
    employer = _code(cell("employer"), line, "employer")  # already names line and column
    try:
        return Expert(
            expert_id=cell("expert_id"),
            name=cell("name"),
            specialties=frozenset(_items(cell("specialties"))),
            region=cell("region"),
            employer=employer,
            title=title,
            years=years,
            status=status,
            unavailable=tuple(unavailable),
            relationships=tuple(relationships),
            former_employers=tuple(former),
            email=cell("email"),
        )
    except InvalidInput as error:
        raise _bad(line, error.field or "row", error.detail) from None


def parse_expert_csv(text: str) -> tuple[Expert, ...]:
    """Parse the pool from CSV text; raise ``InvalidInput`` naming the line and column of the first error."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidInput(f"The CSV lacks the columns {', '.join(missing)}.", field="header")
    experts: list[Expert] = []
    seen: set[str] = set()
    for row in reader:
        line = reader.line_num
        expert = _row(row, line)
        if expert.expert_id in seen:
            raise _bad(line, "expert_id", f"{expert.expert_id} appears twice.")
        seen.add(expert.expert_id)
        experts.append(expert)
    return tuple(experts)
