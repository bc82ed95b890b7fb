"""The award's documents: the 中标通知书, the 中标结果通知书 to the other bidders, the 中标结果公告 (HTML and
PDF, each with its SM3 for the ledger), and the candidates' publicity (公示) as HTML for the public page.

They render exactly the domain's values (``domain.award.notice`` and ``domain.award.publicity``). Every
time is shown in Beijing time; a deadline that is the first instant of a day (the end of a period) is shown
as 24:00 of the day before, the way 民法典 第二百零三条 says it ends. PDFs embed the CJK font as the tender
document does (``templating.render_pdf``); ``glyph.missing_glyphs`` proves no character is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from fairbid.crypto.digest import sm3_hex
from fairbid.documents.render import RenderedFile
from fairbid.domain.award import AwardNotice, CandidatePublicity, ResultAnnouncement, ResultLetter, ScoreLine
from fairbid.templating import render, render_pdf

__all__ = [
    "RenderedNotice",
    "publicity_html",
    "render_award_notice",
    "render_publicity",
    "render_result_announcement",
    "render_result_letter",
]


@dataclass(frozen=True, slots=True)
class RenderedNotice:
    """One notice as HTML and PDF, each with its SM3 (lower-case hex)."""

    html: RenderedFile
    pdf: RenderedFile

    def files(self) -> tuple[RenderedFile, ...]:
        return (self.html, self.pdf)


def _file(name: str, media_type: str, content: bytes) -> RenderedFile:
    return RenderedFile(name, media_type, content, sm3_hex(content))


def _notice(template: str, stem: str, **values: object) -> RenderedNotice:
    html = render(f"documents/{template}", **values)
    return RenderedNotice(
        _file(f"{stem}.html", "text/html; charset=utf-8", html.encode("utf-8")),
        _file(f"{stem}.pdf", "application/pdf", render_pdf(html)),
    )


def render_award_notice(notice: AwardNotice) -> RenderedNotice:
    """The 中标通知书 (招标投标法 第四十五条、第四十六条) as HTML and PDF."""
    return _notice("award_notice.html.j2", f"{notice.section_code}-award-notice", n=notice)


def render_result_letter(letter: ResultLetter) -> RenderedNotice:
    """The result letter to a bidder that did not win (招标投标法 第四十五条第一款)."""
    return _notice("result_letter.html.j2", f"{letter.section_code}-result-{letter.bidder_id}", l=letter)


def render_result_announcement(announcement: ResultAnnouncement) -> RenderedNotice:
    """The 中标结果公告 as HTML and PDF."""
    return _notice("result_announcement.html.j2", f"{announcement.section_code}-result", a=announcement)


def _items(publicity: CandidatePublicity) -> list[str]:
    seen: list[str] = []
    for line in publicity.evaluation.lines:
        seen += [name for name, _ in line.items if name not in seen]
    return seen


def _line_item(line: ScoreLine, item: str) -> str:
    return next((str(score) for name, score in line.items if name == item), "—")


def _publicity_values(publicity: CandidatePublicity) -> dict[str, object]:
    return {
        "p": publicity,
        "items": _items(publicity),
        "line_item": _line_item,
        "has_scores": any(c.score is not None for c in publicity.candidates),
    }


def publicity_html(publicity: CandidatePublicity) -> str:
    """The publicity's contents (国家发展改革委令第10号 第六条) as an HTML ``<section>`` for the public page."""
    return render("documents/publicity.html.j2", **_publicity_values(publicity))


def render_publicity(publicity: CandidatePublicity) -> RenderedFile:
    """The publicity as a whole HTML page with its SM3, to pin in the ledger what was publicised."""
    page = render("documents/publicity_page.html.j2", **_publicity_values(publicity))
    return _file(f"{publicity.section_code}-publicity.html", "text/html; charset=utf-8", page.encode("utf-8"))
