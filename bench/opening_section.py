"""The whole opening of one section (不见面开标) with N bidders, the decryption window's wait left out.

    .venv/bin/python bench/opening_section.py [--bidders 20] [--mb 5]

Setup (not timed): a fresh SQLite database and data folder, the parties, N bidders with registered keys,
a section checked against the rule catalog, published and in bidding. Then, timed phase by phase on the
real services, database, blob store and sealed-bid crypto, in one process:

1. seal: every bidder seals its bid (form, a Chinese technical proposal of ``--text-kb`` and M MB of scans;
   on the bidders' own machines in life);
2. submit: every envelope is checked while it is stored, recorded in the ledger and receipted;
3. open: the chronograph fires at the deadline: at least 3 bids, beacon revealed, K drawn;
4. decrypt: every bidder unwraps its content key and hands it over; the server opens, checks and records;
5. close: the chronograph closes the window, publishes the opening record (开标记录) and runs the collusion
   screen over the opened bids (their proposal texts included).

The clock is simulated, so waiting for the deadline and for the window to close costs nothing; the seed
article's opening takes about ten minutes. Printed: seconds per phase and in all, and the phases the
platform itself runs (2–5) against the same run's total.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from argon2 import PasswordHasher
from rich.console import Console
from rich.table import Table

import fairbid.services.parties.accounts
from fairbid.bootstrap import bootstrap
from fairbid.clock import SimulatedClock
from fairbid.crypto import AttachmentSource, BidForm, seal_envelope
from fairbid.settings import Settings
from tests.factories import World, check_and_publish, make_world

T = TypeVar("T")


_SENTENCES = (
    "本工程采用分段流水施工，第{n}施工段先行开挖，基坑支护采用钻孔灌注桩加内支撑。",
    "项目部设项目经理一名、技术负责人一名，配备专职安全员{n}名，实行安全生产责任制。",
    "混凝土浇筑前由监理工程师验收钢筋隐蔽工程，养护不少于{n}天，确保结构质量合格。",
    "雨季施工设置排水沟和集水井，配备{n}台水泵，防止基坑积水影响边坡稳定。",
    "材料进场执行见证取样送检制度，不合格材料一律清退出场，并做好第{n}批次台账。",
)


def _seal(w: World, section_id: str, i: int, scan_bytes: int, text_bytes: int) -> bytes:
    """A realistic bid: the form, a technical proposal in Chinese (text, read by the collusion screen), and
    scanned certificates (random bytes, incompressible), sealed with the bidder's own key."""
    bidder = w.bidders[i]
    assert bidder.key is not None
    rng = random.Random(i)
    text = "".join(rng.choice(_SENTENCES).format(n=rng.randrange(1, 90)) for _ in range(text_bytes // 100 + 1))
    proposal = text.encode()[:text_bytes]
    proposal = proposal.decode("utf-8", errors="ignore").encode()
    scans = rng.randbytes(scan_bytes)
    out = io.BytesIO()
    seal_envelope(
        out,
        form=BidForm(Decimal(f"{9_000_000 + i * 1_000}.00"), 360, "合格", f"PM-{i}", f"EG-{i}"),
        attachments=[
            AttachmentSource("技术标.txt", io.BytesIO(proposal), len(proposal)),
            AttachmentSource("资质扫描件.pdf", io.BytesIO(scans), len(scans)),
        ],
        section_id=section_id,
        bidder_id=bidder.organisation_id or "",
        private_key=bidder.key,
        now=w.clock.now(),
        machine_fingerprint=f"{i:064x}",
        tool_version="fairbid-bench/1",
    )
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bidders", type=int, default=20)
    parser.add_argument("--mb", type=float, default=5.0, help="megabytes of scanned attachments per bid")
    parser.add_argument("--text-kb", type=int, default=64, help="kilobytes of technical proposal text per bid")
    args = parser.parse_args()
    console = Console()
    # The accounts' password cost has nothing to do with the opening; keep it from dominating the setup.
    fairbid.services.parties.accounts.hash_password = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash  # type: ignore[assignment]
    size = int(args.mb * 1024 * 1024)
    with tempfile.TemporaryDirectory(prefix="fairbid-opening-bench-") as work:
        settings = Settings(
            environment="test",
            database_url=f"sqlite:///{Path(work) / 'fairbid.db'}",
            data_dir=Path(work) / "data",
            platform_key_passphrase="bench-passphrase",  # type: ignore[arg-type]
        )
        clock = SimulatedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
        platform = bootstrap(settings, clock=clock)
        try:
            console.print(f"setup: {args.bidders} bidders and a section in bidding …")
            w = make_world(platform, clock, bidders=args.bidders)
            s = check_and_publish(w, w.section())
            assert w.jump(s.id) == "bidding"
            phases: list[tuple[str, float]] = []

            def timed(label: str, action: Callable[[], T]) -> T:
                t = time.perf_counter()
                result = action()
                phases.append((label, time.perf_counter() - t))
                return result

            envelopes = timed(
                "seal (bidders' machines)",
                lambda: [_seal(w, s.id, i, size, args.text_kb * 1024) for i in range(len(w.bidders))],
            )
            timed(
                "submit: check, store, ledger, receipt",
                lambda: [w.submit(s.id, b, e) for b, e in zip(w.bidders, envelopes, strict=True)],
            )
            assert timed("open at the deadline (beacon, K)", lambda: w.jump(s.id)) == "opening"
            timed("decrypt online, each bidder", lambda: [w.decrypt(s.id, b) for b in w.bidders])
            assert timed("close the window, opening record", lambda: w.jump(s.id)) == "evaluation"
            with platform.uow() as uow:
                record = uow.openings.get(s.id)
            assert record is not None and all(b["status"] == "decrypted" for b in record.content["bids"])
            mb = sum(len(e) for e in envelopes) / 1e6
        finally:
            platform.close()
    table = Table(title=f"Opening of a {args.bidders}-bidder section, {mb:.0f} MB of envelopes, window wait excluded")
    table.add_column("phase")
    table.add_column("seconds", justify="right")
    for label, seconds in phases:
        table.add_row(label, f"{seconds:.2f}")
    total = sum(seconds for _, seconds in phases)
    platform_part = sum(seconds for _, seconds in phases[1:])
    table.add_row("total", f"{total:.2f}")
    console.print(table)
    console.print(
        f"the platform's part (submit to record): {platform_part:.2f} s; with sealing {total:.2f} s "
        f"(the seed article: about 600 s)"
    )


if __name__ == "__main__":
    main()
