"""The evaluation report (评标报告): PDF and DOCX stored with digests in the ledger, signed by the experts."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest

from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.crypto.digest import sm3_hex
from fairbid.crypto.key import generate_key, sign
from fairbid.domain.errors import InvalidSignature, InvalidTransition, NotPermitted
from fairbid.services.evaluation.report import (
    SignReport,
    issue_evaluation_report,
    register_signing_key,
    report_message,
    sign_evaluation_report,
)
from fairbid.services.evaluation.session import evaluate_section, start_evaluation
from fairbid.services.oversight.ledger import verify_ledger
from tests.factories import (
    SETUP,
    World,
    answer_all_warnings,
    check_and_publish,
    draw_and_seat,
    expert_pool,
    make_world,
    score_all,
    tender_form_for,
)


@pytest.fixture
def world(platform: Platform, clock: SimulatedClock) -> World:
    return make_world(platform, clock, bidders=3)


def test_report_lists_everything_is_stored_and_signed_with_dissent(world: World) -> None:
    """A committee of 7 as the terms compose it: 5 drawn experts and the tenderee's 2 representatives, who score
    and sign like the experts (招标投标法 第三十七条)."""
    w = world
    section = w.section()
    s = check_and_publish(w, section, tender_form_for(section, experts=5, representatives=2))
    w.jump(s.id)
    w.clock.advance(timedelta(days=6))
    for i, b in enumerate(w.bidders):
        w.submit(s.id, b, w.seal(s.id, b, f"{9000000 + i * 10000}.00"))
    w.jump(s.id)
    for b in w.bidders:
        w.decrypt(s.id, b)
    w.jump(s.id)
    experts = expert_pool(w)
    members = draw_and_seat(w, s.id, experts, representatives=w.tenderee_staff(2))
    assert len(members) == 7
    start_evaluation(s.id, uow=w.p.uow(), clock=w.clock, actor=SETUP)
    score_all(w, s.id, members, experts, spread="0")  # identical sheets: warnings to answer
    answer_all_warnings(w, s.id, members, experts)
    with pytest.raises(InvalidTransition, match="not finished"):
        issue_evaluation_report(s.id, uow=w.p.uow(), clock=w.clock, actor=SETUP, blobs=w.p.blobs)
    evaluate_section(s.id, uow=w.p.uow(), clock=w.clock, actor=SETUP)
    with pytest.raises(NotPermitted):
        issue_evaluation_report(s.id, uow=w.p.uow(), clock=w.clock, actor=w.tenderee.actor, blobs=w.p.blobs)
    report = issue_evaluation_report(s.id, uow=w.p.uow(), clock=w.clock, actor=SETUP, blobs=w.p.blobs)
    with w.p.uow() as uow:
        section = uow.sections.get(s.id)
        entries = [e for e in uow.ledger.for_subject("committee", s.id) if e.action == "evaluation_report:issued"]
        terms_digest = section.terms_digest
    assert section.beacon and section.beacon in report.html
    assert terms_digest and terms_digest in report.html and "招标人代表" in report.html
    assert "项目经理注册证书等级" in report.html and "类似工程业绩" in report.html  # objective items with evidence
    assert f"experts:{s.id}:round:0" in report.html and "identical" in report.html
    assert "评标基准价" in report.html and "terminal" in report.html
    pdf = w.p.blobs.read(report.pdf_digest)
    docx = w.p.blobs.read(report.docx_digest)
    assert pdf.startswith(b"%PDF") and sm3_hex(pdf) == report.pdf_digest
    assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(docx)).namelist()
    assert entries[0].payload["pdf"] == report.pdf_digest
    # signing: register a key, sign the PDF's digest; dissent is recorded; a wrong signature is refused
    message = report_message(s.id, report.pdf_digest)
    keys = {}
    for n, expert_id in enumerate(members):
        keys[expert_id] = generate_key()
        actor = experts[expert_id].actor
        on = s.id if expert_id.startswith("rep:") else None  # a representative's key is per committee
        register_signing_key(keys[expert_id].public.to_text(), uow=w.p.uow(), clock=w.clock, actor=actor, section_id=on)
        if n == 0:
            forged = sign(generate_key(), message).hex()
            with pytest.raises(InvalidSignature):
                sign_evaluation_report(SignReport(s.id, forged), uow=w.p.uow(), clock=w.clock, actor=actor)
        dissent = "对第一名的技术分有保留意见：专项方案不完整。" if n == 0 else ""
        cmd = SignReport(s.id, sign(keys[expert_id], message).hex(), dissent)
        assert sign_evaluation_report(cmd, uow=w.p.uow(), clock=w.clock, actor=actor) == n + 1
    with pytest.raises(InvalidTransition, match="already signed"):
        cmd = SignReport(s.id, sign(keys[members[0]], message).hex())
        sign_evaluation_report(cmd, uow=w.p.uow(), clock=w.clock, actor=experts[members[0]].actor)
    outsider = next(p for e, p in experts.items() if e not in members)
    register_signing_key(generate_key().public.to_text(), uow=w.p.uow(), clock=w.clock, actor=outsider.actor)
    with pytest.raises(NotPermitted):
        sign_evaluation_report(SignReport(s.id, "00"), uow=w.p.uow(), clock=w.clock, actor=outsider.actor)
    with w.p.uow() as uow:
        report_record = uow.committees.get(s.id).report
    assert report_record is not None
    signed = report_record.signatures
    assert len(signed) == 7 and signed[0].dissent.startswith("对第一名")
    assert verify_ledger(uow=w.p.uow(), actor=SETUP).ok
