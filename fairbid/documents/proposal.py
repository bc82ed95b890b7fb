"""The technical proposal's text from a bid's attachments, for proposal similarity (条例 第四十条第（四）项)
and the blind-proposal check (暗标).

``proposal_text`` reads each attachment that can hold prose (.txt/.md, .docx, text PDF) with the bounds of
``ReadLimits``, in name order, up to a total character budget, and never raises for a file's content: a
file that cannot be read is listed in ``skipped`` with the reason, for the committee to see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

from fairbid.documents.extract import ReadLimits, UnreadableFile, extract_text

__all__ = ["PROPOSAL_SUFFIXES", "ProposalText", "proposal_text"]

PROPOSAL_SUFFIXES = (".txt", ".text", ".md", ".docx", ".pdf")
MAX_PROPOSAL_CHARS = 1_000_000  # per bid: ≈ 500 pages of Chinese; bounds the similarity screen's time


@dataclass(frozen=True, slots=True)
class ProposalText:
    """The text read, which files it came from, which were skipped and why, and whether it was cut."""

    text: str
    read: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]  # (file name, reason)
    truncated: bool

    @property
    def is_empty(self) -> bool:
        """True when no prose could be read (the similarity screen then skips this bid)."""
        return not self.text.strip()


def proposal_text(
    files: Iterable[tuple[str, bytes]],
    *,
    max_chars: int = MAX_PROPOSAL_CHARS,
    limits: ReadLimits | None = None,
) -> ProposalText:
    """The prose of a bid's attachments given as ``(file name, bytes)``, joined in name order.

    Files of other types (.xlsx bills, images) are skipped silently; prose files that cannot be read are
    listed in ``skipped``. Reading stops at ``max_chars`` (``truncated`` is then True).
    """
    limits = limits or ReadLimits()
    parts: list[str] = []
    read: list[str] = []
    skipped: list[tuple[str, str]] = []
    used = 0
    truncated = False
    for name, data in sorted(files, key=lambda f: f[0]):
        if not name.lower().endswith(PROPOSAL_SUFFIXES):
            continue
        if used >= max_chars:
            truncated = True
            skipped.append((name, f"the proposal text budget of {max_chars:,} characters was used up"))
            continue
        try:
            text = extract_text(data, filename=PurePath(name).name, limits=limits)
        except UnreadableFile as exc:
            skipped.append((name, exc.detail))
            continue
        if used + len(text) > max_chars:
            text = text[: max_chars - used]
            truncated = True
        parts.append(text)
        read.append(name)
        used += len(text)
    return ProposalText("\n".join(parts), tuple(read), tuple(skipped), truncated)
