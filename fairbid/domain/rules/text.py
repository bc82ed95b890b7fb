"""The text matcher: runs pattern rules over free text, skipping negations, quoted law and exemptions.

Wording varies, so each rule is a pattern plus two sentence-level filters: ``context`` (the sentence must
also say this, e.g. a requirement verb or "得2分" in the next clause) and ``exempt`` (the sentence must not
say this, e.g. "或相当于").
Across all rules a match is dropped when

- a prohibition precedes it in its clause (不得要求投标人在本地设立分支机构) or a disclaimer follows it
  (本地业绩不作为加分条件), unless a 非/外 right before the match turns the disclaimer round;
- it sits inside a quotation introduced by a law reference, or its sentence cites a law and judges
  (《实施条例》第三十二条规定…属于以不合理条件限制、排斥潜在投标人): quoting the law is not breaking it;
- its sentence promises equal treatment (对外地企业与本地企业一视同仁).

Each rule also names ``anchor`` literals that every match contains; only sentences holding one are
searched, which keeps a 300-page document under half a second of CPU.

Place names: ``scan`` may be given the text with every named place masked (``Gazetteer.mask``, same
length); the rules then match on the masked text and every span and clause quotes the original.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace

from fairbid.domain.rules.finding import Finding, Rule, Span

__all__ = ["TextRule", "scan"]

_CLAUSE_BREAK = re.compile(r"[，,；;。！？!?：:\n]")
_SENTENCE_BREAK = re.compile(r"[。！？!?\n]")
_NEGATION_BEFORE = re.compile(
    r"不得|不应|不能|不可|禁止|严禁|不要求|无需|无须|不需要?|不必|不设|不以|不将|取消|杜绝|避免|防止|不再|并非|不含|不属于"
    r"|未设置?|未要求|没有要求|未作"
)
_NEGATION_AFTER = re.compile(
    r"^[^，,；;。\n]{0,14}?(?:不作为|不得作为|不予(?!计分|得分|认可)|不计入|不加分|不作要求|不做要求|不作限制|不做限制|不受限制|均可)"
)
_EQUAL_TREATMENT = re.compile(r"一视同仁|同等对待|平等对待|平等参与|同等认可")
_INVERTER = re.compile(r"(?:非|外|以外)$")
_LAW_REF = re.compile(
    r"《[^》\n]{2,40}(?:法|条例|规则|办法|规定|意见|通知|细则)》|第[一二三四五六七八九十百零〇0-9]+条|〔20\d\d〕\d+号"
)
_LAW_JUDGEMENT = re.compile(r"属于|情形|以不合理条件|限制、排斥|排斥潜在|不得|禁止|严禁|违反")
_QUOTE = re.compile(r"[“\"「]([^”\"」]{1,3000})[”\"」]")
_QUOTE_INTRO = re.compile(r"《[^》]+》|第[一二三四五六七八九十百零〇0-9]+条|规定|明确")


@dataclass(frozen=True, slots=True)
class TextRule:
    """A catalog rule checked over text: a pattern, clause filters and the message for the drafter."""

    rule: Rule
    pattern: re.Pattern[str]
    message: str
    context: re.Pattern[str] | None = None
    exempt: re.Pattern[str] | None = None
    anchor: re.Pattern[str] | None = None  # literals every match contains: a fast prefilter
    note: Callable[[str], str] | None = None  # adds what the matched text names (e.g. the abolishing act)


class _Layout:
    """Clause and sentence boundaries and law quotations of one text, computed once.

    ``text`` is what the rules match (place names masked); ``original`` is what spans quote.
    """

    def __init__(self, text: str, original: str) -> None:
        self.text = text
        self.original = original
        self.clause_breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text)]
        self.sentence_breaks = [m.start() for m in _SENTENCE_BREAK.finditer(text)]
        self.quotes: list[tuple[int, int]] = []
        for m in _QUOTE.finditer(text):
            intro = text[max(0, m.start() - 40) : m.start()]
            if _QUOTE_INTRO.search(intro):
                self.quotes.append((m.start(), m.end()))
        self._quote_starts = [q[0] for q in self.quotes]

    @staticmethod
    def _around(breaks: list[int], start: int, end: int, length: int) -> tuple[int, int]:
        i = bisect_left(breaks, start)
        left = breaks[i - 1] + 1 if i > 0 else 0
        j = bisect_right(breaks, end - 1)
        right = breaks[j] if j < len(breaks) else length
        return left, right

    def clause(self, start: int, end: int) -> tuple[int, int]:
        return self._around(self.clause_breaks, start, end, len(self.text))

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        return self._around(self.sentence_breaks, start, end, len(self.text))

    def windows(self, anchor: re.Pattern[str] | None) -> list[tuple[int, int]]:
        """The sentences holding an anchor hit (the whole text without an anchor), merged in order."""
        if anchor is None:
            return [(0, len(self.text))]
        spans: list[tuple[int, int]] = []
        pos, text = 0, self.text
        while (m := anchor.search(text, pos)) is not None:
            window = self.sentence(m.start(), m.end())
            spans.append(window)
            pos = max(window[1], m.end())  # the next sentence: one search per sentence, not per hit
        return spans

    def in_law_quote(self, start: int) -> bool:
        i = bisect_right(self._quote_starts, start) - 1
        return i >= 0 and self.quotes[i][0] < start < self.quotes[i][1]


def _negated(layout: _Layout, start: int, end: int) -> bool:
    left, right = layout.clause(start, end)
    before = layout.text[left:start]
    if _NEGATION_BEFORE.search(before):
        return True
    return not _INVERTER.search(before) and _NEGATION_AFTER.search(layout.text[end:right]) is not None


def _equal_treatment(layout: _Layout, start: int, end: int) -> bool:
    left, right = layout.sentence(start, end)
    return _EQUAL_TREATMENT.search(layout.text[left:right]) is not None


def _quoted_law(layout: _Layout, start: int, end: int) -> bool:
    if layout.in_law_quote(start):
        return True
    left, right = layout.sentence(start, end)
    sentence = layout.text[left:right]
    return _LAW_REF.search(sentence) is not None and _LAW_JUDGEMENT.search(sentence) is not None


def _candidates(rule: TextRule, layout: _Layout) -> Iterator[re.Match[str]]:
    for left, right in layout.windows(rule.anchor):
        yield from rule.pattern.finditer(layout.text, left, right)


def _clause_span(layout: _Layout, start: int, end: int) -> Span:
    """The sentence around a match, without surrounding white space, quoting the original text."""
    left, right = layout.sentence(start, end)
    raw = layout.original[left:right]
    lead = len(raw) - len(raw.lstrip())
    body = raw.strip()
    return Span(left + lead, left + lead + len(body), body)


def _matches(rule: TextRule, layout: _Layout) -> Iterator[Finding]:
    """Kept matches of one rule; matches in the same clause merge into one finding spanning them."""
    text = layout.text
    original = layout.original
    pending: Finding | None = None
    pending_clause = (-1, -1)
    for m in _candidates(rule, layout):
        start, end = m.span()
        if start == end:
            continue
        left, right = layout.clause(start, end)
        s_left, s_right = layout.sentence(start, end)
        sentence = text[s_left:s_right]
        if rule.context is not None and not rule.context.search(sentence):
            continue
        if rule.exempt is not None and rule.exempt.search(sentence):
            continue
        if _negated(layout, start, end) or _quoted_law(layout, start, end) or _equal_treatment(layout, start, end):
            continue
        if pending is not None and pending.span is not None and pending_clause == (left, right):
            first = pending.span.start
            last = max(end, pending.span.end)
            pending = replace(pending, span=Span(first, last, original[first:last]))
            continue
        if pending is not None:
            yield pending
        matched = original[start:end]
        message = rule.message if rule.note is None else f"{rule.message}{rule.note(text[start:end])}"
        pending, pending_clause = (
            Finding(
                rule=rule.rule.id,
                severity=rule.rule.severity,
                citation=rule.rule.citation,
                message=message,
                span=Span(start, end, matched),
                clause=_clause_span(layout, start, end),
            ),
            (left, right),
        )
    if pending is not None:
        yield pending


def scan(text: str, rules: Iterable[TextRule], *, masked: str | None = None) -> list[Finding]:
    """Every finding of ``rules`` over ``text``, ordered by position then rule id.

    ``masked`` is ``text`` with place names masked (same length): the rules match it, spans quote ``text``.
    """
    if masked is not None and len(masked) != len(text):
        raise ValueError("the masked text must have the length of the text")
    layout = _Layout(text if masked is None else masked, text)
    found = [f for rule in rules for f in _matches(rule, layout)]
    found.sort(key=lambda f: (f.span.start if f.span else 0, f.rule))
    return found
