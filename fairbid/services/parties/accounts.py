"""Organisations, users, sign-in and tokens."""

from __future__ import annotations

import base64
import functools
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from fairbid.crypto.digest import sm3_hex
from fairbid.crypto.password import hash_password, needs_rehash, token_digest, verify_password
from fairbid.domain.actor import Actor, Role
from fairbid.domain.credit_code import validate_credit_code
from fairbid.domain.errors import Duplicate, InvalidInput, NotAuthenticated, NotFound, NotPermitted
from fairbid.domain.party import Organisation, User
from fairbid.ledger.chain import LedgerAction
from fairbid.ledger.snapshot import SubjectType
from fairbid.ports import Clock, RandomSource, UnitOfWork

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
# Per source address, across all names (credential stuffing). High enough for one office behind NAT; a module
# constant rather than a setting for now.
MAX_FAILED_SIGN_INS_PER_SOURCE = 50
SIGN_IN_WINDOW = timedelta(minutes=15)


class TooManyAttempts(NotPermitted):
    """Raised when a user name has failed to sign in ``MAX_FAILED_SIGN_INS`` times within ``SIGN_IN_WINDOW``
    (or a source address ``MAX_FAILED_SIGN_INS_PER_SOURCE`` times).

    OWASP ASVS 2.2.1 (anti-automation against credential stuffing and brute force). The API answers 429.
    """

    code = "too-many-attempts"
    title = "Too many failed sign-ins"


@dataclass(frozen=True, slots=True)
class RegisterOrganisation:
    name: str
    credit_code: str
    region: str | None = None


def register_organisation(cmd: RegisterOrganisation, *, uow: UnitOfWork, clock: Clock, actor: Actor) -> Organisation:
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
        uow.record(
            actor=actor,
            action=LedgerAction.ORGANISATION_REGISTERED,
            subject_type=SubjectType.ORGANISATION,
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


def create_user(cmd: CreateUser, *, uow: UnitOfWork, clock: Clock, actor: Actor) -> User:
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
        uow.record(
            actor=actor,
            action=LedgerAction.USER_CREATED,
            subject_type=SubjectType.USER,
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
    source: str | None = None  # the client address, when the caller knows it: adds the per-source limit


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    user: User
    expires_in: int


def _failure_key(kind: str, value: str) -> str:
    """The stored key of a failure: SM3 over a label and the value, so the table holds no user name or address."""
    return sm3_hex(f"fairbid/sign-in-failure/{kind}\x00{value}".encode())


@functools.cache
def _decoy_hash() -> str:
    """A hash to verify unknown names against, so they take as long as known ones (no timing oracle)."""
    return hash_password("decoy password, never a user's")


def _refuse_if_throttled(uow: UnitOfWork, key: str, *, most: int, what: str, now: datetime) -> None:
    recent = uow.users.sign_in_failures(key, since=now - SIGN_IN_WINDOW)
    if len(recent) >= most:
        retry = recent[-most] + SIGN_IN_WINDOW
        raise TooManyAttempts(
            f"{len(recent)} failed sign-ins {what} in {SIGN_IN_WINDOW.seconds // 60} minutes; "
            f"try again after {retry.isoformat(timespec='seconds')}."
        )


def sign_in(cmd: SignIn, *, uow: UnitOfWork, clock: Clock, random: RandomSource) -> IssuedToken:
    """Check the password and issue an expiring bearer token (stored only as its digest).

    After ``MAX_FAILED_SIGN_INS`` failures for a user name within ``SIGN_IN_WINDOW`` further attempts are
    refused with ``TooManyAttempts`` — the password is not even checked — until the oldest failure ages out;
    likewise after ``MAX_FAILED_SIGN_INS_PER_SOURCE`` failures from ``cmd.source``. Failures live in the
    database (``sign_in_failures``), so every server process and a restart see the same count (ASVS 2.2.1).
    Unknown and known names count alike, so the limit does not reveal which names exist. Requests racing in
    parallel may each pass the check before either records its failure: the excess is bounded by the number of
    concurrent requests, which is fine for a limit meant against guessing at scale.
    """
    now = clock.now()
    name_key = _failure_key("name", cmd.username.strip().casefold())
    source_key = None if cmd.source is None else _failure_key("source", cmd.source)
    with uow:
        _refuse_if_throttled(uow, name_key, most=MAX_FAILED_SIGN_INS, what="for this user name", now=now)
        if source_key is not None:
            _refuse_if_throttled(
                uow, source_key, most=MAX_FAILED_SIGN_INS_PER_SOURCE, what="from this address", now=now
            )
        found = uow.users.by_username(cmd.username)
        matches = verify_password(_decoy_hash() if found is None else found[1], cmd.password)
        # Same message for an unknown user and a wrong password: do not confirm who has an account.
        if found is None or not matches or not found[0].active:
            # Committed before raising: the unit of work would roll the failure back with the exception.
            uow.users.add_sign_in_failure(name_key, now=now)
            if source_key is not None:
                uow.users.add_sign_in_failure(source_key, now=now)
            uow.users.prune_sign_in_failures(before=now - SIGN_IN_WINDOW)
            uow.commit()
            raise NotPermitted("The user name or password is wrong.")
        user, stored_hash = found
        # A success clears the name's failures, never the source's: one valid account must not reset the
        # count of a source that is guessing other names.
        uow.users.clear_sign_in_failures(name_key)
        if needs_rehash(stored_hash):  # argon2 parameters were raised since this hash was made (ASVS 2.4)
            uow.users.set_password_hash(user.id, hash_password(cmd.password))
        token = base64.urlsafe_b64encode(random.token_bytes(32)).rstrip(b"=").decode()
        uow.users.add_token(token_digest(token), user.id, issued_at=now, expires_at=now + cmd.lifetime)
        uow.commit()
    return IssuedToken(token=token, user=user, expires_in=int(cmd.lifetime.total_seconds()))


def authenticate(token: str, *, uow: UnitOfWork, clock: Clock) -> User:
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


def revoke_token(token: str, *, uow: UnitOfWork, clock: Clock) -> None:
    """Sign out: the token stops working at once."""
    now = clock.now()
    with uow:
        uow.users.revoke_token(token_digest(token), now=now)
        uow.commit()
