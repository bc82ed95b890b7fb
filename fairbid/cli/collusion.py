"""``fairbid collusion``: screen tenders, evaluate the classifiers on labelled data, rebuild the risk model.

Mounted by the main CLI as ``app.add_typer(collusion.app, name="collusion")``. Outputs are clues for
human review, never proof (发改法规〔2026〕195号 (十一)). A ``FairbidError`` prints its title and detail
on stderr and exits with status 2 for bad input (1 otherwise), as the main CLI does; never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from fairbid.cli.common import OutputFormat, refused
from fairbid.domain.errors import FairbidError

__all__ = ["app"]

app = typer.Typer(
    help="围标串标预警: screens, risk scores and benchmarks on labelled cartel data.", no_args_is_help=True
)

ADVISORY = "Signals are clues for human review, never proof (发改法规〔2026〕195号 (十一))."


@app.command()
def screen(
    bids_csv: Annotated[Path, typer.Argument(help="CSV with columns tender, bidder, bid")],
    output: Annotated[OutputFormat, typer.Option("--format", help="table or json")] = OutputFormat.TABLE,
    model: Annotated[Path | None, typer.Option(help="tender-risk model file (default: the shipped one)")] = None,
) -> None:
    """Print the screens and the risk score of every tender in BIDS_CSV."""
    from fairbid.analytics.dataset import load_bid_list
    from fairbid.analytics.risk import DEFAULT_MODEL_PATH, TenderRiskModel

    try:
        tenders = load_bid_list(bids_csv)
        risk_model = TenderRiskModel.load(model or DEFAULT_MODEL_PATH)
    except FairbidError as exc:
        raise refused(exc) from None
    risks = risk_model.assess({t: [price for _, price in rows] for t, rows in tenders.items()})
    if output is OutputFormat.JSON:
        payload = {
            "advisory": ADVISORY,
            "tenders": [
                {
                    "tender": r.tender,
                    "n_bids": r.n_bids,
                    "screens": {k: round(v, 6) for k, v in r.screens.items()},
                    "risk": None if r.score is None else round(r.score, 4),
                    "level": r.level,
                    "drivers": [
                        {"screen": d.screen, "value": round(d.value, 6), "contribution": round(d.contribution, 4)}
                        for d in r.drivers
                    ],
                    "note": r.note,
                }
                for r in risks
            ],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    names = list(risks[0].screens) if risks else []
    typer.echo("tender\tbids\t" + "\t".join(names) + "\trisk\tlevel\tdrivers")
    for r in risks:
        values = "\t".join(f"{r.screens[k]:.4f}" for k in names)
        score = "-" if r.score is None else f"{r.score:.3f}"
        drivers = ", ".join(f"{d.screen} {d.contribution:+.3f}" for d in r.drivers) or "-"
        typer.echo(f"{r.tender}\t{r.n_bids}\t{values}\t{score}\t{r.level}\t{drivers}")
    typer.echo(ADVISORY)


@app.command()
def evaluate(
    dataset_csv: Annotated[Path, typer.Argument(help="a file in the garcia2022 format")],
    repetitions: Annotated[int, typer.Option(min=1, help="random splits per track")] = 20,
    with_date: Annotated[bool, typer.Option("--with-date/--no-date", help="use date columns at bid level")] = False,
    output: Annotated[OutputFormat, typer.Option("--format", help="json or table")] = OutputFormat.JSON,
    seed: Annotated[int, typer.Option(help="seed of the splits and forests")] = 0,
    jobs: Annotated[int, typer.Option(min=1, help="parallel jobs for the forests")] = 2,
) -> None:
    """Bid-level (authors' protocol) and tender-level scores on a labelled dataset."""
    from fairbid.analytics.dataset import load_dataset
    from fairbid.analytics.evaluation import evaluate as run

    try:
        result = run(load_dataset(dataset_csv), repetitions=repetitions, with_date=with_date, seed=seed, n_jobs=jobs)
    except FairbidError as exc:
        raise refused(exc) from None
    payload = result.as_json()
    if output is OutputFormat.JSON:
        typer.echo(json.dumps(payload))
        return
    for track, scores in payload.items():
        typer.echo(track + ": " + ", ".join(f"{k} {v:.3f}" for k, v in scores.items()))


@app.command()
def train(
    data: Annotated[
        Path | None, typer.Option(help="collusion-data folder (default: $FAIRBID_COLLUSION_DATA or ../shared)")
    ] = None,
    output: Annotated[Path | None, typer.Option(help="where to write the model (default: the shipped path)")] = None,
    seed: Annotated[int, typer.Option(help="forest seed")] = 0,
    trees: Annotated[int, typer.Option(min=10, help="number of trees")] = 300,
    jobs: Annotated[int, typer.Option(min=1, help="parallel jobs")] = 2,
) -> None:
    """Rebuild the shipped tender-risk model from the garcia2022 data, reproducibly."""
    from fairbid.analytics.risk import DEFAULT_MODEL_PATH, train_tender_risk

    try:
        model = train_tender_risk(data, seed=seed, trees=trees, n_jobs=jobs)
    except FairbidError as exc:
        raise refused(exc) from None
    path = model.save(output or DEFAULT_MODEL_PATH)
    typer.echo(json.dumps({"model": str(path), **model.meta}, ensure_ascii=False, indent=2))
