"""The one template root and the one Jinja2 environment: web pages, reports and the tender document.

Templates live under ``fairbid/templates``: ``pages/`` (the web), ``reports/`` (PDF and HTML reports: evaluation
report, opening record, trace, leads) and ``documents/`` (the tender document). Every page and report renders
through ``environment()``: autoescaped, undefined names an error, times shown in Beijing time. ``render_pdf``
turns HTML into PDF with WeasyPrint (a CJK font through fontconfig; ``documents.glyph`` proves none is missing).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

__all__ = ["BEIJING", "TEMPLATE_ROOT", "beijing", "environment", "render", "render_pdf"]

TEMPLATE_ROOT = Path(__file__).parent / "templates"
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")  # China has kept UTC+8 without summer time since 1991


def beijing(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A time as the public reads it: Beijing time (北京时间), ``fmt`` and the zone's name."""
    if value is None:
        return ""
    return f"{value.astimezone(BEIJING).strftime(fmt)} 北京时间"


def _money(value: Decimal) -> str:
    return f"{value:,.2f}元（{value / 10_000:,.4f}万元）"


def _plain(value: Decimal) -> str:
    """A number as people write it: 60, 2.5, 0.95 (no trailing zeros, no exponent)."""
    return format(value.normalize(), "f")


def _cn_datetime(value: datetime) -> str:
    local = value.astimezone(BEIJING)
    return f"{local.year}年{local.month}月{local.day}日{local.hour}时{local.minute:02d}分"


def _cn_date(value: datetime) -> str:
    local = value.astimezone(BEIJING)
    return f"{local.year}年{local.month}月"


@cache
def environment() -> Environment:
    """The platform's Jinja2 environment (one per process)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_ROOT),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(money=_money, plain=_plain, cn_datetime=_cn_datetime, cn_date=_cn_date, beijing=beijing)
    return env


def render(name: str, **context: Any) -> str:
    """Render the template ``name`` (e.g. ``reports/evaluation_report.html``)."""
    return environment().get_template(name).render(**context)


def render_pdf(html: str, *, base: str = "documents") -> bytes:
    """The PDF of a rendered HTML page, fonts subset and embedded (WeasyPrint); relative URLs under ``base``."""
    from weasyprint import HTML  # heavy import, only when a PDF is wanted

    pdf: bytes = HTML(string=html, base_url=str(TEMPLATE_ROOT / base)).write_pdf()
    return pdf
