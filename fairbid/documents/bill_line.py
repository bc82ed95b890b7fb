"""The lines of a bill of quantities (清单) as read from a file, the problems found, and the line collector
that both readers (``bill`` for .xlsx, ``bill_xml`` for XML) share."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from fairbid.documents.extract import UnreadableFile
from fairbid.domain.collusion import BoqLine
from fairbid.domain.evaluation.correction import BillLine

__all__ = [
    "BillItem",
    "BillLimits",
    "BillProblem",
    "InvalidBill",
    "LineCollector",
    "ParsedBill",
    "cell_text",
    "normalise",
    "parse_number",
]

_TOTAL_NAMES = {"合计", "总计", "报价合计", "total"}
_SUBTOTAL_NAMES = {"小计", "本页小计", "分部小计", "subtotal"}
_MAX_ABS = Decimal("1e15")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_XML_NUMBER = re.compile(r"\d+(\.\d+)?")
_SHOWN = 20


@dataclass(frozen=True, slots=True)
class BillLimits:
    """Bounds on one bill file."""

    max_bytes: int = 32 * 1024 * 1024
    max_unzipped_bytes: int = 256 * 1024 * 1024
    max_lines: int = 20_000
    max_rows_scanned: int = 100_000
    max_columns: int = 60


@dataclass(frozen=True, slots=True)
class BillProblem:
    """One problem in the file: its line (row or XML line; 0 for the whole file), the column, and why."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class InvalidBill(UnreadableFile):
    """Raised when a bill of quantities cannot be read; ``problems`` lists every problem found, by line."""

    code = "invalid-bill"
    title = "The bill of quantities cannot be read"

    def __init__(self, problems: Sequence[BillProblem]) -> None:
        shown = "; ".join(str(p) for p in problems[:_SHOWN])
        more = f" (and {len(problems) - _SHOWN} more)" if len(problems) > _SHOWN else ""
        super().__init__(f"The bill of quantities has {len(problems)} problem(s): {shown}{more}.", field="bill")
        self.problems = tuple(problems)


@dataclass(frozen=True, slots=True)
class BillItem:
    """One line of the bill as written, with the line it came from."""

    code: str
    name: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    line: int


@dataclass(frozen=True, slots=True)
class ParsedBill:
    """The bill's lines in file order and its stated total (合计), if the file gives one."""

    items: tuple[BillItem, ...]
    stated_total: Decimal | None
    source: str  # "xlsx" or "xml"

    def boq_lines(self) -> tuple[BoqLine, ...]:
        """The lines as ``fairbid.domain.collusion.BoqLine`` for ``detect_section_signals``."""
        return tuple(BoqLine(i.code, i.quantity, i.unit_price, i.amount, description=i.name) for i in self.items)

    def bill_lines(self) -> tuple[BillLine, ...]:
        """The lines as ``fairbid.domain.evaluation.BillLine`` for ``correct_bill`` (12号令 第十九条)."""
        return tuple(BillLine(i.code, i.quantity, i.unit_price, i.amount) for i in self.items)

    @property
    def line_sum(self) -> Decimal:
        """The sum of the amounts as written."""
        return sum((i.amount for i in self.items), Decimal(0))


def normalise(value: str) -> str:
    """NFKC (full-width to half-width) without any whitespace."""
    return "".join(unicodedata.normalize("NFKC", value).split())


def parse_number(value: Any, *, xml: bool = False) -> Decimal | str:
    """The cell's number, or a message saying why it is not one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "empty"
    if isinstance(value, bool):
        return f"{value} is not a number"
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return "not a finite number"
        number = Decimal(repr(value))
    elif isinstance(value, (datetime, date, time)):
        return "a date or time, not a number"
    elif isinstance(value, str):
        text = value.strip() if xml else normalise(value).replace(",", "").removeprefix("¥").removeprefix("￥")
        if not (_XML_NUMBER if xml else _NUMBER).fullmatch(text):
            return f"{value.strip()[:40]!r} is not a number"
        try:
            number = Decimal(text)
        except InvalidOperation:
            return f"{value.strip()[:40]!r} is not a number"
    else:
        return f"a {type(value).__name__} is not a number"
    if number < 0:
        return f"{number} is negative"
    if number >= _MAX_ABS:
        return f"{number} is too large"
    return number


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFKC", str(value)).strip()


class LineCollector:
    """Collects items and problems; checks codes and the line count."""

    def __init__(self, limits: BillLimits) -> None:
        self.limits = limits
        self.items: list[BillItem] = []
        self.problems: list[BillProblem] = []
        self.total: Decimal | None = None
        self._seen: dict[str, int] = {}

    def add(self, line: int, cells: dict[str, Any], *, xml: bool = False, labels: dict[str, str] | None = None) -> None:
        label = labels or {}
        code = cell_text(cells.get("code"))
        name = cell_text(cells.get("name"))
        numbers = {f: cells.get(f) for f in ("quantity", "unit_price", "amount")}
        has_numbers = any(cell_text(v) for v in numbers.values())
        if not code and xml:
            self.problems.append(BillProblem(line, "code", "empty"))
            return
        if not code:
            key = normalise(name).casefold()
            if key in _TOTAL_NAMES and not xml:
                self._total(line, numbers["amount"])
            elif has_numbers and key not in _SUBTOTAL_NAMES:
                self.problems.append(BillProblem(line, label.get("code", "code"), "a priced line without a code"))
            return
        if len(code) > 40 or any(ch.isspace() for ch in code):
            self.problems.append(BillProblem(line, label.get("code", "code"), f"{code[:40]!r} is not a line code"))
            return
        parsed: dict[str, Decimal] = {}
        for field, value in numbers.items():
            number = parse_number(value, xml=xml)
            if isinstance(number, str):
                if number == "empty" and not xml:
                    number = "empty (a formula cell keeps its value only once saved in the spreadsheet program)"
                self.problems.append(BillProblem(line, label.get(field, field), number))
            else:
                parsed[field] = number
        if code in self._seen:
            self.problems.append(
                BillProblem(line, label.get("code", "code"), f"{code} repeats line {self._seen[code]}")
            )
            return
        self._seen[code] = line
        if len(parsed) == 3:
            self.items.append(
                BillItem(code, name, cell_text(cells.get("unit")), parsed["quantity"], parsed["unit_price"],
                         parsed["amount"], line)
            )  # fmt: skip
        if len(self._seen) > self.limits.max_lines:
            raise InvalidBill([BillProblem(line, "", f"more than {self.limits.max_lines:,} lines")])

    def _total(self, line: int, value: Any) -> None:
        if value is None or not cell_text(value):
            return
        number = parse_number(value)
        if isinstance(number, str):
            self.problems.append(BillProblem(line, "amount", f"the total: {number}"))
        else:
            self.total = number

    def result(self, source: str) -> ParsedBill:
        if not self.items and not self.problems:
            self.problems.append(BillProblem(0, "", "no priced lines"))
        if self.problems:
            raise InvalidBill(self.problems)
        return ParsedBill(tuple(self.items), self.total, source)
