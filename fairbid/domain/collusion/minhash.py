"""Near-duplicate text in pure Python: k-token shingles, MinHash (one-permutation hashing), LSH and SimHash.

Tokens come in already segmented (the domain does not segment Chinese). Each distinct token gets a
deterministic 64-bit id (BLAKE2b), and a shingle of ``k`` consecutive tokens hashes as the tuple of their
ids with Python's tuple hash, which is deterministic for integers (only ``str``/``bytes`` hashing is salted).

**MinHash by one-permutation hashing** (Li, Owen & Zhang 2012) with rotation densification (Shrivastava &
Li 2014): the 64-bit hash space is cut into ``num_bins`` equal ranges; a document's signature holds, per
range, its smallest shingle hash (offset into the range). One sort and ``num_bins`` binary searches replace
``num_bins`` hash functions, so signing a document costs about one C-level sort of its shingles. The
fraction of equal slots estimates the Jaccard similarity of two shingle sets.

**LSH**: the signature is cut into ``b`` bands of ``r`` slots; two documents are candidates when a band
matches. ``b`` and ``r`` minimise the false-positive plus false-negative probability mass around the
threshold (the same criterion as datasketch's ``MinHashLSH``).

>>> a = shingle_hashes("甲 乙 丙 丁 戊 己 庚 辛".split(), k=3)
>>> b = shingle_hashes("甲 乙 丙 丁 戊 己 庚 壬".split(), k=3)
>>> round(jaccard(a, b), 2)
0.71
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Collection, Hashable, Iterable, Sequence
from functools import lru_cache
from hashlib import blake2b
from itertools import combinations

__all__ = [
    "LshIndex",
    "estimate_jaccard",
    "hamming",
    "jaccard",
    "lsh_parameters",
    "minhash_signature",
    "shingle_hashes",
    "shingle_sequence",
    "simhash",
]

_EMPTY = -1
_TWO63 = 1 << 63


@lru_cache(maxsize=1 << 20)
def _token_id(token: str) -> int:
    return int.from_bytes(blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")


def shingle_sequence(tokens: Sequence[str], *, k: int = 5) -> list[int]:
    """The hash of the run of ``k`` tokens starting at each position (one hash if there are fewer tokens)."""
    if k < 1:
        raise ValueError("k must be at least 1")
    ids = [_token_id(t) for t in tokens]
    if not ids:
        return []
    if len(ids) <= k:
        return [hash(tuple(ids))]
    return list(map(hash, zip(*(ids[i:] for i in range(k)), strict=False)))


def shingle_hashes(tokens: Sequence[str], *, k: int = 5) -> frozenset[int]:
    """The set of hashes of all runs of ``k`` consecutive tokens (one shingle if there are fewer)."""
    return frozenset(shingle_sequence(tokens, k=k))


def jaccard(a: Collection[int], b: Collection[int]) -> float:
    """Exact Jaccard similarity |a ∩ b| / |a ∪ b| of two sets (0 for two empty sets)."""
    sa, sb = (a if isinstance(a, (set, frozenset)) else set(a)), (b if isinstance(b, (set, frozenset)) else set(b))
    union = len(sa | sb)
    return len(sa & sb) / union if union else 0.0


def minhash_signature(shingles: Iterable[int], *, num_bins: int = 128) -> tuple[int, ...]:
    """The one-permutation MinHash signature of a set of 64-bit shingle hashes.

    ``num_bins`` must be a power of two. An empty set gives a signature of ``-1`` slots, which matches
    nothing.
    """
    if num_bins < 2 or num_bins & (num_bins - 1):
        raise ValueError("num_bins must be a power of two ≥ 2")
    values = sorted(set(shingles))
    if not values:
        return (_EMPTY,) * num_bins
    width = (1 << 64) // num_bins
    slots = []
    for j in range(num_bins):
        lo = -_TWO63 + j * width
        i = bisect_left(values, lo)
        slots.append(values[i] - lo if i < len(values) and values[i] < lo + width else _EMPTY)
    if _EMPTY in slots:  # densify: an empty bin borrows the next non-empty bin's value, marked by distance
        filled = [j for j, v in enumerate(slots) if v != _EMPTY]
        for j in range(num_bins):
            if slots[j] == _EMPTY:
                nxt = next((f for f in filled if f > j), filled[0])
                distance = (nxt - j) % num_bins
                slots[j] = slots[nxt] + distance * width
    return tuple(slots)


def estimate_jaccard(a: Sequence[int], b: Sequence[int]) -> float:
    """The fraction of equal slots of two signatures of the same length."""
    if len(a) != len(b):
        raise ValueError("signatures must have the same number of bins")
    if not a or a[0] == _EMPTY or b[0] == _EMPTY:
        return 0.0
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / len(a)


def _integrate(f: Callable[[float], float], lo: float, hi: float, steps: int) -> float:
    step = (hi - lo) / steps
    return sum(f(lo + (i + 0.5) * step) for i in range(steps)) * step


def _miss_curve(bands: int, rows: int) -> Callable[[float], float]:
    """Probability that two documents of similarity s share no band: (1 − s^r)^b."""

    def miss(s: float) -> float:
        return float((1.0 - s**rows) ** bands)

    return miss


def lsh_parameters(threshold: float, num_bins: int) -> tuple[int, int]:
    """Bands ``b`` and rows ``r`` (``b·r ≤ num_bins``) minimising false positives + false negatives."""
    if not 0.0 < threshold < 1.0:
        raise ValueError("threshold must lie strictly between 0 and 1")
    best, best_err = (1, num_bins), float("inf")
    for b in range(1, num_bins + 1):
        for r in range(1, num_bins // b + 1):
            miss = _miss_curve(b, r)
            fp = threshold - _integrate(miss, 0.0, threshold, 50)
            fn = _integrate(miss, threshold, 1.0, 50)
            if fp + fn < best_err:
                best, best_err = (b, r), fp + fn
    return best


class LshIndex:
    """Banded MinHash LSH over signatures, then a check of the estimated Jaccard against the threshold.

    >>> idx = LshIndex(threshold=0.5, num_bins=16)
    >>> s = minhash_signature(range(-50, 50), num_bins=16)
    >>> idx.add("a", s); idx.add("b", s)
    >>> idx.similar_pairs()
    [('a', 'b', 1.0)]
    """

    def __init__(self, *, threshold: float = 0.8, num_bins: int = 128) -> None:
        self.threshold = threshold
        self.num_bins = num_bins
        self.bands, self.rows = _cached_parameters(threshold, num_bins)
        self._signatures: dict[Hashable, tuple[int, ...]] = {}
        self._buckets: list[dict[tuple[int, ...], list[Hashable]]] = [{} for _ in range(self.bands)]

    def add(self, key: Hashable, signature: tuple[int, ...]) -> None:
        """Index one document's signature under ``key`` (keys must be unique and sortable)."""
        if key in self._signatures:
            raise ValueError(f"{key!r} is already indexed")
        if len(signature) != self.num_bins:
            raise ValueError("signature length differs from num_bins")
        self._signatures[key] = signature
        if signature[0] == _EMPTY:
            return
        for band, buckets in enumerate(self._buckets):
            buckets.setdefault(signature[band * self.rows : (band + 1) * self.rows], []).append(key)

    def candidate_pairs(self) -> set[tuple[Hashable, Hashable]]:
        """Pairs of keys sharing at least one band bucket, each ordered as (smaller, larger)."""
        pairs: set[tuple[Hashable, Hashable]] = set()
        for buckets in self._buckets:
            for keys in buckets.values():
                if len(keys) > 1:
                    ordered = sorted(keys, key=str)
                    pairs.update((ordered[i], ordered[j]) for i, j in combinations(range(len(ordered)), 2))
        return pairs

    def similar_pairs(self) -> list[tuple[Hashable, Hashable, float]]:
        """Candidate pairs whose estimated Jaccard reaches the threshold, most similar first."""
        out = []
        for a, b in self.candidate_pairs():
            est = estimate_jaccard(self._signatures[a], self._signatures[b])
            if est >= self.threshold:
                out.append((a, b, est))
        return sorted(out, key=lambda t: (-t[2], str(t[0]), str(t[1])))


@lru_cache(maxsize=64)
def _cached_parameters(threshold: float, num_bins: int) -> tuple[int, int]:
    return lsh_parameters(threshold, num_bins)


def simhash(features: Iterable[int], *, bits: int = 64) -> int:
    """Charikar's SimHash of a set of 64-bit feature hashes: bit i is set when most features have it."""
    mask = (1 << bits) - 1
    values = [f & mask for f in features]
    half = len(values) / 2
    out = 0
    for i in range(bits):
        if sum((v >> i) & 1 for v in values) > half:
            out |= 1 << i
    return out


def hamming(a: int, b: int) -> int:
    """Number of differing bits of two SimHashes."""
    return (a ^ b).bit_count()
