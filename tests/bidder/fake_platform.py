"""An in-memory stand-in for the platform API contract, served through ``httpx.MockTransport``.

It verifies uploads with the real server-side recipe and signs real receipts, so the bidder tool is
exercised end to end without a server process.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from fairbid.crypto import (
    PrivateKey,
    PublicKey,
    ReceiptFields,
    generate_key,
    open_envelope,
    sign_receipt,
    verify_envelope_stream,
)
from fairbid.domain.errors import CryptoFailure

NOW = datetime(2026, 11, 27, 5, 59, 59, 500000, tzinfo=UTC)


@dataclass
class FakePlatform:
    bidder_keys: dict[str, PublicKey]
    platform_key: PrivateKey = field(default_factory=generate_key)
    stored: dict[tuple[str, str], bytes] = field(default_factory=dict)
    receipts: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    tamper_receipts: bool = False

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def _user(self, request: httpx.Request) -> str | None:
        header = request.headers.get("authorization", "")
        return header.removeprefix("Bearer tok-") if header.startswith("Bearer tok-") else None

    def handle(self, request: httpx.Request) -> httpx.Response:
        path, method = request.url.path, request.method
        if path == "/api/auth/token" and method == "POST":
            form = dict(pair.split("=") for pair in request.content.decode().split("&"))
            if form.get("password") != "pw":
                return httpx.Response(401, json={"title": "Unauthorized", "detail": "Wrong password."})
            return httpx.Response(200, json={"access_token": f"tok-{form['username']}", "token_type": "bearer"})
        if path == "/api/platform/key":
            public = self.platform_key.public
            return httpx.Response(
                200,
                json={"suite": public.suite.value, "public_key": public.raw.hex(), "key_id": public.key_id},
            )
        user = self._user(request)
        if user is None:
            return httpx.Response(401, json={"title": "Unauthorized"})
        if path == "/api/keys" and method == "POST":
            public = PublicKey.from_text(json.loads(request.content)["public_key"])
            self.bidder_keys[user] = public
            return httpx.Response(201, json={"key_id": public.key_id})
        section = path.split("/")[3]
        if path.endswith("/bids") and method == "POST":
            return self._submit(section, user, request.read())
        if path.endswith("/bids/mine") and method == "GET":
            receipt = self.receipts.get((section, user))
            if receipt is None:
                return httpx.Response(404, json={"title": "Not found"})
            return httpx.Response(
                200,
                json={
                    "status": "submitted",
                    "envelope_digest": receipt["receipt"]["envelope_sm3"],
                    "receipt": receipt,
                },
            )
        if path.endswith("/bids/mine") and method == "DELETE":
            self.stored.pop((section, user), None)
            self.receipts.pop((section, user), None)
            return httpx.Response(204)
        if path.endswith("/decryption") and method == "POST":
            key = bytes.fromhex(json.loads(request.content)["content_key"])
            opened = open_envelope(io.BytesIO(self.stored[(section, user)]), content_key=key, max_plaintext_bytes=10**8)
            return httpx.Response(200, json={"form": opened.form.to_dict(), "attachments": len(opened.attachments)})
        return httpx.Response(404, json={"title": "Not found"})

    def _submit(self, section: str, user: str, body: bytes) -> httpx.Response:
        try:
            verified = verify_envelope_stream(
                io.BytesIO(body),
                None,
                bidder_public_key=self.bidder_keys[user],
                expected_section_id=section,
                expected_bidder_id=user,
                max_bytes=10**8,
            )
        except CryptoFailure as exc:
            return httpx.Response(422, json={"title": exc.title, "detail": exc.detail, "code": exc.code})
        self.stored[(section, user)] = body
        fields = ReceiptFields(section, user, verified.envelope_sm3, NOW, f"{len(self.stored):064x}")
        receipt = sign_receipt(self.platform_key, fields).to_json()
        if self.tamper_receipts:
            receipt["receipt"]["entry_commitment"] = "f" * 64
        self.receipts[(section, user)] = receipt
        return httpx.Response(201, json=receipt)
