"""The per-tender statistical screens (``fairbid.analytics.screen``) as one Ibis expression.

Same formulas and conventions as ``compute_screens`` (an undefined screen is 0.0): the bids of each tender are
ranked by price with a window, then aggregated — central moments by two passes (the tender mean first), the KS
distance against Uniform[b1, bn] from the ranks.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from fairbid.analytics.screen import SCREEN_NAMES

__all__ = ["screen_table"]


def _ratio(num: ir.FloatingValue, den: ir.FloatingValue) -> ir.FloatingValue:
    """``num / den`` when ``den > 0``, else 0 (no division by zero reaches the engine)."""
    safe = ibis.cases((den > 0, den), else_=ibis.literal(1.0))
    result: ir.FloatingValue = ibis.cases((den > 0, num / safe), else_=ibis.literal(0.0))
    return result


def screen_table(bids: ir.Table) -> ir.Table:
    """One row per tender: ``tender_id``, ``n`` and every screen of ``SCREEN_NAMES``."""
    g = ibis.window(group_by="tender_id")
    ranked = bids.select("tender_id", "price").mutate(
        i=(ibis.row_number().over(group_by="tender_id", order_by="price") + 1).cast("float64"),
        n=bids.price.count().over(g).cast("float64"),
        mean=bids.price.mean().over(g),
        b1=bids.price.min().over(g),
        bn=bids.price.max().over(g),
    )
    d = ranked.price - ranked.mean
    span = ranked.bn - ranked.b1
    cdf = _ratio(ranked.price - ranked.b1, span)
    ranked = ranked.mutate(
        d2=d * d,
        d3=d * d * d,
        d4=d * d * d * d,
        absb=ranked.price.abs(),
        ks=ibis.greatest(ranked.i / ranked.n - cdf, cdf - (ranked.i - 1) / ranked.n),
    )
    r = ranked
    agg = r.group_by("tender_id").aggregate(
        n=r.n.max(),
        mean=r.mean.max(),
        b1=r.b1.max(),
        bn=r.bn.max(),
        b2=r.price.max(where=r.i == 2),
        sd=r.price.std(how="sample"),
        sd_losing=r.price.std(how="sample", where=r.i >= 2),
        sd_all_but=r.price.std(how="sample", where=r.i <= r.n - 1),
        m2=r.d2.mean(),
        m3=r.d3.mean(),
        m4=r.d4.mean(),
        mean_abs=r.absb.mean(),
        ks=r.ks.max(),
    )
    a = agg
    n, gap = a.n, a.b2 - a.b1
    two, three = a.n >= 2, a.n >= 3
    zero = ibis.literal(0.0)
    moments_ok = (a.m2 > 0) & (a.m2 >= (1e-14 * a.mean_abs) * (1e-14 * a.mean_abs))
    m2_safe = ibis.cases((moments_ok, a.m2), else_=ibis.literal(1.0))
    skew = (n * (n - 1)).sqrt() / ibis.greatest(n - 2, 1) * a.m3 / m2_safe.pow(1.5)
    kurt = (n - 1) / ibis.greatest((n - 2) * (n - 3), 1) * ((n + 1) * a.m4 / (m2_safe * m2_safe) - 3 * (n - 1))
    screens = {
        "CV": ibis.cases((two, _ratio(a.sd, a.mean)), else_=zero),
        "SPD": ibis.cases((two, _ratio(a.bn - a.b1, a.b1)), else_=zero),
        "DIFFP": ibis.cases((two, _ratio(gap, a.b1)), else_=zero),
        "RD": ibis.cases((three, _ratio(gap, a.sd_losing)), else_=zero),
        "RD_ALL_BUT": ibis.cases((three, _ratio(gap, a.sd_all_but)), else_=zero),
        "RDNOR": ibis.cases((three, _ratio(gap, (a.bn - a.b1) / ibis.greatest(n - 1, 1))), else_=zero),
        "RDALT": ibis.cases((three, _ratio(gap, (a.bn - a.b2) / ibis.greatest(n - 2, 1))), else_=zero),
        "KURT": ibis.cases((moments_ok & (n > 3), kurt), else_=zero),
        "SKEW": ibis.cases((moments_ok & (n > 2), skew), else_=zero),
        "KSTEST": ibis.cases((two & (a.bn > a.b1), a.ks), else_=zero),
    }
    assert tuple(screens) == SCREEN_NAMES
    return a.select(tender_id=a.tender_id, n=a.n.cast("int64"), **{k: v.cast("float64") for k, v in screens.items()})
