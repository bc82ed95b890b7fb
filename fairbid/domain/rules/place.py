"""Place names for the text rules (行政区划): China's divisions as data, found in text by one pass.

The divisions come in as data (GB/T 2260 names with their short forms and levels, loaded outside the
domain by ``fairbid.documents.load_gazetteer``). ``Gazetteer.mask`` replaces every named place in a text
with as many ``PLACE_MARK`` characters, so the rules read "长沙市设有分公司" as "<place>设有分公司" while
spans still index the original text.

Which names are searched: every full name (长沙市, 浏阳市, 湘西土家族苗族自治州); the short forms of
provinces and prefectures (湖南, 长沙, 湘西); county short forms only from three characters (张家港),
since two-character ones are too often ordinary words (东方, 长安, 和平). A few prefecture short forms
that are mostly something else (阿里 as in 阿里云, 普洱 as in 普洱茶) are searched only in full.

>>> g = gazetteer([Division("430100", "长沙市", "长沙", Level.PREFECTURE)])
>>> g.mask("须在长沙设有分公司") == "须在" + PLACE_MARK * 2 + "设有分公司"
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["PLACE_MARK", "Division", "Gazetteer", "Level", "gazetteer"]

PLACE_MARK = "\ue000"  # a private-use character: never in a real document
_MOSTLY_SOMETHING_ELSE = frozenset({"阿里", "普洱"})
_NOT_A_PLACE_AFTER = re.compile(r"时间|时区")  # 北京时间 is a time, not a place


class Level(StrEnum):
    """The level of a division: 省级, 地级, 县级."""

    PROVINCE = "province"
    PREFECTURE = "prefecture"
    COUNTY = "county"


@dataclass(frozen=True, slots=True)
class Division:
    """One administrative division: GB/T 2260 code, full name, short form and level."""

    code: str
    name: str
    short: str
    level: Level


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """The place names to find in text: a set looked up at positions whose first two characters start one.

    A regex alternation of 3,000 names costs ~0.7 s per 450,000 characters in ``re`` (and ~1 s to
    compile); the two-character prefix set skips almost every position, ~0.1 s for the same text.
    """

    divisions: tuple[Division, ...]
    names: frozenset[str]
    prefixes: frozenset[str]
    longest: int

    def spans(self, text: str) -> list[tuple[int, int]]:
        """``[start, end)`` of every place name in ``text``, longest match first, left to right."""
        found: list[tuple[int, int]] = []
        names, prefixes, longest = self.names, self.prefixes, self.longest
        i, n = 0, len(text)
        while i < n - 1:
            if text[i : i + 2] not in prefixes:
                i += 1
                continue
            for size in range(min(longest, n - i), 1, -1):
                if text[i : i + size] in names and not _NOT_A_PLACE_AFTER.match(text, i + size):
                    found.append((i, i + size))
                    i += size
                    break
            else:
                i += 1
        return found

    def mask(self, text: str) -> str:
        """``text`` with every place name replaced by as many ``PLACE_MARK`` characters."""
        spans = self.spans(text)
        if not spans:
            return text
        parts: list[str] = []
        last = 0
        for start, end in spans:
            parts.append(text[last:start])
            parts.append(PLACE_MARK * (end - start))
            last = end
        parts.append(text[last:])
        return "".join(parts)


def _searched_names(d: Division) -> Iterable[str]:
    yield d.name
    if d.short == d.name or d.short in _MOSTLY_SOMETHING_ELSE:
        return
    if d.level is not Level.COUNTY or len(d.short) >= 3:
        yield d.short


def gazetteer(divisions: Iterable[Division]) -> Gazetteer:
    """The gazetteer of ``divisions``; names shorter than two characters are ignored."""
    kept = tuple(divisions)
    names = frozenset(n for d in kept for n in _searched_names(d) if len(n) >= 2)
    return Gazetteer(kept, names, frozenset(n[:2] for n in names), max((len(n) for n in names), default=0))
