"""Dataset checks (D01–D04): patterns across sections, each with its threshold as configuration.

They are clues for review (severity ``warning``), never proof. The same checks run at scale as Ibis expressions
in ``fairbid.analytics.engine`` when the data outgrows one machine; here they run over the neutral records.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from decimal import Decimal

from fairbid.domain.quality.format import is_aware
from fairbid.domain.quality.model import CheckContext, Failure, Outcome
from fairbid.domain.quality.record import TradingDataset, TradingRecord

__all__ = [
    "check_agency_concentration",
    "check_expert_concentration",
    "check_repeated_award_amounts",
    "check_split_sections",
]


def check_repeated_award_amounts(dataset: TradingDataset, ctx: CheckContext) -> Outcome:
    """D01: one award amount on more than ``repeated_award_max`` sections (copied or invented figures)."""
    by_amount: dict[Decimal, list[TradingRecord]] = defaultdict(list)
    for record in dataset.records:
        if record.award is not None and record.award.price.is_finite() and record.award.price > 0:
            by_amount[record.award.price].append(record)
    limit = ctx.thresholds.repeated_award_max
    failures = [
        Failure("D01", r.id, f"award amount {amount} recurs on {len(rows)} sections (limit {limit})", r.id, "award")
        for amount, rows in sorted(by_amount.items())
        if len(rows) > limit
        for r in rows
    ]
    return Outcome(sum(len(v) for v in by_amount.values()), tuple(failures))


def _by_tenderee(dataset: TradingDataset) -> dict[str, list[TradingRecord]]:
    out: dict[str, list[TradingRecord]] = defaultdict(list)
    for record in dataset.records:
        out[record.section.tenderee_id].append(record)
    return out


def check_agency_concentration(dataset: TradingDataset, ctx: CheckContext) -> Outcome:
    """D02: one agency holds more than ``agency_share_max`` of a tenderee's sections (招标投标法 第十二条)."""
    t = ctx.thresholds
    checked, failures = 0, []
    for tenderee, rows in sorted(_by_tenderee(dataset).items()):
        if len(rows) < t.agency_min_sections:
            continue
        checked += 1
        counts = Counter(r.section.agency_id for r in rows if r.section.agency_id is not None)
        for agency, n in sorted(counts.items()):
            share = Decimal(n) / len(rows)
            if share > t.agency_share_max:
                failures.append(
                    Failure(
                        "D02",
                        tenderee,
                        f"agency {agency} prepared {n} of {len(rows)} sections "
                        f"({share:.0%} > {t.agency_share_max:.0%})",
                        tenderee,
                        "tenderee",
                    )
                )
    return Outcome(checked, tuple(failures))


def check_expert_concentration(dataset: TradingDataset, ctx: CheckContext) -> Outcome:
    """D03: one expert sits on more than ``expert_share_max`` of a tenderee's evaluated sections (条例 第四十六条)."""
    t = ctx.thresholds
    checked, failures = 0, []
    for tenderee, rows in sorted(_by_tenderee(dataset).items()):
        evaluated = [r for r in rows if r.section.expert_ids]
        if len(evaluated) < t.expert_min_sections:
            continue
        checked += 1
        counts = Counter(e for r in evaluated for e in set(r.section.expert_ids))
        for expert, n in sorted(counts.items()):
            share = Decimal(n) / len(evaluated)
            if share > t.expert_share_max:
                failures.append(
                    Failure(
                        "D03",
                        tenderee,
                        f"expert {expert} evaluated {n} of {len(evaluated)} "
                        f"sections ({share:.0%} > {t.expert_share_max:.0%})",
                        expert,
                        "tenderee",
                    )
                )
    return Outcome(checked, tuple(failures))


def check_split_sections(dataset: TradingDataset, ctx: CheckContext) -> Outcome:
    """D04: a tenderee's small sections of one kind within the window sum to the compulsory-tendering threshold.

    招标投标法 第四条 forbids splitting (化整为零) to avoid tendering; the thresholds are those of
    必须招标的工程项目规定 第五条 by default. A section is "small" when its estimate (or ceiling) is below the
    threshold of its kind; its date is the notice (or the deadline).
    """
    t = ctx.thresholds
    groups: dict[tuple[str, str], list[TradingRecord]] = defaultdict(list)
    for record in dataset.records:
        s = record.section
        amount = s.estimated_price if s.estimated_price is not None else s.ceiling_price
        threshold = t.split_thresholds.get(s.kind)
        when = s.times.notice_at or s.times.deadline
        if amount is None or threshold is None or when is None or not is_aware(when) or not amount < threshold:
            continue
        groups[(s.tenderee_id, s.kind)].append(record)
    window = timedelta(days=t.split_window_days)
    checked, flagged = 0, dict[str, Failure]()
    for (tenderee, kind), rows in sorted(groups.items()):
        checked += len(rows)
        rows.sort(key=lambda r: (_when(r), r.id))
        threshold = t.split_thresholds[kind]
        for i, first in enumerate(rows):
            cluster = [r for r in rows[i:] if _when(r) - _when(first) <= window]
            total = sum((_amount(r) for r in cluster), Decimal(0))
            if len(cluster) >= t.split_min_sections and total >= threshold:
                for r in cluster:
                    flagged.setdefault(
                        r.id,
                        Failure(
                            "D04",
                            r.id,
                            f"{len(cluster)} {kind} sections of {tenderee} within {t.split_window_days} days "
                            f"sum to {total}, each below {threshold}",
                            r.id,
                        ),
                    )
    return Outcome(checked, tuple(flagged[k] for k in sorted(flagged)))


def _when(record: TradingRecord) -> datetime:
    times = record.section.times
    when = times.notice_at or times.deadline
    if when is None:  # filtered out before grouping
        raise ValueError(f"section {record.id} has no date")
    return when


def _amount(record: TradingRecord) -> Decimal:
    s = record.section
    value = s.estimated_price if s.estimated_price is not None else s.ceiling_price
    return value if value is not None else Decimal(0)
