"""``fairbid tender``: check a tender form or document against the rule catalog, render a form.

Exit codes: 0 nothing blocks, 1 something blocks, 2 bad input (with a message on stderr).
``--format json`` prints ``{"findings": [...]}`` in the one finding shape (``Finding.to_json``: rule, severity,
citation, message, and field, span and clause when set).
``check-text`` adds the clause model's ``review`` findings (a score, never blocking) and filters what it
prints with ``--min-severity``; the exit code always counts every blocking finding.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from fairbid.cli.common import FormatOpt, OutputFormat
from fairbid.documents import check_document_text, check_form, extract_text, parse_form, render_document
from fairbid.documents.form import TenderForm, TenderFormInvalid
from fairbid.domain.calendar import BEIJING
from fairbid.domain.errors import InvalidInput
from fairbid.domain.rules import Finding, Severity, blocking

__all__ = ["app"]

app = typer.Typer(help="Tender documents: check forms and documents against the law, render them.")


MinSeverityOpt = Annotated[
    Severity,
    typer.Option("--min-severity", help="Print findings at least this grave: review (all), warn or block."),
]
ReviewOpt = Annotated[
    bool, typer.Option("--review/--no-review", help="Add the clause model's review findings (a score, not a rule).")
]
OnOpt = Annotated[
    datetime | None,
    typer.Option("--on", formats=["%Y-%m-%d"], help="Apply the law in force on this date (default: today)."),
]


def _day(on: datetime | None) -> date:
    return on.date() if on is not None else datetime.now(BEIJING).date()


def _bad_input(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _report(
    findings: list[Finding],
    fmt: OutputFormat,
    extra: dict[str, Any] | None = None,
    *,
    floor: Severity = Severity.REVIEW,
) -> NoReturn:
    shown = [f for f in findings if f.severity.at_least(floor)]
    if fmt is OutputFormat.JSON:
        payload: dict[str, Any] = {"findings": [f.to_json() for f in shown], **(extra or {})}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for f in shown:
            where = f" [{f.field}]" if f.field else ""
            at = f" @{f.span.start}-{f.span.end} «{f.span.text}»" if f.span else ""
            typer.echo(f"{f.severity.upper():6} {f.rule:5} {f.citation}{where}{at}\n       {f.message}")
            if f.clause is not None and f.span is not None and f.clause.text != f.span.text:
                typer.echo(f"       条款: {f.clause.text}")
        for name, value in (extra or {}).items():
            typer.echo(f"{name}: {json.dumps(value, ensure_ascii=False)}")
        blocks = sum(1 for f in findings if f.blocks)
        reviews = sum(1 for f in shown if f.severity is Severity.REVIEW)
        tail = f", {reviews} for review (model score, not a rule)" if reviews else ""
        typer.echo(f"{len(shown)} finding(s), {blocks} blocking{tail}.", err=True)
    raise typer.Exit(1 if blocking(findings) else 0)


def _load_form(path: Path) -> TenderForm:
    try:
        return parse_form(path.read_bytes())
    except OSError as exc:
        _bad_input(f"cannot read {path}: {exc.strerror}")
    except TenderFormInvalid as exc:
        lines = "\n".join(f"  {e['field']}: {e['message']}" for e in exc.errors)
        _bad_input(f"{path} is not a valid tender form ({len(exc.errors)} invalid field(s)):\n{lines}")


@app.command("check")
def check_command(form: Path, fmt: FormatOpt = OutputFormat.TABLE, on: OnOpt = None) -> None:
    """Check FORM.json: structured rules over its facts, text rules over its free-text parts."""
    _report(check_form(_load_form(form), on=_day(on)), fmt)


@app.command("check-text")
def check_text_command(
    file: Path,
    fmt: FormatOpt = OutputFormat.TABLE,
    on: OnOpt = None,
    min_severity: MinSeverityOpt = Severity.REVIEW,
    review: ReviewOpt = True,
) -> None:
    """Check a tender document (.txt, .docx or text PDF): the text rules, then the clause model's review
    findings; each finding gives its span and the clause around it (offsets index the extracted text)."""
    try:
        text = extract_text(file.read_bytes(), filename=file.name)
    except OSError as exc:
        _bad_input(f"cannot read {file}: {exc.strerror}")
    except InvalidInput as exc:
        _bad_input(f"{file}: {exc.detail}")
    _report(check_document_text(text, on=_day(on), review=review), fmt, floor=min_severity)


@app.command("render")
def render_command(
    form: Path,
    out: Annotated[Path, typer.Option("--out", help="Directory for the HTML, DOCX and PDF.")],
    fmt: FormatOpt = OutputFormat.TABLE,
    on: OnOpt = None,
    draft: Annotated[bool, typer.Option(help="Render even when a finding blocks (not for publication).")] = False,
) -> None:
    """Check FORM.json and, if nothing blocks, render it to DIR as HTML, DOCX and PDF with SM3 digests."""
    tender = _load_form(form)
    findings = check_form(tender, on=_day(on))
    if blocking(findings) and not draft:
        _report(findings, fmt, {"files": []})
    try:
        out.mkdir(parents=True, exist_ok=True)
        document = render_document(tender)
        files = []
        for f in document.files():
            (out / f.name).write_bytes(f.content)
            files.append({"name": f.name, "path": str(out / f.name), "size": len(f.content), "sm3": f.sm3})
    except OSError as exc:
        _bad_input(f"cannot write to {out}: {exc.strerror}")
    _report(findings, fmt, {"files": files})


def main() -> None:  # pragma: no cover - for `python -m fairbid.cli.tender`
    app(prog_name="fairbid tender")


if __name__ == "__main__":  # pragma: no cover
    main()
