"""Verifiable random draws from a public beacon (随机抽取，可复算).

The section's beacon (``SM3(seed ‖ sorted bid digests ‖ section id)``, DESIGN.md) is revealed at the
opening. Everything drawn from it (the evaluation experts, the coefficient K) can be recomputed by anyone
who has the beacon and the label, with nothing but SM3:

Byte stream
    ``block_i = SM3(b"FAIRBID-DRAW-V1" ‖ u32(len(L)) ‖ L ‖ u32(len(B)) ‖ B ‖ u64(i))`` for i = 0, 1, 2, …
    where ``L`` is the label in UTF-8, ``B`` the beacon, and ``uN`` a big-endian unsigned integer of N
    bits. The stream is ``block_0 ‖ block_1 ‖ …``, consumed from the front, never reused.

Uniform integer below n (rejection sampling, no modulo bias)
    ``n == 1`` gives 0 and consumes nothing. Otherwise let ``bits = (n − 1).bit_length()`` and
    ``width = ceil(bits / 8)``; take the next ``width`` bytes as a big-endian integer, keep its low
    ``bits`` bits, and return it if it is below ``n``; otherwise discard it and take the next ``width``
    bytes. Each attempt succeeds with probability above 1/2.

Different labels give independent streams from one beacon (``"experts:<section>:round:0"``,
``"benchmark-k"``), so one draw never shifts another.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from fairbid.crypto.digest import sm3

__all__ = ["DOMAIN_TAG", "K_LABEL", "BeaconStream", "compute_beacon", "draw_k"]

DOMAIN_TAG = b"FAIRBID-DRAW-V1"
K_LABEL = "benchmark-k"


class BeaconStream:
    """A deterministic stream of uniform integers derived from ``beacon`` and ``label`` by SM3.

    It satisfies the domain's ``RandomStream`` protocol (``below(n)``).

    >>> a, b = BeaconStream(bytes(32), "demo"), BeaconStream(bytes(32), "demo")
    >>> [a.below(10) for _ in range(5)] == [b.below(10) for _ in range(5)]
    True
    """

    __slots__ = ("_beacon", "_buffer", "_counter", "_label", "_prefix")

    def __init__(self, beacon: bytes, label: str) -> None:
        if not beacon:
            raise ValueError("the beacon must not be empty")
        encoded = label.encode("utf-8")
        self._beacon = bytes(beacon)
        self._label = label
        self._prefix = (
            DOMAIN_TAG + len(encoded).to_bytes(4, "big") + encoded + len(self._beacon).to_bytes(4, "big") + self._beacon
        )
        self._counter = 0
        self._buffer = bytearray()

    @property
    def label(self) -> str:
        """The label this stream was derived under."""
        return self._label

    @property
    def blocks_used(self) -> int:
        """How many SM3 blocks have been computed so far (for the recomputation record)."""
        return self._counter

    def take(self, n: int) -> bytes:
        """The next ``n`` bytes of the stream."""
        if n < 0:
            raise ValueError("cannot take a negative number of bytes")
        while len(self._buffer) < n:
            self._buffer += sm3(self._prefix + self._counter.to_bytes(8, "big"))
            self._counter += 1
        out = bytes(self._buffer[:n])
        del self._buffer[:n]
        return out

    def below(self, n: int) -> int:
        """A uniform integer in ``[0, n)`` by rejection sampling (see the module docstring)."""
        if n <= 0:
            raise ValueError(f"below() needs a positive bound, got {n}")
        if n == 1:
            return 0
        bits = (n - 1).bit_length()
        width = (bits + 7) // 8
        mask = (1 << bits) - 1
        while True:
            value = int.from_bytes(self.take(width), "big") & mask
            if value < n:
                return value


def draw_k(beacon: bytes, k_values: Sequence[Decimal], *, label: str = K_LABEL) -> Decimal:
    """Draw the benchmark-price coefficient K (下浮系数) uniformly from the published candidates.

    ``k_values`` is the list the tender document publishes (e.g. 0.90, 0.91, …, 0.99), in its stated
    order; the result is ``k_values[BeaconStream(beacon, label).below(len(k_values))]``.
    """
    if not k_values:
        raise ValueError("the tender document must publish at least one K value")
    if any(not isinstance(k, Decimal) for k in k_values):
        raise TypeError("K values must be Decimal")
    return k_values[BeaconStream(beacon, label).below(len(k_values))]


def compute_beacon(seed: bytes, envelope_digests: Sequence[str], section_id: str) -> bytes:
    """beacon = SM3(seed ‖ sorted bid digests ‖ section id) (DESIGN.md, "Sealed bids" step 5): fixed by the
    platform's committed seed and every sealed bid, known to nobody before the opening."""
    ordered = b"".join(bytes.fromhex(d) for d in sorted(envelope_digests))
    return sm3(seed + ordered + section_id.encode("utf-8"))
