"""The authoring machine's fingerprint (机器指纹): HMAC-SM3 of its hardware identifiers.

The key is a platform-wide public salt, so one machine gives one fingerprint whoever seals on it (which the
collusion checks compare: 不同投标人同一机器编制), while the raw identifiers never leave the machine.
"""

from __future__ import annotations

from collections.abc import Mapping

from cryptography.hazmat.primitives import hashes, hmac

from fairbid.crypto.digest import canonical_json

__all__ = ["fingerprint"]


def fingerprint(salt: bytes, identifiers: Mapping[str, str]) -> str:
    """HMAC-SM3 keyed by ``salt`` over the canonical JSON of ``identifiers``; 64 hex digits.

    >>> len(fingerprint(b"fairbid", {"machine_id": "abc"}))
    64
    """
    if not salt:
        raise ValueError("the fingerprint salt must not be empty")
    mac = hmac.HMAC(salt, hashes.SM3())
    mac.update(canonical_json(dict(sorted(identifiers.items()))))
    return mac.finalize().hex()
