"""Organisations, users, sign-in and tokens."""

from __future__ import annotations

import base64
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from fairbid.crypto.password import hash_password, token_digest, verify_password
from fairbid.domain.actor import Actor, Role
from fairbid.domain.credit_code import validate_credit_code
from fairbid.domain.errors import Duplicate, InvalidInput, NotAuthenticated, NotFound, NotPermitted
from fairbid.domain.party import Organisation, User
from fairbid.ledger.chain import LedgerAction
from fairbid.ports import Clock, RandomSource
from fairbid.services.trace import record
from fairbid.store.uow import SqlUnitOfWork

__all__ = [
    "CreateUser",
    "IssuedToken",
    "RegisterOrganisation",
    "SignIn",
    "TooManyAttempts",
    "authenticate",
    "create_user",
    "register_organisation",
    "revoke_token",
    "sign_in",
]

_ADMINS = frozenset({Role.OPERATOR, Role.MACHINE})
MIN_PASSWORD_LENGTH = 10
MAX_FAILED_SIGN_INS = 5
SIGN_IN_WINDOW = timedelta(minutes=15)


class TooManyAttempts(NotPermitted):
    """Raised when a user name has failed to sign in ``MAX_FAILED_SIGN_INS`` times within ``SIGN_IN_WINDOW``.

    OWASP ASVS 2.2.1 (anti-automation against credential stuffing and brute force). The API answers 429.
    """

    code = "too-many-attempts"
    title = "Too many failed sign-ins"


class _FailedSignIns:
    """Failed sign-ins per (database, user name) in the last window, by the service's clock.

    Kept in the process: one API process per database is the deployment (DESIGN.md); several processes
    would each allow ``MAX_FAILED_SIGN_INS`` per window. Unknown and known user names count alike, so the
    limit does not reveal which names exist.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._times: dict[tuple[str, str], list[datetime]] = {}

    def recent(self, key: tuple[str, str], now: datetime) -> list[datetime]:
        with self._lock:
            kept = [t for t in self._times.get(key, []) if now - t < SIGN_IN_WINDOW]
            if kept:
                self._times[key] = kept
            else:
                self._times.pop(key, None)
            return kept

    def add(self, key: tuple[str, str], now: datetime) -> None:
        with self._lock:
            self._times.setdefault(key, []).append(now)

    def clear(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._times.pop(key, None)


_FAILED = _FailedSignIns()


@dataclass(frozen=True, slots=True)
class RegisterOrganisation:
    name: str
    credit_code: str
    region: str | None = None


def register_organisation(cmd: RegisterOrganisation, *, uow: SqlUnitOfWork, clock: Clock, actor: Actor) -> Organisation:
    """Register an organisation; the credit code must pass GB 32100-2015 and be new."""
    now = clock.now()
    code = validate_credit_code(cmd.credit_code)
    name = cmd.name.strip()
    if not name:
        raise InvalidInput("The organisation needs a name.", field="name")
    with uow:
        if actor.role not in _ADMINS:
            raise NotPermitted("Only the trading centre registers organisations.")
        if uow.organisations.by_credit_code(code) is not None:
            raise Duplicate(f"An organisation with credit code {code} is already registered.", field="credit_code")
        org = Organisation(id=str(uuid.uuid4()), name=name, credit_code=code, region=cmd.region)
        uow.organisations.add(org, now=now)
        record(
            uow,
            actor=actor,
            action=LedgerAction.ORGANISATION_REGISTERED,
            subject_type="organisation",
            subject_id=org.id,
            payload={"name": org.name, "credit_code": code, "region": cmd.region},
            now=now,
        )
        uow.commit()
    return org


@dataclass(frozen=True, slots=True)
class CreateUser:
    username: str
    password: str
    role: Role
    display_name: str
    organisation_id: str | None = None


def create_user(cmd: CreateUser, *, uow: SqlUnitOfWork, clock: Clock, actor: Actor) -> User:
    """Create an account in one role; every role but the public belongs to an organisation."""
    now = clock.now()
    if len(cmd.password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.", field="password")
    if cmd.role is Role.MACHINE:
        raise InvalidInput("The machine is not a user.", field="role")
    if cmd.role not in (Role.PUBLIC, Role.OPERATOR, Role.SUPERVISOR) and cmd.organisation_id is None:
        raise InvalidInput(f"A {cmd.role} account must belong to an organisation.", field="organisation_id")
    with uow:
        if actor.role not in _ADMINS:
            raise NotPermitted("Only the trading centre creates accounts.")
        if uow.users.by_username(cmd.username) is not None:
            raise Duplicate(f"The user name {cmd.username!r} is taken.", field="username")
        if cmd.organisation_id is not None:
            uow.organisations.get(cmd.organisation_id)
        user = User(
            id=str(uuid.uuid4()),
            username=cmd.username,
            display_name=cmd.display_name,
            role=cmd.role,
            organisation_id=cmd.organisation_id,
        )
        uow.users.add(user, password_hash=hash_password(cmd.password), now=now)
        record(
            uow,
            actor=actor,
            action=LedgerAction.USER_CREATED,
            subject_type="user",
            subject_id=user.id,
            payload={
                "username": user.username,
                "role": user.role.value,
                "organisation_id": user.organisation_id,
            },
            now=now,
        )
        uow.commit()
    return user


@dataclass(frozen=True, slots=True)
class SignIn:
    username: str
    password: str
    lifetime: timedelta = timedelta(hours=8)


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    user: User
    expires_in: int


def sign_in(cmd: SignIn, *, uow: SqlUnitOfWork, clock: Clock, random: RandomSource) -> IssuedToken:
    """Check the password and issue an expiring bearer token (stored only as its digest).

    After ``MAX_FAILED_SIGN_INS`` failures for a user name within ``SIGN_IN_WINDOW`` further attempts are
    refused with ``TooManyAttempts`` — the password is not even checked — until the oldest failure ages out.
    """
    now = clock.now()
    with uow:
        key = (str(uow.session.get_bind().engine.url), cmd.username.strip().casefold())
        recent = _FAILED.recent(key, now)
        if len(recent) >= MAX_FAILED_SIGN_INS:
            retry = recent[-MAX_FAILED_SIGN_INS] + SIGN_IN_WINDOW
            raise TooManyAttempts(
                f"{len(recent)} failed sign-ins for this user name in {SIGN_IN_WINDOW.seconds // 60} minutes; "
                f"try again after {retry.isoformat(timespec='seconds')}."
            )
        found = uow.users.by_username(cmd.username)
        # Same message for an unknown user and a wrong password: do not confirm who has an account.
        if found is None or not verify_password(found[1], cmd.password) or not found[0].active:
            _FAILED.add(key, now)
            raise NotPermitted("The user name or password is wrong.")
        _FAILED.clear(key)
        user = found[0]
        token = base64.urlsafe_b64encode(random.token_bytes(32)).rstrip(b"=").decode()
        uow.users.add_token(token_digest(token), user.id, issued_at=now, expires_at=now + cmd.lifetime)
        uow.commit()
    return IssuedToken(token=token, user=user, expires_in=int(cmd.lifetime.total_seconds()))


def authenticate(token: str, *, uow: SqlUnitOfWork, clock: Clock) -> User:
    """The user behind a bearer token, if the token is known, unexpired and not revoked."""
    now = clock.now()
    with uow:
        found = uow.users.token(token_digest(token))
        if found is None:
            raise NotAuthenticated("Sign in first: the token is unknown.")
        user_id, expires_at, revoked_at = found
        if revoked_at is not None:
            raise NotAuthenticated("This token was revoked; sign in again.")
        if expires_at <= now:
            raise NotAuthenticated("This token has expired; sign in again.")
        try:
            user = uow.users.get(user_id)
        except NotFound as e:
            raise NotAuthenticated("Sign in first: the token is unknown.") from e
        if not user.active:
            raise NotAuthenticated("This account is disabled.")
        return user


def revoke_token(token: str, *, uow: SqlUnitOfWork, clock: Clock) -> None:
    """Sign out: the token stops working at once."""
    now = clock.now()
    with uow:
        uow.users.revoke_token(token_digest(token), now=now)
        uow.commit()
