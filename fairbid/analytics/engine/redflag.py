"""The cross-tender red flags (``fairbid.analytics.redflag``, R003…R058) as Ibis expressions.

The same expression runs on DuckDB and on Spark; the definitions, fences (Tukey's, quartiles by linear
interpolation: DuckDB ``quantile_cont``, Spark ``percentile``, numpy ``percentile``) and conventions are those of the
pure-Python module, whose docstring is the reference. The result is a table of
``code, subject, subject_id, value, bound`` (one row per flag); details are left to the reader of the table.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from fairbid.analytics.redflag import COMPETITIVE, R003_DAYS

__all__ = ["FLAG_COLUMNS", "red_flag_table"]

FLAG_COLUMNS = ("code", "subject", "subject_id", "value", "bound")


def _flag(
    table: ir.Table, code: str, subject: str, subject_id: ir.Value, value: ir.Value, bound: ir.Value | None
) -> ir.Table:
    return table.select(
        code=ibis.literal(code),
        subject=ibis.literal(subject),
        subject_id=subject_id.cast("string"),
        value=value.cast("float64"),
        bound=(bound if bound is not None else ibis.null()).cast("float64"),
    )


def _fences(table: ir.Table, column: str) -> ir.Table:
    """``table`` with the Tukey fences of ``column`` over all its rows, and the row count ``n``."""
    col = table[column]
    stats = table.aggregate(q1=col.quantile(0.25), q3=col.quantile(0.75), n=col.count())
    joined = table.cross_join(stats)
    iqr = joined.q3 - joined.q1
    return joined.mutate(low=joined.q1 - 1.5 * iqr, high=joined.q3 + 1.5 * iqr)


def _tender_flags(bids: ir.Table, tenders: ir.Table, r003_days: float) -> list[ir.Table]:
    t = tenders
    r003 = t.filter(
        (t.procurement_method == "open") & t.submission_period_days.notnull() & (t.submission_period_days < r003_days)
    )
    out = [_flag(r003, "R003", "tender", r003.tender_id, r003.submission_period_days, ibis.literal(r003_days))]
    meta = t.select(tid=t.tender_id, method=t.procurement_method, deadline=t.deadline)

    per = bids.group_by("tender_id").aggregate(nb=bids.bidder_id.nunique())
    j = per.left_join(meta, per.tender_id == meta.tid)
    single = j.filter((j.nb == 1) & ibis.coalesce(j.method, "open").isin(sorted(COMPETITIVE)))
    out.append(_flag(single, "R018", "tender", single.tender_id, ibis.literal(1.0), None))

    same = bids.group_by(["tender_id", "price"]).aggregate(nb=bids.bidder_id.nunique()).filter(lambda g: g.nb > 1)
    out.append(_flag(same, "R028", "tender", same.tender_id, ibis.literal(1.0), None))
    who = bids.select("tender_id", "price", "bidder_id").distinct()
    who = who.join(same, [who.tender_id == same.tender_id, who.price == same.price])
    out.append(_flag(who, "R028", "bidder", who.bidder_id, ibis.literal(1.0), None))

    late = bids.filter(bids.winner & bids.received_at.notnull())
    late = late.join(meta, late.tender_id == meta.tid).filter(
        lambda x: x.deadline.notnull() & (x.received_at > x.deadline)
    )
    out.append(_flag(late, "R030", "tender", late.tender_id, ibis.literal(1.0), None))

    one = bids.mutate(
        v=(~bids.disqualified).cast("int64"), d=bids.disqualified.cast("int64"), w=bids.winner.cast("int64")
    )
    pb = one.group_by(["tender_id", "bidder_id"]).aggregate(hv=one.v.max(), hd=one.d.max(), hw=one.w.max())
    pt = pb.group_by("tender_id").aggregate(
        nvb=pb.hv.sum(), nwb=pb.hw.sum(), both=(pb.hv * pb.hw).sum(), ndq=(pb.hd * (1 - pb.hv)).sum()
    )
    r035 = pt.filter((pt.nvb == 1) & (pt.nwb == 1) & (pt.both == 1) & (pt.ndq > 0))
    out.append(_flag(r035, "R035", "tender", r035.tender_id, r035.ndq, ibis.literal(1.0)))

    low = one.group_by("tender_id").aggregate(minp=one.price.min(), nw=one.w.sum())
    at_low = bids.join(low, [bids.tender_id == low.tender_id, bids.price == low.minp])
    r036 = at_low.filter(at_low.disqualified & (at_low.nw > 0)).select("tender_id").distinct()
    out.append(_flag(r036, "R036", "tender", r036.tender_id, ibis.literal(1.0), None))
    return out


def _gap_flags(bids: ir.Table) -> list[ir.Table]:
    one = bids.mutate(w=bids.winner.cast("int64"), v=(~bids.disqualified).cast("int64"))
    per = one.group_by("tender_id").aggregate(
        nw=one.w.sum(),
        nvalid=one.v.sum(),
        wp=one.price.max(where=one.winner),
        wb=one.bidder_id.max(where=one.winner),
        minvalid=one.price.min(where=~one.disqualified),
    )
    ok = per.filter((per.nw == 1) & (per.nvalid >= 2) & (per.wp > 0) & (per.minvalid == per.wp))
    ok = ok.select(tid=ok.tender_id, wp=ok.wp, wb=ok.wb)
    others = bids.join(ok, bids.tender_id == ok.tid).filter(lambda x: ~x.disqualified & (x.bidder_id != x.wb))
    gaps = others.group_by(["tid", "wp"]).aggregate(second=others.price.min())
    gaps = gaps.select(tender_id=gaps.tid, gap=(gaps.second - gaps.wp) / gaps.wp)
    f = _fences(gaps, "gap").filter(lambda x: x.n >= 2)
    r024 = f.filter(f.gap <= f.low)
    r058 = f.filter(f.gap >= f.high)
    return [
        _flag(r024, "R024", "tender", r024.tender_id, r024.gap, r024.low),
        _flag(r058, "R058", "tender", r058.tender_id, r058.gap, r058.high),
    ]


def _bidder_flags(bids: ir.Table, tenders: ir.Table) -> list[ir.Table]:
    one = bids.mutate(
        w=bids.winner.cast("int64"), v=(~bids.disqualified).cast("int64"), d=bids.disqualified.cast("int64")
    )
    per = one.group_by("bidder_id").aggregate(
        valid=one.v.sum(), wins=one.w.sum(), submitted=one.v.count(), disq=one.d.sum()
    )
    active = per.filter(per.valid > 0)
    active = active.mutate(ratio=active.wins.cast("float64") / active.valid.cast("float64"))
    stats = active.aggregate(top=active.valid.quantile(0.75))
    f = _fences(active, "ratio").cross_join(stats).filter(lambda x: x.n >= 2)
    r025 = f.filter((f.valid >= f.top) & (f.ratio <= f.low))
    out = [_flag(r025, "R025", "bidder", r025.bidder_id, r025.ratio, r025.low)]

    eligible = per.filter(per.submitted >= 2)
    eligible = eligible.mutate(ratio=eligible.disq.cast("float64") / eligible.submitted.cast("float64"))
    f = _fences(eligible, "ratio").filter(lambda x: x.n >= 2)
    r038 = f.filter((f.ratio > 0) & (f.ratio >= f.high))
    out.append(_flag(r038, "R038", "bidder", r038.bidder_id, r038.ratio, r038.high))

    classes = tenders.select(tid=tenders.tender_id, item_classes=tenders.item_classes)
    won = bids.filter(bids.winner).select("bidder_id", "tender_id")
    won = won.join(classes, won.tender_id == classes.tid)
    eligible_bidders = won.select("bidder_id").distinct()
    exploded = won.select(wb=won.bidder_id, cls=won.item_classes.unnest())
    exploded = exploded.filter(exploded.cls.notnull() & (exploded.cls.length() > 0))
    variety = exploded.group_by("wb").aggregate(k=exploded.cls.substr(0, 2).nunique())
    v = eligible_bidders.left_join(variety, eligible_bidders.bidder_id == variety.wb)
    v = v.select(bidder_id=v.bidder_id, variety=ibis.coalesce(v.k, 0).cast("float64"))
    f = _fences(v, "variety").filter(lambda x: x.n >= 2)
    r048 = f.filter((f.variety > 1) & (f.variety >= f.high))
    out.append(_flag(r048, "R048", "bidder", r048.bidder_id, r048.variety, r048.high))
    return out


def _buyer_flags(bids: ir.Table, tenders: ir.Table) -> list[ir.Table]:
    buyers = tenders.filter(tenders.buyer_id.notnull()).select(tid=tenders.tender_id, buyer_id=tenders.buyer_id)
    j = bids.join(buyers, bids.tender_id == buyers.tid)
    per = j.group_by("buyer_id").aggregate(
        processes=j.tid.nunique(), submitted=j.count(), disq=j.disqualified.cast("int64").sum()
    )
    per = per.filter((per.processes >= 2) & (per.submitted > 0))
    per = per.mutate(ratio=per.disq.cast("float64") / per.submitted.cast("float64"))
    f = _fences(per, "ratio").filter(lambda x: x.n >= 2)
    r038 = f.filter((f.ratio > 0) & (f.ratio >= f.high))
    return [_flag(r038, "R038", "buyer", r038.buyer_id, r038.ratio, r038.high)]


def red_flag_table(bids: ir.Table, tenders: ir.Table, *, r003_days: float = R003_DAYS) -> ir.Table:
    """Every red flag over the ``bids`` and ``tenders`` tables of the Parquet layout, as one Ibis table."""
    parts = (
        _tender_flags(bids, tenders, r003_days)
        + _gap_flags(bids)
        + _bidder_flags(bids, tenders)
        + _buyer_flags(bids, tenders)
    )
    return ibis.union(*parts, distinct=False)
