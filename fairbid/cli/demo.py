"""``fairbid demo``: one construction section from draft to contract, machine-managed, on a simulated clock.

Everything goes through the real services, database, blob store and sealed-bid cryptography; only time is
simulated (the clock jumps to each section's next due event), so a month-long schedule runs in seconds.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from fairbid import __version__
from fairbid.bidder.machine import machine_fingerprint
from fairbid.bidder.sample import sample_bid_form
from fairbid.bootstrap import Platform, bootstrap
from fairbid.cli.demo_evaluation import run_remote_evaluation
from fairbid.clock import SimulatedClock, SystemClock
from fairbid.crypto.envelope import seal_envelope, unwrap_content_key
from fairbid.crypto.key import PrivateKey, generate_key
from fairbid.crypto.payload import AttachmentSource
from fairbid.documents.prefill import prefilled_form
from fairbid.domain.actor import Actor, Role
from fairbid.domain.calendar import BEIJING
from fairbid.domain.credit_code import check_character
from fairbid.domain.rules import FACT_RULES, TEXT_RULES
from fairbid.domain.section import Schedule, SectionKind
from fairbid.ledger.head import KeyHeadVerifier
from fairbid.scheduler import run_due
from fairbid.services.bidding.bid import (
    DecryptBid,
    RegisterKey,
    SubmitBid,
    decrypt_bid,
    register_bidder_key,
    submit_bid,
)
from fairbid.services.oversight.ledger import LedgerReport, verify_ledger
from fairbid.services.parties.accounts import CreateUser, RegisterOrganisation, create_user, register_organisation
from fairbid.services.tendering.document import check_section_document
from fairbid.services.tendering.record import SectionRecord, section_record, section_timeline
from fairbid.services.tendering.section import (
    CreateProject,
    CreateSection,
    create_project,
    create_section,
    publish_section,
    sign_contract,
)
from fairbid.settings import Settings

__all__ = ["DemoResult", "run_demo"]

SETUP = Actor(role=Role.MACHINE, job="demo-setup")
DURATION_DAYS = 365  # the section's required duration; bids promise 300–360 days (the duration item scores it)
BIDDER_NAMES = [
    "湖南路桥建设集团有限公司",
    "株洲市政工程有限公司",
    "中建五局第三建设有限公司",
    "湘潭城建集团有限公司",
    "长沙恒信建筑工程有限公司",
    "衡阳华远路桥有限公司",
]


@dataclass(frozen=True, slots=True)
class DemoResult:
    section_id: str
    record: SectionRecord
    ledger: LedgerReport


def _credit_code(rng: random.Random) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91430200" + "".join(rng.choice(alphabet) for _ in range(9))  # 91 company, 430200 Zhuzhou
    return body + check_character(body)


def _org_user(p: Platform, rng: random.Random, name: str, role: Role, tag: str) -> Actor:
    org = register_organisation(
        RegisterOrganisation(name, _credit_code(rng), "430200"), uow=p.uow(), clock=p.clock, actor=SETUP
    )
    user = create_user(
        CreateUser(f"{role.value}-{tag}", rng.randbytes(12).hex(), role, name, org.id),
        uow=p.uow(),
        clock=p.clock,
        actor=SETUP,
    )
    return user.as_actor()


def _jump(p: Platform, clock: SimulatedClock, section_id: str, console: Console, label: str) -> None:
    """Move the clock to the section's next due event and let the scheduler's pass fire it (and sign a head)."""
    with p.uow() as uow:
        due = uow.sections.next_check_of(section_id)
    if due is None:
        raise RuntimeError(f"nothing is due for {section_id}; cannot {label}")
    clock.set(max(due, clock.now()))
    fired = run_due(p)
    with p.uow() as uow:
        status = uow.sections.get(section_id).status
    when = f"{clock.now():%Y-%m-%d %H:%M} UTC"
    console.print(f"  [dim]{when}[/] the scheduler fired {fired} event(s) → [bold]{status}[/]")


def run_demo(settings: Settings, *, console: Console, bidders: int = 6, seed: int | None = None) -> DemoResult:
    """Run the whole lifecycle once; returns the public record and the ledger verification."""
    rng = random.Random(seed)
    # the simulated tender ends before the real now, so heads signed later by the real clock come after its heads
    start = SystemClock().now().replace(microsecond=0) - timedelta(days=45)
    clock = SimulatedClock(start)
    p = bootstrap(settings, clock=clock)
    tag = f"{start:%Y%m%d%H%M%S}-{rng.randrange(16**4):04x}"
    try:
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("Registering the parties", total=3 + bidders)
            operator = create_user(
                CreateUser(f"centre-{tag}", rng.randbytes(12).hex(), Role.OPERATOR, "株洲市公共资源交易中心"),
                uow=p.uow(),
                clock=clock,
                actor=SETUP,
            ).as_actor()
            progress.advance(task)
            tenderee = _org_user(p, rng, "株洲市城市建设发展集团有限公司", Role.TENDEREE, tag)
            progress.advance(task)
            agency = _org_user(p, rng, "湖南建科招标代理有限公司", Role.AGENCY, tag)
            progress.advance(task)
            bidder_actors = []
            for i in range(bidders):
                bidder_actors.append(
                    _org_user(
                        p,
                        rng,
                        BIDDER_NAMES[i % len(BIDDER_NAMES)] + ("" if i < 6 else f"{i}"),
                        Role.BIDDER,
                        f"{tag}-{i}",
                    )
                )
                progress.advance(task)
        console.print(
            f"[green]✓[/] registered a tenderee, an agency and {bidders} bidders (credit codes checked, GB 32100-2015)"
        )

        project = create_project(
            CreateProject(
                f"P-{tag}", "株洲市某道路提质改造工程", tenderee.organisation_id or "", agency.organisation_id
            ),
            uow=p.uow(),
            clock=clock,
            actor=agency,
        )
        ceiling = Decimal("12800000.00")
        sale_start = start + timedelta(hours=1)
        schedule = Schedule(
            sale_start=sale_start,
            sale_end=sale_start + timedelta(days=5),  # 条例 第十六条: ≥ 5 days
            bid_deadline=sale_start + timedelta(days=21),  # 招标投标法 第二十四条: ≥ 20 days
            decryption_minutes=30,
            publicity_days=3,
        )
        section = create_section(
            CreateSection(
                project_id=project.id,
                code=f"S-{tag}-01",
                name="株洲市某道路提质改造工程 施工 第1标段",
                kind=SectionKind.WORKS,
                estimated_price=Decimal("13000000.00"),
                ceiling_price=ceiling,
                schedule=schedule,
            ),
            uow=p.uow(),
            clock=clock,
            actor=agency,
        )
        console.print(f"[green]✓[/] draft section {section.code} created by the agency")
        _check(p, section.id, agency, console)
        publish_section(section.id, uow=p.uow(), clock=clock, actor=tenderee, random=p.random)
        console.print("[green]✓[/] published by the tenderee; platform seed committed as SM3(seed)")
        _jump(p, clock, section.id, console, "start bidding")

        keys: dict[str, PrivateKey] = {}
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("Bidders seal and submit on their own machines", total=bidders + 1)
            for i, bidder in enumerate(bidder_actors):
                clock.set(clock.now() + timedelta(hours=rng.randrange(1, 48)))
                key = generate_key()
                keys[bidder.organisation_id or ""] = key
                register_bidder_key(RegisterKey(key.public.to_text()), uow=p.uow(), clock=clock, actor=bidder)
                price = (ceiling * Decimal(rng.uniform(0.86, 0.98))).quantize(Decimal("0.01"))
                _seal_and_submit(p, clock, section.id, bidder, key, price, rng, i)
                progress.advance(task)
            # one bidder revises its price before the deadline: the new envelope replaces the old one
            clock.set(clock.now() + timedelta(hours=3))
            _seal_and_submit(
                p,
                clock,
                section.id,
                bidder_actors[0],
                keys[bidder_actors[0].organisation_id or ""],
                (ceiling * Decimal("0.9012")).quantize(Decimal("0.01")),
                rng,
                0,
            )
            progress.advance(task)
        console.print(f"[green]✓[/] {bidders} sealed bids received (one replaced); receipts signed by the platform")

        _jump(p, clock, section.id, console, "open the bids")
        for i, bidder in enumerate(bidder_actors):
            if i == bidders - 1:
                continue  # the last bidder misses the window: its bid will be rejected with the reason
            clock.set(clock.now() + timedelta(minutes=2))
            with p.blobs.open(_my_digest(p, section.id, bidder)) as src:
                content_key = unwrap_content_key(src, keys[bidder.organisation_id or ""])
            decrypt_bid(
                DecryptBid(section.id, content_key),
                uow=p.uow(),
                clock=clock,
                actor=bidder,
                blobs=p.blobs,
                max_plaintext_bytes=settings.max_plaintext_bytes,
            )
        console.print(f"[green]✓[/] {bidders - 1} bidders decrypted online; one did not decrypt in the window")
        _jump(p, clock, section.id, console, "close the decryption window")
        clock.set(clock.now() + timedelta(hours=2))
        run_remote_evaluation(p, clock, section.id, operator, tenderee, console)
        console.print("[green]✓[/] evaluation: ranked with the tender's tie-breaks; candidates publicised")
        _jump(p, clock, section.id, console, "end the publicity")
        clock.set(clock.now() + timedelta(days=7))
        sign_contract(section.id, uow=p.uow(), clock=clock, actor=tenderee)
        console.print("[green]✓[/] contract recorded by the tenderee")

        record = section_record(section.id, uow=p.uow(), actor=operator)
        _print_timeline(p, section.id, operator, console)
        report = verify_ledger(uow=p.uow(), actor=operator, verifier=KeyHeadVerifier(p.platform_key.public))
        return DemoResult(section.id, record, report)
    finally:
        p.close()


def _check(p: Platform, section_id: str, agency: Actor, console: Console) -> None:
    """Fill the standard form for this section and let the rule catalog check it before publication."""
    with p.uow() as uow:
        section = uow.sections.get(section_id)
    form = prefilled_form(section, project_name="株洲市某道路提质改造工程", duration_days=DURATION_DAYS)
    outcome = check_section_document(form, section_id, uow=p.uow(), clock=p.clock, actor=agency, blobs=p.blobs)
    if outcome.blocking:
        for f in outcome.findings:
            console.print(f"  [red]{f.rule}[/] {f.message}")
        raise RuntimeError("the demo tender document did not pass the rule catalog")
    console.print(
        f"[green]✓[/] tender document generated (HTML, DOCX, PDF) and checked by {len(FACT_RULES) + len(TEXT_RULES)} "
        f"rules: {len(outcome.findings)} warning(s), nothing blocking; PDF SM3 {(outcome.document_digest or '')[:16]}…"
    )


def _my_digest(p: Platform, section_id: str, bidder: Actor) -> str:
    with p.uow() as uow:
        bid = uow.bids.for_bidder(section_id, bidder.organisation_id or "")
    if bid is None:
        raise RuntimeError("the bidder has no bid")
    return bid.envelope_digest


def _seal_and_submit(
    p: Platform,
    clock: SimulatedClock,
    section_id: str,
    bidder: Actor,
    key: PrivateKey,
    price: Decimal,
    rng: random.Random,
    index: int,
) -> None:
    with p.uow() as uow:
        section = uow.sections.get(section_id)
    deadline = section.schedule.bid_deadline.astimezone(BEIJING).date()
    form = sample_bid_form(rng, price=price, index=index, estimate=section.estimated_price, deadline=deadline)
    proposal = ("施工组织设计：本工程采用分段流水施工，确保质量与安全。" * 200).encode("utf-8")
    sealed = io.BytesIO()
    seal_envelope(
        sealed,
        form=form,
        attachments=[AttachmentSource("technical-proposal.txt", io.BytesIO(proposal), len(proposal))],
        section_id=section_id,
        bidder_id=bidder.organisation_id or "",
        private_key=key,
        now=clock.now(),
        machine_fingerprint=machine_fingerprint(identifiers={"machine_id": f"demo-bidder-machine-{index}"}),
        tool_version=f"fairbid-bidder/{__version__}",
    )
    sealed.seek(0)
    submit_bid(
        SubmitBid(section_id, sealed),
        uow=p.uow(),
        clock=clock,
        actor=bidder,
        blobs=p.blobs,
        platform_key=p.platform_key,
        max_bytes=p.settings.max_envelope_bytes,
    )


def _print_timeline(p: Platform, section_id: str, operator: Actor, console: Console) -> None:
    table = Table(title="Timeline (from the ledger)", show_lines=False)
    for col in ("#", "time (UTC)", "who", "what"):
        table.add_column(col)
    for entry in section_timeline(section_id, uow=p.uow(), actor=operator):
        table.add_row(str(entry.seq), f"{entry.recorded_at:%Y-%m-%d %H:%M}", entry.who, entry.action)
    console.print(table)
