"""Filters every list shares."""

import django_filters
from django import forms

# The largest key a database row can have (a signed 64-bit integer, SQLite's and
# PostgreSQL's bigint): a larger number typed into a link is no record, not a 500.
MAX_ID = 2**63 - 1


class RecordIdFilter(django_filters.NumberFilter):
    """A record's id in the query (``?institution=12``): a whole number within what a key can
    be; anything else leaves the list unfiltered, as any invalid filter value does."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(*args, **kwargs)
