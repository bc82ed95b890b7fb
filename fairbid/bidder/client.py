"""The bidder tool's HTTP client for the platform API (httpx), streaming uploads from disk."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from fairbid.crypto import PublicKey, SignedReceipt, Suite, verify_receipt
from fairbid.crypto.digest import sm3_stream
from fairbid.domain.errors import FairbidError, InvalidKey, InvalidSignature

__all__ = ["PlatformClient", "PlatformKey", "PlatformRefused", "SubmitResult", "file_digest"]

_BLOCK = 1024 * 1024


class PlatformRefused(FairbidError):
    """Raised when the platform answers with an error; carries the HTTP status and its problem document."""

    code = "platform-refused"
    title = "The platform refused the request"

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        detail = str(problem.get("detail") or problem.get("title") or f"HTTP {status}")
        super().__init__(detail)
        self.status = status
        self.problem = problem


@dataclass(frozen=True, slots=True)
class PlatformKey:
    """The platform's receipt-signing key, as published at ``GET /api/platform/key``."""

    public_key: PublicKey
    key_id: str


@dataclass(frozen=True, slots=True)
class SubmitResult:
    """A receipted submission: the receipt, checked against the local file and the platform's key."""

    receipt: SignedReceipt
    envelope_sm3: str


def _blocks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            yield block


def file_digest(path: Path) -> str:
    """SM3 of a file, read in 1 MiB blocks."""
    return sm3_stream(_blocks(path)).hex()


class PlatformClient:
    """Talks to one platform as one bidder. Pass ``transport`` to test against an in-process app."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 120.0,
    ) -> None:
        self._http = httpx.Client(base_url=base_url, transport=transport, timeout=timeout)
        self._token = token

    def __enter__(self) -> PlatformClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"} if self._token else {}

    def _json(self, response: httpx.Response, *expected: int) -> Any:
        if response.status_code not in expected:
            try:
                problem = response.json()
            except ValueError:
                problem = {}
            raise PlatformRefused(response.status_code, problem if isinstance(problem, dict) else {})
        return response.json() if response.content else None

    def login(self, username: str, password: str) -> str:
        """Obtain a bearer token with username and password; the client keeps it."""
        response = self._http.post("/api/auth/token", data={"username": username, "password": password})
        token = self._json(response, 200)["access_token"]
        if not isinstance(token, str):
            raise PlatformRefused(response.status_code, {"detail": "no access token in the answer"})
        self._token = token
        return token

    def platform_key(self) -> PlatformKey:
        """The platform's public key; its announced key ID must match the key."""
        value = self._json(self._http.get("/api/platform/key"), 200)
        text = str(value["public_key"])
        public = PublicKey.from_text(text if ":" in text else f"{Suite(value['suite']).value}:{text}")
        if not hmac.compare_digest(public.key_id, str(value["key_id"])):
            raise InvalidKey("The platform key does not match its key ID.")
        return PlatformKey(public, public.key_id)

    def register_key(self, public_key: PublicKey) -> str:
        """Bind this bidder's public key to its organisation (``POST /api/keys``); returns the key ID."""
        value = self._json(
            self._http.post("/api/keys", json={"public_key": public_key.to_text()}, headers=self._headers()), 201
        )
        if not hmac.compare_digest(str(value["key_id"]), public_key.key_id):
            raise InvalidKey("The platform registered another key ID.")
        return public_key.key_id

    def submit(self, section_id: str, envelope: Path) -> SubmitResult:
        """Upload a sealed envelope (streamed) and check the receipt the platform signs for it.

        Raises ``InvalidSignature`` if the receipt does not verify or names another envelope.
        """
        local_digest = file_digest(envelope)
        response = self._http.post(
            f"/api/sections/{section_id}/bids",
            content=_blocks(envelope),
            headers={
                **self._headers(),
                "Content-Type": "application/octet-stream",
                "Content-Length": str(envelope.stat().st_size),
            },
        )
        receipt = SignedReceipt.from_json(self._json(response, 201))
        self.check_receipt(receipt, envelope_sm3=local_digest, section_id=section_id)
        return SubmitResult(receipt, local_digest)

    def check_receipt(self, receipt: SignedReceipt, *, envelope_sm3: str, section_id: str) -> None:
        """Verify the platform's signature and that the receipt names this envelope and section."""
        verify_receipt(self.platform_key().public_key, receipt)
        if not hmac.compare_digest(receipt.fields.envelope_sm3, envelope_sm3) or (
            receipt.fields.section_id != section_id
        ):
            raise InvalidSignature("The receipt is for another envelope or section.")

    def status(self, section_id: str) -> dict[str, Any]:
        """This bidder's own bid in a section: status, envelope digest, receipt."""
        value = self._json(self._http.get(f"/api/sections/{section_id}/bids/mine", headers=self._headers()), 200)
        return dict(value)

    def withdraw(self, section_id: str) -> None:
        """Withdraw this bidder's bid (撤回) before the deadline."""
        self._json(self._http.delete(f"/api/sections/{section_id}/bids/mine", headers=self._headers()), 200, 204)

    def decrypt(self, section_id: str, content_key: bytes) -> dict[str, Any]:
        """Hand over the content key during the decryption window (在线解密); returns the opened data."""
        response = self._http.post(
            f"/api/sections/{section_id}/bids/mine/decryption",
            json={"content_key": content_key.hex()},
            headers=self._headers(),
        )
        return dict(self._json(response, 200))
