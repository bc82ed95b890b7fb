"""Format checks (F01–F04): credit codes, region codes, the trading code, amounts and times that parse."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

from fairbid.domain.credit_code import validate_credit_code
from fairbid.domain.errors import InvalidInput
from fairbid.domain.quality.model import CheckContext, Failure, Outcome
from fairbid.domain.quality.record import PHASE_ORDER, Phase, TradingDataset, TradingRecord

__all__ = [
    "TRADING_CODE_PATTERN",
    "check_amounts_and_times",
    "check_credit_codes",
    "check_region_codes",
    "check_trading_codes",
    "is_aware",
    "trading_code_problem",
]

TRADING_CODE_PATTERN = re.compile(r"^([0-9A-HJ-NPQRTUWXY]{18})-?(\d{8})-?(\d{6})-?([0-9A-Z])$")
"""统一交易标识码 as platforms implement 发改办法规〔2018〕1156号: the trading platform operator's credit code
(18), the date (yyyymmdd), a serial (6), a check character (1); 33 characters, hyphens optional. The check
character's algorithm is not verified here (docs/quality.md marks it [U])."""

_CENT = Decimal("0.01")
_SCHEDULED = frozenset({"sale_start", "deadline"})  # announced ahead: may lie after the run


def check_credit_codes(dataset: TradingDataset, ctx: CheckContext) -> Outcome:
    """F01: every party's unified social credit code passes GB 32100-2015 (18 characters, check character)."""
    checked, failures = 0, []
    for party in sorted(dataset.parties.values(), key=lambda p: p.id):
        if party.credit_code is None:
            continue
        checked += 1
        try:
            validate_credit_code(party.credit_code)
        except InvalidInput as exc:
            failures.append(Failure("F01", party.id, exc.detail, party.id, "party"))
    return Outcome(checked, tuple(failures))


def check_region_codes(dataset: TradingDataset, ctx: CheckContext) -> Outcome:
    """F02: every region code (parties' seats, sections' places) is in the GB/T 2260 list in force."""
    checked, failures = 0, []
    for party in sorted(dataset.parties.values(), key=lambda p: p.id):
        if party.region_code is None:
            continue
        checked += 1
        if party.region_code not in ctx.known_regions:
            failures.append(
                Failure("F02", party.id, f"region code {party.region_code!r} is not in GB/T 2260", party.id, "party")
            )
    for record in dataset.records:
        code = record.section.region_code
        if code is None:
            continue
        checked += 1
        if code not in ctx.known_regions:
            failures.append(Failure("F02", record.id, f"region code {code!r} is not in GB/T 2260", record.id))
    return Outcome(checked, tuple(failures))


def trading_code_problem(code: str) -> str | None:
    """Why ``code`` is not a well-formed 统一交易标识码, or ``None`` when it is."""
    match = TRADING_CODE_PATTERN.fullmatch(code.strip())
    if match is None:
        return f"trading code {code!r} is not 18 credit-code characters, 8 date digits, 6 serial digits and 1 check"
    credit, day = match.group(1), match.group(2)
    try:
        validate_credit_code(credit)
    except InvalidInput as exc:
        return f"trading code {code!r}: the platform's credit code is wrong ({exc.detail})"
    try:
        date(int(day[:4]), int(day[4:6]), int(day[6:]))
    except ValueError:
        return f"trading code {code!r}: {day} is not a calendar date"
    return None


def check_trading_codes(dataset: TradingDataset, ctx: CheckContext) -> Outcome:
    """F03: every section from publication on carries a well-formed trading code (统一交易标识码)."""
    checked, failures = 0, []
    for record in dataset.records:
        section = record.section
        if PHASE_ORDER[section.phase] < PHASE_ORDER[Phase.PUBLISHED] and section.trading_code is None:
            continue
        checked += 1
        if section.trading_code is None:
            failures.append(
                Failure(
                    "F03", record.id, f"section {section.code} is {section.phase} without a trading code", record.id
                )
            )
            continue
        problem = trading_code_problem(section.trading_code)
        if problem is not None:
            failures.append(Failure("F03", record.id, problem, record.id))
    return Outcome(checked, tuple(failures))


def _amounts(record: TradingRecord) -> Iterator[tuple[str, str, str, Decimal | None]]:
    """(subject, target id, field, amount) of every amount in the record."""
    s = record.section
    yield "section", s.id, "ceiling_price", s.ceiling_price
    yield "section", s.id, "estimated_price", s.estimated_price
    for b in record.bids:
        yield "bid", b.id, "price", b.price
        yield "bid", b.id, "guarantee_amount", b.guarantee_amount
    for c in record.candidates:
        yield "award", c.bid_id, f"candidate {c.rank} price", c.price
    if record.award is not None:
        yield "award", record.award.bid_id, "award price", record.award.price
    if record.contract is not None:
        yield "contract", record.contract.id, "contract price", record.contract.price


def _times(record: TradingRecord) -> Iterator[tuple[str, str, str, datetime | None]]:
    """(subject, target id, field, time) of every time in the record."""
    s = record.section
    for name in s.times.__slots__:
        yield "section", s.id, name, getattr(s.times, name)
    for b in record.bids:
        yield "bid", b.id, "received_at", b.received_at
    if record.award is not None:
        yield "award", record.award.bid_id, "notified_at", record.award.notified_at
    if record.contract is not None:
        yield "contract", record.contract.id, "signed_at", record.contract.signed_at
    if record.opening is not None:
        yield "opening", s.id, "opened_at", record.opening.opened_at


def _amount_problem(amount: Decimal) -> str | None:
    if not amount.is_finite():
        return "is not a finite number"
    if amount < 0:
        return "is negative"
    if amount != amount.quantize(_CENT):
        return "has more than two decimals (分)"
    return None


def is_aware(value: datetime) -> bool:
    """Whether ``value`` carries its offset (a naive time cannot be placed on the timeline)."""
    return value.tzinfo is not None and value.utcoffset() is not None


def check_amounts_and_times(dataset: TradingDataset, ctx: CheckContext) -> Outcome:
    """F04: amounts are finite yuan ≥ 0 to the fen, times aware, events not after the run, nothing left unparsed.

    The sale start and the deadline are announced ahead and may lie after the run; every other time records an
    event that has happened.
    """
    failures = []
    for record in dataset.records:
        for subject, target, name, amount in _amounts(record):
            problem = None if amount is None else _amount_problem(amount)
            if problem is not None:
                failures.append(
                    Failure("F04", record.id, f"{subject} {target}: {name} {amount} {problem}", target, subject)
                )
        for subject, target, name, value in _times(record):
            if value is None:
                continue
            if not is_aware(value):
                failures.append(
                    Failure(
                        "F04",
                        record.id,
                        f"{subject} {target}: {name} {value.isoformat()} has no time zone",
                        target,
                        subject,
                    )
                )
            elif value > ctx.as_of and name not in _SCHEDULED:
                failures.append(
                    Failure(
                        "F04",
                        record.id,
                        f"{subject} {target}: {name} {value.isoformat()} is after the run ({ctx.as_of.isoformat()})",
                        target,
                        subject,
                    )
                )
        unparsed = [("section", record.id, f, raw) for f, raw in record.section.unparsed]
        unparsed += [("bid", b.id, f, raw) for b in record.bids for f, raw in b.unparsed]
        for subject, target, name, raw in unparsed:
            failures.append(
                Failure("F04", record.id, f"{subject} {target}: {name} {raw!r} does not parse", target, subject)
            )
    return Outcome(len(dataset.records), tuple(failures))
