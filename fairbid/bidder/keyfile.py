"""The bidder's key file (投标人密钥文件): the private key encrypted at rest under a passphrase."""

from __future__ import annotations

import os
from pathlib import Path

from fairbid.crypto import (
    PrivateKey,
    PublicKey,
    Suite,
    generate_key,
    lock_private_key,
    read_public_key,
    unlock_private_key,
)

__all__ = ["create_key_file", "load_private_key", "load_public_key"]


def create_key_file(path: Path, passphrase: str, *, suite: Suite = Suite.GM) -> PublicKey:
    """Generate a key pair and write it to a new file readable by its owner only; returns the public key.

    Refuses to overwrite an existing file (``FileExistsError``): a lost key cannot open a sealed bid.
    """
    key = generate_key(suite)
    data = lock_private_key(key, passphrase)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return key.public


def load_private_key(path: Path, passphrase: str) -> PrivateKey:
    """Unlock the key file; raises ``InvalidKey`` for a wrong passphrase."""
    return unlock_private_key(path.read_bytes(), passphrase)


def load_public_key(path: Path) -> PublicKey:
    """The public key stored in the key file (no passphrase needed)."""
    return read_public_key(path.read_bytes())
