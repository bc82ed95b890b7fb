"""The two evaluation tracks and the CLI's exact JSON shape."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from fairbid.analytics.dataset import load_dataset
from fairbid.analytics.evaluation import evaluate
from fairbid.analytics.feature import bid_position, bidder_history
from fairbid.cli.collusion import app


def _synthetic(tmp_path: Path) -> Path:
    """Collusive tenders have tightly clustered bids; competitive ones are spread out."""
    rng = np.random.default_rng(7)
    lines = ["Tender,Bid_value,Collusive_competitor,Competitors,Winner,Date"]
    for t in range(60):
        collusive = t % 3 == 0
        n = int(rng.integers(4, 9))
        bids = 1e6 * (1 + (rng.normal(0, 0.01, n) if collusive else rng.normal(0, 0.08, n)))
        for i, b in enumerate(sorted(bids)):
            lines.append(f"{t},{abs(b):.2f},{int(collusive)},{int(rng.integers(0, 40))},{int(i == 0)},{t}")
    path = tmp_path / "synthetic.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_both_tracks_separate_an_easy_synthetic_set(tmp_path: Path) -> None:
    result = evaluate(load_dataset(_synthetic(tmp_path)), repetitions=2, n_jobs=1)
    assert result.bid_level.balanced_accuracy > 0.8
    assert result.tender_level.roc_auc > 0.8
    assert set(result.as_json()) == {"bid_level", "tender_level"}


def test_cli_evaluate_prints_exactly_the_documented_keys(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["evaluate", str(_synthetic(tmp_path)), "--repetitions", "1", "--format", "json", "--jobs", "1"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert list(payload) == ["bid_level", "tender_level"]
    assert list(payload["bid_level"]) == ["accuracy", "balanced_accuracy", "precision", "recall", "f1"]
    assert list(payload["tender_level"]) == ["balanced_accuracy", "roc_auc"]
    assert all(0.0 <= v <= 1.0 for track in payload.values() for v in track.values())


def test_bidder_history_never_reads_a_test_label() -> None:
    bidder = np.array([0, 1, 0, 1, 0, 1])
    tender = np.array([0, 0, 1, 1, 2, 2])
    train = np.array([True, True, True, True, False, False])
    label = np.array([1, 1, 0, 0, 1, 1])
    flipped = label.copy()
    flipped[~train] = 0
    a = bidder_history(bidder, tender, label, train, n_tenders=3)
    b = bidder_history(bidder, tender, flipped, train, n_tenders=3)
    np.testing.assert_array_equal(a, b)


def test_bid_position_ranks_within_each_tender() -> None:
    pos = bid_position(np.array([30.0, 10.0, 20.0, 5.0, 5.0]), np.array([0, 0, 0, 1, 1]), 2)
    np.testing.assert_allclose(pos[:3, 0], [3.0, 1.0, 2.0])
    np.testing.assert_allclose(pos[:3, 2], [1.0, 0.0, 0.5])
