"""The bill of quantities (清单) from .xlsx and XML: lines for the collusion screen and the corrections."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from fairbid.documents import BillItem, BillLimits, InvalidBill, UnreadableFile, parse_bill
from fairbid.domain.collusion import BidFacts, SignalCode, detect_section_signals
from fairbid.domain.evaluation import correct_bill

_GB50500_HEAD: list[list[Any]] = [
    ["分部分项工程和单价措施项目清单与计价表"],
    ["序号", "项目编码", "项目名称", "项目特征描述", "计量单位", "工程量", "金额（元）", None, None],
    [None, None, None, None, None, None, "综合单价", "合价", "其中：暂估价"],
]


def _xlsx(rows: list[list[Any]], *, title: str = "分部分项工程清单", first: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if first is not None:
        sheet.title = first
        sheet = book.create_sheet(title)
    else:
        sheet.title = title
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _lines(*rows: list[Any]) -> list[list[Any]]:
    return [*_GB50500_HEAD, [None, None, "A.1 土石方工程"], *rows]


def test_gb50500_sheet_with_a_two_row_header_is_read() -> None:
    data = _xlsx(
        _lines(
            [1, "010101001001", "平整场地", "三类土", "m2", 1200, 3.5, 4200, None],
            [2, "010101002001", "挖一般土方", "", "m³", "３５０", "４５．２０", "15,820.00", None],
            [None, None, "本页小计", None, None, None, None, 20020],
            [None, None, "合计", None, None, None, None, "¥20,020.00"],
        ),
        first="封面",
    )
    bill = parse_bill(data, filename="已标价工程量清单.xlsx")
    assert bill.source == "xlsx" and bill.stated_total == Decimal("20020.00")
    assert bill.items == (
        BillItem("010101001001", "平整场地", "m2", Decimal(1200), Decimal("3.5"), Decimal(4200), 5),
        BillItem("010101002001", "挖一般土方", "m3", Decimal(350), Decimal("45.20"), Decimal("15820.00"), 6),
    )
    assert bill.line_sum == Decimal("20020.00")


def test_bad_cells_are_reported_by_row_and_column() -> None:
    data = _xlsx(
        _lines(
            [1, "010101001001", "平整场地", "", "m2", "x", 3.5, 4200],
            [2, "010101001001", "重复", "", "m2", 1, 1, 1],
            [3, "010101003001", "挖沟槽", "", "m3", -5, 10, "=F6*G6"],
            [4, None, "无编码", "", "m3", 5, 10, 50],
        )
    )
    with pytest.raises(InvalidBill) as info:
        parse_bill(data, filename="b.xlsx")
    problems = {(p.line, p.column, p.message) for p in info.value.problems}
    assert (5, "quantity (column F)", "'x' is not a number") in problems
    assert (6, "code (column B)", "010101001001 repeats line 5") in problems
    assert (7, "quantity (column F)", "-5 is negative") in problems
    assert any(p[:2] == (7, "amount (column H)") and "formula" in p[2] for p in problems)
    assert (8, "code (column B)", "a priced line without a code") in problems
    assert "line 5, quantity (column F)" in info.value.detail
    assert isinstance(info.value, UnreadableFile) and info.value.code == "invalid-bill"


def test_sheet_without_the_needed_columns_is_refused() -> None:
    with pytest.raises(InvalidBill, match="no header row"):
        parse_bill(_xlsx([["编码", "名称", "数量"], ["1", "a", 1]]), filename="b.xlsx")


def test_row_limit_is_enforced() -> None:
    rows = _lines(*[[n, f"C{n:05}", "x", "", "m", 1, 1, 1] for n in range(30)])
    with pytest.raises(InvalidBill, match="more than 20 lines"):
        parse_bill(_xlsx(rows), filename="b.xlsx", limits=BillLimits(max_lines=20))


_XML = """<?xml version="1.0" encoding="UTF-8"?>
<bill xmlns="urn:fairbid:bill:1" currency="CNY" total="4215.00">
  <line code="010101001001" name="平整场地" unit="m2" quantity="1200" unit-price="3.50" amount="4200.00"/>
  <line code="010101002001" name="挖一般土方" unit="m3" quantity="3" unit-price="5" amount="15.00"/>
</bill>
"""


def test_xml_bill_is_read() -> None:
    bill = parse_bill(_XML.encode(), filename="清单.xml")
    assert [(i.code, i.amount, i.line) for i in bill.items] == [
        ("010101001001", Decimal("4200.00"), 3),
        ("010101002001", Decimal("15.00"), 4),
    ]
    assert bill.stated_total == Decimal("4215.00") and bill.source == "xml"


def test_xml_problems_carry_source_lines() -> None:
    bad = """<bill>
  <line code="A" quantity="1,000" unit-price="1" amount="1"/>
  <line code="B" quantity="1" unitprice="1" amount="1"/>
  <line code="C" quantity="1" unit-price="1" amount="1"><note/></line>
  <row code="D"/>
</bill>"""
    with pytest.raises(InvalidBill) as info:
        parse_bill(bad.encode(), filename="b.xml")
    found = {(p.line, p.column) for p in info.value.problems}
    assert {(2, "quantity"), (3, "unitprice"), (3, "unit-price"), (4, ""), (5, "")} <= found


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'<!DOCTYPE bill [<!ENTITY x "y">]><bill/>', "DTD"),
        (b"<bill><line", "not well-formed"),
        (b'<other xmlns="urn:x"/>', "root element"),
        (b'<bill currency="USD"><line code="A" quantity="1" unit-price="1" amount="1"/></bill>', "CNY"),
        (b"<bill/>", "no priced lines"),
        (b"", "empty"),
        (b"PK\x03\x04junk", "not a zip archive"),
    ],
)
def test_malformed_files_give_typed_errors(data: bytes, message: str) -> None:
    with pytest.raises(InvalidBill, match=message):
        parse_bill(data, filename="b.xml" if not data.startswith(b"PK") else "b.xlsx")


def test_parsed_lines_feed_the_collusion_screen_and_the_corrections() -> None:
    rows = [
        [n, f"0101010010{n:02}", f"项{n}", "", "m2", 10 + n, Decimal("3.5") + n, (10 + n) * (3.5 + n)]
        for n in range(1, 7)
    ]
    rows[2][7] = 999  # an arithmetic slip, copied into both bills
    a = parse_bill(_xlsx(_lines(*rows)), filename="a.xlsx")
    b = parse_bill(_xlsx(_lines(*rows)), filename="b.xlsx")
    signals = detect_section_signals(
        [
            BidFacts("A", a.line_sum, boq_lines=a.boq_lines()),
            BidFacts("B", b.line_sum + 1, boq_lines=b.boq_lines()),
        ],
        ceiling_price=None,
    )
    codes = {s.code for s in signals}
    assert {SignalCode.IDENTICAL_BOQ_LINES, SignalCode.IDENTICAL_BOQ_ERRORS} <= codes
    price, corrections = correct_bill(a.bill_lines(), a.line_sum)
    assert price == a.line_sum - 999 + Decimal("84.5") and corrections[0].field == "bill.010101001003.total"


_numbers = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(_numbers, _numbers, _numbers), min_size=1, max_size=8))
def test_xlsx_round_trip(lines: list[tuple[Decimal, Decimal, Decimal]]) -> None:
    rows = [[n, f"C{n}", "名称", "", "m", str(q), str(p), str(a)] for n, (q, p, a) in enumerate(lines)]
    bill = parse_bill(_xlsx(_lines(*rows)), filename="b.xlsx")
    assert [(i.quantity, i.unit_price, i.amount) for i in bill.items] == lines


_cell = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(min_value=-(10**18), max_value=10**18),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(_cell, min_size=8, max_size=8), max_size=6))
def test_random_cells_give_lines_or_typed_errors(rows: list[list[Any]]) -> None:
    try:
        data = _xlsx(_lines(*rows))
    except Exception:  # openpyxl refuses some strings (control characters); not our parser's business
        return
    try:
        bill = parse_bill(data, filename="b.xlsx")
    except InvalidBill as exc:
        assert exc.problems
    else:
        assert all(i.quantity >= 0 and i.unit_price >= 0 and i.amount >= 0 for i in bill.items)


_attr = st.text(st.characters(codec="utf-8", exclude_characters='"&<\x00'), max_size=10)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.dictionaries(st.sampled_from(["code", "quantity", "unit-price", "amount", "x"]), _attr), max_size=5),
    st.binary(max_size=40),
)
def test_random_xml_gives_lines_or_typed_errors(lines: list[dict[str, str]], tail: bytes) -> None:
    body = "".join("<line " + " ".join(f'{k}="{v}"' for k, v in line.items()) + "/>" for line in lines)
    for data in ((f"<bill>{body}</bill>").encode(), f"<bill>{body}".encode() + tail):
        try:
            parse_bill(data, filename="b.xml")
        except InvalidBill as exc:
            assert exc.problems


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300), st.sampled_from(["b.xlsx", "b.xml", "b.csv"]))
def test_random_bytes_give_typed_errors(data: bytes, name: str) -> None:
    with pytest.raises(InvalidBill):
        parse_bill(b"PK\x03\x04" + data if name == "b.xlsx" else data, filename=name)


def test_xlsx_with_an_entity_declaration_is_refused() -> None:
    source = zipfile.ZipFile(io.BytesIO(_xlsx(_lines([1, "A", "x", "", "m", 1, 1, 1]))))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = b'<!DOCTYPE worksheet [<!ENTITY e "e">]>' + data
            target.writestr(info, data)
    with pytest.raises(InvalidBill, match="declares a DTD"):
        parse_bill(out.getvalue(), filename="b.xlsx")
