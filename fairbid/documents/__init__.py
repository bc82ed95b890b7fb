"""Tender documents (招标文件): the form, its facts, rendering to HTML/DOCX/PDF and text extraction; the
award's notices and publicity; the bid files the committee reads (attachment viewing, proposal text, the bill
of quantities 清单); the shipped data (divisions, the holiday calendar)."""

from fairbid.documents.award import (
    RenderedNotice,
    publicity_html,
    render_award_notice,
    render_publicity,
    render_result_announcement,
    render_result_letter,
)
from fairbid.documents.bill import BillItem, BillLimits, BillProblem, InvalidBill, ParsedBill, parse_bill
from fairbid.documents.calendar import load_working_calendar
from fairbid.documents.check import check_form
from fairbid.documents.clause_model import ClauseModel, load_clause_model
from fairbid.documents.extract import ReadLimits, UnreadableFile, extract_text
from fairbid.documents.form import TenderForm, TenderFormInvalid, parse_form, to_facts
from fairbid.documents.glyph import embedded_fonts, missing_glyphs
from fairbid.documents.places import load_gazetteer
from fairbid.documents.proposal import ProposalText, proposal_text
from fairbid.documents.render import (
    RenderedDocument,
    RenderedFile,
    render_document,
    render_html,
)
from fairbid.documents.sample import demo_form, demo_form_json
from fairbid.documents.text_check import check_document_text
from fairbid.documents.viewer import AttachmentView, ViewKind, docx_to_html, view_attachment

__all__ = [
    "AttachmentView",
    "BillItem",
    "BillLimits",
    "BillProblem",
    "ClauseModel",
    "InvalidBill",
    "ParsedBill",
    "ProposalText",
    "ReadLimits",
    "RenderedDocument",
    "RenderedFile",
    "RenderedNotice",
    "TenderForm",
    "TenderFormInvalid",
    "UnreadableFile",
    "ViewKind",
    "check_document_text",
    "check_form",
    "demo_form",
    "demo_form_json",
    "docx_to_html",
    "embedded_fonts",
    "extract_text",
    "load_clause_model",
    "load_gazetteer",
    "load_working_calendar",
    "missing_glyphs",
    "parse_bill",
    "parse_form",
    "proposal_text",
    "publicity_html",
    "render_award_notice",
    "render_document",
    "render_html",
    "render_publicity",
    "render_result_announcement",
    "render_result_letter",
    "to_facts",
    "view_attachment",
]
