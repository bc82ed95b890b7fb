"""A guarantor simulator (保函机构模拟器): a real HTTP service speaking the signed guarantee interface.

For the demo and the tests: it underwrites by the grade the platform sends (refusing the grades in its
configuration, by default D), prices with ``fairbid.domain.credit.price_for_grade``, issues a signed
guarantee file with its SM3 and SHA-256, cancels before issue, takes surrenders before the bid deadline,
extends, pays claims and releases. State is in memory. Every request is one signed message
(``fairbid.crypto.message``) and every answer one signed message; a message that fails any check — forged,
for another receiver, tampered, stale, replayed, malformed — is refused with an RFC 9457 problem and
changes nothing. ``GET /applications/{id}`` shows an application's status (a simulator's convenience: a
real guarantor would not publish it).

Run: ``python -m fairbid.partners.guarantor --port 8701 --key guarantor.key --platform-key gm:04…``
(the key file's passphrase from ``$FAIRBID_GUARANTOR_PASSPHRASE``).
"""

from __future__ import annotations

import argparse
import base64
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from fairbid.crypto.key import PrivateKey, PublicKey
from fairbid.crypto.keystore import unlock_private_key
from fairbid.crypto.letter import letter_digests, write_letter
from fairbid.crypto.message import MemoryNonceStore, open_message, seal_message
from fairbid.domain.credit.grade import Grade
from fairbid.domain.credit.premium import PremiumPolicy, price_for_grade
from fairbid.domain.errors import (
    Conflict,
    DeadlinePassed,
    Duplicate,
    FairbidError,
    InvalidInput,
    InvalidTransition,
    NotFound,
    RuleViolation,
)
from fairbid.domain.guarantee.message import MessageType as M
from fairbid.domain.guarantee.message import moment, money, validate_payload
from fairbid.domain.guarantee.model import CLAIM_CITATIONS, ClaimGround
from fairbid.domain.guarantee.model import GuaranteeStatus as S

__all__ = ["PLATFORM_MESSAGES", "GuarantorConfig", "GuarantorDesk", "create_app", "main"]

PLATFORM_MESSAGES = frozenset({M.APPLY, M.ACCEPT, M.CANCEL, M.SURRENDER, M.EXTEND, M.CLAIM, M.RELEASE})
_MOVES: dict[M, tuple[frozenset[S], S | None]] = {
    M.ACCEPT: (frozenset({S.UNDERWRITTEN}), S.ISSUED),
    M.CANCEL: (frozenset({S.APPLIED, S.UNDERWRITTEN}), S.CANCELLED),
    M.SURRENDER: (frozenset({S.ISSUED}), S.SURRENDERED),
    M.EXTEND: (frozenset({S.ISSUED}), None),
    M.CLAIM: (frozenset({S.ISSUED}), S.PAID),
    M.RELEASE: (frozenset({S.ISSUED}), S.RELEASED),
}


@dataclass(frozen=True)
class GuarantorConfig:
    """Who the guarantor is, its keys, its pricing and underwriting rule, and its clock."""

    name: str
    credit_code: str
    key: PrivateKey
    platform_key: PublicKey
    pricing: PremiumPolicy = field(default_factory=PremiumPolicy)
    refuse_grades: frozenset[str] = frozenset({"D"})
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))


@dataclass
class _Application:
    apply: dict[str, Any]
    status: S
    premium: Decimal = Decimal(0)
    guarantee_no: str | None = None
    valid_until: str = ""
    version: int = 0


class GuarantorDesk:
    """The guarantor's business: one verified payload in, one reply payload out, under a lock."""

    def __init__(self, config: GuarantorConfig) -> None:
        self.config = config
        self.accepted = 0
        self._apps: dict[str, _Application] = {}
        self._lock = threading.Lock()

    def status(self, application_id: str) -> _Application:
        """An application, or :class:`NotFound`."""
        app = self._apps.get(application_id)
        if app is None:
            raise NotFound(f"No application {application_id} at this guarantor.")
        return app

    def handle(self, payload: Mapping[str, Any], *, now: datetime) -> dict[str, Any]:
        """Apply one platform message; the reply payload. Nothing changes when it raises."""
        kind = validate_payload(payload, expected=PLATFORM_MESSAGES)
        application_id = str(payload["application_id"])
        with self._lock:
            if kind is M.APPLY:
                reply = self._apply(application_id, payload)
            else:
                reply = self._move(kind, self.status(application_id), application_id, payload, now=now)
            self.accepted += 1
            return reply

    def _apply(self, application_id: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        if application_id in self._apps:
            raise Duplicate(f"Application {application_id} was already received.")
        amount, grade = money(payload, "amount"), str(payload["grade"])
        base = {"type": M.UNDERWRITING.value, "application_id": application_id, "grade": grade}
        try:
            if grade in self.config.refuse_grades:
                raise RuleViolation(
                    f"Grade {grade} is not underwritten here.", rule="guarantor.refused_grade", citation="-"
                )
            _, rate, fee, _ = price_for_grade(amount, Grade(grade), policy=self.config.pricing)
        except (RuleViolation, ValueError) as exc:
            self._apps[application_id] = _Application(dict(payload), S.REFUSED)
            reason = exc.detail if isinstance(exc, RuleViolation) else f"Unknown grade {grade!r}."
            return {**base, "decision": "refused", "premium": "0", "rate": "0", "reason": reason}
        self._apps[application_id] = _Application(dict(payload), S.UNDERWRITTEN, premium=fee)
        reason = f"grade {grade}: base rate {self.config.pricing.base_rate} × grade multiplier = {rate}"
        return {**base, "decision": "accepted", "premium": str(fee), "rate": str(rate), "reason": reason}

    def _move(
        self, kind: M, app: _Application, application_id: str, payload: Mapping[str, Any], *, now: datetime
    ) -> dict[str, Any]:
        allowed, target = _MOVES[kind]
        if app.status not in allowed:
            raise InvalidTransition(f"Cannot {kind.value} application {application_id}: it is {app.status}.")
        deadline = moment(app.apply, "bid_deadline")
        if kind in (M.ACCEPT, M.SURRENDER) and now >= deadline:
            raise DeadlinePassed(
                f"Cannot {kind.value} after the bid deadline {deadline.isoformat()} (招标投标法实施条例 第三十五条)."
            )
        reply: dict[str, Any] = {"type": M.ACK.value, "application_id": application_id, "detail": None}
        if kind is M.ACCEPT:
            reply = self._issue(app, application_id, now=now)
        elif kind is M.EXTEND:
            if moment(payload, "valid_until") <= moment(app.apply, "valid_until"):
                raise InvalidInput("An extension moves the expiry later.", field="valid_until")
            app.apply["valid_until"] = payload["valid_until"]
            reply["detail"] = f"valid until {payload['valid_until']}"
        elif kind is M.CLAIM:
            paid = min(money(payload, "amount"), money(app.apply, "amount"))
            reply = {"type": M.CLAIM_PAID.value, "application_id": application_id, "amount": str(paid),
                     "paid_at": now.isoformat()}  # fmt: skip
        app.status = target or app.status
        app.version += 1
        if reply["type"] == M.ACK.value:
            reply["status"] = app.status.value
        return reply

    def _issue(self, app: _Application, application_id: str, *, now: datetime) -> dict[str, Any]:
        number = f"BG-{self.config.credit_code[-6:]}-{len([a for a in self._apps.values() if a.guarantee_no]) + 1:05d}"
        a = app.apply
        terms = {
            "guarantee_no": number, "application_id": application_id, "guarantor": self.config.credit_code,
            "guarantor_name": self.config.name, "principal": a["principal"], "principal_name": a["principal_name"],
            "beneficiary": a["beneficiary"], "section_id": a["section_id"], "sealed_lot": a["sealed_lot"],
            "amount": a["amount"], "valid_until": a["valid_until"], "issued_at": now.isoformat(),
            "premium": str(app.premium),
            "claim_events": {g.value: CLAIM_CITATIONS[g] for g in ClaimGround},
        }  # fmt: skip
        file = write_letter(terms, guarantor=self.config.key)
        digests = letter_digests(file)
        app.guarantee_no = number
        return {
            "type": M.ISSUE.value, "application_id": application_id, "guarantee_no": number,
            "guarantor": self.config.credit_code, "issued_at": now.isoformat(), "valid_until": a["valid_until"],
            "amount": a["amount"], "file": base64.b64encode(file).decode("ascii"), "file_sm3": digests.sm3,
            "file_sha256": digests.sha256,
        }  # fmt: skip


def _problem(exc: FairbidError) -> JSONResponse:
    status = 422
    if isinstance(exc, NotFound):
        status = 404
    elif isinstance(exc, Conflict | InvalidTransition | DeadlinePassed):
        status = 409
    body = {"type": f"about:blank#{exc.code}", "title": exc.title, "status": status, "detail": exc.detail}
    return JSONResponse({**body, "code": exc.code}, status_code=status, media_type="application/problem+json")


def create_app(config: GuarantorConfig) -> Starlette:
    """The simulator's ASGI app; ``app.state.desk`` holds its state."""
    desk = GuarantorDesk(config)
    nonces = MemoryNonceStore()

    def listing(request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "name": config.name,
                "credit_code": config.credit_code,
                "public_key": config.key.public.to_text(),
                "messages_accepted": desk.accepted,
            }
        )

    async def messages(request: Request) -> JSONResponse:
        now = config.clock()
        try:
            try:
                body = await request.json()
            except ValueError:
                raise InvalidInput("The body is not JSON.") from None
            payload = open_message(body, sender=config.platform_key, receiver=config.key, nonces=nonces, now=now)
            reply = desk.handle(payload, now=now)
        except FairbidError as exc:  # crypto failures included: refused before anything changes
            return _problem(exc)
        signed = seal_message(reply, sender=config.key, receiver=config.platform_key, now=now)
        return JSONResponse(signed.to_json())

    def application(request: Request) -> JSONResponse:
        try:
            app = desk.status(request.path_params["application_id"])
        except NotFound as exc:
            return _problem(exc)
        return JSONResponse({"status": app.status.value, "version": app.version, "guarantee_no": app.guarantee_no})

    app = Starlette(
        routes=[
            Route("/", listing, methods=["GET"]),
            Route("/messages", messages, methods=["POST"]),
            Route("/applications/{application_id}", application, methods=["GET"]),
        ]
    )
    app.state.desk = desk
    return app


def _platform_key(text: str) -> PublicKey:
    path = Path(text)
    return PublicKey.from_text(path.read_text().strip() if path.is_file() else text)


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m fairbid.partners.guarantor``: serve the simulator on loopback (by default)."""
    import uvicorn

    ap = argparse.ArgumentParser(description="Fairbid's guarantor simulator (保函机构模拟器).")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--key", type=Path, required=True, help="the guarantor's key file (fairbid-key JSON)")
    ap.add_argument("--passphrase-env", default="FAIRBID_GUARANTOR_PASSPHRASE")
    ap.add_argument("--platform-key", required=True, help="the platform's public key (gm:04…) or a file with it")
    ap.add_argument("--name", default="模拟担保有限公司")
    ap.add_argument("--credit-code", default="91110000100000000R")
    ap.add_argument("--refuse-grades", default="D", help="comma-separated grades not underwritten")
    ap.add_argument("--base-rate", default="0.003")
    ap.add_argument("--minimum-fee", default="200")
    ap.add_argument("--multipliers", default="A=0.8,B=1.0,C=1.5", help="grade=multiplier, comma-separated")
    args = ap.parse_args(argv)
    passphrase = os.environ.get(args.passphrase_env)
    if not passphrase:
        ap.error(f"set ${args.passphrase_env} to the key file's passphrase")
    multipliers = {Grade(k.strip()): Decimal(v) for k, v in (p.split("=") for p in args.multipliers.split(","))}
    config = GuarantorConfig(
        name=args.name,
        credit_code=args.credit_code,
        key=unlock_private_key(args.key.read_bytes(), passphrase),
        platform_key=_platform_key(args.platform_key),
        pricing=PremiumPolicy(Decimal(args.base_rate), multipliers, Decimal(args.minimum_fee)),
        refuse_grades=frozenset(g.strip() for g in args.refuse_grades.split(",") if g.strip()),
    )
    uvicorn.run(create_app(config), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
