"""The one template root and the one Jinja2 environment: web pages, reports and the tender document.

Templates live under ``fairbid/templates``: ``pages/`` (the web), ``reports/`` (PDF and HTML reports: evaluation
report, opening record, trace, leads) and ``documents/`` (the tender document). Every page and report renders
through ``environment()``: autoescaped, undefined names an error, times shown in Beijing time. ``render_pdf``
turns HTML into PDF with WeasyPrint (a CJK font through fontconfig; ``documents.glyph`` proves none is missing).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from fairbid.domain.calendar import BEIJING
from fairbid.domain.evaluation import format_chinese_amount

__all__ = ["BEIJING", "TEMPLATE_ROOT", "beijing", "environment", "render", "render_pdf"]

TEMPLATE_ROOT = Path(__file__).parent / "templates"


def beijing(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A time as the public reads it: Beijing time (北京时间), ``fmt`` and the zone's name."""
    if value is None:
        return ""
    return f"{value.astimezone(BEIJING).strftime(fmt)} 北京时间"


def _money(value: Decimal) -> str:
    return f"{value:,.2f}元（{value / 10_000:,.4f}万元）"


def _money_in_words(value: Decimal) -> str:
    """An amount as a notice states it: figures and 大写 (人民币…元整)."""
    return f"{value:,.2f}元（大写：人民币{format_chinese_amount(value)}）"


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}元"


def _cn_deadline(value: datetime) -> str:
    """A period's end as the law writes it: midnight is 24时 of the day before (民法典 第二百零三条)."""
    local = value.astimezone(BEIJING)
    if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        day = (local - timedelta(days=1)).date()
        return f"{day.year}年{day.month}月{day.day}日24时00分"
    return _cn_datetime(value)


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
    env.filters.update(
        money=_money,
        money_in_words=_money_in_words,
        yuan=_yuan,
        plain=_plain,
        cn_datetime=_cn_datetime,
        cn_deadline=_cn_deadline,
        cn_date=_cn_date,
        beijing=beijing,
    )
    return env


def render(name: str, **context: Any) -> str:
    """Render the template ``name`` (e.g. ``reports/evaluation_report.html``)."""
    return environment().get_template(name).render(**context)


def render_pdf(html: str, *, base: str = "documents") -> bytes:
    """The PDF of a rendered HTML page, fonts subset and embedded (WeasyPrint); relative URLs under ``base``."""
    from weasyprint import HTML  # heavy import, only when a PDF is wanted

    pdf: bytes = HTML(string=html, base_url=str(TEMPLATE_ROOT / base)).write_pdf()
    return pdf
