"""The unified social credit code (统一社会信用代码, USCC), GB 32100-2015.

18 characters: registering authority (1) + entity type (1) + region code (6) + entity ID (9) + check (1).
The check character is computed over the first 17 with weights 3^(i-1) mod 31 (rules-catalog §7).
"""

from __future__ import annotations

from fairbid.domain.errors import InvalidInput

__all__ = ["check_character", "is_valid_credit_code", "validate_credit_code"]

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # I, O, S, V, Z are excluded
_VALUE = {ch: i for i, ch in enumerate(_ALPHABET)}
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (GB 32100-2015 §4.2).

    >>> check_character("91110108551385082")
    'Q'
    """
    if len(first17) != 17 or any(ch not in _VALUE for ch in first17):
        raise ValueError("need 17 characters from the GB 32100 alphabet")
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return _ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(code: str) -> str:
    """Return the normalised code, or raise ``InvalidInput`` saying what is wrong with it."""
    normalised = code.strip().upper()
    if len(normalised) != 18:
        raise InvalidInput(
            f"A unified social credit code has 18 characters; {normalised!r} has {len(normalised)}.",
            field="credit_code",
        )
    bad = sorted({ch for ch in normalised if ch not in _VALUE})
    if bad:
        raise InvalidInput(
            f"The credit code contains {', '.join(bad)}, which GB 32100-2015 does not use "
            "(I, O, S, V and Z are excluded).",
            field="credit_code",
        )
    expected = check_character(normalised[:17])
    if normalised[17] != expected:
        raise InvalidInput(
            f"The credit code's check character is {normalised[17]!r} but GB 32100-2015 gives {expected!r}: "
            "a character was probably mistyped.",
            field="credit_code",
        )
    return normalised


def is_valid_credit_code(code: str) -> bool:
    """True when ``code`` passes ``validate_credit_code``."""
    try:
        validate_credit_code(code)
    except InvalidInput:
        return False
    return True
