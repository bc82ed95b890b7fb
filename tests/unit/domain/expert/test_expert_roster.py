"""Pool import from CSV, and remote-venue check-in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fairbid.domain.errors import InvalidInput, NotPermitted
from fairbid.domain.expert import (
    CommitteeDraw,
    DrawnSeat,
    ExpertStatus,
    SeatStatus,
    Title,
    check_in,
    parse_expert_csv,
    record_action,
)

NOW = datetime(2026, 11, 27, 8, tzinfo=UTC)
HEADER = (
    "expert_id,name,specialties,region,employer,title,years,status,email,former_employers,relationships,unavailable"
)
GOOD = (
    "E1,张三,A01;B02,320100,91110108551385082Q,正高级,12,正常,zs@example.org,"
    "91110000600037341L@2018-01-01/2024-06-30,91110000600037341L:配偶任职,2026-12-01/2026-12-03\n"
    "E2,李四,C03,320200,91110000600037341L,senior,9,,,,,\n"
)


def test_parse_expert_csv_reads_every_column() -> None:
    first, second = parse_expert_csv("\ufeff" + HEADER + "\n" + GOOD)
    assert first.specialties == frozenset({"A01", "B02"})
    assert first.title is Title.SENIOR_FULL
    assert first.former_employers[0].end == datetime(2024, 6, 30, tzinfo=UTC)
    assert first.relationships[0].kind == "配偶任职"
    assert first.unavailable[0].start == datetime(2026, 12, 1, tzinfo=UTC)
    assert first.email == "zs@example.org"
    assert second.status is ExpertStatus.ACTIVE
    assert second.title is Title.SENIOR


@pytest.mark.parametrize(
    ("row", "where"),
    [
        ("E3,王五,A01,320100,91110108551385082A,senior,9", "Line 2, column employer"),
        ("E3,王五,A01,320100,91110108551385082Q,教授,9", "column title"),
        ("E3,王五,A01,320100,91110108551385082Q,senior,九", "column years"),
        ("E3,王五,,320100,91110108551385082Q,senior,9", "no specialty"),
        ("E3,王五,A01,320100,91110108551385082Q,senior,9,gone", "column status"),
        ("E3,王五,A01,320100,91110108551385082Q,senior,9,,,bad,,", "column former_employers"),
        ("E3,王五,A01,320100,91110108551385082Q,senior,9,,,,x,", "column relationships"),
        ("E3,王五,A01,320100,91110108551385082Q,senior,9,,,,,2026-12-03/2026-12-01", "column unavailable"),
    ],
)
def test_parse_expert_csv_names_line_and_column(row: str, where: str) -> None:
    with pytest.raises(InvalidInput, match=where):
        parse_expert_csv(HEADER + "\n" + row + "\n")


def test_parse_expert_csv_refuses_missing_columns_and_duplicates() -> None:
    with pytest.raises(InvalidInput, match="lacks the columns years"):
        parse_expert_csv("expert_id,name,specialties,region,employer,title\n")
    with pytest.raises(InvalidInput, match="appears twice"):
        parse_expert_csv(HEADER + "\n" + GOOD + GOOD.splitlines()[1] + "\n")


def draw() -> CommitteeDraw:
    seats = (
        DrawnSeat("E1", "main", "A01", 0, NOW, SeatStatus.ACCEPTED, NOW),
        DrawnSeat("E2", "sub", "A01", 0, NOW, SeatStatus.ACCEPTED, NOW),
        DrawnSeat("E3", "sub", "A01", 0, NOW),
    )
    return CommitteeDraw(seats, 1, ())


def test_check_in_only_at_assigned_venue() -> None:
    action = check_in(draw(), "E2", venue_id="sub", device="PC-07", at=NOW)
    assert (action.venue_id, action.device) == ("sub", "PC-07")
    with pytest.raises(NotPermitted, match="assigned to venue sub"):
        check_in(draw(), "E2", venue_id="main", device="PC-01", at=NOW)
    with pytest.raises(NotPermitted, match="accepted"):
        check_in(draw(), "E3", venue_id="sub", device="PC-02", at=NOW)
    with pytest.raises(InvalidInput, match="device"):
        check_in(draw(), "E1", venue_id="main", device=" ", at=NOW)


def test_record_action_requires_check_in_at_that_venue() -> None:
    log = [check_in(draw(), "E1", venue_id="main", device="PC-01", at=NOW)]
    later = NOW + timedelta(minutes=3)
    action = record_action(draw(), log, "E1", "submit_scores", venue_id="main", device="PC-01", at=later)
    assert action.at == later
    with pytest.raises(NotPermitted, match="not checked in"):
        record_action(draw(), log, "E2", "submit_scores", venue_id="sub", device="PC-07", at=later)
