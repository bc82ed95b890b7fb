"""Importing external credit lists from CSV text: records with source and date, and an error per bad line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from fairbid.domain.credit import ConductKind, Grade, grade_of, parse_external_list
from fairbid.domain.errors import InvalidInput

IMPORTED = datetime(2026, 6, 1, tzinfo=UTC)
BJ = timezone(timedelta(hours=8))

GOOD = """名单,统一社会信用代码,企业名称,地区,来源,文号,决定日期,有效期至,禁止投标至,事由
失信被执行人,91110108551385082Q,甲建设有限公司,北京,中国执行信息公开网,(2026)京0105执123号,2026-01-05,,,未履行生效判决
重大税收违法,91110000600037341L,乙工程有限公司,贵州,国家税务总局,税稽罚〔2026〕8号,2026-02-01,2029-02-01,,
行政处罚,91330100MA27Y00003,丙公司,浙江,杭州市发展和改革委员会,杭发改罚〔2026〕3号,2026-03-01,,2027-03-01,串通投标
"""


def test_good_list_parses_into_records_with_source_date_and_ban() -> None:
    result = parse_external_list(GOOD, batch="imp-1", imported_at=IMPORTED)
    assert result.problems == ()
    assert result.ignored_columns == ("企业名称", "地区")
    debtor, tax, penalty = result.records
    assert (debtor.id, debtor.kind, debtor.source) == ("imp-1-2", ConductKind.DISHONEST_DEBTOR, "中国执行信息公开网")
    assert debtor.occurred_on == datetime(2026, 1, 5, tzinfo=BJ) and debtor.valid_until is None
    assert tax.valid_until == datetime(2029, 2, 2, tzinfo=BJ)  # to 24:00 of the stated day
    assert penalty.debarred_until == datetime(2027, 3, 2, tzinfo=BJ)
    assert penalty.valid_until is not None and penalty.valid_until >= penalty.debarred_until
    g = grade_of("91330100MA27Y00003", result.records, at=IMPORTED)
    assert g.grade is Grade.D and g.debarment is not None and "杭发改罚〔2026〕3号" in g.debarment.reason


def test_english_headers_are_accepted() -> None:
    text = (
        "list,credit_code,source,reference,decided_on\n"
        "administrative_penalty,91110108551385082Q,市场监管局,罚字1号,2026-04-01\n"
    )
    result = parse_external_list(text, batch="b", imported_at=IMPORTED)
    assert [r.kind for r in result.records] == [ConductKind.ADMINISTRATIVE_PENALTY]


def test_each_bad_line_is_reported_with_its_number_and_the_rest_still_parse() -> None:
    text = (
        "名单,统一社会信用代码,来源,文号,决定日期,禁止投标至\n"
        "失信被执行人,91110108551385082Q,法院,案1,2026-01-05,\n"  # good
        "黑名单,91110108551385082Q,法院,案2,2026-01-05,\n"  # unknown list
        "失信被执行人,91110108551385082A,法院,案3,2026-01-05,\n"  # bad check character
        "失信被执行人,91110108551385082Q,法院,案4,05/01/2026,\n"  # bad date
        "失信被执行人,91110108551385082Q,法院,案5,2026-01-05,2027-01-01\n"  # a ban on a non-penalty list
        "行政处罚,91110108551385082Q,,案6,2026-01-05,\n"  # no source
        "行政处罚,91110108551385082Q,局\n"  # short line
    )
    result = parse_external_list(text, batch="b", imported_at=IMPORTED)
    assert [r.reference for r in result.records] == ["案1"]
    problems = {p.line: p.message for p in result.problems}
    assert sorted(problems) == [3, 4, 5, 6, 7, 8]
    assert "黑名单" in problems[3] and "check character" in problems[4] and "YYYY-MM-DD" in problems[5]
    assert "only for an administrative penalty" in problems[6] and "source is empty" in problems[7]
    assert "3 cells" in problems[8]
    with pytest.raises(InvalidInput, match="6 bad line"):
        result.raise_for_problems()


def test_missing_columns_or_empty_file_are_refused() -> None:
    with pytest.raises(InvalidInput, match="decided_on"):
        parse_external_list("名单,统一社会信用代码,来源,文号\n", batch="b", imported_at=IMPORTED)
    with pytest.raises(InvalidInput, match="empty"):
        parse_external_list("", batch="b", imported_at=IMPORTED)
