"""Shared fixtures for the tender-document tests: the demo form, rendered once per session."""

from __future__ import annotations

import pytest

from fairbid.documents import RenderedDocument, TenderForm, demo_form, render_document


@pytest.fixture(scope="session")
def form() -> TenderForm:
    return demo_form()


@pytest.fixture(scope="session")
def rendered(form: TenderForm) -> RenderedDocument:
    return render_document(form)
