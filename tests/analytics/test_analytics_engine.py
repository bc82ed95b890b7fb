"""The Ibis analytics give the pure-Python results: red flags and screens, on DuckDB and (slow) on Spark."""

from __future__ import annotations

from pathlib import Path

import pytest

from fairbid.analytics.engine import Engine, connect, load_records, run_analytics, spark_unavailable, write_records
from fairbid.analytics.engine.run import AnalyticsResult
from fairbid.analytics.engine.synthetic import generate
from fairbid.analytics.record import BidRecord
from fairbid.analytics.redflag import red_flags
from fairbid.analytics.screen import compute_screens
from fairbid.domain.errors import InvalidInput

Key = tuple[str, str, str, float, float | None]


def _keys_of(flags: list[Key]) -> list[Key]:
    return sorted((c, s, i, round(v, 9), None if b is None else round(b, 9)) for c, s, i, v, b in flags)


def _python(data: Path) -> tuple[list[Key], dict[str, dict[str, float]]]:
    bids, tenders = load_records(data)
    flags = _keys_of([(f.code, f.subject, f.subject_id, f.value, f.bound) for f in red_flags(bids, tenders)])
    by: dict[str, list[float]] = {}
    for b in bids:
        by.setdefault(b.tender_id, []).append(b.price)
    return flags, {t: compute_screens(p) for t, p in by.items()}


def _assert_same(result: AnalyticsResult, flags: list[Key], screens: dict[str, dict[str, float]]) -> None:
    assert _keys_of([(f.code, f.subject, f.subject_id, f.value, f.bound) for f in result.flags]) == flags
    assert {s.tender_id for s in result.screens} == set(screens)
    for row in result.screens:
        for name, value in screens[row.tender_id].items():
            assert row.screens[name] == pytest.approx(value, rel=1e-9, abs=1e-12), (row.tender_id, name)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bids")
    generate(out, bids=20_000, seed=3, bidders=2_000, cartels=8, cartel_share=0.1)
    return out


def test_duckdb_gives_the_pure_python_red_flags_and_screens(sample: Path) -> None:
    flags, screens = _python(sample)
    assert {f[0] for f in flags} >= {"R018", "R028", "R036", "R058"}
    _assert_same(run_analytics(sample, engine=Engine.DUCKDB), flags, screens)


def test_handmade_records_round_trip_through_parquet(tmp_path: Path) -> None:
    bids = [
        BidRecord("T1", "A", 100.0, winner=True),
        BidRecord("T1", "B", 100.0),
        BidRecord("T1", "C", 100.0, disqualified=True),  # ties at the lowest price: R036 whatever the order
        BidRecord("T2", "A", 120.0, winner=True),
        BidRecord("T2", "D", 90.0, disqualified=True),
        BidRecord("T3", "D", 70.0, winner=True),
    ]
    write_records(bids, [], tmp_path)
    flags, screens = _python(tmp_path)
    assert ("R036", "tender", "T1", 1.0, None) in flags and ("R018", "tender", "T3", 1.0, None) in flags
    _assert_same(run_analytics(tmp_path), flags, screens)
    reordered = [bids[2], bids[1], bids[0], *bids[3:]]
    assert "T1" in {f.subject_id for f in red_flags(reordered) if f.code == "R036"}


def test_a_folder_without_bids_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no bids table"):
        run_analytics(tmp_path)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::ResourceWarning")  # py4j leaves its gateway sockets to the garbage collector
@pytest.mark.skipif(spark_unavailable() is not None, reason=f"Spark cannot run here: {spark_unavailable()}")
def test_spark_gives_the_same_results_as_duckdb_and_python(tmp_path: Path) -> None:
    generate(tmp_path, bids=1_500, seed=4, bidders=300, cartels=3, cartel_share=0.1)
    flags, screens = _python(tmp_path)
    con = connect(Engine.SPARK, spark_master="local[2]")
    try:
        _assert_same(run_analytics(tmp_path, engine=Engine.SPARK, con=con), flags, screens)
    finally:
        con.disconnect()


def test_the_cobidding_edges_and_bidder_counts_equal_the_pure_python_graph(sample: Path) -> None:
    import ibis

    from fairbid.analytics.engine.network import bidder_table, edge_table
    from fairbid.analytics.network import CoBidding

    bids, _ = load_records(sample)
    graph = CoBidding.build(bids)
    con = ibis.duckdb.connect()
    table = con.read_parquet(str(sample / "bids.parquet"))
    edges = {(r["bidder_a"], r["bidder_b"]): r["weight"] for r in con.to_pyarrow(edge_table(table)).to_pylist()}
    assert edges == dict(graph.edges)
    counts = {r["bidder_id"]: (r["tenders"], r["wins"]) for r in con.to_pyarrow(bidder_table(table)).to_pylist()}
    assert counts == {b: (len(t), len(graph.wins_of.get(b, ()))) for b, t in graph.tenders_of.items()}
