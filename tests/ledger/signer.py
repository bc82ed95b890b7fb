"""A test-only SM2 head signer straight over gmssl_pyx (production plugs in fairbid.crypto's key)."""

from __future__ import annotations

from gmssl_pyx import sm2_key_generate, sm2_sign, sm2_verify

from fairbid.domain.errors import InvalidSignature


class Sm2TestSigner:
    """Signs and verifies tree heads with a fresh SM2 key pair."""

    def __init__(self) -> None:
        self.public_key, self._private_key = sm2_key_generate()

    def sign(self, message: bytes) -> bytes:
        return bytes(sm2_sign(self._private_key, self.public_key, message))

    def verify(self, message: bytes, signature: bytes) -> None:
        try:
            good = sm2_verify(self.public_key, message, signature)
        except Exception as exc:  # malformed DER
            raise InvalidSignature() from exc
        if not good:
            raise InvalidSignature()
