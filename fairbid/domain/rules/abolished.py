"""Qualifications that no longer exist (已取消的资质、资格), with the act that abolished each.

Requiring one of them is a licence outside the national market-access conditions (招标投标领域公平竞争审查规则
第六条第一项): rule X26 finds them by name and its message names the abolishing act. The acts are cited
from general knowledge [U]; confirm against the official text before relying on one (docs/rules.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fairbid.domain.rules.lexicon import GAP

__all__ = ["ABOLISHED", "Abolished", "abolished_by"]


@dataclass(frozen=True, slots=True)
class Abolished:
    """One abolished qualification: a regex for its names in tender documents and the abolishing act."""

    name: str
    pattern: str
    act: str


ABOLISHED: tuple[Abolished, ...] = (
    Abolished(
        "城市园林绿化企业资质",
        rf"(?:城市)?园林绿化(?:企业|工程)?{GAP}{{0,8}}?资质",
        "国务院关于取消一批行政许可事项的决定（国发〔2017〕46号）",
    ),
    Abolished(
        "计算机信息系统集成企业资质",
        rf"(?:计算机)?信息系统集成(?:企业)?{GAP}{{0,8}}?(?:资质|资格)",
        "国务院关于取消和下放一批行政审批项目的决定（国发〔2014〕5号）",
    ),
    Abolished(
        "工程建设项目招标代理机构资格",
        rf"(?:工程)?招标代理(?:机构)?{GAP}{{0,6}}?(?:资格|资质)",
        "全国人民代表大会常务委员会关于修改《中华人民共和国招标投标法》的决定（2017年12月27日）",
    ),
    Abolished(
        "政府采购代理机构资格",
        rf"政府采购代理(?:机构)?{GAP}{{0,6}}?(?:资格|资质)",
        "全国人民代表大会常务委员会关于修改《中华人民共和国政府采购法》的决定（2014年8月31日）",
    ),
    Abolished(
        "工程造价咨询企业资质",
        rf"工程造价咨询(?:企业|单位)?{GAP}{{0,6}}?(?:资质|资格)",
        "国务院关于深化“证照分离”改革进一步激发市场主体发展活力的通知（国发〔2021〕7号）",
    ),
    Abolished(
        "建筑施工企业项目经理资质",
        r"项目经理资质",
        "国务院关于取消第二批行政审批项目和改变一批行政审批项目管理方式的决定（国发〔2003〕5号）",
    ),
)


def abolished_by(matched: str) -> str:
    """The abolishing act of the qualification named in ``matched`` (``""`` if none matches)."""
    for item in ABOLISHED:
        if re.search(item.pattern, matched):
            return f"（{item.name}已由{item.act}取消）"
    return ""
