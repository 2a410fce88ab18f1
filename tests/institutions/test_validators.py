import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from institutions.validators import (
    CREDIT_CODE_CHARSET,
    credit_code_check_char,
    validate_credit_code,
    validate_id_number,
)

# Published codes of real organisations (the check character is part of the code).
VALID_CODES = ["91350100M000100Y43", "91110000600037341L"]


@pytest.mark.parametrize("code", VALID_CODES)
def test_real_credit_codes_are_accepted(code):
    validate_credit_code(code)


def test_lowercase_and_surrounding_spaces_are_accepted():
    validate_credit_code(" 91350100m000100y43 ")


@pytest.mark.parametrize("code", ["91350100M000100Y4", "91350100M000100Y433", "", "9135"])
def test_wrong_lengths_are_rejected(code):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.error_list[0].code == "credit_code_length"


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_letters_outside_gb32100_set_are_rejected(letter):
    code = "91350100M000100" + letter + "43"
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.error_list[0].code == "credit_code_charset"
    assert letter in exc.value.messages[0]


@pytest.mark.parametrize("code", VALID_CODES)
def test_every_wrong_check_character_is_rejected(code):
    for wrong in CREDIT_CODE_CHARSET.replace(code[-1], ""):
        with pytest.raises(ValidationError) as exc:
            validate_credit_code(code[:17] + wrong)
        assert exc.value.error_list[0].code == "credit_code_check"


@given(st.text(alphabet=CREDIT_CODE_CHARSET, min_size=17, max_size=17))
def test_any_body_with_its_computed_check_character_is_valid(body):
    validate_credit_code(body + credit_code_check_char(body))


@given(
    st.text(alphabet=CREDIT_CODE_CHARSET, min_size=17, max_size=17),
    st.integers(min_value=0, max_value=16),
    st.sampled_from(CREDIT_CODE_CHARSET),
)
def test_a_single_changed_character_is_detected(body, position, replacement):
    code = body + credit_code_check_char(body)
    changed = code[:position] + replacement + code[position + 1 :]
    if changed == code:
        return
    with pytest.raises(ValidationError):
        validate_credit_code(changed)


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014"])
def test_valid_id_numbers_are_accepted(number):
    validate_id_number(number)


@pytest.mark.parametrize(
    "number", ["110105194912310021", "11010519491231002", "1101051949123100XX", "abc"]
)
def test_invalid_id_numbers_are_rejected(number):
    with pytest.raises(ValidationError):
        validate_id_number(number)
