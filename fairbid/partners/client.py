"""The platform's side of the guarantor interface: send a signed message over HTTP, verify the signed reply.

A guarantor exposes ``POST /messages`` taking one signed message (``fairbid.crypto.message``) and answering
with one signed message, or with an ``application/problem+json`` refusal (unsigned: a refusal of a message
that failed its checks cannot be trusted to come from anyone). ``GET /`` lists the guarantor openly: name,
credit code, public key.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import httpx

from fairbid.crypto.key import PrivateKey, PublicKey
from fairbid.crypto.message import DEFAULT_WINDOW, MemoryNonceStore, NonceStore, open_message, seal_message
from fairbid.domain.errors import FairbidError
from fairbid.domain.guarantee.message import MessageType, validate_payload

__all__ = ["GUARANTOR_REPLIES", "GuarantorClient", "GuarantorRefused"]

GUARANTOR_REPLIES = frozenset({MessageType.UNDERWRITING, MessageType.ISSUE, MessageType.CLAIM_PAID, MessageType.ACK})


class GuarantorRefused(FairbidError):
    """Raised when a guarantor answers a message with a refusal; ``status`` and ``remote_code`` say which."""

    code = "guarantor-refused"
    title = "The guarantor refused the message"

    def __init__(self, detail: str, *, status: int, remote_code: str) -> None:
        super().__init__(detail)
        self.status = status
        self.remote_code = remote_code


class GuarantorClient:
    """Talks to one guarantor: ``send(payload, now=…)`` returns the verified reply payload."""

    def __init__(
        self,
        base_url: str,
        *,
        platform_key: PrivateKey,
        guarantor_key: PublicKey,
        nonces: NonceStore | None = None,
        window: timedelta = DEFAULT_WINDOW,
        timeout: float = 10.0,
    ) -> None:
        self._http = httpx.Client(base_url=base_url, timeout=timeout)
        self._platform_key = platform_key
        self._guarantor_key = guarantor_key
        self._nonces = nonces or MemoryNonceStore()
        self._window = window

    def info(self) -> dict[str, Any]:
        """The guarantor's open listing."""
        response = self._http.get("/")
        response.raise_for_status()
        listing: dict[str, Any] = response.json()
        return listing

    def post_raw(self, body: Mapping[str, Any]) -> httpx.Response:
        """POST a wire object as it is (the tests use it to send forged or replayed messages)."""
        return self._http.post("/messages", json=dict(body))

    def send(self, payload: Mapping[str, Any], *, now: datetime) -> dict[str, Any]:
        """Seal ``payload``, POST it, and return the guarantor's verified and validated reply payload.

        Raises :class:`GuarantorRefused` on a refusal, and the crypto errors of ``open_message`` or
        ``InvalidInput`` when the reply itself fails its checks.
        """
        message = seal_message(payload, sender=self._platform_key, receiver=self._guarantor_key, now=now)
        response = self.post_raw(message.to_json())
        if response.status_code != 200:
            problem = response.json() if response.headers.get("content-type", "").endswith("json") else {}
            raise GuarantorRefused(
                str(problem.get("detail") or response.text),
                status=response.status_code,
                remote_code=str(problem.get("code", "unknown")),
            )
        reply = open_message(
            response.json(),
            sender=self._guarantor_key,
            receiver=self._platform_key,
            nonces=self._nonces,
            now=now,
            window=self._window,
        )
        validate_payload(reply, expected=GUARANTOR_REPLIES)
        return reply

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._http.close()
