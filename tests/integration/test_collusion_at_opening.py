"""Synthetic check (issue 7): a cartel planted in a section is flagged at the opening; an honest one is not.

Cartel: three bidders seal on one machine, hand in copies of one technical proposal and price in equal
steps; a fourth bidder in the same section is honest. A second section has four honest bidders. Everything
runs through the real services: sealing, submission, decryption, the chronograph closing the window.
"""

from __future__ import annotations

import io
import random
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from fairbid.api.app import create_app
from fairbid.bidder.machine import machine_fingerprint
from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.crypto.envelope import seal_envelope
from fairbid.crypto.form import BidForm
from fairbid.crypto.payload import AttachmentSource
from fairbid.domain.errors import NotFound
from fairbid.services.evaluation.session import start_evaluation
from fairbid.services.oversight.collusion import list_section_warnings, screen_opened_section
from fairbid.services.oversight.ledger import verify_ledger
from fairbid.store.rows import LedgerEntryRow, WarningRow
from tests.factories import PASSWORD, Party, World, check_and_publish, draw_and_seat, expert_pool, make_world

_WORDS = [
    "基础",
    "开挖",
    "回填",
    "钢筋",
    "绑扎",
    "模板",
    "支设",
    "混凝土",
    "浇筑",
    "养护",
    "测量",
    "放线",
    "脚手架",
    "搭设",
    "防水",
    "施工",
    "屋面",
    "保温",
    "砌体",
    "抹灰",
    "电气",
    "安装",
    "给排水",
    "管道",
    "通风",
    "空调",
    "消防",
    "验收",
    "安全",
    "文明",
    "环境",
    "保护",
    "进度",
    "计划",
    "质量",
    "控制",
    "材料",
    "检验",
    "机械",
    "设备",
    "劳动力",
    "组织",
    "冬季",
    "雨季",
    "夜间",
    "应急",
    "预案",
    "交底",
    "旁站",
    "监理",
    "整改",
    "资料",
    "归档",
    "协调",
    "分包",
    "劳务",
    "塔吊",
    "基坑",
    "降水",
    "监测",
]


def proposal(seed: int, sentences: int = 120) -> str:
    """A technical proposal of random sentences over the construction vocabulary; different seeds differ."""
    rng = random.Random(seed)
    return "".join("".join(rng.choice(_WORDS) for _ in range(rng.randint(6, 12))) + "。" for _ in range(sentences))


def seal_with(w: World, section_id: str, bidder: Party, price: str, *, text: str, fingerprint: str) -> bytes:
    """Seal a bid with the given technical proposal text and authoring-machine identity."""
    assert bidder.key is not None
    body = text.encode()
    out = io.BytesIO()
    seal_envelope(
        out,
        form=BidForm(Decimal(price), 360, "合格", f"PM-{bidder.username}", f"EG-{bidder.username}"),
        attachments=[AttachmentSource("technical-proposal.txt", io.BytesIO(body), len(body))],
        section_id=section_id,
        bidder_id=bidder.organisation_id or "",
        private_key=bidder.key,
        now=w.clock.now(),
        machine_fingerprint=machine_fingerprint(identifiers={"id": fingerprint}),
        tool_version="fairbid-bidder/test",
    )
    return out.getvalue()


def tender_document_text(w: World, section_id: str) -> str:
    """Visible text of the section's published tender document (HTML version), a long passage of it."""
    with w.p.uow() as uow:
        doc = next(d for d in uow.documents.in_section(section_id) if d.media_type.startswith("text/html"))
    raw = w.p.blobs.read(doc.digest).decode()
    text = re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", " ", raw, flags=re.S)
    assert len(text.split()) > 100
    return " ".join(text.split())[:20000]


CARTEL_PRICES = ("9100000.00", "9150000.00", "9200000.00")  # equal steps of 50 000
HONEST_PRICES = ("7423456.78", "9387210.55", "8254321.09", "9666104.32")


@pytest.fixture
def world(platform: Platform, clock: SimulatedClock) -> World:
    return make_world(platform, clock, bidders=4)


def open_two_sections(w: World) -> tuple[str, str]:
    """A cartel section (bidders 0-2 colluding, 3 honest) and an honest section, both through the opening."""
    cartel, honest = check_and_publish(w, w.section()), check_and_publish(w, w.section())
    for s in (cartel, honest):
        w.jump(s.id)
    w.clock.advance(timedelta(days=6))
    copied = proposal(7)
    quoted = tender_document_text(w, honest.id)  # honest bidders may repeat the tender document
    for i, b in enumerate(w.bidders):
        if i < 3:  # one machine, one proposal with a line of its own, stepped prices
            text = copied + f"本公司{b.username}承诺按期完工。"
            w.submit(cartel.id, b, seal_with(w, cartel.id, b, CARTEL_PRICES[i], text=text, fingerprint="same"))
        else:
            w.submit(
                cartel.id,
                b,
                seal_with(w, cartel.id, b, HONEST_PRICES[i], text=proposal(100 + i), fingerprint=b.username),
            )
        w.submit(
            honest.id,
            b,
            seal_with(w, honest.id, b, HONEST_PRICES[i], text=quoted + proposal(200 + i, 30), fingerprint=b.username),
        )
    for s in (cartel, honest):
        w.jump(s.id)
        for b in w.bidders:
            w.decrypt(s.id, b)
    for s in (cartel, honest):
        assert w.jump(s.id) == "evaluation"
    return cartel.id, honest.id


def test_cartel_is_flagged_at_the_opening_and_the_honest_section_is_not(world: World) -> None:
    w = world
    cartel, honest = open_two_sections(w)
    ring = tuple(sorted(b.organisation_id or "" for b in w.bidders[:3]))
    outsider = w.bidders[3].organisation_id

    found = list_section_warnings(cartel, uow=w.p.uow(), actor=w.supervisor.actor)
    signals = [x for x in found if x.kind == "signal"]
    by_code = {x.code: x for x in signals}
    assert set(by_code) >= {"same-machine", "similar-proposal", "equal-price-steps"}
    assert tuple(by_code["same-machine"].payload["bidders"]) == ring
    assert tuple(by_code["equal-price-steps"].payload["bidders"]) == ring
    copied_pairs = {tuple(x.payload["bidders"]) for x in signals if x.code == "similar-proposal"}
    assert copied_pairs == {(a, b) for i, a in enumerate(ring) for b in ring[i + 1 :]}
    assert all(outsider not in x.payload["bidders"] for x in signals)
    for x in signals:
        assert x.payload["evidence"] and x.payload["citation"].startswith("《招标投标法实施条例》")
        assert x.payload["audience"] == ["evaluation_committee", "supervisor"] and x.flagged

    clean = list_section_warnings(honest, uow=w.p.uow(), actor=w.supervisor.actor)
    assert [x.kind for x in clean] == ["risk"] and not any(x.flagged for x in clean)
    assert clean[0].payload["n_bids"] == 4 and set(clean[0].payload["screens"]) >= {"CV", "RD", "KSTEST"}

    # in the ledger, one machine decision per warning, without bidders or evidence; re-running adds nothing
    def counts() -> tuple[int, int]:
        with w.p.uow() as uow:
            warnings = uow.session.scalars(select(WarningRow.id).where(WarningRow.source == "collusion")).all()
            entries = uow.session.scalars(select(LedgerEntryRow).where(LedgerEntryRow.action.like("collusion_%"))).all()
            assert {e.subject_id for e in entries} == set(warnings)
            assert all(e.actor_kind == "machine" and e.actor_id == "collusion-screen" for e in entries)
            assert all("bidders" not in e.payload and "evidence" not in e.payload for e in entries)
            return len(warnings), len(entries)

    before = counts()
    assert before[0] == len(found) + len(clean)
    assert len(screen_opened_section(cartel, uow=w.p.uow(), clock=w.clock)) == len(found)
    assert counts() == before
    assert verify_ledger(uow=w.p.uow(), actor=w.supervisor.actor).ok

    # bidders never see them; the committee only once seated and the evaluation has started
    for party in (*w.bidders, w.tenderee, w.agency, w.guarantor, w.expert):
        with pytest.raises(NotFound, match="No collusion warnings"):
            list_section_warnings(cartel, uow=w.p.uow(), actor=party.actor)
    experts = expert_pool(w)
    members = draw_and_seat(w, cartel, experts)
    member = experts[members[0]].actor
    with pytest.raises(NotFound, match="No collusion warnings"):
        list_section_warnings(cartel, uow=w.p.uow(), actor=member)
    start_evaluation(cartel, uow=w.p.uow(), clock=w.clock, actor=w.operator.actor)
    assert len(list_section_warnings(cartel, uow=w.p.uow(), actor=member)) == len(found)
    assert len(list_section_warnings(cartel, uow=w.p.uow(), actor=w.operator.actor)) == len(found)
    outsider_expert = next(p for e, p in experts.items() if e not in members).actor
    with pytest.raises(NotFound):
        list_section_warnings(cartel, uow=w.p.uow(), actor=outsider_expert)

    # over HTTP: the same 404 for a bidder, the public and an unknown section; the supervisor reads them
    with TestClient(create_app(platform=w.p)) as client:

        def get(path: str, username: str | None) -> tuple[int, object]:
            headers = {}
            if username:
                token = client.post("/api/auth/token", data={"username": username, "password": PASSWORD})
                headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
            r = client.get(path, headers=headers)
            return r.status_code, r.json()

        status, body = get(f"/api/sections/{cartel}/warnings", w.supervisor.username)
        assert status == 200 and isinstance(body, list) and len(body) == len(found)
        refused = [
            get(f"/api/sections/{cartel}/warnings", w.bidders[0].username),
            get(f"/api/sections/{cartel}/warnings", None),
        ]
        missing = get("/api/sections/no-such-section/warnings", w.supervisor.username)
        assert all(s == 404 for s, _ in [*refused, missing])
        strip = [
            {k: v for k, v in b.items() if k not in ("instance", "trace_id")}
            for _, b in [*refused, missing]
            if isinstance(b, dict)
        ]
        assert strip[0] == strip[1] == strip[2]


def test_a_collusion_warning_deleted_in_the_database_is_caught_by_ledger_verification(world: World) -> None:
    w = world
    cartel, _ = open_two_sections(w)
    assert verify_ledger(uow=w.p.uow(), actor=w.operator.actor).ok
    [first, *_] = list_section_warnings(cartel, uow=w.p.uow(), actor=w.supervisor.actor)
    with w.p.engine.begin() as conn:
        conn.execute(text("DELETE FROM warnings WHERE id = :i"), {"i": first.id})
    report = verify_ledger(uow=w.p.uow(), actor=w.operator.actor)
    assert not report.ok and report.first_problem is not None
    assert "collusion_warning" in report.first_problem.reason
