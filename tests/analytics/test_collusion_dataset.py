"""Bad input gets a clear message or a documented treatment, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from fairbid.analytics.dataset import DatasetProblem, load_bid_list, load_dataset
from fairbid.analytics.evaluation import evaluate_tender_level
from fairbid.cli.collusion import app

HEADER = "Tender,Bid_value,Collusive_competitor,Winner,Date\n"


def _write(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _rows(tenders: int, bids: int, *, start: int = 0) -> str:
    lines = []
    for t in range(start, start + tenders):
        for b in range(bids):
            lines.append(f"{t},{1000 + 37 * b + 11 * t},{t % 2},{int(b == 0)},{2000 + t}\n")
    return "".join(lines)


def test_missing_columns_are_named(tmp_path: Path) -> None:
    path = _write(tmp_path, "Tender,Price\n1,100\n")
    with pytest.raises(DatasetProblem, match=r"lacks the column.*Bid_value.*Collusive_competitor"):
        load_dataset(path)


def test_non_numeric_bids_name_the_lines(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + "1,100,0,1,1\n1,abc,0,0,1\n1,-5,0,0,1\n")
    with pytest.raises(DatasetProblem, match=r"positive numbers; 2 cell\(s\) do not: line 3 \('abc'\), line 4"):
        load_dataset(path)


def test_one_class_only_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + "1,100,0,1,1\n1,120,0,0,1\n2,90,0,1,1\n")
    with pytest.raises(DatasetProblem, match="every tender is non-collusive"):
        load_dataset(path)


def test_label_must_be_constant_within_a_tender(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + "1,100,0,1,1\n1,120,1,0,1\n2,90,1,1,1\n")
    with pytest.raises(DatasetProblem, match="tender\\(s\\) 1 mix 0 and 1"):
        load_dataset(path)


def test_empty_and_ragged_files(tmp_path: Path) -> None:
    with pytest.raises(DatasetProblem, match="is empty"):
        load_dataset(_write(tmp_path, ""))
    with pytest.raises(DatasetProblem, match="no bids"):
        load_dataset(_write(tmp_path, HEADER))
    with pytest.raises(DatasetProblem, match="different number of cells"):
        load_dataset(_write(tmp_path, HEADER + "1,100,0\n"))
    with pytest.raises(DatasetProblem, match="does not exist"):
        load_dataset(tmp_path / "absent.csv")


def test_single_bid_tenders_are_kept_at_bid_level_and_left_out_of_the_tender_track(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + _rows(12, 5) + _rows(3, 1, start=100))
    ds = load_dataset(path)
    assert ds.n_tenders == 15
    assert any("3 single-bid tender(s)" in note for note in ds.notes)
    only_singles = _write(tmp_path, HEADER + _rows(6, 1), "singles.csv")
    with pytest.raises(DatasetProblem, match="no tender with 4 or more bids"):
        evaluate_tender_level(load_dataset(only_singles), repetitions=1)


def test_date_columns_are_separable_and_label_leaks_never_features(tmp_path: Path) -> None:
    text = "Tender,Bid_value,Collusive_competitor,Collusive_competitor_original,Cartel_name,Date,Site,CV\n"
    text += "".join(f"{t},{100 + t + b},{t % 2},{b % 2},{b % 2},{t},{t % 3},0.1\n" for t in range(6) for b in range(4))
    ds = load_dataset(_write(tmp_path, text))
    assert ds.feature_names == ("Date", "Site")
    assert ds.columns(with_date=False)[1] == ("Site",)
    assert ds.member is not None


def test_text_columns_are_coded_and_blank_numbers_take_the_median(tmp_path: Path) -> None:
    text = "Tender,Bid_value,Collusive_competitor,Kind,Capital\n1,100,0,b,10\n1,110,0,a,\n2,90,1,b,30\n2,95,1,c,20\n"
    ds = load_dataset(_write(tmp_path, text))
    kind, capital = ds.features[:, 0], ds.features[:, 1]
    assert kind.tolist() == [1.0, 0.0, 1.0, 2.0]
    assert capital.tolist() == [10.0, 20.0, 30.0, 20.0]


def test_bid_list_accepts_plain_and_garcia_names(tmp_path: Path) -> None:
    plain = load_bid_list(_write(tmp_path, "tender,bidder,bid\nT1,A,100\nT1,B,101.5\n"))
    assert plain == {"T1": [("A", 100.0), ("B", 101.5)]}
    garcia = load_bid_list(_write(tmp_path, "Tender,Competitors,Bid_value\n7,3,9\n", "g.csv"))
    assert garcia == {"7": [("3", 9.0)]}
    with pytest.raises(DatasetProblem, match="lacks a 'bidder' column"):
        load_bid_list(_write(tmp_path, "tender,bid\nT1,5\n", "x.csv"))


def test_cli_prints_the_problem_without_a_traceback(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = _write(tmp_path, "Tender,Price\n1,100\n")
    result = runner.invoke(app, ["evaluate", str(bad), "--repetitions", "1"])
    assert result.exit_code == 2
    assert "The bid data cannot be analysed" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    result = runner.invoke(app, ["screen", str(bad)])
    assert result.exit_code == 2
    assert "lacks a 'bidder' column" in result.output
