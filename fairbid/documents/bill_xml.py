"""The bill of quantities in XML (``urn:fairbid:bill:1``), read with defusedxml; the format is in ``bill``."""

from __future__ import annotations

from typing import Any

from fairbid.documents.bill_line import BillLimits, BillProblem, InvalidBill, LineCollector, ParsedBill, parse_number

__all__ = ["BILL_NAMESPACE", "read_xml_bill"]

BILL_NAMESPACE = "urn:fairbid:bill:1"
_FIELDS = ("code", "name", "unit", "quantity", "unit_price", "amount")
_REQUIRED = ("code", "quantity", "unit_price", "amount")


class _XmlTarget:
    """A parser target that records each ``line`` element with its source line."""

    def __init__(self, lines: LineCollector) -> None:
        self.lines = lines
        self.parser: Any = None
        self.depth = 0
        self.elements = 0

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        line = int(self.parser.parser.CurrentLineNumber) if self.parser is not None else 0
        local = tag.removeprefix("{" + BILL_NAMESPACE + "}")
        self.depth += 1
        self.elements += 1
        if self.elements > self.lines.limits.max_lines + 1:
            raise InvalidBill([BillProblem(line, "", f"more than {self.lines.limits.max_lines:,} elements")])
        if self.depth == 1:
            self._root(line, local, tag, attrib)
        elif self.depth == 2 and tag in ("line", "{" + BILL_NAMESPACE + "}line"):
            unknown = sorted(set(attrib) - {"code", "name", "unit", "quantity", "unit-price", "amount"})
            if unknown:
                self.lines.problems.append(BillProblem(line, unknown[0], "unknown attribute"))
            cells = {f: attrib.get(f.replace("_", "-")) for f in _FIELDS}
            for field in _REQUIRED:
                if cells[field] is None:
                    self.lines.problems.append(BillProblem(line, field.replace("_", "-"), "missing"))
            if all(cells[f] is not None for f in _REQUIRED):
                self.lines.add(line, cells, xml=True)
        else:
            self.lines.problems.append(BillProblem(line, "", f"unexpected element <{local}>"))

    def _root(self, line: int, local: str, tag: str, attrib: dict[str, str]) -> None:
        if local != "bill" or (tag.startswith("{") and not tag.startswith("{" + BILL_NAMESPACE + "}")):
            raise InvalidBill([BillProblem(line, "", f"the root element is <{local}>, not <bill>")])
        unknown = sorted(set(attrib) - {"currency", "total"})
        if unknown:
            self.lines.problems.append(BillProblem(line, unknown[0], "unknown attribute"))
        if attrib.get("currency", "CNY") != "CNY":
            self.lines.problems.append(BillProblem(line, "currency", "only CNY is accepted"))
        if "total" in attrib:
            total = parse_number(attrib["total"], xml=True)
            if isinstance(total, str):
                self.lines.problems.append(BillProblem(line, "total", total))
            else:
                self.lines.total = total

    def end(self, tag: str) -> None:
        self.depth -= 1

    def data(self, text: str) -> None:
        return None

    def close(self) -> None:
        return None


def read_xml_bill(data: bytes, limits: BillLimits) -> ParsedBill:
    """The bill's lines from XML, or ``InvalidBill`` listing every problem by source line."""
    from defusedxml.common import DefusedXmlException
    from defusedxml.ElementTree import XMLParser

    lines = LineCollector(limits)
    target = _XmlTarget(lines)
    parser = XMLParser(target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    target.parser = parser
    try:
        parser.feed(data)
        parser.close()
    except InvalidBill:
        raise
    except DefusedXmlException:
        raise InvalidBill([BillProblem(0, "", "a DTD or entity declaration, which the bill format forbids")]) from None
    except Exception as exc:  # expat's ParseError carries the position
        where = getattr(exc, "position", (0, 0))[0]
        raise InvalidBill([BillProblem(where, "", f"not well-formed XML ({exc})"), *lines.problems]) from None
    return lines.result("xml")
