"""``fairbid tender`` commands: JSON shape and exit codes 0 (clean), 1 (blocking), 2 (bad input)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from fairbid.cli.tender import app
from fairbid.documents import demo_form_json

runner = CliRunner()


def write_form(tmp_path: Path, **changes: Any) -> Path:
    data = json.loads(demo_form_json())
    for dotted, value in changes.items():
        node = data
        *parents, last = dotted.split("__")
        for key in parents:
            node = node[key]
        node[last] = value
    path = tmp_path / "form.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_check_clean_form_exits_zero_with_no_findings(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(write_form(tmp_path)), "--format", "json", "--on", "2026-11-27"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"findings": []}


def test_check_blocking_form_exits_one_with_findings(tmp_path: Path) -> None:
    form = write_form(tmp_path, committee__size=6, free_text__other="投标人须在本市设立分公司。")
    result = runner.invoke(app, ["check", str(form), "--format", "json", "--on", "2026-11-27"])
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    t13 = next(f for f in findings if f["rule"] == "T13")
    assert set(t13) == {"rule", "severity", "citation", "message", "field"}  # the one finding schema
    assert t13["field"] == "committee.size"
    x03 = next(f for f in findings if f["rule"] == "X03")
    assert x03["span"] == {"start": 5, "end": 12, "text": "本市设立分公司"}


def test_check_malformed_form_exits_two_naming_fields(tmp_path: Path) -> None:
    form = write_form(tmp_path, estimated_price="lots", schedule__publicity_days="x")
    result = runner.invoke(app, ["check", str(form)])
    assert result.exit_code == 2
    assert "estimated_price" in result.stderr and "schedule.publicity_days" in result.stderr


def test_check_missing_file_exits_two(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path / "nope.json")])
    assert result.exit_code == 2 and "cannot read" in result.stderr


def test_check_text_flags_spans_and_exits_one(tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text("一、本项目不设报名环节。\n二、开标时法定代表人须亲自到场。", encoding="utf-8")
    result = runner.invoke(app, ["check-text", str(doc), "--format", "json", "--on", "2026-11-27"])
    assert result.exit_code == 1
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["rule"] == "X09" and finding["span"]["text"] == "法定代表人须亲自到场"


def test_check_text_reports_the_clause_and_filters_by_min_severity(tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text(
        "一、在长沙市设有售后服务机构的得3分，在省内其他城市设有的得1分。\n"
        "二、施工组织设计由评委酌情打分。\n三、参与过本市智慧城市建设的企业每家加2分。",
        encoding="utf-8",
    )
    args = ["check-text", str(doc), "--format", "json", "--on", "2026-11-27"]
    everything = json.loads(runner.invoke(app, args).stdout)["findings"]
    assert [(f["rule"], f["severity"]) for f in everything] == [("X03", "block"), ("X19", "warn"), ("M01", "review")]
    assert everything[0]["clause"]["text"] == "一、在长沙市设有售后服务机构的得3分，在省内其他城市设有的得1分"
    warn = runner.invoke(app, [*args, "--min-severity", "warn"])
    assert [f["rule"] for f in json.loads(warn.stdout)["findings"]] == ["X03", "X19"]
    block = runner.invoke(app, [*args, "--min-severity", "block"])
    assert [f["rule"] for f in json.loads(block.stdout)["findings"]] == ["X03"] and block.exit_code == 1
    plain = runner.invoke(app, ["check-text", str(doc), "--on", "2026-11-27"])
    assert "条款: 一、在长沙市设有售后服务机构" in plain.stdout and "REVIEW M01" in plain.stdout


def test_check_text_review_alone_does_not_block(tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text("参与过本市智慧城市建设的企业每家加2分。", encoding="utf-8")
    result = runner.invoke(app, ["check-text", str(doc), "--format", "json", "--on", "2026-11-27"])
    assert result.exit_code == 0
    assert [f["severity"] for f in json.loads(result.stdout)["findings"]] == ["review"]


def test_check_text_unreadable_file_exits_two(tmp_path: Path) -> None:
    bad = tmp_path / "doc.pdf"
    bad.write_bytes(b"not a pdf")
    result = runner.invoke(app, ["check-text", str(bad)])
    assert result.exit_code == 2 and "not a PDF" in result.stderr


def test_render_refuses_blocking_form_and_writes_nothing(tmp_path: Path) -> None:
    form = write_form(tmp_path, schedule__publicity_days=1)
    out = tmp_path / "out"
    result = runner.invoke(app, ["render", str(form), "--out", str(out), "--format", "json", "--on", "2026-11-27"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["files"] == [] and not out.exists()
