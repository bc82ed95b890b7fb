"""Access as data: who may do what, in which stage of a section (role × operation × lifecycle stage).

The services enforce these rules (role checks in each use case, transitions in ``section.TRANSITIONS``);
this table documents them in one place, the page ``/access`` shows it, and
``tests/e2e/test_access_matrix.py`` calls the real API for every cell and proves the two agree: a cell outside
the table is refused (401/403/404/409, nothing stored changes), a cell inside is not refused for lack of rights.

A stage is the section's status, refined while in evaluation by how far its committee has come
(``CommitteePhase``): what experts may do, and who may see their names and scores, changes within it.

Roles act on their own section: the tenderee and agency are the section's own, the bidder one that bid in it,
the expert one on its committee; ``public`` is anyone not signed in.
Secrecy cells are reading operations like any other: bids and their number before the opening (法 第二十二条);
the seed before the opening; who sits on the committee before the evaluation (法 第三十七条, 第四十四条);
another expert's scores before every sheet is in (条例 第四十九条).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from fairbid.domain.actor import Role
from fairbid.domain.section.model import SectionStatus

__all__ = [
    "ACCESS",
    "ALL_STATES",
    "NO_STATE",
    "STAGES",
    "CommitteePhase",
    "Grant",
    "Stage",
    "committee_phase",
    "is_allowed",
    "operations",
]

S = SectionStatus


class CommitteePhase(StrEnum):
    """How far the evaluation committee (评标委员会) has come while its section is in evaluation."""

    NONE = "no committee"  # experts not drawn yet
    DRAWN = "drawn"  # drawn, answering and checking in; the session has not started (names secret)
    SCORING = "scoring"  # the session has started; some score sheets are still missing
    SCORED = "scored"  # every member has scored every bid; the machine may finalise


def committee_phase(*, drawn: bool, started: bool, all_scored: bool) -> CommitteePhase:
    """The committee's phase from what is stored about it."""
    if not drawn:
        return CommitteePhase.NONE
    if not started:
        return CommitteePhase.DRAWN
    return CommitteePhase.SCORED if all_scored else CommitteePhase.SCORING


Stage = tuple[SectionStatus, CommitteePhase | None]
"""A column of the matrix: a status, with the committee's phase when the status is evaluation."""

STAGES: tuple[Stage, ...] = tuple(
    (status, phase)
    for status in SectionStatus
    for phase in (tuple(CommitteePhase) if status is SectionStatus.EVALUATION else (None,))
)
ALL_STATES: frozenset[SectionStatus] = frozenset(SectionStatus)
NO_STATE = None
"""The state of operations that concern no section (accounts, keys, new projects, the whole ledger)."""

_OPEN = frozenset(s for s in SectionStatus if not s.is_terminal)
_AFTER_OPENING = frozenset(s for s in SectionStatus if not s.bids_are_secret)
_AWARDED = frozenset({S.AWARDED, S.CONTRACTED})
_OPENED = frozenset({S.OPENING, S.EVALUATION, S.PUBLICISED}) | _AWARDED  # FAILED/CANCELLED: before any opening
_REPORTED = frozenset({S.PUBLICISED}) | _AWARDED  # the evaluation is over: its report can exist
_SEATED = frozenset({S.EVALUATION, S.PUBLICISED}) | _AWARDED  # a committee exists (in evaluation: once drawn)
_DRAWN = frozenset({CommitteePhase.DRAWN})
_STARTED = frozenset({CommitteePhase.SCORING, CommitteePhase.SCORED})
_HAS_COMMITTEE = _DRAWN | _STARTED
_PUBLISHED = ALL_STATES - {S.DRAFT, S.CHECKED}
_EVALUATED = frozenset({S.PUBLICISED, S.AWARDED, S.CONTRACTED, S.FAILED})
_PEOPLE = frozenset(Role) - {Role.MACHINE}
_OWNERS = frozenset({Role.TENDEREE, Role.AGENCY})
_AUDITORS = frozenset({Role.OPERATOR, Role.SUPERVISOR})
_SIGNED_IN = _PEOPLE - {Role.PUBLIC}
_MEMBERS = frozenset({Role.EXPERT, Role.TENDEREE})
"""A committee's members: the drawn experts and the tenderee's representatives (招标投标法 第三十七条); the
service checks that the caller is a member of *this* committee."""


@dataclass(frozen=True, slots=True)
class Grant:
    """Roles that may take ``operation`` in ``states`` (``None``: the operation concerns no section)."""

    operation: str  # the API's operation_id (or the page's name)
    roles: frozenset[Role]
    states: frozenset[SectionStatus] | None
    kind: str  # change | secret-read | read
    rule: str  # what the law or the design says, and where
    phases: frozenset[CommitteePhase] | None = None  # in evaluation, only in these phases (None: any)

    def allows(self, role: Role, state: SectionStatus | None, phase: CommitteePhase | None = None) -> bool:
        if role not in self.roles:
            return False
        if self.states is None:
            return True
        if state not in self.states:
            return False
        if state is S.EVALUATION and self.phases is not None:
            return (phase or CommitteePhase.NONE) in self.phases
        return True


def _g(
    op: str,
    roles: Iterable[Role],
    states: Iterable[SectionStatus] | None,
    kind: str,
    rule: str,
    *,
    phases: Iterable[CommitteePhase] | None = None,
) -> Grant:
    return Grant(
        op,
        frozenset(roles),
        None if states is None else frozenset(states),
        kind,
        rule,
        None if phases is None else frozenset(phases),
    )


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
        _OPENED,
        "secret-read",
        "bids and their count secret until the opening (法 第二十二条), and for ever if it never comes (a "
        "section cancelled or failed before it); signed in",
    ),
    # the expert pool and the venues: no section
    _g("import_experts", {Role.OPERATOR}, None, "change", "the centre keeps the expert pool (条例 第四十五条)"),
    _g("set_expert_status", {Role.OPERATOR}, None, "change", "the centre suspends or restores an expert"),
    _g(
        "list_experts",
        _AUDITORS,
        None,
        "secret-read",
        "who is in the pool, to the centre and the supervisor only (法 第三十七条)",
    ),
    _g("save_venue", {Role.OPERATOR}, None, "change", "the centre arranges the evaluation venues (跨区域远程异地评标)"),
    _g("list_venues", _SIGNED_IN, None, "read", "the venues are not secret; signed in"),
    # the committee (评标委员会)
    _g(
        "draw_committee",
        {Role.OPERATOR},
        {S.EVALUATION},
        "change",
        "the centre's system draws at random from the pool (法 第三十七条; 条例 第四十六条)",
        phases={CommitteePhase.NONE},
    ),
    _g(
        "get_committee",
        _PEOPLE,
        _SEATED,
        "read",
        "seats, venues and the draw's recomputation; names as read_expert_names allows",
        phases=_HAS_COMMITTEE,
    ),
    _g(
        "read_expert_names",
        {Role.OPERATOR},
        _SEATED,
        "secret-read",
        "the centre's system knows whom it drew",
        phases=_HAS_COMMITTEE,
    ),
    _g(
        "read_expert_names",
        {Role.EXPERT, Role.TENDEREE, Role.AGENCY, Role.SUPERVISOR},
        _SEATED,
        "secret-read",
        "the session's participants, once it has started (an expert always sees their own seat)",
        phases=_STARTED,
    ),
    _g(
        "read_expert_names",
        _PEOPLE,
        _AWARDED,
        "secret-read",
        "everyone once the award is made (法 第三十七条: 名单在中标结果确定前应当保密)",
    ),
    _g(
        "answer_invitation",
        {Role.EXPERT, Role.OPERATOR},
        {S.EVALUATION},
        "change",
        "the invited expert, or the centre recording an answer by phone; before the session (条例 第四十六条)",
        phases=_DRAWN,
    ),
    _g(
        "replace_vacancies",
        {Role.OPERATOR},
        {S.EVALUATION},
        "change",
        "the system redraws vacant seats before the session (条例 第四十六条)",
        phases=_DRAWN,
    ),
    _g(
        "check_in",
        _MEMBERS,
        {S.EVALUATION},
        "change",
        "a member at the assigned venue (电子招标投标办法 第三十三条)",
        phases=_DRAWN,
    ),
    _g(
        "name_representatives",
        {Role.TENDEREE},
        {S.EVALUATION},
        "change",
        "the tenderee names its representatives, as many as the pinned terms give it (法 第三十七条)",
        phases=_DRAWN,
    ),
    _g(
        "register_member_key",
        {Role.TENDEREE},
        {S.EVALUATION} | _REPORTED,
        "change",
        "a tenderee's representative binds the key they sign this committee's report with",
        phases=_HAS_COMMITTEE,
    ),
    _g(
        "start_evaluation",
        {Role.OPERATOR},
        {S.EVALUATION},
        "change",
        "every seat accepted and checked in; the machine review runs (条例 第五十一条)",
        phases=_DRAWN,
    ),
    # scoring (评分)
    _g(
        "my_score_sheets",
        _MEMBERS,
        {S.EVALUATION},
        "secret-read",
        "a member's own sheets while the session runs",
        phases=_STARTED,
    ),
    _g(
        "read_other_scores",
        _MEMBERS,
        {S.EVALUATION},
        "secret-read",
        "another member's scores, only once every sheet is in (条例 第四十九条: 独立评审)",
        phases={CommitteePhase.SCORED},
    ),
    _g(
        "submit_score_sheet",
        _MEMBERS,
        {S.EVALUATION},
        "change",
        "each member scores independently, once per bid (条例 第四十九条)",
        phases={CommitteePhase.SCORING},
    ),
    _g(
        "answer_warning",
        _MEMBERS,
        {S.EVALUATION},
        "change",
        "a warned member confirms or revises with a reason (1117号 (五))",
        phases=_STARTED,
    ),
    _g(
        "give_verdict",
        _MEMBERS,
        {S.EVALUATION},
        "change",
        "a member confirms or disputes the machine review (条例 第五十三条)",
        phases=_STARTED,
    ),
    _g(
        "list_section_warnings",
        _AUDITORS,
        ALL_STATES,
        "secret-read",
        "collusion warnings (条例 第四十条) to the centre and the supervisor",
    ),
    _g(
        "list_section_warnings",
        _MEMBERS,
        {S.EVALUATION, S.PUBLICISED} | _AWARDED,
        "secret-read",
        "and to the committee once its session has started; never to a bidder",
        phases=_STARTED,
    ),
    # evaluation and award
    _g(
        "evaluate_section",
        {Role.OPERATOR},
        {S.EVALUATION},
        "change",
        "the machine finalises once every sheet is in (or fails a section with no valid bid)",
        phases={CommitteePhase.NONE, CommitteePhase.SCORED},
    ),
    _g("sign_contract", {Role.TENDEREE}, {S.AWARDED}, "change", "within 30 days of the award (法 第四十六条)"),
    # the evaluation report (评标报告)
    _g(
        "issue_evaluation_report",
        {Role.OPERATOR},
        _REPORTED,
        "change",
        "the machine renders it once the evaluation is over, once (条例 第五十三条)",
    ),
    _g(
        "get_evaluation_report",
        _AUDITORS | _OWNERS | {Role.EXPERT},
        _REPORTED,
        "secret-read",
        "to the tenderee and its agency (法 第四十条), the committee, the centre and the supervisor; it names "
        "the experts and every score",
    ),
    _g(
        "download_evaluation_report",
        _AUDITORS | _OWNERS | {Role.EXPERT},
        _REPORTED,
        "secret-read",
        "as get_evaluation_report",
    ),
    _g(
        "sign_evaluation_report",
        _MEMBERS,
        _REPORTED,
        "change",
        "each member signs with their key; dissent in writing (条例 第五十三条)",
    ),
    _g("register_expert_key", {Role.EXPERT}, None, "change", "an expert binds the key they sign reports with"),
    # objections (异议)
    _g(
        "raise_objection",
        {Role.BIDDER},
        {S.OPENING, S.PUBLICISED},
        "change",
        "a bidder of the section, at the opening (条例 第四十四条) or during publicity (条例 第五十四条)",
    ),
    _g("answer_objection", _OWNERS, _AFTER_OPENING, "change", "the section's tenderee or agency, once"),
    _g("list_objections", _PEOPLE, ALL_STATES, "read", "public record; none exists before the opening"),
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
        _OPENED,
        "secret-read",
        "revealed with the beacon at the opening; only its SM3 commitment before. A section failed or cancelled "
        "before any opening never used it",
    ),
)


def operations() -> list[str]:
    """Every operation in the table, in table order, once."""
    return list(dict.fromkeys(g.operation for g in ACCESS))


def is_allowed(role: Role, operation: str, state: SectionStatus | None, phase: CommitteePhase | None = None) -> bool:
    """Whether the table grants ``role`` the ``operation`` on a section in ``state`` (``None``: no section),
    its committee in ``phase`` when the section is in evaluation."""
    grants = [g for g in ACCESS if g.operation == operation]
    if not grants:
        raise KeyError(f"no operation {operation!r} in the access table")
    return any(g.allows(role, state, phase) for g in grants)
