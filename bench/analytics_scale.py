"""Cross-tender analytics at scale: 10 million synthetic bids with planted cartels, red flags and screens.

Steps, in one run:

1. generate N bids (default 10 M) as Parquet, streamed chunk by chunk (``fairbid.analytics.engine.synthetic``);
2. DuckDB (the embedded default) runs the red flags and the screens over all of them;
3. the pure-Python path (``fairbid.analytics.redflag`` + ``compute_screens`` over ``BidRecord`` lists) runs on the
   largest prefix it can hold: the most bids whose estimated peak memory (the slope between 50 k and 250 k probes) fits
   ``--python-memory`` (default 40 % of RAM) and whose estimated time fits ``--python-seconds``; DuckDB runs on the
   same prefix and the results are compared;
4. Spark (``fairbid[spark]``, local mode) runs on a sample and prints the same results as DuckDB on that sample.

Each measurement runs in its own process: rows/s is bids over wall time (reading Parquet included), peak memory
is that process's maximum resident set (for Spark, the Python driver only: the JVM is a separate process).

Run: .venv/bin/python bench/analytics_scale.py [--bids 10000000] [--spark-sample 20000] [--python-max N]
     [--python-seconds 600] [--python-memory GB] [--out DIR] [--keep]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq


def _prefix(source: Path, out: Path, bids: int) -> Path:
    """The first ``bids`` bids of ``source`` (whole table files) and the tenders they name, as their own folder."""
    out.mkdir(parents=True, exist_ok=True)
    table = pq.read_table(source / "bids.parquet").slice(0, bids)
    pq.write_table(table, out / "bids.parquet", row_group_size=131_072)  # row groups: DuckDB reads them in parallel
    wanted = set(table.column("tender_id").to_pylist())
    tenders = pq.read_table(source / "tenders.parquet")
    mask = [t in wanted for t in tenders.column("tender_id").to_pylist()]
    import pyarrow as pa

    pq.write_table(tenders.filter(pa.array(mask)), out / "tenders.parquet")
    return out


def _peak_mb() -> float:
    """This process's peak resident set (VmHWM: ru_maxrss would carry the parent's peak across fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _worker(engine: str, data: Path, result_file: Path) -> None:
    """Run one engine over ``data``; write timings and results (flag keys, screens) as JSON."""
    from fairbid.analytics.engine import Engine, load_records, run_analytics
    from fairbid.analytics.redflag import red_flags
    from fairbid.analytics.screen import compute_screens

    started = time.perf_counter()  # imports aside: they are paid once per process, not per bid
    if engine == "python":
        bids, tenders = load_records(data)
        flags = [(f.code, f.subject, f.subject_id, f.value) for f in red_flags(bids, tenders)]
        by: dict[str, list[float]] = {}
        for b in bids:
            by.setdefault(b.tender_id, []).append(b.price)
        screens = {t: compute_screens(p) for t, p in by.items()}
        rows = len(bids)
    else:
        result = run_analytics(data, engine=Engine(engine))
        flags = [(f.code, f.subject, f.subject_id, f.value) for f in result.flags]
        screens = {s.tender_id: s.screens for s in result.screens}
        rows = pq.ParquetFile(data / "bids.parquet").metadata.num_rows
    seconds = time.perf_counter() - started
    peak_mb = _peak_mb()
    keep = rows <= 3_000_000  # results to compare are kept for the smaller runs only
    ordered = sorted([f[0], f[1], f[2], round(f[3], 9)] for f in flags)
    digest = hashlib.sha256(json.dumps(ordered).encode()).hexdigest()  # compares large runs without keeping them
    result_file.write_text(
        json.dumps(
            {
                "engine": engine,
                "rows": rows,
                "seconds": seconds,
                "peak_mb": peak_mb,
                "flags_by_code": dict(Counter(f[0] for f in flags)),
                "n_flags": len(flags),
                "n_tenders": len(screens),
                "flags": ordered if keep else None,
                "flags_sha256": digest,
                "screens": {t: [round(v, 12) for v in s.values()] for t, s in screens.items()} if keep else None,
            }
        )
    )


def _measure(engine: str, data: Path, scratch: Path) -> dict[str, Any]:
    out = scratch / f"result-{engine}-{data.name}.json"
    subprocess.run([sys.executable, __file__, "--worker", engine, str(data), str(out)], check=True)
    result: dict[str, Any] = json.loads(out.read_text())
    return result


def _line(r: dict[str, Any], label: str) -> str:
    codes = " ".join(f"{k}:{v}" for k, v in sorted(r["flags_by_code"].items()))
    return (
        f"{label:<28} {r['rows']:>11,} bids {r['seconds']:>8.1f} s {r['rows'] / r['seconds']:>12,.0f} bids/s "
        f"peak {r['peak_mb']:>8,.0f} MB  {r['n_flags']:,} flags ({codes}), {r['n_tenders']:,} tenders screened"
    )


def _same(a: dict[str, Any], b: dict[str, Any]) -> str:
    if a["flags"] is None or b["flags"] is None:
        same = a["flags_sha256"] == b["flags_sha256"]
        verdict = "identical" if same else "DIFFER"
        return f"red flags {verdict} (SHA-256 of the sorted flags); screens not kept at this size"
    flags = a["flags"] == b["flags"]
    worst = 0.0
    for tender, values in a["screens"].items():
        for x, y in zip(values, b["screens"][tender], strict=True):
            worst = max(worst, abs(x - y) / max(abs(x), 1e-9) if abs(x) > 1e-9 else abs(y))
    return f"red flags {'identical' if flags else 'DIFFER'}; screens max relative difference {worst:.1e}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bids", type=int, default=10_000_000)
    parser.add_argument("--spark-sample", type=int, default=20_000, help="0: skip Spark")
    parser.add_argument("--python-max", type=int, default=None, help="cap the pure-Python size")
    parser.add_argument("--python-seconds", type=float, default=600.0)
    total_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    parser.add_argument("--python-memory", type=float, default=round(total_gb * 0.4, 1), help="GB")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args.worker[0], Path(args.worker[1]), Path(args.worker[2]))
        return
    from fairbid.analytics.engine.synthetic import generate

    scratch = args.out or Path(tempfile.mkdtemp(prefix="fairbid-scale-"))
    full = scratch / "full"
    try:
        started = time.perf_counter()
        written = generate(full, bids=args.bids)
        seconds = time.perf_counter() - started
        size = sum(f.stat().st_size for f in full.glob("*.parquet")) / 2**20
        print(
            f"generated {written:,} bids in {seconds:.1f} s ({written / seconds:,.0f} bids/s, {size:,.0f} MB Parquet, "
            f"streamed); machine: {os.cpu_count()} cores, {total_gb:.0f} GB"
        )
        duck = _measure("duckdb", full, scratch)
        print(_line(duck, "DuckDB, all bids"))

        small = _measure("python", _prefix(full, scratch / "probe-small", min(50_000, written // 5)), scratch)
        probe = _measure("python", _prefix(full, scratch / "probe", min(250_000, written)), scratch)
        per_bid_mb = (probe["peak_mb"] - small["peak_mb"]) / (probe["rows"] - small["rows"])  # the slope: no imports
        base_mb = probe["peak_mb"] - per_bid_mb * probe["rows"]
        rate = probe["rows"] / probe["seconds"]
        fit_memory = int((args.python_memory * 1024 - base_mb) / per_bid_mb)
        fit_time = int(rate * args.python_seconds)
        python_size = min(written, fit_memory, fit_time, args.python_max or written)
        why = {fit_memory: "memory", fit_time: "time", written: "all bids"}.get(python_size, "--python-max")
        print(
            f"pure-Python probes: {per_bid_mb * 1024:.2f} KB more peak per bid (+{base_mb:,.0f} MB fixed), "
            f"{rate:,.0f} bids/s → runs on "
            f"{python_size:,} bids (limited by {why}: {args.python_memory} GB, {args.python_seconds:.0f} s)"
        )
        prefix = _prefix(full, scratch / "python", python_size) if python_size < written else full
        python = _measure("python", prefix, scratch)
        duck_same = _measure("duckdb", prefix, scratch)
        print(_line(python, "pure Python, largest it holds"))
        print(_line(duck_same, "DuckDB, same bids"))
        print(
            f"  speed-up {duck_same['rows'] / duck_same['seconds'] / (python['rows'] / python['seconds']):.1f}×, "
            f"memory ÷{python['peak_mb'] / duck_same['peak_mb']:.1f}; {_same(python, duck_same)}"
        )

        if args.spark_sample:
            from fairbid.analytics.engine import spark_unavailable

            reason = spark_unavailable()
            if reason:
                print(f"Spark skipped: {reason}")
            else:
                sample = _prefix(full, scratch / "spark", args.spark_sample)
                spark = _measure("spark", sample, scratch)
                duck_sample = _measure("duckdb", sample, scratch)
                print(_line(spark, "Spark (local[2]), sample"))
                print(_line(duck_sample, "DuckDB, same sample"))
                print(f"  {_same(duck_sample, spark)}")
    finally:
        if not args.keep and args.out is None:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
