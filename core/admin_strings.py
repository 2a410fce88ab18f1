"""Strings of Django's admin templates that its zh_Hans catalogue does not translate yet
(the screen-reader headers of the admin's model tables, new in Django 5.1). Marked here so
that the project's own catalogue, which Django reads before its own, gives them Chinese."""

from django.utils.translation import gettext_noop

ADMIN_STRINGS = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
)
