"""A private key encrypted at rest under a passphrase (私钥口令保护), as a JSON document.

    {"format": "fairbid-key", "version": 1, "suite": "gm", "public_key": "gm:04…", "key_id": "…",
     "kdf": {"name": "scrypt", "salt": "<hex>", "n": 32768, "r": 8, "p": 1},
     "cipher": "sm4-gcm" | "aes-256-gcm", "nonce": "<hex>", "encrypted_private_key": "<hex>"}

The KDF is scrypt (RFC 7914); the AEAD follows the key's suite; the public key is the associated data.
"""

from __future__ import annotations

import json
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from fairbid.crypto.key import PrivateKey, PublicKey, Suite, private_key_from_bytes, random_bytes
from fairbid.domain.errors import InvalidKey

__all__ = ["lock_private_key", "read_public_key", "unlock_private_key"]

_SCRYPT_N = 2**15
_CIPHER = {Suite.GM: "sm4-gcm", Suite.INTL: "aes-256-gcm"}


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int, size: int) -> bytes:
    return Scrypt(salt=salt, length=size, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _algorithm(suite: Suite, key: bytes) -> algorithms.SM4 | algorithms.AES:
    return algorithms.SM4(key) if suite is Suite.GM else algorithms.AES(key)


def lock_private_key(key: PrivateKey, passphrase: str, *, scrypt_n: int = _SCRYPT_N) -> bytes:
    """The key file contents: the private key encrypted under a key derived from ``passphrase``."""
    if len(passphrase) < 8:
        raise ValueError("the passphrase must have at least 8 characters")
    salt, nonce = random_bytes(16), random_bytes(12)
    wrapping = _derive(passphrase, salt, scrypt_n, 8, 1, key.suite.content_key_size)
    public_text = key.public.to_text()
    encryptor = Cipher(_algorithm(key.suite, wrapping), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(public_text.encode())
    sealed = encryptor.update(key.raw) + encryptor.finalize() + encryptor.tag
    document = {
        "format": "fairbid-key",
        "version": 1,
        "suite": key.suite.value,
        "public_key": public_text,
        "key_id": key.public.key_id,
        "kdf": {"name": "scrypt", "salt": salt.hex(), "n": scrypt_n, "r": 8, "p": 1},
        "cipher": _CIPHER[key.suite],
        "nonce": nonce.hex(),
        "encrypted_private_key": sealed.hex(),
    }
    return json.dumps(document, indent=2).encode() + b"\n"


def read_public_key(data: bytes) -> PublicKey:
    """The public key recorded in a key file (no passphrase needed)."""
    return PublicKey.from_text(_document(data)["public_key"])


def _document(data: bytes) -> dict[str, Any]:
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidKey("This is not a Fairbid key file.") from exc
    if not isinstance(document, dict) or document.get("format") != "fairbid-key" or document.get("version") != 1:
        raise InvalidKey("This is not a Fairbid key file.")
    return document


def unlock_private_key(data: bytes, passphrase: str) -> PrivateKey:
    """Decrypt a key file; raises :class:`InvalidKey` for a wrong passphrase or a damaged file."""
    document = _document(data)
    try:
        public = PublicKey.from_text(document["public_key"])
        kdf = document["kdf"]
        if kdf["name"] != "scrypt" or document["cipher"] != _CIPHER[public.suite]:
            raise InvalidKey()
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
        if not (2**10 <= n <= 2**20 and 1 <= r <= 32 and 1 <= p <= 16):
            raise InvalidKey()
        wrapping = _derive(passphrase, bytes.fromhex(kdf["salt"]), n, r, p, public.suite.content_key_size)
        sealed = bytes.fromhex(document["encrypted_private_key"])
        nonce = bytes.fromhex(document["nonce"])
        decryptor = Cipher(_algorithm(public.suite, wrapping), modes.GCM(nonce, sealed[-16:])).decryptor()
        decryptor.authenticate_additional_data(public.to_text().encode())
        raw = decryptor.update(sealed[:-16]) + decryptor.finalize()
    except (InvalidTag, KeyError, TypeError, ValueError) as exc:
        raise InvalidKey("Wrong passphrase, or the key file is damaged.") from exc
    return private_key_from_bytes(public.suite, raw, public=public)
