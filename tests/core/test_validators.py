"""Phone numbers, wherever one is typed: a mainland mobile or a landline with its area code."""

import pytest
from django.core.exceptions import ValidationError

from core.validators import is_phone, validate_phone


@pytest.mark.parametrize(
    "value",
    [
        "13812345678",
        "+86 138 1234 5678",
        "138-1234-5678",
        "０７３４－５８２０３０７",  # typed in full-width
        "0734-5820307",
        "(0734)5820307",
        "07345820307",
        "010-62345678",
        "0734-5820307转8001",
        "0734-5820307-8001",
        "400-800-1234",
    ],
)
def test_mobiles_and_landlines_with_area_codes_are_phone_numbers(value):
    assert is_phone(value)
    validate_phone(value)


@pytest.mark.parametrize(
    "value", ["12345", "139", "abc", "5820307", "1381234567", "23812345678", "0734-582", "12337"]
)
def test_anything_else_is_refused_with_an_example_of_what_is_wanted(value):
    assert not is_phone(value)
    with pytest.raises(ValidationError) as error:
        validate_phone(value)
    assert "0734-5820307" in str(error.value.messages[0])


def test_an_empty_phone_is_allowed():
    validate_phone("")
