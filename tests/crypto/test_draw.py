"""The verifiable random stream: fixed vectors, an independent recomputation, uniformity, no bias.

Vectors computed with this implementation on 2026-11-27 and cross-checked by recomputing the documented
recipe with gmssl-pyx's SM3 (a second SM3 implementation) in ``test_stream_matches_recipe_with_gmssl``.
Beacon for the vectors: SM3(b"fairbid test beacon").
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import gmssl_pyx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fairbid.crypto.digest import sm3
from fairbid.crypto.draw import DOMAIN_TAG, BeaconStream, draw_k
from fairbid.domain.credit_code import check_character
from fairbid.domain.expert import (
    CommitteeSpec,
    DrawParties,
    DrawPlan,
    Expert,
    Period,
    Title,
    Venue,
    VenueRole,
    draw_committee,
    plan_quotas,
)

BEACON = sm3(b"fairbid test beacon")
LABEL = "experts:S-001:round:0"
K_VALUES = [Decimal("0.90") + Decimal(i) / 100 for i in range(10)]


def _recipe_block(beacon: bytes, label: str, counter: int) -> bytes:
    encoded = label.encode()
    message = (
        DOMAIN_TAG
        + len(encoded).to_bytes(4, "big")
        + encoded
        + len(beacon).to_bytes(4, "big")
        + beacon
        + counter.to_bytes(8, "big")
    )
    digest = gmssl_pyx.sm3_hash(message)
    return bytes(digest)


def test_beacon_vector_is_sm3_of_seed_phrase() -> None:
    assert BEACON.hex() == "6f863c86489926fc0c4a27c6b5e99f9324abe226db260e50b3c0c906a82e8634"


def test_stream_first_block_matches_vector() -> None:
    stream = BeaconStream(BEACON, LABEL)
    assert stream.take(32).hex() == "7cb9e937f0a613f60468e3f89f2583b2a409779b89c6e48f4012595ffaf50d92"


def test_stream_matches_recipe_with_gmssl() -> None:
    stream = BeaconStream(BEACON, LABEL)
    expected = b"".join(_recipe_block(BEACON, LABEL, i) for i in range(3))
    assert stream.take(96) == expected
    assert stream.blocks_used == 3


def test_below_matches_vectors() -> None:
    stream = BeaconStream(BEACON, LABEL)
    expected = [47593, 58360, 75139, 41993, 58511, 4697, 56009, 99491]
    assert [stream.below(100_000) for _ in range(8)] == expected
    stream = BeaconStream(BEACON, LABEL)
    assert [stream.below(7) for _ in range(16)] == [4, 1, 1, 0, 6, 3, 6, 4, 0, 3, 0, 5, 3, 2, 4, 1]


def test_below_rejects_instead_of_reducing_modulo() -> None:
    # below(7) reads 3-bit values from one byte each; values 7 are rejected, never folded onto 0
    stream, raw = BeaconStream(BEACON, LABEL), BeaconStream(BEACON, LABEL).take(64)
    drawn = [stream.below(7) for _ in range(16)]
    accepted = [b & 7 for b in raw if b & 7 < 7][:16]
    assert drawn == accepted


def test_draw_k_matches_vector() -> None:
    assert draw_k(BEACON, K_VALUES) == Decimal("0.93")


def test_draw_k_labels_give_independent_streams() -> None:
    assert BeaconStream(BEACON, "a").take(32) != BeaconStream(BEACON, "b").take(32)


def test_draw_k_refuses_empty_or_float_values() -> None:
    with pytest.raises(ValueError):
        draw_k(BEACON, [])
    with pytest.raises(TypeError):
        draw_k(BEACON, [0.95])  # type: ignore[list-item]


def test_stream_refuses_empty_beacon_and_bad_bound() -> None:
    with pytest.raises(ValueError):
        BeaconStream(b"", LABEL)
    with pytest.raises(ValueError):
        BeaconStream(BEACON, LABEL).below(0)


def test_below_one_consumes_nothing() -> None:
    stream = BeaconStream(BEACON, LABEL)
    assert stream.below(1) == 0
    assert stream.take(32) == BeaconStream(BEACON, LABEL).take(32)


def test_below_is_roughly_uniform_over_small_range() -> None:
    stream = BeaconStream(BEACON, "uniformity")
    counts = Counter(stream.below(6) for _ in range(60_000))
    # each cell expects 10,000; 5 sigma is about 456
    assert all(abs(n - 10_000) < 460 for n in counts.values())
    assert set(counts) == set(range(6))


@given(st.binary(min_size=1, max_size=64), st.text(max_size=20), st.integers(min_value=1, max_value=10**12))
def test_below_stays_in_range_and_is_reproducible(beacon: bytes, label: str, bound: int) -> None:
    first = [BeaconStream(beacon, label).below(bound)]
    again = [BeaconStream(beacon, label).below(bound)]
    assert first == again
    assert 0 <= first[0] < bound


def _small_pool() -> tuple[list[Expert], DrawPlan, DrawParties, datetime]:
    def code(n: int) -> str:
        first17 = f"91320100{n:09d}"
        return first17 + check_character(first17)

    now = datetime(2026, 11, 27, 8, tzinfo=UTC)
    pool = [
        Expert(
            f"E{i:02d}",
            f"专家{i}",
            frozenset({"A01" if i % 2 else "B02"}),
            "320100" if i < 12 else "320200",
            code(1000 + i),
            Title.SENIOR,
            10,
        )
        for i in range(24)
    ]
    plan = DrawPlan(
        CommitteeSpec(5),
        plan_quotas({"A01": 3, "B02": 2}, {"main": 3, "sub": 2}),
        (
            Venue("main", "主场", VenueRole.MAIN, frozenset({"320100"})),
            Venue("sub", "副场", VenueRole.SECONDARY, frozenset({"320200"})),
        ),
        Period(now + timedelta(days=1), now + timedelta(days=2)),
    )
    return pool, plan, DrawParties(code(1)), now


def test_committee_draw_from_beacon_matches_vector_and_recipe() -> None:
    pool, plan, parties, now = _small_pool()
    draw = draw_committee(pool, plan, parties, BeaconStream(BEACON, LABEL), now=now)
    assert [s.expert_id for s in draw.seats] == ["E09", "E05", "E07", "E12", "E20"]
    # the documented recipe, written out: cells in (venue, specialty) order, candidates by ID,
    # partial Fisher–Yates with j = i + below(len − i)
    stream, drawn = BeaconStream(BEACON, LABEL), []
    for venue_regions, specialty, count in (({"320100"}, "A01", 3), ({"320200"}, "B02", 2)):
        candidates = sorted(e.expert_id for e in pool if e.region in venue_regions and specialty in e.specialties)
        for i in range(count):
            j = i + stream.below(len(candidates) - i)
            candidates[i], candidates[j] = candidates[j], candidates[i]
        drawn += candidates[:count]
    assert drawn == [s.expert_id for s in draw.seats]
