"""Rendering the complete tender document from the form: HTML preview, DOCX and PDF, each with its SM3.

The templates follow the national standard texts (标准施工招标文件): 招标公告, 投标人须知 and 前附表,
评标办法, 合同条款及格式, 工程量清单, 图纸, 技术标准和要求, 投标文件格式. The PDF embeds a CJK font
(WenQuanYi Micro Hei or Noto CJK through fontconfig); ``glyph.missing_glyphs`` proves none is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from fairbid.crypto.digest import sm3_hex
from fairbid.documents.form import SecurityForm, TenderForm, to_terms
from fairbid.documents.word import html_to_docx
from fairbid.domain.rules import ProjectType
from fairbid.domain.terms import wording
from fairbid.templating import render, render_pdf

__all__ = ["RenderedDocument", "RenderedFile", "render_document", "render_html"]

_FORM_NAMES = {
    SecurityForm.CASH: "现金（从基本账户转出）",
    SecurityForm.CHEQUE: "支票",
    SecurityForm.BANK_GUARANTEE: "银行保函",
    SecurityForm.E_GUARANTEE: "电子保函",
    SecurityForm.INSURANCE: "保证保险",
}


@dataclass(frozen=True, slots=True)
class RenderedFile:
    """One rendered version: file name, media type, bytes and their SM3 (lower-case hex) for the ledger."""

    name: str
    media_type: str
    content: bytes
    sm3: str


@dataclass(frozen=True, slots=True)
class RenderedDocument:
    """The HTML preview, DOCX and PDF of one version of a tender document."""

    html: RenderedFile
    docx: RenderedFile
    pdf: RenderedFile

    def files(self) -> tuple[RenderedFile, ...]:
        """All three files, HTML first."""
        return (self.html, self.docx, self.pdf)


def _security_forms(forms: list[SecurityForm]) -> str:
    return "、".join(_FORM_NAMES[f] for f in forms) or "不限"


_NUMERALS = "一二三四五六七八九十"
_KINDS = {
    ProjectType.WORKS: ("施工", "《标准施工招标文件》（2007年版）第四章第一节"),
    ProjectType.GOODS: ("货物采购", "《标准设备采购招标文件》（2017年版）第四章第一节"),
    ProjectType.SERVICES: ("服务", "国家发展改革委等部门发布的相应标准招标文件中的"),
}


def _chapters(form: TenderForm) -> dict[str, str]:
    """Chapter numbers as in the standard texts; works have drawings (图纸), goods and services do not."""
    names = ["notice", "instructions", "evaluation", "contract", "requirements"]
    names += ["drawings"] if form.project_type is ProjectType.WORKS else []
    names += ["technical", "formats"]
    return {name: f"第{_NUMERALS[n]}章" for n, name in enumerate(names)}


def render_html(form: TenderForm) -> str:
    """The complete tender document as one HTML page (the preview, and the source of DOCX and PDF)."""
    kind, standard_text = _KINDS[form.project_type]
    return render(
        "documents/tender.html.j2",
        f=form,
        t=to_terms(form),
        wording=wording,
        role_names={s.code: s.role for s in form.qualification.key_staff},
        ch=_chapters(form),
        kind=kind,
        standard_text=standard_text,
        security_forms=_security_forms,
    )


def _file(name: str, media_type: str, content: bytes) -> RenderedFile:
    return RenderedFile(name, media_type, content, sm3_hex(content))


def render_document(form: TenderForm, *, stem: str | None = None) -> RenderedDocument:
    """Render HTML, DOCX and PDF of ``form``; each file carries its SM3 digest for the ledger."""
    base = stem or form.section.code
    html = render_html(form)
    return RenderedDocument(
        html=_file(f"{base}.html", "text/html; charset=utf-8", html.encode("utf-8")),
        docx=_file(
            f"{base}.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            html_to_docx(html),
        ),
        pdf=_file(f"{base}.pdf", "application/pdf", render_pdf(html)),
    )
