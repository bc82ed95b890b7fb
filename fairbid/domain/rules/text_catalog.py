"""Discriminatory-clause rules over free text (歧视性/排斥性条款), by legal category (rules-catalog §2).

Sources: 招标投标法实施条例 第二十七、二十八、三十二条; 招标投标领域公平竞争审查规则 (2024) 第五至十一条;
发改法规规〔2022〕1117号 （三）（五）. The rules combine the building blocks of ``lexicon`` (places,
restriction verbs, scoring contexts, local bodies, awards, designated parties) and live by theme:
``text_local`` (地方保护), ``text_party`` (指定与限定), ``text_process`` (流程), ``text_threshold`` (门槛).
"""

from __future__ import annotations

import re

from fairbid.domain.rules.text import TextRule
from fairbid.domain.rules.text_local import LOCAL_RULES
from fairbid.domain.rules.text_party import PARTY_RULES
from fairbid.domain.rules.text_process import PROCESS_RULES
from fairbid.domain.rules.text_threshold import THRESHOLD_RULES

__all__ = ["TEXT_RULES"]


def _order(rule: TextRule) -> tuple[int, str]:
    m = re.match(r"[A-Z]+(\d+)", rule.rule.id)
    return (int(m.group(1)) if m else 0, rule.rule.id)


TEXT_RULES: tuple[TextRule, ...] = tuple(
    sorted(LOCAL_RULES + PARTY_RULES + PROCESS_RULES + THRESHOLD_RULES, key=_order)
)
