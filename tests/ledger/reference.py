"""RFC 9162 §2.1 written out recursively, word for word, as the oracle the fast tree is checked against."""

from __future__ import annotations

from collections.abc import Sequence

from fairbid.crypto.digest import sm3


def mth(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of §2.1.1."""
    n = len(leaves)
    if n == 0:
        return sm3(b"")
    if n == 1:
        return sm3(b"\x00" + leaves[0])
    k = _split(n)
    return sm3(b"\x01" + mth(leaves[:k]) + mth(leaves[k:]))


def path(m: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of §2.1.3.1."""
    n = len(leaves)
    if n == 1:
        return []
    k = _split(n)
    if m < k:
        return [*path(m, leaves[:k]), mth(leaves[k:])]
    return [*path(m - k, leaves[k:]), mth(leaves[:k])]


def proof(m: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) of §2.1.4.1."""
    return _subproof(m, leaves, True)


def _subproof(m: int, leaves: Sequence[bytes], whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [mth(leaves)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, leaves[:k], whole), mth(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], False), mth(leaves[:k])]


def _split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k
