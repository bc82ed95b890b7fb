"""The demo's remote cross-region evaluation (远程异地评标): a generated pool, two venues, the beacon-seeded
draw with one refusal and its replacement, check-in, machine review, expert sheets, a warning answered,
ranking and the candidates' publicity. Everything goes through the real services.
"""

from __future__ import annotations

import random
from decimal import Decimal

from rich.console import Console
from rich.table import Table

from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.crypto.key import generate_key, sign
from fairbid.domain.actor import Actor, Role
from fairbid.domain.credit_code import check_character
from fairbid.domain.expert import SeatStatus, VenueRole
from fairbid.notify import OutboxNotifier
from fairbid.services.evaluation.committee import (
    CheckIn,
    DrawRequest,
    answer_invitation,
    check_in_member,
    draw_committee_for_section,
    name_representatives,
    replace_vacancies,
)
from fairbid.services.evaluation.pool import SaveVenue, import_experts, link_expert_account, save_venue
from fairbid.services.evaluation.report import (
    SignReport,
    issue_evaluation_report,
    register_signing_key,
    report_message,
    sign_evaluation_report,
)
from fairbid.services.evaluation.scoring import (
    AnswerWarning,
    SubmitSheet,
    Verdict,
    answer_score_warning,
    give_verdict,
    sheets_view,
    submit_score_sheet,
)
from fairbid.services.evaluation.session import EvaluationResult, evaluate_section, start_evaluation
from fairbid.services.parties.accounts import CreateUser, RegisterOrganisation, create_user, register_organisation

__all__ = ["run_remote_evaluation"]

MAIN, PARTNER = ("main-zz", "430200"), ("partner-cs", "430100")
SPECIALTIES = ("A01", "B02")
PASSWORD = "demo expert password"


def _code(rng: random.Random) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "12430000" + "".join(rng.choice(alphabet) for _ in range(9))  # 12: public institutions
    return body + check_character(body)


def _where(p: Platform) -> str:
    if isinstance(p.notifier, OutboxNotifier):
        return f"as .eml files in {p.notifier.folder}"
    return f"through {p.settings.smtp_host}" if p.settings.smtp_host else "by the notifier"


def _pool_csv(rng: random.Random, size: int, bidder_codes: list[str]) -> str:
    lines = ["expert_id,name,specialties,region,employer,title,years,status,email"]
    for i in range(size):
        region = MAIN[1] if i % 2 else PARTNER[1]
        specialty = SPECIALTIES[i % 4 // 2]
        employer = bidder_codes[i % len(bidder_codes)] if i % 11 == 0 else _code(rng)  # some work for bidders
        title = "senior" if i % 7 else "intermediate"
        status = "suspended" if i % 13 == 5 else "active"
        lines.append(
            f"X{i:05d},专家{i:03d},{specialty},{region},{employer},{title},{8 + i % 15},{status},x{i}@pool.test"
        )
    return "\n".join(lines) + "\n"


def _account(p: Platform, clock: SimulatedClock, operator: Actor, expert_id: str, rng: random.Random) -> Actor:
    setup = Actor(role=Role.MACHINE, job="demo-setup")
    org = register_organisation(
        RegisterOrganisation(f"{expert_id} 所在单位", _code(rng)), uow=p.uow(), clock=clock, actor=setup
    )
    user = create_user(
        CreateUser(
            f"expert-{expert_id}-{rng.randrange(10**6):06d}", PASSWORD, Role.EXPERT, f"专家 {expert_id}", org.id
        ),
        uow=p.uow(),
        clock=clock,
        actor=setup,
    )
    link_expert_account(expert_id, user.username, uow=p.uow(), clock=clock, actor=operator)
    return user.as_actor()


def _representatives(p: Platform, clock: SimulatedClock, tenderee: Actor, rng: random.Random) -> list[Actor]:
    """Two of the tenderee's staff, who will sit on the committee as its representatives."""
    setup = Actor(role=Role.MACHINE, job="demo-setup")
    reps = []
    for n, name in enumerate(("招标人代表 甲", "招标人代表 乙")):
        user = create_user(
            CreateUser(f"rep-{n}-{rng.randrange(10**8):08d}", PASSWORD, Role.TENDEREE, name, tenderee.organisation_id),
            uow=p.uow(),
            clock=clock,
            actor=setup,
        )
        reps.append(user.as_actor())
    return reps


def _scores(member: int, bid: int, odd_one: bool) -> dict[str, Decimal]:
    """A member's subjective scores for one bid, within the sample terms' bands; ``odd_one`` is far from the
    others (a deviation warning follows)."""
    plan = Decimal(5) if odd_one else Decimal(9) + Decimal(bid % 3) + Decimal(member) / 8
    return {
        "construction_plan": plan,
        "quality_safety": Decimal(6) + Decimal((member + bid) % 2) / 2 + Decimal(member) / 10,
    }


def run_remote_evaluation(
    p: Platform, clock: SimulatedClock, section_id: str, operator: Actor, tenderee: Actor, console: Console
) -> EvaluationResult:
    """Draw, seat and run the committee the pinned terms compose; returns the evaluation's result."""
    rng = random.Random(section_id)  # a second demo in the same database invents other employers
    for (venue_id, region), name, role in (
        (MAIN, "株洲主场", VenueRole.MAIN),
        (PARTNER, "长沙副场", VenueRole.SECONDARY),
    ):
        save_venue(SaveVenue(venue_id, name, role, (region,)), uow=p.uow(), clock=clock, actor=operator)
    with p.uow() as uow:
        bids = uow.bids.in_section(section_id)
        codes = [o.credit_code for o in uow.organisations.names([b.bidder_id for b in bids]).values()]
    imported = import_experts(_pool_csv(rng, 120, codes), uow=p.uow(), clock=clock, actor=operator)
    console.print(
        f"[green]✓[/] expert pool: {imported.added + imported.updated} experts imported from CSV; "
        "venues 株洲主场 + 长沙副场"
    )

    notifier = p.notifier  # the outbox folder on the embedded default, SMTP when configured
    request = DrawRequest(section_id, {MAIN[0]: 2, PARTNER[0]: 3}, answer_minutes=60)
    draw = draw_committee_for_section(request, uow=p.uow(), clock=clock, actor=operator, notifier=notifier)
    actors = {s.expert_id: _account(p, clock, operator, s.expert_id, rng) for s in draw.seats}
    decliner = draw.seats[0].expert_id
    answer_invitation(section_id, False, uow=p.uow(), clock=clock, actor=actors[decliner])
    for seat in draw.seats[1:]:
        answer_invitation(section_id, True, uow=p.uow(), clock=clock, actor=actors[seat.expert_id])
    draw = replace_vacancies(section_id, uow=p.uow(), clock=clock, actor=operator, notifier=notifier)
    fresh = draw.seats[-1]
    actors[fresh.expert_id] = _account(p, clock, operator, fresh.expert_id, rng)
    answer_invitation(section_id, True, uow=p.uow(), clock=clock, actor=actors[fresh.expert_id])
    reps = _representatives(p, clock, tenderee, rng)
    usernames = []
    with p.uow() as uow:
        for rep in reps:
            user = uow.users.get(rep.user_id or "")
            usernames.append(user.username)
    name_representatives(section_id, usernames, uow=p.uow(), clock=clock, actor=tenderee)
    console.print(
        f"[green]✓[/] committee of 7 as the published terms compose it: 5 experts (A01 ×3, B02 ×2) drawn from the "
        f"beacon (stream experts:{section_id[:8]}…:round:0/1), {len(draw.seats)} invitations sent ({_where(p)}), "
        "one declined and was replaced in round 1; the tenderee named its 2 representatives"
    )
    experts = [s for s in draw.seats if s.status is SeatStatus.ACCEPTED or s == fresh]
    members: list[tuple[Actor, str]] = [(actors[s.expert_id], s.venue_id) for s in experts]
    members += [(rep, MAIN[0]) for rep in reps]
    for n, (actor, venue_id) in enumerate(members):
        device = f"{venue_id}-terminal-{n + 1:02d}"
        check_in_member(CheckIn(section_id, venue_id, device), uow=p.uow(), clock=clock, actor=actor)
    committee = start_evaluation(section_id, uow=p.uow(), clock=clock, actor=operator)
    review = committee.review
    price = review.price if review is not None else None
    k = "—" if price is None else f"K = {price.k} from {{{', '.join(str(v) for v in price.k_values)}}}"
    console.print(
        f"[green]✓[/] session started: 2 experts at {MAIN[0]} with the 2 representatives, 3 at {PARTNER[0]}; "
        f"machine review of {len(review.reviews) if review else 0} bids, objective items scored with evidence; "
        f"{k}, benchmark {price.benchmark.value if price else '—'}"
    )
    first = members[0][0]
    bid_ids = sheets_view(section_id, uow=p.uow(), actor=first).bids
    give_verdict(
        Verdict(section_id, bid_ids[0], "duration", False, "工期计划关键线路不闭合，应复核。"),
        uow=p.uow(),
        clock=clock,
        actor=first,
    )
    for n, (actor, venue_id) in enumerate(members):
        for b, bid_id in enumerate(bid_ids):
            submit_score_sheet(
                SubmitSheet(
                    section_id, bid_id, _scores(n, b, n == 4 and b == 0), device=f"{venue_id}-terminal-{n + 1:02d}"
                ),
                uow=p.uow(),
                clock=clock,
                actor=actor,
            )
    answered = 0
    for actor, _ in members:
        for warning, done in sheets_view(section_id, uow=p.uow(), actor=actor).warnings:
            if not done:
                cmd = AnswerWarning(section_id, warning.warning_id, False, "该投标技术方案缺少专项方案，维持评分。")
                answer_score_warning(cmd, uow=p.uow(), clock=clock, actor=actor)
                answered += 1
    console.print(
        f"[green]✓[/] {len(members)} members scored the 2 subjective items of {len(bid_ids)} bids independently; "
        f"{answered} warning(s) answered with reasons; one dispute of the machine review recorded as dissent"
    )
    result = evaluate_section(section_id, uow=p.uow(), clock=clock, actor=operator)
    report = issue_evaluation_report(section_id, uow=p.uow(), clock=clock, actor=operator, blobs=p.blobs)
    message = report_message(section_id, report.pdf_digest)
    for n, (actor, _) in enumerate(members):
        key = generate_key()
        on = section_id if actor.role is Role.TENDEREE else None  # a representative's key is per committee
        register_signing_key(key.public.to_text(), uow=p.uow(), clock=clock, actor=actor, section_id=on)
        dissent = "对价格分复核无异议，但第一名的工期计划需在合同谈判中落实。" if n == 0 else ""
        signed = SignReport(section_id, sign(key, message).hex(), dissent)
        sign_evaluation_report(signed, uow=p.uow(), clock=clock, actor=actor)
    console.print(
        f"[green]✓[/] evaluation report (评标报告) PDF SM3 {report.pdf_digest[:16]}… and DOCX stored; "
        f"signed by all {len(members)} members, one with a dissent on record"
    )
    table = Table(title="Candidates (综合评估法, by the pinned terms)")
    for col in ("rank", "price", "score"):
        table.add_column(col)
    for c in result.candidates:
        table.add_row(str(c.rank), str(c.price), str(c.score))
    console.print(table)
    return result
