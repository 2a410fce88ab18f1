"""Password rules for a government system: long, and not made of one kind of character.

GB/T 22239-2019 (等保 2.0) asks for passwords with a complexity requirement: here at least
12 characters (MinimumLengthValidator in settings) drawn from at least three of the four
classes upper case, lower case, digits, symbols.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def character_classes(password: str) -> int:
    """How many of upper case, lower case, digits and symbols the password uses."""
    return sum(
        (
            any(char.isupper() for char in password),
            any(char.islower() for char in password),
            any(char.isdigit() for char in password),
            any(not char.isalnum() for char in password),
        )
    )


class ComplexityValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _(
            "Your password must mix at least %(n)d of: upper-case letters, lower-case letters, "
            "digits and symbols."
        ) % {"n": self.min_classes}
