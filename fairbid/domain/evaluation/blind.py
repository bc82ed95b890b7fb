"""Blind technical proposals (暗标): a code instead of the bidder's name, and identity markers in the text.

When the tender document asks for a blind technical part (技术标暗标), the committee reads each proposal
under a code drawn from the beacon, and any mark that gives the bidder away is a review failure. The
platform searches the proposal's text for the bidder's identity facts from its bid form and registration:
company names and short forms (简称), the unified social credit code (and the organisation code inside it,
GB 32100-2015 positions 9–17), and staff names.

Search is on a normalised text: NFKC (full-width ``９１４３`` → ``9143``), case-folded, with whitespace,
invisible format characters and typographic spacers (``·•・-_~*|/.``) removed, so ``某 某 公 司`` and
``某·某·公·司`` match ``某某公司``; spans point back into the original text. CJK punctuation (，、。) is
kept, so words on both sides of a comma do not join. ASCII facts must stand alone in the original text
(no letter or digit right next to them). Facts too short to search safely, generic words, and facts that
appear in ``common_text`` (the tender document, which every bidder may quote) are not searched and are
listed in ``ignored``.

Which item of 条例 第五十一条: a mark of identity in a blind part breaks the tender document's substantive
format requirement, read here as 条例 第五十一条第（六）项 (没有对招标文件的实质性要求和条件作出响应) [U]:
the tender document must state the blind rule and that a breach is a ground for rejection. The machine
finds the marks; the committee confirms or disputes the failure like any machine check (条例 第四十九条).
The failure's ``reason`` names kinds and positions only, never the fact itself, so the report does not
unblind the bid.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from fairbid.domain.errors import InvalidInput
from fairbid.domain.evaluation.review import CheckKind, CheckResult
from fairbid.domain.expert.model import RandomStream

__all__ = [
    "BLIND_CHECK_ID",
    "BLIND_CITATION",
    "GENERIC_WORDS",
    "BidderIdentity",
    "BlindReview",
    "IdentityMarker",
    "MarkerKind",
    "assign_blind_codes",
    "find_identity_markers",
    "normalise_for_search",
    "review_blind_proposal",
]

BLIND_CHECK_ID = "blind_identity"
BLIND_CITATION = "条例 第五十一条 (六); 招标文件 技术标暗标编制要求"
_SPACERS = frozenset("·•・‧∙⋅‐‑‒–—―-_~*|/\\.")
_LEGAL_SUFFIXES = ("股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "集团公司", "公司", "集团")
_MIN_CJK = 3  # company short forms and other facts: at least 3 CJK characters
_MIN_ASCII = 4
GENERIC_WORDS = frozenset(
    {
        "建设", "建筑", "建工", "工程", "施工", "集团", "公司", "有限公司", "项目", "管理", "技术", "质量", "安全",
        "中国", "中华", "国际", "实业", "发展", "投资", "科技", "路桥", "交通", "水利", "电力", "市政", "园林",
        "环境", "装饰", "安装", "设计", "监理", "咨询", "工程有限公司", "建设有限公司", "建设工程", "建筑工程",
        "文明", "高明", "金山", "平安", "永安", "长城", "东方", "华夏", "中建", "中铁", "中交",
    }
)  # fmt: skip


class MarkerKind(StrEnum):
    """What kind of identity fact was found."""

    COMPANY_NAME = "company_name"
    CREDIT_CODE = "credit_code"
    ORGANISATION_CODE = "organisation_code"
    STAFF_NAME = "staff_name"
    OTHER = "other"


_KIND_WORDS = {
    MarkerKind.COMPANY_NAME: "company name",
    MarkerKind.CREDIT_CODE: "credit code",
    MarkerKind.ORGANISATION_CODE: "organisation code",
    MarkerKind.STAFF_NAME: "staff name",
    MarkerKind.OTHER: "other identity mark",
}


@dataclass(frozen=True, slots=True)
class BidderIdentity:
    """A bidder's identity facts: names and short forms, credit code, staff names, anything else stated."""

    company_names: tuple[str, ...]
    credit_code: str | None = None
    staff_names: tuple[str, ...] = ()
    other: tuple[str, ...] = ()  # e.g. a trademark or the bid form's contact phone


@dataclass(frozen=True, slots=True)
class IdentityMarker:
    """One place where the proposal shows an identity fact; ``start``/``end`` index the original text."""

    kind: MarkerKind
    fact: str  # the fact, normalised
    found: str  # the text as written (spaces and spacers included)
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class BlindReview:
    """The blind check of one proposal: its code, the markers found, and the facts not searched."""

    bid_id: str
    code: str
    markers: tuple[IdentityMarker, ...]
    ignored: tuple[tuple[str, str], ...]  # (fact, why it was not searched)

    @property
    def passed(self) -> bool:
        """True when no identity marker was found."""
        return not self.markers

    def as_check(self) -> CheckResult:
        """The machine check for the bid's review (formal stage), for the committee to confirm or dispute."""
        if self.passed:
            reason = f"No identity marker found in the blind technical proposal {self.code}."
        else:
            reason = f"The blind technical proposal {self.code} shows the bidder's identity: {self.summary()}."
        return CheckResult(BLIND_CHECK_ID, CheckKind.FORMAL, self.passed, reason, BLIND_CITATION)

    def summary(self) -> str:
        """Kinds and character positions of the markers, without the facts (the report must not unblind)."""
        parts = []
        for kind in MarkerKind:
            spans = [f"{m.start}–{m.end}" for m in self.markers if m.kind is kind]
            if spans:
                shown = ", ".join(spans[:5]) + (f" and {len(spans) - 5} more" if len(spans) > 5 else "")
                parts.append(f"{_KIND_WORDS[kind]} ×{len(spans)} (characters {shown})")
        return "; ".join(parts)


def _fold(ch: str) -> str:
    if ch.isspace() or ch in _SPACERS or unicodedata.category(ch) in ("Cf", "Cc", "Zs", "Zl", "Zp"):
        return ""
    folded = unicodedata.normalize("NFKC", ch).casefold()
    return "".join(c for c in folded if not c.isspace() and c not in _SPACERS)


def normalise_for_search(text: str) -> tuple[str, tuple[int, ...]]:
    """The search form of ``text`` and, for each of its characters, the index in ``text`` it came from.

    >>> normalise_for_search("某 某·公司９１")[0]
    '某某公司91'
    """
    out: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        for folded in _fold(ch):
            out.append(folded)
            origin.append(index)
    return "".join(out), tuple(origin)


def _key(fact: str) -> str:
    return normalise_for_search(fact)[0]


def _short_forms(name: str) -> list[str]:
    forms = []
    core = name.strip()
    for suffix in _LEGAL_SUFFIXES:
        if core.endswith(suffix) and len(core) > len(suffix):
            core = core.removesuffix(suffix)
            forms.append(core)
    return forms


def _facts(identity: BidderIdentity) -> list[tuple[MarkerKind, str, int]]:
    """(kind, fact, minimum CJK length) for every fact to search."""
    facts: list[tuple[MarkerKind, str, int]] = []
    for name in identity.company_names:
        facts.append((MarkerKind.COMPANY_NAME, name, _MIN_CJK))
        facts += [(MarkerKind.COMPANY_NAME, form, _MIN_CJK + 1) for form in _short_forms(name)]
    if identity.credit_code:
        code = _key(identity.credit_code)
        if len(code) != 18:
            raise InvalidInput(f"A credit code has 18 characters, not {len(code)}.", field="credit_code")
        facts.append((MarkerKind.CREDIT_CODE, code, 18))
        facts.append((MarkerKind.ORGANISATION_CODE, code[8:17], 9))
    facts += [(MarkerKind.STAFF_NAME, name, 2) for name in identity.staff_names]
    facts += [(MarkerKind.OTHER, fact, _MIN_CJK) for fact in identity.other]
    return facts


def _why_not(key: str, minimum: int, common: str) -> str | None:
    if not key:
        return "empty"
    if key in GENERIC_WORDS or any(key == _key(suffix) for suffix in _LEGAL_SUFFIXES):
        return "a generic word"
    if len(key) < (_MIN_ASCII if key.isascii() else minimum):
        return "too short to search without false matches"
    if common and key in common:
        return "it appears in the tender document"
    return None


def _standalone(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


def find_identity_markers(
    text: str, identity: BidderIdentity, *, common_text: str = ""
) -> tuple[tuple[IdentityMarker, ...], tuple[tuple[str, str], ...]]:
    """Every place ``text`` shows one of the bidder's identity facts, and the facts not searched (with why).

    Overlapping matches keep the longest (a full name wins over its short form). Markers are in text order.
    """
    norm, origin = normalise_for_search(text)
    common = _key(common_text) if common_text else ""
    found: list[tuple[int, int, MarkerKind, str]] = []
    ignored: dict[str, str] = {}
    searched: set[str] = set()
    for kind, fact, minimum in _facts(identity):
        key = _key(fact)
        why = _why_not(key, minimum, common)
        if why is not None:
            ignored.setdefault(fact.strip() or "(empty)", why)
            continue
        if key in searched:
            continue
        searched.add(key)
        at = norm.find(key)
        while at >= 0:
            if not key.isascii() or _standalone(text, origin[at], origin[at + len(key) - 1] + 1):
                found.append((at, at + len(key), kind, key))
            at = norm.find(key, at + 1)
    markers: list[IdentityMarker] = []
    taken_until = -1
    for start, end, kind, key in sorted(found, key=lambda f: (f[0], -(f[1] - f[0]))):
        if start < taken_until:
            continue
        taken_until = end
        first, last = origin[start], origin[end - 1] + 1
        markers.append(IdentityMarker(kind, key, text[first:last], first, last))
    return tuple(markers), tuple(sorted(ignored.items()))


def review_blind_proposal(
    bid_id: str, code: str, text: str, identity: BidderIdentity, *, common_text: str = ""
) -> BlindReview:
    """Search one blind proposal for its bidder's identity (条例 第五十一条第（六）项 [U]; see the module)."""
    markers, ignored = find_identity_markers(text, identity, common_text=common_text)
    return BlindReview(bid_id, code, markers, ignored)


def assign_blind_codes(bid_ids: Iterable[str], stream: RandomStream, *, prefix: str = "暗标") -> dict[str, str]:
    """A code for each bid (``暗标01``, ``暗标02``…) in an order drawn from the beacon stream.

    The ids are sorted first, then shuffled by Fisher–Yates with ``stream.below``, so anyone holding the
    beacon can recompute the codes; give this draw its own stream label (e.g. ``blind:<section>``).
    """
    ordered: Sequence[str] = sorted(set(bid_ids))
    shuffled = list(ordered)
    for i in range(len(shuffled) - 1):
        j = i + stream.below(len(shuffled) - i)
        shuffled[i], shuffled[j] = shuffled[j], shuffled[i]
    width = max(2, len(str(len(shuffled))))
    return {bid: f"{prefix}{n:0{width}d}" for n, bid in enumerate(shuffled, start=1)}
