"""Opening N sealed bids of M MB (decrypt + verify) against raw SM4-GCM on the same bytes, same run.

    .venv/bin/python bench/crypto_opening.py [--bids 100] [--mb 20] [--workers 2]

Each bid is a realistic mix: one third text-like (compressible), two thirds random (scans, PDFs). Sealing
happens first and is not timed. Then, with one process per core:

* raw: one SM4-GCM decryptor per envelope, ``update_into`` a reused 1 MiB buffer over all its bytes: the
  cipher's limit on this CPU, with no framing, no hashing, no inflate;
* opening (tags): ``open_envelope`` checking the key commitment, every chunk tag, the last-chunk flag, the
  zlib stream and the records; attachments inflated and discarded;
* opening (+ digest): the same plus, in the same pass, the SM3 of the stored envelope against the receipt
  and the bidder's signature over it;
* opening (full): the same plus the SM3 of every attachment (for the opening record).

Prints MB/s of envelope bytes and the ratio to raw (the target is 1.3x), by wall clock and by the workers'
CPU time (the second stays meaningful when other work shares the machine).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from rich.console import Console
from rich.progress import Progress

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fairbid.crypto import (
    AttachmentSource,
    BidForm,
    Suite,
    generate_key,
    open_envelope,
    seal_envelope,
    unwrap_content_key,
)
from fairbid.crypto.key import PrivateKey, private_key_from_bytes

FORM = BidForm.from_mapping(
    {
        "price": "1234567.89",
        "duration_days": 180,
        "quality": "合格",
        "project_manager_id": "P",
        "bid_security_ref": "G",
    }
)
_BLOCK = 1024 * 1024


def _key(raw: bytes, public_raw: bytes) -> PrivateKey:
    from fairbid.crypto import PublicKey

    return private_key_from_bytes(Suite.GM, raw, public=PublicKey(Suite.GM, public_raw))


def _seal_one(args: tuple[Path, int, int, bytes, bytes]) -> tuple[str, str, int]:
    path, index, size, raw, public_raw = args
    key = _key(raw, public_raw)
    text = (f"第{index}号投标文件 技术方案 施工组织设计 工期 质量 安全 ".encode() * (size // 60 + 1))[: size // 3]
    scans = os.urandom(size - len(text))
    attachments = [
        AttachmentSource("技术标.txt", io.BytesIO(text), len(text)),
        AttachmentSource("资质扫描件.pdf", io.BytesIO(scans), len(scans)),
    ]
    with path.open("wb") as out:
        sealed = seal_envelope(
            out,
            form=FORM,
            attachments=attachments,
            section_id="S-BENCH",
            bidder_id=f"B-{index:04d}",
            private_key=key,
            now=datetime.now(UTC),
            machine_fingerprint="ab" * 32,
            tool_version="fairbid-bench/1",
        )
    with path.open("rb") as handle:
        content_key = unwrap_content_key(handle, key)
    return str(path), content_key.hex(), sealed.size if sealed.envelope_sm3 else 0


def _raw(jobs: list[tuple[str, str]]) -> float:
    cpu = time.process_time()
    buffer = bytearray(_BLOCK + 15)
    total = 0
    for path, key_hex in jobs:
        decryptor = Cipher(algorithms.SM4(bytes.fromhex(key_hex)), modes.GCM(bytes(12), bytes(16))).decryptor()
        with open(path, "rb") as handle:
            while block := handle.read(_BLOCK):
                total += decryptor.update_into(block, buffer)
        # No finalize: the tag is not the whole-file tag, and the raw limit is the cipher pass itself.
    assert total > 0
    return time.process_time() - cpu


def _open(jobs: list[tuple[str, str, str]], public_raw: bytes, level: int) -> float:
    from fairbid.crypto import PublicKey

    cpu = time.process_time()
    public = PublicKey(Suite.GM, public_raw)
    total = 0
    for path, key_hex, digest in jobs:
        with open(path, "rb") as handle:
            opened = open_envelope(
                handle,
                content_key=bytes.fromhex(key_hex),
                max_plaintext_bytes=1 << 31,
                expected_envelope_sm3=digest if level >= 1 else None,
                bidder_public_key=public if level >= 1 else None,
                digest_attachments=level >= 2,
            )
        total += opened.plaintext_bytes
    assert total > 0
    return time.process_time() - cpu


def _digest(path: str) -> str:
    from fairbid.crypto.digest import sm3_stream

    with open(path, "rb") as handle:
        return sm3_stream(iter(lambda: handle.read(_BLOCK), b"")).hex()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bids", type=int, default=100)
    parser.add_argument("--mb", type=int, default=20)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    console = Console(width=140)
    key = generate_key(Suite.GM)
    with (
        tempfile.TemporaryDirectory(prefix="fairbid-bench-") as tmp,
        ProcessPoolExecutor(args.workers) as pool,
    ):
        tasks = [
            (Path(tmp) / f"bid-{i:04d}.fbe", i, args.mb * 1024 * 1024, key.raw, key.public.raw)
            for i in range(args.bids)
        ]
        sealed: list[tuple[str, str, int]] = []
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task(f"sealing {args.bids} bids of {args.mb} MB (not timed)", total=args.bids)
            for item in pool.map(_seal_one, tasks):
                sealed.append(item)
                progress.advance(task)
        digests = list(pool.map(_digest, [path for path, _, _ in sealed]))
        envelope_bytes = sum(size for _, _, size in sealed)
        shards = [list(range(w, len(sealed), args.workers)) for w in range(args.workers)]
        mb = envelope_bytes / 1e6

        def timed(label: str, futures_of: list) -> tuple[float, float]:  # type: ignore[type-arg]
            start = time.perf_counter()
            cpu = sum(future.result() for future in futures_of)
            elapsed = time.perf_counter() - start
            console.print(
                f"{label:<38} {elapsed:7.2f} s  {mb / elapsed:7.1f} MB/s   "
                f"{cpu:7.2f} CPU s  {mb / cpu * args.workers:7.1f} MB/s at full cores"
            )
            return elapsed, cpu

        console.print(f"{args.bids} envelopes, {mb:.0f} MB of envelope bytes, {args.workers} processes")
        raw_jobs = [[(sealed[i][0], sealed[i][1]) for i in shard] for shard in shards]
        open_jobs = [[(sealed[i][0], sealed[i][1], digests[i]) for i in shard] for shard in shards]
        _ = list(pool.map(_raw, raw_jobs))  # warm the page cache and the workers
        raw = timed("raw SM4-GCM (update_into)", [pool.submit(_raw, jobs) for jobs in raw_jobs])
        levels = [
            "opening: tags + key commitment",
            "opening: + receipt digest + signature",
            "opening: + SM3 of every attachment",
        ]
        times = [
            timed(label, [pool.submit(_open, jobs, key.public.raw, level) for jobs in open_jobs])
            for level, label in enumerate(levels)
        ]
        console.print("ratios to raw, wall clock / CPU time (CPU time is robust to other load on the machine):")
        for label, (elapsed, cpu) in zip(levels, times, strict=True):
            console.print(f"  {label[9:]:<34} {elapsed / raw[0]:5.2f}x / {cpu / raw[1]:5.2f}x (target 1.30x)")


if __name__ == "__main__":
    main()
