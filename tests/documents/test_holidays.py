"""The shipped holiday arrangements: generated from the pinned chinese-calendar package by
scripts/build_holidays.py, with their source and covered years in the header; loadable, overridable."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from pathlib import Path

import pytest

from fairbid.documents.calendar import load_working_calendar, parse_working_calendar
from fairbid.domain.calendar import CalendarNotCovered

ROOT = Path(__file__).resolve().parents[2]


def _builder():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("build_holidays", ROOT / "scripts" / "build_holidays.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_shipped_file_is_what_the_script_builds_from_the_pinned_package() -> None:
    builder = _builder()
    assert builder.OUT.read_text(encoding="utf-8") == builder.build(), "rerun scripts/build_holidays.py"


def test_header_names_source_version_and_the_uncovered_year() -> None:
    head = (ROOT / "fairbid" / "documents" / "data" / "holidays.tsv").read_text(encoding="utf-8").splitlines()[:7]
    assert any("chinese-calendar 1.11.0" in line for line in head)
    assert "# years: 2025 2026" in head and "# not covered: 2027" in head


def test_the_2026_arrangement_as_loaded() -> None:
    cal = load_working_calendar()
    assert cal.years == (2025, 2026)
    assert all(cal.is_rest_day(date(2026, 10, d)) for d in range(1, 8))  # National Day 10-01..07
    assert cal.is_working_day(date(2026, 10, 10)) and cal.name_of(date(2026, 10, 10)) == "国庆节调休上班"
    assert cal.is_rest_day(date(2026, 2, 23)) and cal.is_working_day(date(2026, 2, 28))  # Spring Festival, 调休
    assert cal.is_working_day(date(2026, 3, 13)) and cal.is_rest_day(date(2026, 3, 14))  # a plain week
    with pytest.raises(CalendarNotCovered):
        cal.is_rest_day(date(2027, 1, 4))


def test_a_centre_may_configure_its_own_file(tmp_path: Path) -> None:
    own = tmp_path / "holidays.tsv"
    own.write_text("# years: 2027\n2027-01-01\tholiday\t元旦\n2027-02-20\tworkday\t春节调休上班\n", encoding="utf-8")
    cal = load_working_calendar(own)
    assert cal.is_rest_day(date(2027, 1, 1)) and cal.is_working_day(date(2027, 2, 20))
    with pytest.raises(ValueError, match="covered years"):
        parse_working_calendar("2027-01-01\tholiday\t元旦\n")
    with pytest.raises(ValueError, match="line 2"):
        parse_working_calendar("# years: 2027\n2027-01-01\tbreak\t元旦\n")
