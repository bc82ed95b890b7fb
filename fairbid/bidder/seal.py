"""Sealing a bid on the bidder's machine (投标文件加密) and preparing the key for the opening (开标解密)."""

from __future__ import annotations

import json
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

from fairbid.bidder.machine import DEFAULT_FINGERPRINT_SALT, machine_fingerprint
from fairbid.crypto import (
    AttachmentSource,
    BidForm,
    PrivateKey,
    SealedEnvelope,
    seal_envelope,
    unwrap_content_key,
)
from fairbid.domain.errors import InvalidInput

__all__ = ["TOOL_VERSION", "content_key_for", "read_form", "seal_bid"]

TOOL_VERSION = "fairbid-bidder/0.1.0"


def read_form(path: Path) -> BidForm:
    """Read and check the bid form JSON (投标函 / 开标一览表); raises ``InvalidInput`` naming the problem."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"Cannot read the bid form {path}: {exc}") from exc
    if not isinstance(value, dict):
        raise InvalidInput("The bid form must be a JSON object.")
    try:
        return BidForm.from_mapping(value)
    except ValueError as exc:
        raise InvalidInput(f"The bid form is invalid: {exc}") from exc


def seal_bid(
    form_path: Path,
    attachment_paths: list[Path],
    *,
    out_path: Path,
    section_id: str,
    bidder_id: str,
    private_key: PrivateKey,
    now: datetime,
    fingerprint_salt: bytes = DEFAULT_FINGERPRINT_SALT,
) -> SealedEnvelope:
    """Seal ``form_path`` and the attachments into ``out_path`` (a new file), streaming every file.

    The file is written under a temporary name and renamed when complete, so a crash leaves no half
    envelope under the final name.
    """
    form = read_form(form_path)
    names = [path.name for path in attachment_paths]
    if len(set(names)) != len(names):
        raise InvalidInput("Two attachments have the same file name.")
    if out_path.exists():
        raise InvalidInput(f"{out_path} exists already; choose another output file.")
    partial = out_path.with_name(out_path.name + ".partial")
    with ExitStack() as stack:
        sources = []
        for path in attachment_paths:
            handle = stack.enter_context(path.open("rb"))
            sources.append(AttachmentSource(path.name, handle, path.stat().st_size))
        out = stack.enter_context(partial.open("xb"))
        try:
            sealed = seal_envelope(
                out,
                form=form,
                attachments=sources,
                section_id=section_id,
                bidder_id=bidder_id,
                private_key=private_key,
                now=now,
                machine_fingerprint=machine_fingerprint(fingerprint_salt),
                tool_version=TOOL_VERSION,
            )
        except ValueError as exc:
            partial.unlink(missing_ok=True)
            raise InvalidInput(str(exc)) from exc
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    partial.rename(out_path)
    return sealed


def content_key_for(envelope_path: Path, private_key: PrivateKey) -> bytes:
    """Unwrap the envelope's content key with the bidder's private key, to hand over at the opening."""
    with envelope_path.open("rb") as handle:
        return unwrap_content_key(handle, private_key)
