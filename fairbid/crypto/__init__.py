"""Cryptographic recipes: sealed-bid envelopes, signatures, digests, verifiable draws.

Primitive libraries (``cryptography``, ``gmssl_pyx``) are imported only inside this package.
"""

__all__: list[str] = []
