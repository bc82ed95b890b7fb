"""Every check of the data-quality catalog: one record that fails it and one that passes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from fairbid.domain.credit_code import check_character
from fairbid.domain.quality import (
    CATALOG,
    CHECKS,
    AwardRecord,
    BidState,
    CandidateRecord,
    CheckContext,
    ContractRecord,
    DatasetThresholds,
    OpeningRecord,
    PartyRecord,
    Phase,
    PhaseTimes,
    SectionRecord,
    SectionSnapshot,
    TradingBid,
    TradingDataset,
    TradingRecord,
    run_checks,
)
from fairbid.domain.quality.format import trading_code_problem

NOTICE = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
AS_OF = datetime(2026, 6, 30, 0, 0, tzinfo=UTC)
REGIONS = frozenset({"430200", "430211", "110000"})


def _code(seed: str) -> str:
    body = ("91430200" + seed * 9)[:17]
    return body + check_character(body)


def _wrong(code: str) -> str:
    """The code with another check character."""
    return code[:17] + ("1" if code[17] == "0" else "0")


PLATFORM = _code("P")
PARTIES = [
    PartyRecord("T1", "株洲某局", _code("T"), "430200"),
    PartyRecord("A1", "某代理", _code("A"), "430211"),
    PartyRecord("B1", "甲公司", _code("1"), "430211"),
    PartyRecord("B2", "乙公司", _code("2"), "430200"),
    PartyRecord("B3", "丙公司", _code("3"), "110000"),
    PartyRecord("G1", "某银行", _code("G"), "430200"),
    PartyRecord("E1", "专家一"),
]


def _record(n: int = 1, **section_changes: object) -> TradingRecord:
    deadline = NOTICE + timedelta(days=25)
    times = PhaseTimes(
        notice_at=NOTICE,
        sale_start=NOTICE + timedelta(days=1),
        deadline=deadline,
        opening_at=deadline,
        evaluation_at=deadline + timedelta(days=2),
        publicity_start=deadline + timedelta(days=3),
        award_at=deadline + timedelta(days=7),
        contract_at=deadline + timedelta(days=20),
    )
    section = SectionRecord(
        id=f"S{n}",
        code=f"ZZ-{n}",
        name="标段",
        trading_code=f"{PLATFORM}-20260302-{n:06d}-X",
        phase=Phase.CONTRACTED,
        tenderee_id="T1",
        times=times,
        agency_id="A1",
        region_code="430211",
        ceiling_price=Decimal("1000000.00"),
        estimated_price=Decimal("1020000.00"),
        bids_sealed=False,
        expert_ids=("E1",),
    )
    section = replace(section, **section_changes)  # type: ignore[arg-type]
    prices = {"B1": Decimal("900000.00"), "B2": Decimal("910000.00"), "B3": Decimal("950000.00")}
    bids = tuple(
        TradingBid(
            f"S{n}-{b}",
            b,
            BidState.DISQUALIFIED if b == "B3" else BidState.VALID,
            received_at=deadline - timedelta(hours=3),
            price=p,
            guarantor_id="G1",
        )
        for b, p in prices.items()
    )
    return TradingRecord(
        section,
        bids,
        candidates=(
            CandidateRecord(1, "B1", f"S{n}-B1", prices["B1"]),
            CandidateRecord(2, "B2", f"S{n}-B2", prices["B2"]),
        ),
        award=AwardRecord("B1", f"S{n}-B1", prices["B1"], times.award_at),
        contract=ContractRecord(f"C{n}", "B1", prices["B1"], times.contract_at),
        opening=OpeningRecord(deadline, "ab" * 32, "AB" * 32, valid_bids=2, bidders=tuple(prices)),
    )


def _ctx(**changes: object) -> CheckContext:
    return replace(CheckContext(AS_OF, REGIONS), **changes)  # type: ignore[arg-type]


def _ids(records: list[TradingRecord], ctx: CheckContext, parties: list[PartyRecord] = PARTIES) -> set[str]:
    report = run_checks(TradingDataset.of(records, parties), ctx)
    return {f.check_id for f in report.failures}


Case = Callable[[], tuple[list[TradingRecord], CheckContext, list[PartyRecord]]]


def _one(record: TradingRecord, ctx: CheckContext | None = None, parties: list[PartyRecord] = PARTIES) -> Case:
    return lambda: ([record], ctx or _ctx(), parties)


def _with_party(pid: str, **changes: object) -> list[PartyRecord]:
    return [replace(p, **changes) if p.id == pid else p for p in PARTIES]  # type: ignore[arg-type]


BASE = _record()
T = BASE.section.times
AWARD = BASE.award
assert AWARD is not None and BASE.contract is not None and BASE.opening is not None

FAILING: dict[str, Case] = {
    "F01": _one(BASE, parties=_with_party("B2", credit_code=_wrong(_code("2")))),
    "F02": _one(_record(region_code="439999")),
    "F03": _one(_record(trading_code=f"{PLATFORM}-20260231-000001-X")),
    "F04": _one(replace(BASE, bids=(replace(BASE.bids[0], price=Decimal("900000.001")), *BASE.bids[1:]))),
    "C01": _one(_record(times=replace(T, opening_at=T.deadline + timedelta(minutes=5)))),  # type: ignore[operator]
    "C02": _one(_record(ceiling_price=Decimal("899999.99"))),
    "C03": _one(replace(_record(phase=Phase.AWARDED, times=replace(T, contract_at=None)), contract=None)),
    "K01": _one(replace(BASE, opening=replace(BASE.opening, valid_bids=3))),
    "K02": _one(
        replace(
            BASE, award=replace(AWARD, price=Decimal("0.00")), contract=replace(BASE.contract, price=Decimal("0.00"))
        )
    ),
    "K03": _one(replace(BASE, contract=replace(BASE.contract, price=Decimal("900100.00")))),
    "K04": _one(replace(BASE, opening=replace(BASE.opening, file_digest="cd" * 32))),
    "R01": _one(
        replace(
            BASE,
            award=replace(AWARD, bidder_id="B3", bid_id="S1-B3"),
            contract=replace(BASE.contract, supplier_id="B3"),
        )
    ),
    "R02": _one(_record(agency_id="A-UNKNOWN")),
    "D01": lambda: ([_record(i) for i in range(4)], _ctx(), PARTIES),
    "D02": lambda: (
        [_record(i, expert_ids=(f"E{i}",)) for i in range(5)],
        _ctx(),
        PARTIES + [PartyRecord(f"E{i}", "专家") for i in range(5)],
    ),
    "D03": lambda: (
        [_record(i, agency_id=("A1" if i % 2 else "A2")) for i in range(4)],
        _ctx(),
        [*PARTIES, PartyRecord("A2", "另一代理", _code("Q"), "430200")],
    ),
    "D04": lambda: (
        [
            _record(
                i,
                estimated_price=Decimal("2100000.00"),
                ceiling_price=Decimal("2000000.00"),
                times=replace(T, notice_at=NOTICE + timedelta(days=i)),
            )
            for i in range(2)
        ],
        _ctx(),
        PARTIES,
    ),
    "T01": _one(BASE, _ctx(previous={"S1": SectionSnapshot("S1", f"{PLATFORM}-20260301-000001-X", Phase.AWARDED)})),
    "T02": _one(
        _record(phase=Phase.AWARDED),
        _ctx(previous={"S1": SectionSnapshot("S1", BASE.section.trading_code, Phase.CONTRACTED)}),
    ),
}


def test_every_check_has_a_case() -> None:
    assert set(FAILING) == set(CATALOG) == set(CHECKS)


@pytest.mark.parametrize("check_id", sorted(FAILING))
def test_check_fails_on_its_faulty_record(check_id: str) -> None:
    records, ctx, parties = FAILING[check_id]()
    report = run_checks(TradingDataset.of(records, parties), ctx, only={check_id})
    assert report.failed_ids() == {check_id}
    assert report.score_of(check_id).score < 100
    failure = report.failures[0]
    assert failure.fix_hint.startswith(CATALOG[check_id].fix_place.value + ":")


PASSING: dict[str, Case] = {
    **{cid: _one(BASE) for cid in CATALOG},
    "D01": lambda: ([_record(i) for i in range(3)], _ctx(), PARTIES),  # three repeats: at the limit, not above
    "D02": lambda: (
        [_record(i, agency_id=("A1" if i else "A2"), expert_ids=(f"E{i}",)) for i in range(5)],
        _ctx(),
        PARTIES
        + [PartyRecord("A2", "另一代理", _code("Q"), "430200")]
        + [PartyRecord(f"E{i}", "专家") for i in range(5)],
    ),  # 4 of 5 = 80 %, not above
    "D03": lambda: (
        [
            _record(i, expert_ids=(f"E{i}", "E1") if i < 2 else (f"E{i}",), agency_id=("A1" if i % 2 else "A2"))
            for i in range(4)
        ],
        _ctx(),
        PARTIES
        + [PartyRecord(f"E{i}", "专家") for i in range(4)]
        + [PartyRecord("A2", "另一代理", _code("Q"), "430200")],
    ),
    "D04": lambda: (
        [
            _record(
                i,
                estimated_price=Decimal("2100000.00"),
                ceiling_price=Decimal("2000000.00"),
                times=replace(T, notice_at=NOTICE + timedelta(days=100 * i)),
            )
            for i in range(2)
        ],
        _ctx(thresholds=DatasetThresholds()),
        PARTIES,
    ),
    "T01": _one(BASE, _ctx(previous={"S1": SectionSnapshot("S1", BASE.section.trading_code, Phase.AWARDED)})),
    "T02": _one(BASE, _ctx(previous={"S1": SectionSnapshot("S1", BASE.section.trading_code, Phase.AWARDED)})),
}


@pytest.mark.parametrize("check_id", sorted(PASSING))
def test_check_passes_on_a_clean_record(check_id: str) -> None:
    records, ctx, parties = PASSING[check_id]()
    report = run_checks(TradingDataset.of(records, parties), ctx, only={check_id})
    assert report.failures == ()
    assert str(report.score_of(check_id).score) == "100.00"


def test_a_clean_record_scores_100_on_the_whole_catalog() -> None:
    report = run_checks(TradingDataset.of([BASE], PARTIES), _ctx())
    assert report.failures == ()
    assert str(report.overall) == "100.00"
    assert {s.check_id for s in report.scores} == set(CATALOG)


def test_scores_count_distinct_failing_items() -> None:
    bad = [*_with_party("B1", credit_code="123"), PartyRecord("X", "x", "也不对")]
    report = run_checks(TradingDataset.of([BASE], bad), _ctx(), only={"F01"})
    score = report.score_of("F01")
    assert (score.checked, score.failed, str(score.score)) == (7, 2, "71.43")
    assert str(report.overall) == "71.43"


def test_time_checks_need_a_previous_run() -> None:
    report = run_checks(TradingDataset.of([BASE], PARTIES), _ctx(), only={"T01", "T02"})
    assert [s.checked for s in report.scores] == [0, 0]


def test_a_section_gone_since_the_previous_run_fails_t01() -> None:
    previous = {"S9": SectionSnapshot("S9", None, Phase.BIDDING)}
    report = run_checks(TradingDataset.of([BASE], PARTIES), _ctx(previous=previous), only={"T01"})
    assert [(f.check_id, f.record_id) for f in report.failures] == [("T01", "S9")]


def test_the_snapshot_carries_trading_codes_and_phases() -> None:
    report = run_checks(TradingDataset.of([BASE], PARTIES), _ctx())
    assert report.snapshot == (SectionSnapshot("S1", BASE.section.trading_code, Phase.CONTRACTED),)


def test_unparsed_source_values_and_naive_times_fail_f04() -> None:
    record = _record(unparsed=(("ceiling_price", "约100万"),), times=replace(T, notice_at=datetime(2026, 3, 2)))
    report = run_checks(TradingDataset.of([record], PARTIES), _ctx(), only={"F04", "C01"})
    messages = [f.message for f in report.failures]
    assert any("约100万" in m for m in messages) and any("time zone" in m for m in messages)
    assert report.score_of("C01").failed == 0  # a naive time is F04's, not C01's


def test_a_scheduled_deadline_may_lie_after_the_run_but_an_event_may_not() -> None:
    future = AS_OF + timedelta(days=3)
    planned = _record(phase=Phase.BIDDING, times=PhaseTimes(notice_at=NOTICE, sale_start=NOTICE, deadline=future))
    happened = _record(times=replace(T, contract_at=future))
    assert "F04" not in _ids([replace(planned, award=None, contract=None, opening=None, candidates=())], _ctx())
    assert "F04" in _ids([happened], _ctx())


def test_trading_code_problems_name_the_part_that_is_wrong() -> None:
    assert trading_code_problem(f"{PLATFORM}20260302000001X") is None
    assert "calendar date" in (trading_code_problem(f"{PLATFORM}-20261302-000001-X") or "")
    assert "credit code" in (trading_code_problem(f"{_wrong(PLATFORM)}-20260302-000001-X") or "")
    assert "not 18" in (trading_code_problem("ZZ-2026-01") or "")


def test_unknown_check_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="Z99"):
        run_checks(TradingDataset.of([BASE], PARTIES), _ctx(), only={"Z99"})
