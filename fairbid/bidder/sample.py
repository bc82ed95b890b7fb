"""A plausible bid for the sample tender (documents/demo_form.json): what the demo's bidders and the tests'
factories seal. Every field the sample terms' review and objective items read is filled, and varied by ``rng``
so the machine's scores differ from bid to bid."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from fairbid.crypto.form import BidForm

__all__ = ["SAMPLE_CERTIFICATES", "sample_bid_form"]

SAMPLE_CERTIFICATES = ("building_general_1", "safety_permit")
"""The 资质 certificates the sample terms require (qualification.certificates)."""


def sample_bid_form(
    rng: random.Random,
    *,
    price: Decimal,
    index: int,
    estimate: Decimal,
    deadline: date,
    duration_days: int | None = None,
    similar_contracts: int | None = None,
    safety_officers: int | None = None,
) -> BidForm:
    """A bid at ``price`` meeting the sample qualification: a 一级 project manager, the key staff, the
    certificates and one to three similar contracts of at least half ``estimate`` finished in the last five
    years before ``deadline``. Fixing ``duration_days``, ``similar_contracts`` and ``safety_officers`` gives every
    bid the same objective facts, so only the price and the members' scores tell bids apart."""
    similar = tuple(
        (
            f"类似工程{index:02d}-{n + 1}",
            (estimate * Decimal(rng.uniform(0.55, 1.2))).quantize(Decimal("0.01")),
            deadline - timedelta(days=rng.randrange(120, 1700)),
        )
        for n in range(similar_contracts if similar_contracts is not None else rng.randint(1, 3))
    )
    return BidForm(
        price=price,
        duration_days=duration_days if duration_days is not None else rng.choice((300, 330, 360)),
        quality="合格",
        project_manager_id=f"PM-{index:03d}-{rng.randrange(10**6):06d}",
        bid_security_ref=f"EG-{rng.randrange(10**8):08d}",
        pm_grade="一级",
        staff={"project_manager": 1, "technical_lead": 1, "safety_officer": safety_officers or rng.choice([3, 4])},
        certificates=SAMPLE_CERTIFICATES,
        similar_contracts=similar,
    )
