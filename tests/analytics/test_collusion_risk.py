"""The shipped tender-risk model: it loads, scores, explains, and rebuilds reproducibly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from fairbid.analytics.dataset import DatasetProblem
from fairbid.analytics.risk import DEFAULT_MODEL_PATH, TenderRiskModel, train_tender_risk
from fairbid.cli.collusion import app

TIGHT = [1_000_000.0, 1_004_000.0, 1_006_500.0, 1_009_000.0, 1_012_000.0]
SPREAD = [810_000.0, 905_000.0, 1_000_000.0, 1_130_000.0, 1_240_000.0, 990_000.0]


def test_shipped_model_scores_and_explains_every_tender() -> None:
    model = TenderRiskModel.load()
    risks = model.assess({"tight": TIGHT, "spread": SPREAD, "tiny": [5.0, 6.0]})
    tight, spread, tiny = risks
    assert tight.score is not None and spread.score is not None
    assert tight.score > spread.score
    assert tight.level in {"high", "elevated", "low"}
    assert len(tight.drivers) == 3 and all(d.screen in tight.screens or d.screen == "N_BIDS" for d in tight.drivers)
    assert tiny.score is None and tiny.level == "not scored" and tiny.screens["CV"] > 0
    assert "never proof" in tight.note


def test_explanation_adds_up_to_the_score() -> None:
    model = TenderRiskModel.load()
    from fairbid.analytics.risk import _features

    x = _features([np.array(TIGHT)])
    score, credit = model._contributions(x)
    proba = model.forest.predict_proba(x)[0, 1]
    assert score[0] == pytest.approx(proba, abs=1e-9)
    base = np.mean([t.tree_.value[0, 0, 1] / t.tree_.value[0, 0].sum() for t in model.forest.estimators_])
    assert base + credit[0].sum() == pytest.approx(score[0], abs=1e-9)


def test_missing_model_says_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(DatasetProblem, match="fairbid collusion train"):
        TenderRiskModel.load(tmp_path / "none.joblib")


def test_training_is_reproducible(garcia_dir: Path, tmp_path: Path) -> None:
    files = ("DB_Collusion_Brazil_processed.csv", "DB_Collusion_Switzerland_Ticino_processed.csv")
    a = train_tender_risk(garcia_dir.parent, seed=3, trees=20, n_jobs=1, files=files)
    b = TenderRiskModel.load(
        train_tender_risk(garcia_dir.parent, seed=3, trees=20, n_jobs=2, files=files).save(tmp_path / "m.joblib")
    )
    tenders = {"t": TIGHT, "s": SPREAD}
    assert [r.score for r in a.assess(tenders)] == [r.score for r in b.assess(tenders)]
    assert a.meta["trained_on"][files[0]]["sha256_16"] == "96d3d8daad6c4a27"


def test_cli_screen_prints_screens_risk_and_advisory(tmp_path: Path) -> None:
    csv = tmp_path / "bids.csv"
    rows = (
        ["tender,bidder,bid"]
        + [f"T1,b{i},{p}" for i, p in enumerate(TIGHT)]
        + [f"T2,c{i},{p}" for i, p in enumerate(SPREAD)]
    )
    csv.write_text("\n".join(rows) + "\n")
    runner = CliRunner()
    table = runner.invoke(app, ["screen", str(csv)])
    assert table.exit_code == 0, table.output
    assert table.output.splitlines()[0].startswith("tender\tbids\tCV\tSPD")
    assert "never proof" in table.output
    js = runner.invoke(app, ["screen", str(csv), "--format", "json"])
    assert js.exit_code == 0
    import json

    payload = json.loads(js.output)
    assert [t["tender"] for t in payload["tenders"]] == ["T1", "T2"]
    assert payload["tenders"][0]["risk"] > payload["tenders"][1]["risk"]


def test_shipped_model_file_is_in_the_package() -> None:
    assert DEFAULT_MODEL_PATH.is_file()
    assert DEFAULT_MODEL_PATH.stat().st_size < 8_000_000
    assert CliRunner  # the CLI train command is exercised by the reproducibility test's function
