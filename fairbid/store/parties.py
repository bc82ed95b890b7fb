"""Organisations, user accounts with their tokens and sign-in failures, and bidders' keys."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fairbid.domain.actor import Role
from fairbid.domain.errors import NotFound
from fairbid.domain.party import BidderKey, Organisation, User
from fairbid.store.rows import (
    KeyRow,
    OrganisationRow,
    SignInFailureRow,
    TokenRow,
    UserRow,
)

__all__ = ["KeyRepository", "OrganisationRepository", "UserRepository"]


class OrganisationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, org: Organisation, *, now: datetime) -> None:
        self.session.add(
            OrganisationRow(id=org.id, name=org.name, credit_code=org.credit_code, region=org.region, created_at=now)
        )

    def get(self, org_id: str) -> Organisation:
        row = self.session.get(OrganisationRow, org_id)
        if row is None:
            raise NotFound(f"No organisation with id {org_id}.")
        return _org(row)

    def by_credit_code(self, code: str) -> Organisation | None:
        row = self.session.scalars(select(OrganisationRow).where(OrganisationRow.credit_code == code)).first()
        return None if row is None else _org(row)

    def names(self, ids: Sequence[str]) -> dict[str, Organisation]:
        rows = self.session.scalars(select(OrganisationRow).where(OrganisationRow.id.in_(list(ids))))
        return {r.id: _org(r) for r in rows}


def _org(row: OrganisationRow) -> Organisation:
    return Organisation(id=row.id, name=row.name, credit_code=row.credit_code, region=row.region)


class UserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, user: User, *, password_hash: str, now: datetime) -> None:
        self.session.add(
            UserRow(
                id=user.id,
                username=user.username,
                display_name=user.display_name,
                password_hash=password_hash,
                role=user.role.value,
                organisation_id=user.organisation_id,
                active=user.active,
                created_at=now,
            )
        )

    def by_username(self, username: str) -> tuple[User, str] | None:
        row = self.session.scalars(select(UserRow).where(UserRow.username == username)).first()
        return None if row is None else (_user(row), row.password_hash)

    def get(self, user_id: str) -> User:
        row = self.session.get(UserRow, user_id)
        if row is None:
            raise NotFound(f"No user with id {user_id}.")
        return _user(row)

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        row = self.session.get(UserRow, user_id)
        if row is not None:
            row.password_hash = password_hash

    def add_token(self, digest: str, user_id: str, *, issued_at: datetime, expires_at: datetime) -> None:
        self.session.add(TokenRow(token_digest=digest, user_id=user_id, issued_at=issued_at, expires_at=expires_at))

    def token(self, digest: str) -> tuple[str, datetime, datetime | None] | None:
        row = self.session.get(TokenRow, digest)
        return None if row is None else (row.user_id, row.expires_at, row.revoked_at)

    def revoke_token(self, digest: str, *, now: datetime) -> None:
        row = self.session.get(TokenRow, digest)
        if row is not None and row.revoked_at is None:
            row.revoked_at = now

    def sign_in_failures(self, key_digest: str, *, since: datetime) -> list[datetime]:
        """When ``key_digest`` failed to sign in after ``since``, oldest first."""
        stmt = (
            select(SignInFailureRow.failed_at)
            .where(SignInFailureRow.key_digest == key_digest, SignInFailureRow.failed_at > since)
            .order_by(SignInFailureRow.failed_at)
        )
        return list(self.session.scalars(stmt))

    def add_sign_in_failure(self, key_digest: str, *, now: datetime) -> None:
        self.session.add(SignInFailureRow(key_digest=key_digest, failed_at=now))

    def clear_sign_in_failures(self, key_digest: str) -> None:
        self.session.execute(delete(SignInFailureRow).where(SignInFailureRow.key_digest == key_digest))

    def prune_sign_in_failures(self, *, before: datetime) -> None:
        """Forget failures at or before ``before``: they no longer count towards any limit."""
        self.session.execute(delete(SignInFailureRow).where(SignInFailureRow.failed_at <= before))


def _user(row: UserRow) -> User:
    return User(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=Role(row.role),
        organisation_id=row.organisation_id,
        active=row.active,
    )


class KeyRepository:
    """Bidders' public keys."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, key_id: str, organisation_id: str, suite: str, public_key: str, *, now: datetime) -> None:
        self.session.add(
            KeyRow(
                key_id=key_id,
                organisation_id=organisation_id,
                suite=suite,
                public_key=public_key,
                registered_at=now,
            )
        )

    def get(self, key_id: str) -> BidderKey | None:
        row = self.session.get(KeyRow, key_id)
        return None if row is None else _key(row)

    def active_for(self, organisation_id: str) -> list[BidderKey]:
        stmt = select(KeyRow).where(KeyRow.organisation_id == organisation_id, KeyRow.revoked_at.is_(None))
        return [_key(r) for r in self.session.scalars(stmt)]


def _key(row: KeyRow) -> BidderKey:
    return BidderKey(row.key_id, row.organisation_id, row.suite, row.public_key, row.registered_at, row.revoked_at)
