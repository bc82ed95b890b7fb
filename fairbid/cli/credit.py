"""``fairbid credit``: measure a scorecard on labelled data, print its points table (信用评分卡).

Mounted by the main CLI as ``app.add_typer(credit.app, name="credit")``. These commands measure the scoring
machinery on any labelled CSV (for example ../shared/credit-data/); the grades that price guarantees rest
on conduct records only (``fairbid.domain.credit``). A ``FairbidError`` prints its title and detail on
stderr and exits with status 2 for bad input (1 otherwise); never a traceback.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fairbid.domain.errors import FairbidError, InvalidInput

if TYPE_CHECKING:
    from fairbid.analytics.credit import CreditData

__all__ = ["app"]

app = typer.Typer(help="信用评分卡: train and measure credit scorecards on labelled data.", no_args_is_help=True)


class OutputFormat(StrEnum):
    """How a command prints its result."""

    TABLE = "table"
    JSON = "json"


class CalibrationChoice(StrEnum):
    """Recalibration of the scorecard's probabilities."""

    NONE = "none"
    SIGMOID = "sigmoid"
    ISOTONIC = "isotonic"


DatasetArg = Annotated[Path, typer.Argument(help="a labelled CSV file with a header line")]
TargetOpt = Annotated[str, typer.Option("--target", help="the label column")]
BadOpt = Annotated[str, typer.Option("--bad", help="the label value meaning a bad case (default)")]
DropOpt = Annotated[list[str] | None, typer.Option("--drop", help="a column that is not a feature (repeatable)")]


def _fail(exc: FairbidError) -> typer.Exit:
    typer.echo(f"{exc.title}: {exc.detail}", err=True)
    return typer.Exit(code=2 if isinstance(exc, InvalidInput) else 1)


def _load(dataset: Path, target: str, bad: str, drop: list[str] | None) -> CreditData:
    from fairbid.analytics.credit import load_credit_csv

    return load_credit_csv(dataset, target=target, bad=bad, drop=tuple(drop or ()))


@app.command()
def evaluate(
    dataset: DatasetArg,
    target: TargetOpt,
    bad: BadOpt,
    repetitions: Annotated[int, typer.Option(min=1, max=50, help="repetitions of the stratified 2-fold split")] = 5,
    output: Annotated[OutputFormat, typer.Option("--format", help="json or table")] = OutputFormat.JSON,
    calibration: Annotated[CalibrationChoice, typer.Option(help="recalibration")] = CalibrationChoice.NONE,
    seed: Annotated[int, typer.Option(help="seed of the splits")] = 0,
    drop: DropOpt = None,
) -> None:
    """Stratified 5×2 cross-validated ROC-AUC, KS, Gini and Brier of the scorecard (means over held-out halves)."""
    from fairbid.analytics.credit import Calibration, ScorecardSettings, evaluate_scorecard

    try:
        data = _load(dataset, target, bad, drop)
    except FairbidError as exc:
        raise _fail(exc) from None
    settings = ScorecardSettings(calibration=Calibration(calibration.value), seed=seed)
    result = evaluate_scorecard(data, repetitions=repetitions, seed=seed, settings=settings)
    if output is OutputFormat.JSON:
        typer.echo(json.dumps(result.as_json()))
        return
    typer.echo(
        f"{data.name}: {len(data.target)} rows, {data.bad_rate:.1%} bad, features {', '.join(data.feature_names)}"
    )
    for note in data.notes:
        typer.echo(f"note: {note}")
    typer.echo(
        f"{result.model}, {result.folds} held-out halves: ROC-AUC {result.roc_auc:.4f} (sd {result.roc_auc_std:.4f}), "
        f"KS {result.ks:.4f}, Gini {result.gini:.4f}, Brier {result.brier:.4f}, "
        f"calibration slope {result.calibration_slope:.3f}"
    )


@app.command()
def scorecard(
    dataset: DatasetArg,
    target: TargetOpt,
    bad: BadOpt,
    output: Annotated[OutputFormat, typer.Option("--format", help="table or json")] = OutputFormat.TABLE,
    base_points: Annotated[float, typer.Option(help="points at the base odds")] = 600.0,
    base_odds: Annotated[float, typer.Option(help="good:bad odds that score the base points")] = 50.0,
    pdo: Annotated[float, typer.Option(help="points that double the odds")] = 20.0,
    drop: DropOpt = None,
) -> None:
    """Train the scorecard on all of DATASET and print its points table (higher points: better credit)."""
    from fairbid.analytics.credit import ScorecardSettings, fit_scorecard

    try:
        data = _load(dataset, target, bad, drop)
    except FairbidError as exc:
        raise _fail(exc) from None
    settings = ScorecardSettings(base_points=base_points, base_odds=base_odds, pdo=pdo)
    fitted = fit_scorecard(data.features, data.target, categorical=data.categorical, settings=settings)
    rows = [r for r in fitted.points_table() if r.count > 0 or r.bin == "Missing"]
    if output is OutputFormat.JSON:
        payload = {
            "dataset": data.name,
            "scaling": {"base_points": base_points, "base_odds": base_odds, "pdo": pdo},
            "points": [
                {
                    "variable": r.variable,
                    "bin": r.bin,
                    "count": r.count,
                    "event_rate": round(r.event_rate, 4),
                    "woe": round(r.woe, 4),
                    "points": round(r.points, 2),
                }
                for r in rows
            ],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{'variable':16} {'bin':28} {'count':>7} {'bad rate':>8} {'WoE':>8} {'points':>8}")
    for r in rows:
        typer.echo(f"{r.variable:16} {r.bin:28} {r.count:7d} {r.event_rate:8.3f} {r.woe:8.3f} {r.points:8.2f}")
    typer.echo("A case's score is the sum of its bins' points; 'Missing' scores an empty cell.")
