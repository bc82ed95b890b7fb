"""The opening record (开标记录) as a PDF: CJK glyphs embedded, 404 until the record exists."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from fairbid.api.app import create_app
from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.crypto.digest import sm3_hex
from fairbid.documents.glyph import embedded_fonts, missing_glyphs
from fairbid.domain.actor import ANONYMOUS_PUBLIC
from fairbid.domain.errors import NotFound
from fairbid.services.bidding.opening_record import opening_record_pdf
from fairbid.services.disputes.objection import AnswerObjection, RaiseObjection, answer_objection, raise_objection
from tests.factories import World, check_and_publish, make_world


@pytest.fixture
def world(platform: Platform, clock: SimulatedClock) -> World:
    return make_world(platform, clock, bidders=4)


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform=platform)) as c:
        yield c


def _opened(w: World) -> str:
    s = check_and_publish(w, w.section())
    assert w.jump(s.id) == "bidding"
    w.clock.advance(timedelta(days=6))
    for i, b in enumerate(w.bidders):
        w.submit(s.id, b, w.seal(s.id, b, f"{9_123_000 + i * 10_000}.00"))
    assert w.jump(s.id) == "opening"
    return s.id


def _text(pdf: bytes) -> str:
    """The PDF's text with all white space removed (table cells wrap where they like)."""
    return "".join("".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_opening_record_pdf_is_404_until_the_window_closes_then_a_pdf_with_every_glyph(
    client: TestClient, world: World
) -> None:
    w = world
    sid = _opened(w)
    before = client.get(f"/sections/{sid}/opening-record.pdf")
    assert before.status_code == 404 and before.headers["content-type"].startswith("application/problem+json")
    assert client.get("/sections/no-such-section/opening-record.pdf").status_code == 404
    assert "opening-record.pdf" not in client.get(f"/sections/{sid}").text
    for b in w.bidders[:-1]:
        w.decrypt(sid, b)
    assert w.jump(sid) == "evaluation"

    r = client.get(f"/sections/{sid}/opening-record.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    pdf = r.content
    assert pdf.startswith(b"%PDF") and r.headers["x-content-sm3"] == sm3_hex(pdf)
    assert missing_glyphs(pdf) == 0
    assert any(f.startswith(("WenQuanYi", "NotoSansCJK", "NotoSerifCJK")) for f in embedded_fonts(pdf))
    with w.p.uow() as uow:
        record = uow.openings.get(sid)
    assert record is not None and r.headers["x-opening-record-sm3"] == record.digest
    text = _text(pdf)
    assert "开标记录" in text and record.digest in text
    for line in record.content["bids"]:
        assert line["bidder"] in text and line["credit_code"] in text
    assert "9,123,000.00" in text and "未在解密时限内解密" in text  # the fourth bidder missed the window
    assert str(record.content["k"]) in text
    assert f'href="/sections/{sid}/opening-record.pdf"' in client.get(f"/sections/{sid}").text


def test_objections_at_the_opening_and_their_answers_are_in_the_pdf(world: World) -> None:
    w = world
    sid = _opened(w)
    objection = raise_objection(
        RaiseObjection(sid, "我公司投标文件解密时间记录有误。"), uow=w.p.uow(), clock=w.clock, actor=w.bidders[1].actor
    )
    answer_objection(
        AnswerObjection(objection.id, "经核对系统日志，解密时间记录无误。"),
        uow=w.p.uow(),
        clock=w.clock,
        actor=w.tenderee.actor,
    )
    with pytest.raises(NotFound):
        opening_record_pdf(sid, uow=w.p.uow(), actor=ANONYMOUS_PUBLIC)
    for b in w.bidders:
        w.decrypt(sid, b)
    w.jump(sid)
    pdf = opening_record_pdf(sid, uow=w.p.uow(), actor=ANONYMOUS_PUBLIC)
    assert missing_glyphs(pdf.content) == 0
    text = _text(pdf.content)
    assert "我公司投标文件解密时间记录有误" in text and "经核对系统日志，解密时间记录无误" in text
    assert pdf.filename.startswith("opening-record-") and pdf.filename.endswith(".pdf")
