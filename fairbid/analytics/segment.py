"""Chinese word segmentation for proposal similarity, with rjieba (the Rust port of jieba).

The domain never segments text itself: services pass ``segment_chinese`` to
``fairbid.domain.collusion.detect_section_signals`` as its ``segment`` argument.
"""

from __future__ import annotations

import rjieba

__all__ = ["segment_chinese"]


def segment_chinese(text: str) -> list[str]:
    """Words of ``text`` (jieba's precise mode), whitespace dropped.

    >>> segment_chinese("本工程质量目标为合格")[:3]
    ['本', '工程质量', '目标']
    """
    return [w for w in rjieba.cut(text) if w.strip()]
