"""Supervisor pages (行政监督): the collusion leads across tenders as HTML, JSON and PDF, and the dashboard."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

from fairbid.analytics import render_leads_html
from fairbid.api.deps import ClockDep, OptionalActorDep, UowDep
from fairbid.domain.errors import NotFound
from fairbid.services.oversight.supervision import leads_for_supervisor, supervision_overview
from fairbid.templating import render_pdf
from fairbid.web.templating import templates

__all__ = ["router"]

# The dashboard's charts (served as a file: the CSP allows no inline script). Data come from the JSON block
# the page embeds; without plotly.js the page's tables say the same.
_DASHBOARD_JS = """(function () {
  if (typeof Plotly === "undefined") { return; }  // the tables above say the same
  var d = JSON.parse(document.getElementById("overview-data").textContent);
  var codes = d.sections.map(function (s) { return s.code; });
  var layout = function (title) { return {title: {text: title}, margin: {t: 40, b: 80}, barmode: "stack"}; };
  Plotly.newPlot("chart-sections", [
    {type: "bar", name: "strong", x: codes, y: d.sections.map(function (s) { return s.strong; })},
    {type: "bar", name: "other", x: codes, y: d.sections.map(function (s) { return s.signals - s.strong; })}
  ], layout("Warnings per section 各标段预警数"), {displaylogo: false});
  Plotly.newPlot("chart-signals", [{type: "bar", orientation: "h", x: Object.values(d.per_signal),
    y: Object.keys(d.per_signal)}],
    Object.assign(layout("Warnings per signal 各信号预警数"), {yaxis: {automargin: true}}), {displaylogo: false});
  var scored = d.sections.filter(function (s) { return s.risk_score !== null; });
  Plotly.newPlot("chart-risk", [{type: "bar", x: scored.map(function (s) { return s.code; }),
    y: scored.map(function (s) { return s.risk_score; }),
    text: scored.map(function (s) { return s.risk_level; })}],
    Object.assign(layout("Screen-based risk score 统计筛查风险分"), {yaxis: {range: [0, 1]}, shapes: [
      {type: "line", xref: "paper", x0: 0, x1: 1, y0: 0.5, y1: 0.5, line: {dash: "dot"}},
      {type: "line", xref: "paper", x0: 0, x1: 1, y0: 0.7, y1: 0.7, line: {dash: "dash"}}]}), {displaylogo: false});
})();
"""

router = APIRouter(include_in_schema=False)


@router.get("/supervision/leads", response_class=HTMLResponse)
def leads_page(uow: UowDep, clock: ClockDep, actor: OptionalActorDep) -> HTMLResponse:
    return HTMLResponse(render_leads_html(leads_for_supervisor(uow=uow, clock=clock, actor=actor)))


@router.get("/supervision/leads.json")
def leads_json(uow: UowDep, clock: ClockDep, actor: OptionalActorDep) -> JSONResponse:
    return JSONResponse(leads_for_supervisor(uow=uow, clock=clock, actor=actor))


@router.get("/supervision/leads.pdf")
def leads_pdf(uow: UowDep, clock: ClockDep, actor: OptionalActorDep) -> Response:
    html = render_leads_html(leads_for_supervisor(uow=uow, clock=clock, actor=actor))
    return Response(
        render_pdf(html),
        media_type="application/pdf",
        headers={"Content-Disposition": 'inline; filename="collusion-leads.pdf"'},
    )


@router.get("/supervision", response_class=HTMLResponse)
def dashboard(request: Request, uow: UowDep, actor: OptionalActorDep) -> Any:
    overview = supervision_overview(uow=uow, actor=actor)
    return templates.TemplateResponse(request, "pages/supervision.html", {"o": overview})


@router.get("/static/plotly.min.js")
def plotly_js() -> FileResponse:
    """plotly.js as bundled in the installed ``plotly`` wheel (never a CDN); 404 when plotly is not installed."""
    spec = find_spec("plotly")
    path = Path(spec.origin).parent / "package_data" / "plotly.min.js" if spec and spec.origin else None
    if path is None or not path.is_file():
        raise NotFound("plotly.js is not installed; the dashboard shows its tables only.")
    return FileResponse(path, media_type="text/javascript", headers={"Cache-Control": "public, max-age=86400"})


@router.get("/supervision/dashboard.js")
def dashboard_js() -> Response:
    return Response(_DASHBOARD_JS, media_type="text/javascript")
