"""SM2 sign / verify / key-wrap operations per second through fairbid.crypto, one process.

    .venv/bin/python bench/crypto_sm2.py [--seconds 2]

Baselines measured in the same run: Ed25519/X25519 (the international suite, same interface) and, when the
test-only pure-Python ``gmssl`` package is installed, its SM2 signatures (what a pure-Python SM2 costs).
A section with 200 bids needs 200 verifications at upload and 200 receipts signed: both far below a second.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fairbid.crypto.key import Suite, generate_key, sign, unwrap_key, verify_signature, wrap_key

MESSAGE = b'{"bidder_id":"B-0007","ciphertext_sm3":"' + b"ab" * 32 + b'","section_id":"S-2026-001"}'


def rate(operation: Callable[[], object], seconds: float) -> float:
    """Operations per second, running ``operation`` for about ``seconds``."""
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(20):
            operation()
        count += 20
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    seconds = parser.parse_args().seconds
    console = Console(width=140)
    table = Table("suite", "sign/s", "verify/s", "wrap/s", "unwrap/s")
    results: dict[Suite, list[float]] = {}
    for suite in Suite:
        key = generate_key(suite)
        signature = sign(key, MESSAGE)
        wrapped = wrap_key(key.public, bytes(suite.content_key_size))
        results[suite] = [
            rate(lambda k=key: sign(k, MESSAGE), seconds),
            rate(lambda k=key, s=signature: verify_signature(k.public, MESSAGE, s), seconds),
            rate(lambda k=key, n=suite.content_key_size: wrap_key(k.public, bytes(n)), seconds),
            rate(lambda k=key, w=wrapped: unwrap_key(k, w), seconds),
        ]
        table.add_row(f"{suite.value} (fairbid.crypto)", *(f"{value:,.0f}" for value in results[suite]))
    try:
        from gmssl import sm2 as pure_sm2
    except ImportError:
        pure_sm2 = None
    if pure_sm2 is not None:
        key = generate_key(Suite.GM)
        pure = pure_sm2.CryptSM2(private_key=key.raw.hex(), public_key="00" * 64)
        pure.public_key = key.public.raw[1:].hex()
        rs = pure.sign_with_sm3(MESSAGE)
        short = min(seconds, 1.0)
        table.add_row(
            "gm (pure-Python gmssl)",
            f"{rate(lambda: pure.sign_with_sm3(MESSAGE), short):,.0f}",
            f"{rate(lambda: pure.verify_with_sm3(rs, MESSAGE), short):,.0f}",
            "-",
            "-",
        )
    console.print(table)
    gm, intl = results[Suite.GM], results[Suite.INTL]
    console.print(f"SM2 / Ed25519: sign {gm[0] / intl[0]:.2f}x, verify {gm[1] / intl[1]:.2f}x")


if __name__ == "__main__":
    main()
