"""How the evaluation committee records one of its decisions: who supported it, who dissented and why.

条例 第五十三条 and 12号令 第四十三条: a member who disagrees states the dissent and its reasons in
writing. A decision carries when more than half of the whole committee supports it — the platform's rule,
the same as for overruling a machine check (``CheckResult.outcome``) [U].
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from fairbid.domain.errors import InvalidInput, NotPermitted, RuleViolation

__all__ = ["VOTE_CITATION", "Vote", "check_vote"]

VOTE_CITATION = "条例 第五十三条; 12号令 第四十三条"


@dataclass(frozen=True, slots=True)
class Vote:
    """The members who support a decision, and each dissenting member with the written reason."""

    supporters: frozenset[str]
    dissent: tuple[tuple[str, str], ...] = field(default=())

    @property
    def dissenters(self) -> frozenset[str]:
        """Members who dissented."""
        return frozenset(member for member, _ in self.dissent)


def check_vote(vote: Vote, committee: Collection[str]) -> Vote:
    """Return ``vote`` when it carries: members only, no one on both sides, reasons for every dissent,
    and more than half of the committee in support. Raises otherwise.
    """
    members = frozenset(committee)
    strangers = sorted((vote.supporters | vote.dissenters) - members)
    if strangers:
        raise NotPermitted(f"{', '.join(strangers)} is not on this committee.", field="vote")
    both = sorted(vote.supporters & vote.dissenters)
    if both:
        raise InvalidInput(f"{', '.join(both)} both supports and dissents.", field="vote")
    if len(vote.dissenters) != len(vote.dissent):
        raise InvalidInput("A member dissents once, with one written reason.", field="vote.dissent")
    silent = sorted(member for member, reason in vote.dissent if not reason.strip())
    if silent:
        raise InvalidInput(f"A dissent needs its reasons in writing ({', '.join(silent)}).", field="vote.dissent")
    if 2 * len(vote.supporters) <= len(members):
        raise RuleViolation(
            f"{len(vote.supporters)} of {len(members)} members support the decision; more than half must.",
            rule="committee-majority",
            citation=VOTE_CITATION,
            field="vote",
        )
    return vote
