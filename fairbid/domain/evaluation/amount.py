"""Chinese uppercase amounts (大写金额): parse ``壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分`` and write them."""

from __future__ import annotations

from decimal import Decimal

from fairbid.domain.errors import InvalidInput

__all__ = ["format_chinese_amount", "parse_chinese_amount"]

_DIGITS = {
    **{ch: i for i, ch in enumerate("零壹贰叁肆伍陆柒捌玖")},
    **{ch: i for i, ch in enumerate("〇一二三四五六七八九")},
    "两": 2,
}
_SMALL_UNITS = {"拾": 10, "佰": 100, "仟": 1000, "十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
_PREFIXES = ("人民币", "人民幣", "¥", "￥")
_SUFFIXES = ("整", "正")
_UPPER = "零壹贰叁肆伍陆柒捌玖"


def _bad(text: str, why: str) -> InvalidInput:
    return InvalidInput(f"{text!r} is not a Chinese uppercase amount: {why}.", field="amount_in_words")


def _parse_integer(text: str, whole: str) -> int:
    total = 0  # completed 亿 groups
    section = 0  # within the current 万/亿 group
    group = 0  # within the current four-digit group
    number: int | None = None
    last_small = 10**5
    for ch in text:
        if ch in _DIGITS:
            if number:
                raise _bad(whole, "two digits without a unit between them")
            number = _DIGITS[ch]
        elif ch in _SMALL_UNITS:
            unit = _SMALL_UNITS[ch]
            if unit >= last_small:
                raise _bad(whole, f"{ch} out of order")
            if number is None:
                if unit != 10 or group or section or total:
                    raise _bad(whole, f"{ch} without a digit")
                number = 1  # 拾万 = 100,000
            group += number * unit
            number = None
            last_small = unit
        elif ch in _BIG_UNITS:
            unit = _BIG_UNITS[ch]
            value = group + (number or 0)
            if unit == 10**8:
                if total:
                    raise _bad(whole, "亿 appears twice")
                total = (total + section + value) * unit
                section = 0
            else:
                if value == 0 and section == 0:
                    raise _bad(whole, f"{ch} without a digit")
                section += value * unit
            group, number, last_small = 0, None, 10**5
        else:
            raise _bad(whole, f"unexpected character {ch!r}")
    return total + section + group + (number or 0)


def parse_chinese_amount(text: str) -> Decimal:
    """The amount written in Chinese uppercase numerals, in yuan (words prevail, 12号令 第十九条).

    Accepts an optional 人民币/¥ prefix, 元 or 圆, 角 and 分, and a closing 整/正. Raises ``InvalidInput``
    for anything that is not a well-formed amount.

    >>> parse_chinese_amount("壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分")
    Decimal('1234567.89')
    >>> parse_chinese_amount("人民币叁亿零伍万元整")
    Decimal('300050000.00')
    """
    whole = text
    body = "".join(text.split())
    for prefix in _PREFIXES:
        body = body.removeprefix(prefix)
    for suffix in _SUFFIXES:
        body = body.removesuffix(suffix)
    if not body:
        raise _bad(whole, "it is empty")
    body = body.replace("圆", "元")
    if body.count("元") > 1:
        raise _bad(whole, "元 appears twice")
    integer_text, _, fraction_text = body.partition("元") if "元" in body else ("", "", body)
    if "元" not in body and not fraction_text.endswith(("角", "分")):
        raise _bad(whole, "no 元, 角 or 分")
    jiao = fen = 0
    rest = fraction_text
    if rest.startswith("零角"):
        rest = rest[2:]
    elif rest.startswith("零"):
        rest = rest[1:]  # 元零伍分
    if len(rest) >= 2 and rest[1] == "角":
        jiao = _fraction_digit(rest[0], whole)
        rest = rest[2:]
    if len(rest) == 2 and rest[1] == "分":
        fen = _fraction_digit(rest[0], whole)
        rest = ""
    if rest:
        raise _bad(whole, f"cannot read {rest!r} after 元")
    yuan = _parse_integer(integer_text, whole) if integer_text else 0
    return (Decimal(yuan) + Decimal(jiao) / 10 + Decimal(fen) / 100).quantize(Decimal("0.01"))


def _fraction_digit(ch: str, whole: str) -> int:
    if ch not in _DIGITS:
        raise _bad(whole, f"{ch!r} is not a digit")
    return _DIGITS[ch]


def _group(value: int) -> str:
    # one four-digit group, zeros collapsed inside it
    out: list[str] = []
    zero = False
    for power, unit in ((1000, "仟"), (100, "佰"), (10, "拾"), (1, "")):
        digit = value // power % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(_UPPER[digit] + unit)
    return "".join(out)


def format_chinese_amount(amount: Decimal) -> str:
    """Write a non-negative amount in yuan as Chinese uppercase (the inverse of ``parse_chinese_amount``).

    >>> format_chinese_amount(Decimal("1234567.89"))
    '壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分'
    """
    cents = int((amount * 100).to_integral_value())
    if amount < 0 or Decimal(cents) != amount * 100:
        raise ValueError("only non-negative amounts with at most two decimals can be written")
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    parts: list[str] = []
    if yuan:
        groups = []
        rest = yuan
        while rest:
            groups.append(rest % 10_000)
            rest //= 10_000
        units = ["", "万", "亿"]
        if len(groups) > len(units):
            raise ValueError("amounts of a trillion yuan or more are not written here")
        need_zero = False
        for index in range(len(groups) - 1, -1, -1):
            value = groups[index]
            if value == 0:
                need_zero = True
                continue
            if parts and (need_zero or value < 1000):
                parts.append("零")
            parts.append(_group(value) + units[index])
            need_zero = False
        parts.append("元")
    if not jiao and not fen:
        return "".join(parts) + "整" if parts else "零元整"
    if jiao:
        parts.append(_UPPER[jiao] + "角")
    elif yuan:
        parts.append("零")
    if fen:
        parts.append(_UPPER[fen] + "分")
    return "".join(parts)
