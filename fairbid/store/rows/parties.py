"""Rows of the parties context: organisations, users, tokens, sign-in failures, bidders' keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from fairbid.store.rows.base import Row

__all__ = ["KeyRow", "OrganisationRow", "SignInFailureRow", "TokenRow", "UserRow"]


class OrganisationRow(Row):
    """An organisation (单位), identified by its unified social credit code."""

    __tablename__ = "organisations"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    region: Mapped[str | None] = mapped_column(String(12))
    created_at: Mapped[datetime]


class UserRow(Row):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class TokenRow(Row):
    """A bearer token, stored only as its SM3 digest; revocable."""

    __tablename__ = "tokens"
    token_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class SignInFailureRow(Row):
    """A failed sign-in, kept for the rate limit (OWASP ASVS 2.2.1) and pruned after the window.

    ``key_digest`` is the SM3 digest of the case-folded user name (or source address), never the name itself:
    people type passwords into the name field, and failed names are not ours to keep (PIPL 个人信息保护法 art. 6).
    """

    __tablename__ = "sign_in_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key_digest: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(index=True)  # pruning scans by time alone
    __table_args__ = (Index("ix_sign_in_failures_key", "key_digest", "failed_at"),)


class KeyRow(Row):
    """A bidder's public key (SM2 by default), bound to its organisation; envelopes must be sealed with it."""

    __tablename__ = "bidder_keys"
    key_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    suite: Mapped[str] = mapped_column(String(16))
    public_key: Mapped[str] = mapped_column(Text)
    registered_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
