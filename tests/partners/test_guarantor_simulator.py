"""The guarantor simulator over real HTTP on loopback: the whole lifecycle, and every refusal changing nothing."""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from fairbid.crypto.commitment import lot_commitment, seal_lot
from fairbid.crypto.digest import sm3
from fairbid.crypto.key import Suite, generate_key, sign
from fairbid.crypto.keystore import lock_private_key
from fairbid.crypto.letter import letter_digests, read_letter
from fairbid.crypto.message import SignedMessage, seal_message, signed_text
from fairbid.domain.actor import Role
from fairbid.domain.credit import ConductKind, ConductRecord, grade_of
from fairbid.domain.errors import InvalidInput
from fairbid.domain.guarantee import (
    Guarantee,
    GuaranteeAction,
    GuaranteeReference,
    GuaranteeStatus,
    Issuance,
    OpeningTerms,
    PresentedGuarantee,
    SecurityFact,
    SecurityForm,
    check_guarantee,
    guarantee_figures,
    moment,
    move_guarantee,
    required_valid_until,
)
from fairbid.partners.client import GuarantorClient, GuarantorRefused
from tests.partners.simulator_live import START, Running

DEADLINE = START + timedelta(days=20)
TENDEREE = "91330100MA27Y00003"
BIDDERS = {"good": "91110108551385082Q", "fair": "91110000600037341L", "bad": "91110000100000000R"}


def _grade(kind: str) -> Any:
    records = {
        "good": [ConductKind.CONTRACT_ON_TIME] * 5,
        "fair": [],
        "bad": [ConductKind.COLLUSION_CONFIRMED, ConductKind.CLAIM_PAID],
    }[kind]
    code = BIDDERS[kind]
    rows = [
        ConductRecord(f"{kind}-{i}", code, k, "fairbid", f"S-0{i}", START - timedelta(days=30 + i), START)
        for i, k in enumerate(records)
    ]
    return grade_of(code, rows, at=START)


def _apply(application_id: str, kind: str = "fair", *, sealed_lot: str | None = None, amount: str = "80000.00"):
    grade = _grade(kind)
    return {
        "type": "apply", "application_id": application_id, "principal": BIDDERS[kind], "principal_name": f"{kind} Co",
        "beneficiary": None if sealed_lot else TENDEREE, "section_id": None if sealed_lot else "S-1",
        "sealed_lot": sealed_lot, "amount": amount,
        "valid_until": required_valid_until(DEADLINE, 90).isoformat(), "bid_deadline": DEADLINE.isoformat(),
        "grade": grade.grade.value, "grade_reasons": list(grade.reasons),
    }  # fmt: skip


def _status(g: Running, application_id: str) -> tuple[str, int]:
    body = httpx.get(f"{g.url}/applications/{application_id}").json()
    return body["status"], body["version"]


def test_guarantors_are_listed_openly(bank: Running) -> None:
    listing = bank.client.info()
    assert listing["credit_code"] == "91110000100000000R" and listing["public_key"] == bank.key.public.to_text()


def test_issue_then_the_opening_checks_pass_on_the_real_file(bank: Running) -> None:
    reply = bank.client.send(_apply("APP-1", "good"), now=START)
    assert (reply["decision"], reply["grade"], reply["premium"]) == ("accepted", "A", "200.00")  # 192 → minimum
    issue = bank.client.send({"type": "accept", "application_id": "APP-1"}, now=START)
    file = base64.b64decode(issue["file"])
    assert letter_digests(file).sm3 == issue["file_sm3"] and letter_digests(file).sha256 == issue["file_sha256"]
    terms = read_letter(file, guarantor=bank.key.public)
    assert terms["principal"] == BIDDERS["good"] and terms["claim_events"]["refused_to_sign"].endswith("第七十四条")
    # the platform's record of it, bound to the bid, checked at the opening against the stored file
    g = Guarantee("APP-1", issue["guarantor"], BIDDERS["good"], TENDEREE, "S-1", None, Decimal(issue["amount"]),
                  moment(issue, "valid_until"), START)  # fmt: skip
    g, _ = move_guarantee(g, GuaranteeAction.UNDERWRITE, actor=Role.GUARANTOR, at=START, premium=Decimal("200"))
    issuance = Issuance(issue["guarantee_no"], issue["file_sm3"], issue["file_sha256"], moment(issue, "issued_at"))
    g, _ = move_guarantee(g, GuaranteeAction.ISSUE, actor=Role.GUARANTOR, at=START, issuance=issuance)
    g, _ = move_guarantee(g, GuaranteeAction.BIND, actor=Role.BIDDER, at=START, bid_id="BID-1", bid_deadline=DEADLINE)
    terms_ = OpeningTerms("S-1", TENDEREE, BIDDERS["good"], "BID-1", Decimal("80000"), DEADLINE, 90)
    digests = letter_digests(file)
    presented = PresentedGuarantee(g, GuaranteeReference("APP-1", issue["file_sm3"]), digests.sm3, digests.sha256)
    assert all(c.passed for c in check_guarantee(presented, terms_))
    tampered = letter_digests(file.replace(b"80000.00", b"800000.0"))
    changed = PresentedGuarantee(g, presented.reference, tampered.sm3, tampered.sha256)
    assert [c.check_id for c in check_guarantee(changed, terms_) if not c.passed] == ["guarantee_file"]
    # a claim on a statutory ground is paid
    claim = {"type": "claim", "application_id": "APP-1", "ground": "refused_to_sign",
             "citation": "招标投标法实施条例 第七十四条", "amount": "80000.00", "bid_id": "BID-1"}  # fmt: skip
    bank.clock.now = DEADLINE + timedelta(days=10)
    paid = bank.client.send(claim, now=bank.clock.now)
    assert paid["type"] == "claim_paid" and paid["amount"] == "80000.00"
    assert _status(bank, "APP-1")[0] == "paid"


def test_a_grade_change_moves_the_premium_and_grade_d_is_refused(bank: Running) -> None:
    fair = bank.client.send(_apply("APP-F", "fair", amount="200000.00"), now=START)
    good = bank.client.send(_apply("APP-G", "good", amount="200000.00"), now=START)
    assert (fair["grade"], fair["premium"], good["grade"], good["premium"]) == ("B", "600.00", "A", "480.00")
    refused = bank.client.send(_apply("APP-D", "bad"), now=START)
    assert (refused["decision"], refused["grade"]) == ("refused", "D") and "Grade D" in refused["reason"]
    with pytest.raises(GuarantorRefused) as info:
        bank.client.send({"type": "accept", "application_id": "APP-D"}, now=START)
    assert info.value.status == 409 and "it is refused" in info.value.detail


def test_cancel_before_issue_surrender_before_the_deadline(bank: Running) -> None:
    bank.client.send(_apply("APP-C"), now=START)
    ack = bank.client.send({"type": "cancel", "application_id": "APP-C", "reason": "no bid"}, now=START)
    assert ack["status"] == "cancelled"
    bank.client.send(_apply("APP-S"), now=START)
    bank.client.send({"type": "accept", "application_id": "APP-S"}, now=START)
    with pytest.raises(GuarantorRefused, match="Cannot cancel"):
        bank.client.send({"type": "cancel", "application_id": "APP-S", "reason": "x"}, now=START)
    late = DEADLINE + timedelta(seconds=1)
    bank.clock.now = late
    with pytest.raises(GuarantorRefused, match="第三十五条"):
        bank.client.send({"type": "surrender", "application_id": "APP-S", "reason": "x"}, now=late)
    bank.clock.now = START
    ack = bank.client.send({"type": "surrender", "application_id": "APP-S", "reason": "withdrew"}, now=START)
    assert ack["status"] == "surrendered"


def test_extend_and_release(bank: Running) -> None:
    bank.client.send(_apply("APP-E"), now=START)
    bank.client.send({"type": "accept", "application_id": "APP-E"}, now=START)
    later = (required_valid_until(DEADLINE, 90) + timedelta(days=14)).isoformat()
    ack = bank.client.send({"type": "extend", "application_id": "APP-E", "valid_until": later}, now=START)
    assert ack["status"] == "issued" and later in ack["detail"]
    ack = bank.client.send({"type": "release", "application_id": "APP-E", "reason": "contract signed"}, now=START)
    assert ack["status"] == "released"


def test_forged_message_is_refused_and_changes_nothing(bank: Running) -> None:
    bank.client.send(_apply("APP-X"), now=START)
    before, accepted = _status(bank, "APP-X"), bank.client.info()["messages_accepted"]
    impostor = GuarantorClient(bank.url, platform_key=generate_key(Suite.GM), guarantor_key=bank.key.public)
    with pytest.raises(GuarantorRefused) as info:
        impostor.send({"type": "cancel", "application_id": "APP-X", "reason": "forged"}, now=START)
    impostor.close()
    assert (info.value.status, info.value.remote_code) == (422, "invalid-signature")
    # a genuine message whose signature was replaced
    msg = seal_message({"type": "accept", "application_id": "APP-X"}, sender=bank.platform,
                       receiver=bank.key.public, now=START)  # fmt: skip
    forged = base64.b64encode(sign(generate_key(Suite.GM), sm3(signed_text(msg)))).decode()
    response = bank.client.post_raw({**msg.to_json(), "sign": forged})
    assert response.status_code == 422 and response.json()["code"] == "invalid-signature"
    assert _status(bank, "APP-X") == before and bank.client.info()["messages_accepted"] == accepted
    assert bank.client.post_raw(msg.to_json()).status_code == 200  # the nonce was not used up by the forgery


def test_replayed_or_stale_message_is_refused_and_changes_nothing(bank: Running) -> None:
    bank.client.send(_apply("APP-R"), now=START)
    cancel = seal_message({"type": "cancel", "application_id": "APP-R", "reason": "r"}, sender=bank.platform,
                          receiver=bank.key.public, now=START)  # fmt: skip
    assert bank.client.post_raw(cancel.to_json()).status_code == 200
    state = _status(bank, "APP-R")
    replay = bank.client.post_raw(cancel.to_json())
    assert replay.status_code == 422 and replay.json()["code"] == "replayed-message"
    stale = seal_message({"type": "apply", **{k: v for k, v in _apply("APP-T").items() if k != "type"}},
                         sender=bank.platform, receiver=bank.key.public, now=START - timedelta(minutes=6))  # fmt: skip
    response = bank.client.post_raw(stale.to_json())
    assert response.status_code == 422 and response.json()["code"] == "stale-message"
    assert _status(bank, "APP-R") == state
    assert httpx.get(f"{bank.url}/applications/APP-T").status_code == 404


def test_bad_payloads_and_wrong_keys_are_refused(bank: Running) -> None:
    with pytest.raises(GuarantorRefused, match="needs principal") as info:
        bank.client.send({"type": "apply", "application_id": "A"}, now=START)
    assert info.value.remote_code == "invalid-input"
    with pytest.raises(GuarantorRefused, match="not accepted here"):
        bank.client.send({"type": "issue", "application_id": "A"}, now=START)
    wrong = GuarantorClient(bank.url, platform_key=bank.platform, guarantor_key=generate_key(Suite.GM).public)
    with pytest.raises(GuarantorRefused) as info:
        wrong.send(_apply("APP-W"), now=START)
    wrong.close()
    assert info.value.remote_code == "invalid-key"
    assert bank.client.post_raw({"data": "x"}).json()["code"] == "invalid-envelope"
    with pytest.raises(InvalidInput, match="section_id and beneficiary"):
        from fairbid.domain.guarantee import validate_payload

        validate_payload({**_apply("APP-Z"), "sealed_lot": "a" * 64})


def test_two_guarantors_a_sealed_guarantee_and_the_figures(bank: Running, insurer: Running) -> None:
    sealed = seal_lot(section_id="S-1", beneficiary=TENDEREE)
    facts = []
    for runner, app_id, kind, sealed_lot in [
        (bank, "B-1", "good", None), (insurer, "I-1", "fair", sealed.commitment),
    ]:  # fmt: skip
        quote = runner.client.send(_apply(app_id, kind, sealed_lot=sealed_lot), now=START)
        issue = runner.client.send({"type": "accept", "application_id": app_id}, now=START)
        assert issue["guarantor"] == runner.config.credit_code
        facts.append(SecurityFact(app_id, SecurityForm.GUARANTEE, Decimal(80000), quote["grade"],
                                  Decimal(quote["premium"])))  # fmt: skip
    terms = read_letter(base64.b64decode(issue["file"]), guarantor=insurer.key.public)
    assert terms["section_id"] is None and terms["beneficiary"] is None and terms["sealed_lot"] == sealed.commitment
    assert lot_commitment(section_id="S-1", beneficiary=TENDEREE, salt=sealed.salt) == terms["sealed_lot"]
    facts.append(SecurityFact("C-1", SecurityForm.CASH, Decimal(80000)))
    figures = guarantee_figures(facts)
    assert figures.cash_freed == Decimal(160000) and [p.grade for p in figures.premiums] == ["A", "B"]
    assert GuaranteeStatus.ISSUED.value == _status(insurer, "I-1")[0]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_module_entry_point_serves_the_interface(tmp_path: Path) -> None:
    """``python -m fairbid.partners.guarantor`` as a separate process, stamped with the real clock."""
    key, platform = generate_key(Suite.GM), generate_key(Suite.GM)
    key_file = tmp_path / "guarantor.key"
    key_file.write_bytes(lock_private_key(key, "simulator-pass", scrypt_n=2**10))
    port = _free_port()
    env = {**os.environ, "FAIRBID_GUARANTOR_PASSPHRASE": "simulator-pass"}
    args = [sys.executable, "-m", "fairbid.partners.guarantor", "--port", str(port), "--key", str(key_file),
            "--platform-key", platform.public.to_text(), "--refuse-grades", "C,D"]  # fmt: skip
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = GuarantorClient(f"http://127.0.0.1:{port}", platform_key=platform, guarantor_key=key.public)
        deadline = time.monotonic() + 30
        while True:
            try:
                assert client.info()["public_key"] == key.public.to_text()
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.1)
        now = datetime.now(UTC)  # the child stamps and checks with its own wall clock
        payload = {**_apply("APP-1"), "bid_deadline": (now + timedelta(days=1)).isoformat(),
                   "valid_until": (now + timedelta(days=91)).isoformat()}  # fmt: skip
        assert client.send(payload, now=now)["decision"] == "accepted"
        replay = client.post_raw(
            seal_message(payload, sender=platform, receiver=key.public, now=now - timedelta(hours=1)).to_json()
        )
        assert replay.json()["code"] == "stale-message"
        client.close()
        assert SignedMessage  # the wire type the module speaks
    finally:
        proc.terminate()
        proc.wait(timeout=10)
