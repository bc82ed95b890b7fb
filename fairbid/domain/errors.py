"""The errors Fairbid raises on purpose.

    FairbidError
    ├── NotFound
    ├── NotPermitted
    │   └── NotAuthenticated
    ├── Conflict
    │   └── Duplicate
    ├── InvalidTransition
    ├── DeadlinePassed
    ├── InvalidInput
    ├── RuleViolation
    └── CryptoFailure
        ├── InvalidEnvelope
        ├── InvalidSignature
        └── InvalidKey

Each class has a stable ``code`` slug (documented at ``/problems/<code>``) and a ``title``. ``detail`` is a
sentence a person can act on; it must never carry a secret. Programmer errors stay ``TypeError``,
``ValueError`` and ``RuntimeError``.
"""

from __future__ import annotations

__all__ = [
    "Conflict",
    "CryptoFailure",
    "DeadlinePassed",
    "Duplicate",
    "FairbidError",
    "InvalidEnvelope",
    "InvalidInput",
    "InvalidKey",
    "InvalidSignature",
    "InvalidTransition",
    "NotAuthenticated",
    "NotFound",
    "NotPermitted",
    "RuleViolation",
]


class FairbidError(Exception):
    """Root of every error Fairbid raises on purpose."""

    code = "fairbid-error"
    title = "Fairbid refused the request"

    def __init__(self, detail: str, *, field: str | None = None, rule: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.rule = rule


class NotFound(FairbidError):
    """Raised when the thing asked for does not exist, or its existence is secret from the caller."""

    code = "not-found"
    title = "Not found"


class NotPermitted(FairbidError):
    """Raised when the caller's role may not take this action on this thing in its current state."""

    code = "not-permitted"
    title = "Not permitted"


class NotAuthenticated(NotPermitted):
    """Raised when a request needs a signed-in user and carries no valid token."""

    code = "not-authenticated"
    title = "Sign in first"


class Conflict(FairbidError):
    """Raised when the request conflicts with stored state (a stale version, for example)."""

    code = "conflict"
    title = "Conflict with the current state"


class Duplicate(Conflict):
    """Raised when creating something that already exists (an organisation with the same credit code)."""

    code = "duplicate"
    title = "Already exists"


class InvalidTransition(FairbidError):
    """Raised when a lifecycle move is not allowed from the current status."""

    code = "invalid-transition"
    title = "Not allowed in the current state"


class DeadlinePassed(FairbidError):
    """Raised when an action arrives after the deadline that closes it (server clock only)."""

    code = "deadline-passed"
    title = "The deadline has passed"


class InvalidInput(FairbidError):
    """Raised when a value breaks a domain constraint (a credit code with a wrong check character)."""

    code = "invalid-input"
    title = "Invalid input"


class RuleViolation(FairbidError):
    """Raised when a legal rule blocks the action; ``rule`` names it and ``citation`` cites the law."""

    code = "rule-violation"
    title = "A rule blocks this action"

    def __init__(self, detail: str, *, rule: str, citation: str, field: str | None = None) -> None:
        super().__init__(detail, field=field, rule=rule)
        self.citation = citation


class CryptoFailure(FairbidError):
    """Raised when a cryptographic check fails. Carries no detail beyond its kind, as pyca does."""

    code = "crypto-failure"
    title = "Cryptographic check failed"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.title)


class InvalidEnvelope(CryptoFailure):
    """Raised when a sealed bid envelope is malformed, truncated, or fails its authentication tag."""

    code = "invalid-envelope"
    title = "The sealed bid envelope is invalid"


class InvalidSignature(CryptoFailure):
    """Raised when a signature does not verify under the expected public key."""

    code = "invalid-signature"
    title = "The signature does not verify"


class InvalidKey(CryptoFailure):
    """Raised when a key is malformed or does not open what it should."""

    code = "invalid-key"
    title = "The key is invalid"
