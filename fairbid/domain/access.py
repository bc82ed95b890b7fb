"""Access as data: who may do what, in which state of a section (role × operation × lifecycle state).

The services enforce these rules (role checks in each use case, transitions in ``section.TRANSITIONS``);
this table documents them in one place, the page ``/access`` shows it, and
``tests/e2e/test_access_matrix.py`` calls the real API for every cell and proves the two agree: a cell outside
the table is refused (401/403/404/409, nothing stored changes), a cell inside is not refused for lack of rights.

Roles act on their own section: the tenderee and agency are the section's own, the bidder one that bid in it;
``public`` is anyone not signed in.
Secrecy cells (法 第二十二条: bids and their number before the opening; 法 第四十四条 / 条例 第四十九条:
experts before the evaluation; the seed before the opening) are reading operations like any other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fairbid.domain.actor import Role
from fairbid.domain.section.model import SectionStatus

__all__ = ["ACCESS", "ALL_STATES", "NO_STATE", "Grant", "is_allowed", "operations"]

S = SectionStatus
ALL_STATES: frozenset[SectionStatus] = frozenset(SectionStatus)
NO_STATE = None
"""The state of operations that concern no section (accounts, keys, new projects, the whole ledger)."""

_OPEN = frozenset(s for s in SectionStatus if not s.is_terminal)
_AFTER_OPENING = frozenset(s for s in SectionStatus if not s.bids_are_secret)
_PUBLISHED = ALL_STATES - {S.DRAFT, S.CHECKED}
_EVALUATED = frozenset({S.PUBLICISED, S.AWARDED, S.CONTRACTED, S.FAILED})
_PEOPLE = frozenset(Role) - {Role.MACHINE}
_OWNERS = frozenset({Role.TENDEREE, Role.AGENCY})
_AUDITORS = frozenset({Role.OPERATOR, Role.SUPERVISOR})
_SIGNED_IN = _PEOPLE - {Role.PUBLIC}


@dataclass(frozen=True, slots=True)
class Grant:
    """Roles that may take ``operation`` in ``states`` (``None``: the operation concerns no section)."""

    operation: str  # the API's operation_id (or the page's name)
    roles: frozenset[Role]
    states: frozenset[SectionStatus] | None
    kind: str  # change | secret-read | read
    rule: str  # what the law or the design says, and where

    def allows(self, role: Role, state: SectionStatus | None) -> bool:
        if role not in self.roles:
            return False
        return self.states is None or state in self.states


def _g(op: str, roles: Iterable[Role], states: Iterable[SectionStatus] | None, kind: str, rule: str) -> Grant:
    return Grant(op, frozenset(roles), None if states is None else frozenset(states), kind, rule)


ACCESS: tuple[Grant, ...] = (
    # accounts, keys, projects: no section
    _g("register_organisation", {Role.OPERATOR}, None, "change", "the trading centre registers organisations"),
    _g("create_user", {Role.OPERATOR}, None, "change", "the trading centre creates accounts"),
    _g("register_key", {Role.BIDDER}, None, "change", "a bidder binds its own sealing key"),
    _g("create_project", _OWNERS, None, "change", "the tenderee or its agency (法 第十二条)"),
    _g("verify_ledger", _AUDITORS, None, "read", "the centre and the supervisor verify the whole ledger"),
    # a section's preparation
    _g("create_section", _OWNERS, None, "change", "the project's tenderee or agency"),
    _g("check_section_document", _OWNERS, {S.DRAFT}, "change", "招标文件核验 before publication"),
    _g(
        "amend_section_document",
        _OWNERS,
        {S.PUBLISHED, S.BIDDING},
        "change",
        "澄清/修改 between publication and the deadline (法 第二十三条)",
    ),
    _g("publish_section", {Role.TENDEREE}, {S.CHECKED}, "change", "the tenderee publishes (法 第十六条)"),
    _g("cancel_section", {Role.TENDEREE}, _OPEN, "change", "终止招标 with a reason (条例 第三十一条)"),
    # bids
    _g("submit_bid", {Role.BIDDER}, {S.BIDDING}, "change", "before the deadline (法 第二十八条)"),
    _g("withdraw_bid", {Role.BIDDER}, {S.BIDDING}, "change", "before the deadline (法 第二十九条)"),
    _g("decrypt_bid", {Role.BIDDER}, {S.OPENING}, "change", "in the decryption window (电子招标投标办法 第二十九条)"),
    _g("my_bid", {Role.BIDDER}, ALL_STATES - {S.DRAFT, S.CHECKED, S.PUBLISHED}, "read", "one's own bid only"),
    _g(
        "list_bids",
        _SIGNED_IN,
        _AFTER_OPENING,
        "secret-read",
        "bids and their count secret until the opening (法 第二十二条); signed in",
    ),
    # evaluation and award
    _g("evaluate_section", {Role.OPERATOR}, {S.EVALUATION}, "change", "the machine evaluation, started by the centre"),
    _g("sign_contract", {Role.TENDEREE}, {S.AWARDED}, "change", "within 30 days of the award (法 第四十六条)"),
    # reading a section
    _g("get_section", _OWNERS | _AUDITORS, ALL_STATES, "read", "drafts to their preparers and the centre"),
    _g("get_section", _PEOPLE, _PUBLISHED, "read", "public once published (法 第十六条)"),
    _g("list_section_documents", _OWNERS | _AUDITORS, ALL_STATES, "read", "drafts to their preparers"),
    _g("list_section_documents", _PEOPLE, _PUBLISHED, "read", "public once published"),
    _g("read_trace", _AUDITORS, ALL_STATES, "secret-read", "the centre and the supervisor at any time"),
    _g("read_trace", _PEOPLE, _EVALUATED, "secret-read", "public once the evaluation is over (法 第四十四条)"),
    _g(
        "read_seed",
        _PEOPLE,
        _AFTER_OPENING,
        "secret-read",
        "the seed is revealed at the opening; before it only its SM3 commitment is public",
    ),
)


def operations() -> list[str]:
    """Every operation in the table, in table order, once."""
    return list(dict.fromkeys(g.operation for g in ACCESS))


def is_allowed(role: Role, operation: str, state: SectionStatus | None) -> bool:
    """Whether the table grants ``role`` the ``operation`` on a section in ``state`` (``None``: no section)."""
    grants = [g for g in ACCESS if g.operation == operation]
    if not grants:
        raise KeyError(f"no operation {operation!r} in the access table")
    return any(g.allows(role, state) for g in grants)
