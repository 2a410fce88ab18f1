"""Password rules for a government system: long, and not made of one kind of character.

GB/T 22239-2019 (等保 2.0) asks for passwords with a complexity requirement: here at least
12 characters (MinimumLengthValidator in settings) drawn from at least three of the four
classes upper case, lower case, digits, symbols.
"""

from django.contrib.auth.password_validation import CommonPasswordValidator
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


LOOK_ALIKES = str.maketrans({"@": "a", "0": "o", "$": "s", "3": "e", "1": "i", "5": "s"})


class CommonPatternValidator:
    """Refuses a common word dressed up to pass the complexity rule, and the username.

    ``Password@123`` or ``Admin@2026`` pass the length and the three classes, and Django's
    CommonPasswordValidator compares whole passwords only: here the password's letters alone
    are looked up in the same list (a word of at least ``min_word`` letters), and a password
    that contains the login name (``kaiyun@2026XY``) is refused as well.
    """

    def __init__(self, min_word: int = 4):
        self.min_word = min_word

    def words(self, password: str) -> set[str]:
        """The word under the dressing: the letters alone, and the letters of the core (what
        is left once leading and trailing digits and symbols are cut) read back from
        look-alike characters (P@ssw0rd)."""
        letters = "".join(char for char in password if char.isalpha())
        core = password.strip("0123456789!#%^&*()-_=+.,;:?/\\|~`'\" []{}<>")
        core = core.translate(LOOK_ALIKES)
        core = "".join(char for char in core if char.isalpha())
        return {word.lower() for word in (letters, core) if len(word) >= self.min_word}

    def validate(self, password, user=None):
        if self.words(password) & CommonPasswordValidator().passwords:
            raise ValidationError(
                _("This password is a common word with digits or symbols added."),
                code="password_common_pattern",
            )
        username = (getattr(user, "username", "") or "").lower()
        if len(username) >= 3 and username in password.lower():
            raise ValidationError(
                _("The password cannot contain your login name."),
                code="password_contains_username",
            )

    def get_help_text(self):
        return _(
            "Your password cannot be a common word with digits or symbols added, nor contain "
            "your login name."
        )
