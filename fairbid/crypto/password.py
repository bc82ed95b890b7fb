"""Password hashing with Argon2id (OWASP ASVS 2.4) and bearer-token digests."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from fairbid.crypto.digest import sm3_hex

__all__ = ["hash_password", "needs_rehash", "token_digest", "verify_password"]

_HASHER = PasswordHasher()  # argon2-cffi's RFC 9106 low-memory defaults


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when the password matches; never raises for a wrong password or a damaged hash."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _HASHER.check_needs_rehash(password_hash)


def token_digest(token: str) -> str:
    """Tokens are stored only as their SM3 digest, so a database leak yields no usable token."""
    return sm3_hex(token.encode("utf-8"))
