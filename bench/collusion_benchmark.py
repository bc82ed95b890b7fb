"""Both evaluation tracks on the five garcia2022 datasets, next to the README's reference figures.

Run: ``python bench/collusion_benchmark.py [--repetitions 20] [--jobs 2] [--datasets Brazil,Italy]``

For each dataset it prints the bid-level track (the authors' protocol: grouped 80/20 split by tender,
repeated) without and with the date columns, and the tender-level track (tenders with ≥ 4 bids, screens
recomputed from bids, no id or date columns). Reference figures are from the data README (ExtraTrees on
all+screens, 20 repetitions; random forest on screens + number of bids, 20 repetitions). Data is read from
``$FAIRBID_COLLUSION_DATA`` or ``<repo>/../shared/collusion-data``; nothing is copied.
"""

from __future__ import annotations

import argparse
import json
import time

from fairbid.analytics.dataset import load_dataset
from fairbid.analytics.evaluation import evaluate_bid_level, evaluate_tender_level
from fairbid.analytics.risk import GARCIA_FILES, default_data_dir

NAMES = ("Brazil", "Italy", "Japan", "GR/SG", "Ticino")
REFERENCE_BID_BA = {"Brazil": 89.6, "Italy": 87.5, "Japan": 79.1, "GR/SG": 76.4, "Ticino": 77.9}
REFERENCE_TENDER_AUC = {"Brazil": 80.7, "Italy": 87.6, "Japan": 83.2, "GR/SG": 71.2, "Ticino": 93.8}


def main() -> None:
    """Run the benchmark; print a table and, with ``--json``, the raw numbers."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repetitions", type=int, default=20)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--datasets", default=",".join(NAMES))
    ap.add_argument("--json", action="store_true", help="also print the results as JSON")
    args = ap.parse_args()
    folder = default_data_dir() / "garcia2022"
    wanted = [n.strip() for n in args.datasets.split(",")]
    rows = []
    header = (
        f"{'dataset':8} | {'bid BA no date':>14} {'bid BA +date':>12} {'ref BA':>6} | {'F1 no date':>10} | "
        f"{'tender AUC':>10} {'ref AUC':>7} {'tender BA':>9} | {'s':>5}"
    )
    print(header)
    print("-" * len(header))
    for name, file in zip(NAMES, GARCIA_FILES, strict=True):
        if name not in wanted:
            continue
        t = time.perf_counter()
        ds = load_dataset(folder / file)
        no_date = evaluate_bid_level(ds, repetitions=args.repetitions, with_date=False, n_jobs=args.jobs)
        with_date = evaluate_bid_level(ds, repetitions=args.repetitions, with_date=True, n_jobs=args.jobs)
        tender = evaluate_tender_level(ds, repetitions=args.repetitions, n_jobs=args.jobs)
        seconds = time.perf_counter() - t
        row = {
            "dataset": name,
            "bid_level_no_date": no_date,
            "bid_level_with_date": with_date,
            "tender_level": tender,
            "reference_bid_balanced_accuracy": REFERENCE_BID_BA[name],
            "reference_tender_roc_auc": REFERENCE_TENDER_AUC[name],
            "seconds": round(seconds, 1),
        }
        rows.append(row)
        print(
            f"{name:8} | {100 * no_date.balanced_accuracy:14.1f} {100 * with_date.balanced_accuracy:12.1f} "
            f"{REFERENCE_BID_BA[name]:6.1f} | {100 * no_date.f1:10.1f} | {100 * tender.roc_auc:10.1f} "
            f"{REFERENCE_TENDER_AUC[name]:7.1f} {100 * tender.balanced_accuracy:9.1f} | {seconds:5.0f}",
            flush=True,
        )
    print(
        f"\n{args.repetitions} repetitions per track; percentages; "
        "balanced accuracy on test bids, ROC-AUC on test tenders."
    )
    if args.json:
        print(json.dumps(rows, default=lambda o: {k: getattr(o, k) for k in o.__slots__}, indent=2))


if __name__ == "__main__":
    main()
