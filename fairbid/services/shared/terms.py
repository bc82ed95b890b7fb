"""The executable terms a section's publication pinned (评标办法固化), and the K they let the beacon draw.

Every context that applies the published terms reads them here, so none can read an edited draft instead.
"""

from __future__ import annotations

from decimal import Decimal

from fairbid.crypto.draw import draw_k
from fairbid.domain.errors import InvalidTransition
from fairbid.domain.section import Section
from fairbid.domain.terms import TenderTerms
from fairbid.ports import UnitOfWork

__all__ = ["drawn_k", "pinned_k_values", "pinned_terms"]


def pinned_terms(uow: UnitOfWork, section: Section) -> TenderTerms:
    """The terms pinned at publication; a section without them cannot be run by the machine."""
    if section.terms_digest is None:
        raise InvalidTransition(
            f"Section {section.code} has no pinned tender terms: it was published before terms were pinned, so its "
            "evaluation cannot be run by the machine."
        )
    return uow.terms.pinned(section.id, section.terms_digest)


def pinned_k_values(uow: UnitOfWork, section: Section) -> tuple[Decimal, ...]:
    """The published set K is drawn from (下浮系数); empty when the section has no pinned terms or no K."""
    if section.terms_digest is None:
        return ()
    return uow.terms.pinned(section.id, section.terms_digest).k_values


def drawn_k(section: Section, k_values: tuple[Decimal, ...]) -> Decimal | None:
    """K drawn from the published set with the section's beacon (the value the opening published)."""
    if not k_values or section.beacon is None:
        return None
    return draw_k(bytes.fromhex(section.beacon), k_values)
