"""GB 32100-2015 check character; vectors from rules-catalog §7."""

import pytest

from fairbid.domain.credit_code import check_character, is_valid_credit_code, validate_credit_code
from fairbid.domain.errors import InvalidInput


@pytest.mark.parametrize("code", ["91110108551385082Q", "91110000600037341L"])
def test_valid_codes_pass(code: str) -> None:
    assert is_valid_credit_code(code)
    assert check_character(code[:17]) == code[17]


def test_lower_case_and_spaces_are_normalised() -> None:
    assert validate_credit_code(" 91110108551385082q ") == "91110108551385082Q"


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("91110108551385082R", "check character"),
        ("9111010855138508", "18 characters"),
        ("9111010855138508IQ", "I, O, S, V and Z"),
    ],
)
def test_invalid_codes_name_the_problem(code: str, words: str) -> None:
    with pytest.raises(InvalidInput) as e:
        validate_credit_code(code)
    assert words in e.value.detail
    assert e.value.field == "credit_code"


def test_every_single_character_typo_is_caught() -> None:
    code = "91110108551385082Q"
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for i in range(17):
        for ch in alphabet:
            if ch != code[i]:
                assert not is_valid_credit_code(code[:i] + ch + code[i + 1 :])
