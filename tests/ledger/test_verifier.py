"""The standalone verifier: an honest export passes; edits, rewrites and deletions are caught and named."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fairbid.crypto.digest import canonical_json, sm3_hex
from fairbid.domain.errors import InvalidInput, InvalidSignature
from fairbid.ledger.chain import entry_hash
from fairbid.ledger.export import entry_leaf, receipt_proof, verify_receipt_proof
from fairbid.ledger.merkle import InvalidProof, MemoryNodeStore, MerkleTree
from fairbid.ledger.verifier import VerificationFailed, load_public_key, main, verify_export

from .sample import Ledger, build_ledger, content
from .signer import Sm2TestSigner

HEADS = (10, 25, 40)


@pytest.fixture(scope="module")
def signer() -> Sm2TestSigner:
    return Sm2TestSigner()


@pytest.fixture(scope="module")
def ledger(signer: Sm2TestSigner) -> Ledger:
    return build_ledger(40, signer, HEADS)


def _fails(export: dict[str, Any], key: bytes, match: str, **kwargs: Any) -> VerificationFailed:
    with pytest.raises(VerificationFailed, match=match) as caught:
        verify_export(export, key, **kwargs)
    return caught.value


def test_honest_export_verifies(ledger: Ledger, signer: Sm2TestSigner) -> None:
    summary = verify_export(ledger.export(inclusion=[0, 7, 39]), signer.public_key)
    assert (summary.entries, summary.heads, summary.consistency_proofs, summary.inclusion_proofs) == (
        40,
        3,
        2,
        3,
    )
    assert summary.root_hash == ledger.tree.root().hex()


def test_export_entries_hash_like_the_chain(ledger: Ledger) -> None:
    first = ledger.entries[0]
    assert first["entry_hash"] == entry_hash(content(0, first["prev_hash"], payload=first["payload"]))


def test_edited_entry_is_named(ledger: Ledger, signer: Sm2TestSigner) -> None:
    export = ledger.export()
    export["entries"][17]["actor_id"] = "someone-else"
    assert _fails(export, signer.public_key, r"entry 17: its content does not match").seq == 17


def test_edited_payload_is_named(ledger: Ledger, signer: Sm2TestSigner) -> None:
    export = ledger.export()
    export["entries"][3]["payload"]["price"] = "1.00"
    assert _fails(export, signer.public_key, r"entry 3: its payload").seq == 3


def test_broken_link_and_missing_entry_are_named(ledger: Ledger, signer: Sm2TestSigner) -> None:
    export = ledger.export()
    del export["entries"][12]
    assert _fails(export, signer.public_key, r"entry 12: expected seq 12, found 13").seq == 12
    export = ledger.export()
    export["entries"][0]["prev_hash"] = "1" * 64
    assert _fails(export, signer.public_key, r"entry 0: prev_hash does not match the genesis").seq == 0


def _rewrite_from(ledger: Ledger, start: int) -> list[dict[str, Any]]:
    """Edit entry ``start`` and recompute every later hash, so the chain alone looks intact."""
    entries = copy.deepcopy(ledger.entries[:start])
    prev = entries[-1]["entry_hash"] if entries else "0" * 64
    for old in ledger.entries[start:]:
        fields = {k: v for k, v in old.items() if k not in ("entry_hash", "payload")}
        fields["prev_hash"] = prev
        if old["seq"] == start:
            fields["subject_id"] = "bid-forged"
        fields["entry_hash"] = prev = sm3_hex(canonical_json(fields))
        entries.append(fields)
    return entries


def test_rewritten_history_fails_against_the_signed_head(ledger: Ledger, signer: Sm2TestSigner) -> None:
    export = ledger.export()
    export["entries"] = _rewrite_from(ledger, 30)
    failure = _fails(export, signer.public_key, r"entries 25\.\.39 were rewritten")
    assert failure.seq == 25


def test_deleted_last_entries_are_caught_by_a_held_head(ledger: Ledger, signer: Sm2TestSigner) -> None:
    held = ledger.heads[-1].to_json()  # the bidder kept the head of 40 entries from a receipt
    truncated = build_ledger(32, signer, (10, 25, 32))
    export = truncated.export()
    verify_export(export, signer.public_key)  # on its own the shortened ledger looks fine
    _fails(export, signer.public_key, r"entries 32\.\.39 are missing", held_heads=[held])


def test_deleted_then_regrown_ledger_fails_the_held_head(ledger: Ledger, signer: Sm2TestSigner) -> None:
    held = ledger.heads[1].to_json()  # head of 25 entries
    regrown = copy.deepcopy(ledger)
    regrown.entries = _rewrite_from(ledger, 20)
    tree = MerkleTree(MemoryNodeStore())
    for entry in regrown.entries:
        tree.append(entry_leaf(entry["entry_hash"]))
    regrown.tree, regrown.heads = tree, []
    export = regrown.export()
    _fails(export, signer.public_key, r"entries 0\.\.24 were rewritten", held_heads=[held])


def test_tampered_consistency_proof_fails(ledger: Ledger, signer: Sm2TestSigner) -> None:
    export = ledger.export()
    path = export["consistency"][1]["path"]
    path[0] = "00" * 32
    _fails(export, signer.public_key, r"consistency proof from 25 to 40 entries does not verify")
    export = ledger.export()
    del export["consistency"][0]
    _fails(export, signer.public_key, r"no consistency proof between the heads of 10 and 25")


def test_tampered_inclusion_proof_fails(ledger: Ledger, signer: Sm2TestSigner) -> None:
    export = ledger.export(inclusion=[9])
    export["inclusion"][0]["path"][1] = "ab" * 32
    assert _fails(export, signer.public_key, r"entry 9: the inclusion proof does not lead").seq == 9


def test_forged_head_fails(ledger: Ledger, signer: Sm2TestSigner) -> None:
    export = ledger.export()
    export["heads"][0]["tree_size"] = 11
    _fails(export, signer.public_key, r"head of 11 entries .* is not signed by this public key")
    _fails(ledger.export(), Sm2TestSigner().public_key, r"is not signed by this public key")


def test_cli_reports_ok_and_names_the_edited_entry(
    ledger: Ledger, signer: Sm2TestSigner, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good, bad, key = tmp_path / "good.json", tmp_path / "bad.json", tmp_path / "platform.key"
    good.write_text(json.dumps(ledger.export(inclusion=[5])), encoding="utf-8")
    export = ledger.export()
    export["entries"][21]["payload_digest"] = "0" * 64
    bad.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    key.write_text(signer.public_key.hex(), encoding="ascii")
    assert main([str(good), "--public-key", str(key)]) == 0
    assert "OK: 40 entries" in capsys.readouterr().out
    assert main([str(bad), "--public-key", signer.public_key.hex()]) == 1
    assert "FAILED: entry 21:" in capsys.readouterr().err
    assert main([str(tmp_path / "absent.json"), "--public-key", signer.public_key.hex()]) == 1


def test_public_key_loads_from_hex_prefixed_hex_and_pem(signer: Sm2TestSigner, tmp_path: Path) -> None:
    import base64

    point = b"\x04" + signer.public_key
    spki_prefix = bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d034200")
    pem = tmp_path / "key.pem"
    body = base64.b64encode(spki_prefix + point).decode()
    pem.write_text(f"-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n", encoding="ascii")
    assert load_public_key(signer.public_key.hex()) == signer.public_key
    assert load_public_key(point.hex()) == signer.public_key
    assert load_public_key(str(pem)) == signer.public_key
    with pytest.raises(VerificationFailed):
        load_public_key("not a key")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seq=st.integers(min_value=0, max_value=39),
    field=st.sampled_from(["recorded_at", "actor_role", "actor_id", "action", "subject_id", "payload_digest"]),
    value=st.text(min_size=1, max_size=8),
)
def test_any_single_field_edit_is_named(
    ledger: Ledger, signer: Sm2TestSigner, seq: int, field: str, value: str
) -> None:
    export = ledger.export()
    entry = export["entries"][seq]
    assume(entry[field] != value)
    entry[field] = value
    assert _fails(export, signer.public_key, rf"entry {seq}: ").seq == seq


def test_verifier_imports_only_stdlib_and_crypto_libraries() -> None:
    import ast
    import sys

    import fairbid.ledger.verifier as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    imported |= {
        node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imported - set(sys.stdlib_module_names) == {"cryptography", "gmssl_pyx"}


def test_verifier_copied_alone_checks_an_export(ledger: Ledger, signer: Sm2TestSigner, tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys

    import fairbid.ledger.verifier as module

    alone = tmp_path / "verify_fairbid.py"
    shutil.copy(module.__file__, alone)
    export = tmp_path / "export.json"
    export.write_text(json.dumps(ledger.export(inclusion=[1])), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-I", str(alone), str(export), "--public-key", signer.public_key.hex()],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (run.returncode, run.stdout[:15]) == (0, "OK: 40 entries "), run.stderr


def test_export_without_heads_checks_the_chain_and_warns(
    ledger: Ledger, signer: Sm2TestSigner, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = ledger.export()
    export["heads"], export["consistency"] = [], []
    path = tmp_path / "chain-only.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    assert main([str(path), "--public-key", signer.public_key.hex()]) == 0
    assert "no signed head" in capsys.readouterr().err
    assert verify_export(export, signer.public_key).root_hash == ledger.tree.root().hex()


def test_verifier_sm3_matches_gbt32905_examples() -> None:
    # GB/T 32905-2016 appendix A, examples 1 and 2.
    from fairbid.ledger.verifier import sm3

    assert sm3(b"abc").hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert sm3(b"abcd" * 16).hex() == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"


def test_cli_held_receipt_head_catches_deleted_entries(
    ledger: Ledger, signer: Sm2TestSigner, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    receipt = tmp_path / "receipt.json"
    receipt.write_text(json.dumps({"seq": 39, "tree_head": ledger.heads[-1].to_json()}), encoding="utf-8")
    shortened = tmp_path / "export.json"
    shortened.write_text(json.dumps(build_ledger(35, signer, (10, 25, 35)).export()), encoding="utf-8")
    key = signer.public_key.hex()
    assert main([str(shortened), "--public-key", key]) == 0
    capsys.readouterr()
    assert main([str(shortened), "--public-key", key, "--head", str(receipt)]) == 1
    assert "entries 35..39 are missing" in capsys.readouterr().err


def test_receipt_proof_verifies_and_fails_when_tampered(ledger: Ledger, signer: Sm2TestSigner) -> None:
    head = ledger.heads[1]
    proof = receipt_proof(ledger.tree, seq=12, entry_hash=ledger.entries[12]["entry_hash"], head=head)
    assert verify_receipt_proof(proof, signer) == head
    with pytest.raises(InvalidProof):
        verify_receipt_proof({**proof, "entry_hash": ledger.entries[13]["entry_hash"]}, signer)
    with pytest.raises(InvalidSignature):
        verify_receipt_proof({**proof, "tree_head": {**proof["tree_head"], "tree_size": 26}}, signer)
    with pytest.raises(InvalidInput):
        verify_receipt_proof({**proof, "inclusion": ["xyz"]}, signer)
