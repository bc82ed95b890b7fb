"""The priced bill of quantities (已标价工程量清单) of a bid, read from .xlsx or XML into lines.

Each line is code (项目编码), name (项目名称), unit (计量单位), quantity (工程量), unit price (综合单价) and
amount (合价). The parser checks form, never arithmetic: a line whose amount is not quantity × unit price is
kept as written, because the committee corrects it (12号令 第十九条, ``correct_bill``) and a slip shared by
two bids is a collusion clue (条例 第四十条第（四）项, ``compare_boq``).

**.xlsx**: the first sheet whose name contains 清单, else the first sheet. The header is the first row (of
the first 30) naming the code, quantity, unit price and amount columns; a second header row is read too
(GB 50500's 计价表 puts 综合单价/合价 under a merged 金额（元）). Accepted headers, after removing spaces and a
trailing unit in brackets: code 项目编码/清单编码/编码/编号/code; name 项目名称/名称/清单名称/name/description;
unit 计量单位/单位/unit; quantity 工程量/工程数量/数量/quantity/qty; unit price 综合单价/单价/unit price/
unit_price/rate; amount 合价/金额/综合合价/amount/total. Rows with no code and no numbers are headings and
skipped; a row whose name is 合计/总计 (with no code) gives the stated total; 小计 rows are skipped. Cells must
be numbers or numeric text (full-width digits, thousands separators and a leading ¥ are accepted); a formula
cell must carry its computed value (save the file in the spreadsheet program).

**XML** (namespace ``urn:fairbid:bill:1`` or none)::

    <bill xmlns="urn:fairbid:bill:1" currency="CNY" total="16125.00">
      <line code="010101001001" name="平整场地" unit="m2" quantity="1200" unit-price="3.50" amount="4200.00"/>
    </bill>

``code``, ``quantity``, ``unit-price`` and ``amount`` are required, ``name`` and ``unit`` optional; numbers
are plain decimals (``1200``, ``3.50``); ``total`` and ``currency`` (only CNY) are optional; nothing else is
allowed. DTDs are refused (defusedxml).

Every problem is reported with its line (the spreadsheet row or the XML source line) in one ``InvalidBill``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import PurePath
from typing import Any

from fairbid.documents.bill_line import (
    BillItem,
    BillLimits,
    BillProblem,
    InvalidBill,
    LineCollector,
    ParsedBill,
    normalise,
)
from fairbid.documents.bill_xml import BILL_NAMESPACE, read_xml_bill
from fairbid.documents.extract import ReadLimits, UnreadableFile, check_office_zip

__all__ = ["BILL_NAMESPACE", "BillItem", "BillLimits", "BillProblem", "InvalidBill", "ParsedBill", "parse_bill"]

_REQUIRED = ("code", "quantity", "unit_price", "amount")
_HEADERS = {
    "code": {"项目编码", "清单编码", "编码", "编号", "项目编号", "code", "itemcode"},
    "name": {"项目名称", "名称", "清单名称", "清单项目名称", "name", "description"},
    "unit": {"计量单位", "单位", "unit"},
    "quantity": {"工程量", "工程数量", "数量", "quantity", "qty"},
    "unit_price": {"综合单价", "单价", "unitprice", "unit_price", "rate"},
    "amount": {"合价", "金额", "综合合价", "amount", "total"},
}
_LABEL = {v: k for k, names in _HEADERS.items() for v in names}


def _header_key(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = re.sub(r"[(（\[【][^)）\]】]*[)）\]】]$", "", normalise(value)).casefold()
    return _LABEL.get(text)


def _rows(sheet: Any, limits: BillLimits) -> Iterator[tuple[int, tuple[Any, ...]]]:
    number = 0
    for row in sheet.iter_rows(max_col=limits.max_columns):
        number = next((c.row for c in row if getattr(c, "row", None)), number + 1)
        if number > limits.max_rows_scanned:
            raise InvalidBill([BillProblem(number, "", f"more than {limits.max_rows_scanned:,} rows")])
        yield number, tuple(getattr(c, "value", None) for c in row)


def _columns(values: tuple[Any, ...]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for column, value in enumerate(values):
        key = _header_key(value)
        if key and key not in columns:
            columns[key] = column
    return columns


def _header(rows: Sequence[tuple[int, tuple[Any, ...]]]) -> tuple[int, dict[str, int]] | None:
    """The last header row's number and the column of each field, from the first rows.

    A second header row (no numbers in it) refines the first: its names win for their columns, so
    综合单价/合价 under a merged 金额（元） replace the 金额 of the merged cell.
    """
    for i, (number, values) in enumerate(rows):
        columns = _columns(values)
        if "code" not in columns:
            continue
        last = number
        if i + 1 < len(rows):
            below_values = rows[i + 1][1]
            below = _columns(below_values)
            if below and not any(isinstance(v, (int, float)) for v in below_values):
                taken = set(below.values())
                columns = {k: c for k, c in columns.items() if c not in taken and k not in below} | below
                last = rows[i + 1][0]
        if all(k in columns for k in _REQUIRED):
            return last, columns
    return None


def _xlsx(data: bytes, limits: BillLimits) -> ParsedBill:
    from openpyxl import load_workbook  # reads its XML through defusedxml (a pinned dependency)

    try:
        check_office_zip(
            data, ReadLimits(max_bytes=limits.max_bytes, max_unzipped_bytes=limits.max_unzipped_bytes), kind=".xlsx"
        ).close()
    except UnreadableFile as exc:
        raise InvalidBill([BillProblem(0, "", exc.detail)]) from None
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheets = book.worksheets
            sheet = next((s for s in sheets if "清单" in s.title), sheets[0] if sheets else None)
            if sheet is None:
                raise InvalidBill([BillProblem(0, "", "the workbook has no sheet")])
            return _read_sheet(_rows(sheet, limits), limits)
        finally:
            book.close()
    except InvalidBill:
        raise
    except Exception as exc:  # openpyxl raises many kinds on damaged or hostile workbooks
        raise InvalidBill([BillProblem(0, "", f"the workbook cannot be read ({type(exc).__name__})")]) from None


def _read_sheet(rows: Iterable[tuple[int, tuple[Any, ...]]], limits: BillLimits) -> ParsedBill:
    iterator = iter(rows)
    head: list[tuple[int, tuple[Any, ...]]] = []
    for row in iterator:
        head.append(row)
        if len(head) == 31:
            break
    found = _header(head[:30])
    if found is None:
        need = "项目编码、工程量、综合单价、合价 (or the names listed in the format)"
        raise InvalidBill([BillProblem(0, "", f"no header row naming the columns {need} in the first 30 rows")])
    header_line, columns = found
    from openpyxl.utils import get_column_letter

    labels = {k: f"{k} (column {get_column_letter(c + 1)})" for k, c in columns.items()}
    lines = LineCollector(limits)
    for number, values in [*head, *iterator]:
        if number <= header_line:
            continue
        cells = {k: values[c] if c < len(values) else None for k, c in columns.items()}
        lines.add(number, cells, labels=labels)
    return lines.result("xlsx")


def parse_bill(data: bytes, *, filename: str, limits: BillLimits | None = None) -> ParsedBill:
    """The bill's lines from an .xlsx or .xml file, or ``InvalidBill`` listing every problem by line.

    >>> xml = b'<bill><line code="010101001001" quantity="2" unit-price="3.5" amount="7.00"/></bill>'
    >>> parse_bill(xml, filename="bill.xml").items[0].amount
    Decimal('7.00')
    """
    limits = limits or BillLimits()
    if not data:
        raise InvalidBill([BillProblem(0, "", "the file is empty")])
    if len(data) > limits.max_bytes:
        raise InvalidBill([BillProblem(0, "", f"larger than {limits.max_bytes >> 20} MB")])
    suffix = PurePath(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm") or data.startswith(b"PK\x03\x04"):
        return _xlsx(data, limits)
    if suffix == ".xml" or data.lstrip().startswith(b"<"):
        return read_xml_bill(data, limits)
    raise InvalidBill([BillProblem(0, "", f"unsupported file type {suffix or '(none)'}: use .xlsx or .xml")])
