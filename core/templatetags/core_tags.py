"""Template fragments used everywhere: masked personal data, query strings, lean table rows."""

from contextlib import suppress
from functools import partialmethod
from inspect import getattr_static

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import template
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.forms import ModelChoiceField
from django.template.base import render_value_in_context
from django.templatetags.l10n import unlocalize
from django.urls import get_script_prefix
from django.utils.encoding import force_str
from django.utils.formats import localize
from django.utils.hashable import make_hashable
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django_tables2 import A, Column
from django_tables2.columns import ManyToManyColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn

from core import masking

register = template.Library()


@register.filter
def masked_id(value, user):
    return masking.show_id_number(value, user)


@register.filter
def masked_phone(value, user):
    return masking.show_phone(value, user)


@register.inclusion_tag("core/_language_switcher.html", takes_context=True)
def language_switcher(context):
    """The language menu of every page, in a context of its own: the names it needs (the
    languages, the current one) cannot shadow a page's own (a page's ``current`` week)."""
    request = context.get("request")
    return {
        "languages": settings.LANGUAGES,
        "current_language": get_language(),
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }


# Rendered fragments kept by ``memo`` (this process; a few roles × languages).
_FRAGMENTS: dict = {}
_FRAGMENTS_MAX = 256


class MemoNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist, self.name, self.vary_on = nodelist, name, vary_on

    def render(self, context):
        key = (
            self.name,
            get_language(),
            get_script_prefix(),
            *(value.resolve(context) for value in self.vary_on),
        )
        html = _FRAGMENTS.get(key)
        if html is None:
            html = self.nodelist.render(context)
            if len(_FRAGMENTS) >= _FRAGMENTS_MAX:
                _FRAGMENTS.clear()
            _FRAGMENTS[key] = html
        return html


@register.tag
def memo(parser, token):
    """``{% memo "name" value… %}…{% endmemo %}``: the fragment rendered once per language
    and distinct ``value``s in this process, then reused (the menu of every page: ~30
    URLs and translations that depend only on the user's role). Every name the fragment
    reads besides translations and URLs must be among the values."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("memo needs a name")
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(nodelist, bits[1], [parser.compile_filter(bit) for bit in bits[2:]])


@register.filter
def crispy_field(field):
    """``field|as_crispy_field`` for a list's filter form, the HTML kept per everything it is
    drawn from (the language, the field, its widget's attributes, value, errors and choices):
    crispy draws each field through a dozen templates, a third of a registry page's time.
    A field with choices from the database (a ``ModelChoiceField``: the townships a user
    sees) reads them once, for the key and for the drawing. A form with a crispy helper is
    drawn every time."""
    form_field = field.field
    if getattr(field.form, "helper", None):
        return as_crispy_field(field)
    widget = form_field.widget
    if isinstance(form_field, ModelChoiceField):
        # One query, as drawing it would make; the widget then draws from this list.
        widget.choices = choices = list(iter(form_field.choices))  # iter: no COUNT first
    else:
        choices = getattr(form_field, "choices", None)
    key = (
        "crispy",
        get_language(),
        # By name: django-filter makes a form class per filter set.
        type(field.form).__module__,
        type(field.form).__qualname__,
        field.html_name,
        field.auto_id,
        type(form_field),
        type(widget),
        repr(sorted(widget.attrs.items())),
        repr(getattr(widget, "input_type", None)),
        str(field.label),
        str(form_field.help_text),
        form_field.required,
        form_field.disabled,
        form_field.show_hidden_initial,
        field.form.is_bound,
        repr(field.value()),
        tuple(str(error) for error in field.errors),
        None if choices is None else repr([(str(value), str(label)) for value, label in choices]),
    )
    html = _FRAGMENTS.get(key)
    if html is None:
        html = as_crispy_field(field)
        if len(_FRAGMENTS) >= _FRAGMENTS_MAX:
            _FRAGMENTS.clear()
        _FRAGMENTS[key] = html
    return html


@register.simple_tag(takes_context=True)
def url_replace(context, **kwargs):
    """The current query string with some parameters replaced (pagination with filters)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


def _cell_reader(bound_column):
    """``row -> cell`` for a column, the same cell as ``BoundRow.get_cell``; None for the
    columns that read their value otherwise (links with a text of their own, many-to-many).

    ``get_cell`` looks the column up by name, builds the accessor again, finds its model
    field and calls the record's ``get_FOO_display`` (which builds the field's choices
    again) for every cell: on the registry page most of the table's time
    (docs/performance.md, "load"). Here the field and its choices are looked up once per
    column and kind of record, a model record is walked by attribute, and a plain column
    (no ``render_<name>``, no link) is its value without a render call.
    """
    column = bound_column.column
    if isinstance(column, (BaseLinkColumn, ManyToManyColumn)):
        return None
    plain = (
        getattr(bound_column.render, "__func__", None) is Column.render and not bound_column.link
    )
    accessor = A(bound_column.accessor)
    empty, default = column.empty_values, bound_column.default
    displays: dict[type, tuple] = {}

    def display_of(penultimate, remainder, record):
        """(attname, choices) when the cell is the field's choice label, (None, None) when
        the record's own get_FOO_display decides, () when it is the plain value."""
        key = (type(penultimate), type(record))
        known = displays.get(key)
        if known is None:
            known = ()
            try:
                field = accessor.get_field(record)
            except FieldDoesNotExist:
                field = None
            if getattr(field, "choices", ()) and hasattr(penultimate, f"get_{remainder}_display"):
                method = getattr_static(type(penultimate), f"get_{remainder}_display")
                generated = (
                    isinstance(method, partialmethod)
                    and method.func is models.Model._get_FIELD_display
                    and method.keywords.get("field") is field
                )
                known = (
                    (field.attname, dict(make_hashable(field.flatchoices)))
                    if generated
                    else (None, None)
                )
            displays[key] = known
        return known

    def general(record):
        """get_cell's reading of the value, for any record."""
        value = None
        penultimate, remainder = accessor.penultimate(record)
        if isinstance(penultimate, models.Model):
            display = display_of(penultimate, remainder, record)
            if display:
                value = shown(display, penultimate, remainder)
                remainder = None
        if remainder:
            # As get_cell: a column whose accessor leads nowhere is empty.
            with suppress(Exception):
                value = accessor.resolve(record)
        return value

    def shown(display, penultimate, remainder):
        attname, choices = display
        if attname is None:
            return getattr(penultimate, f"get_{remainder}_display")()
        raw = getattr(penultimate, attname)
        return force_str(choices.get(make_hashable(raw), raw), strings_only=True)

    head, last = accessor.bits[:-1], accessor.bits[-1]

    def cell(row):
        record = row.record
        # A model record is walked by attribute, as Accessor.resolve ends up walking it
        # (after a failed item lookup per step); anything less plain (a dict, an empty
        # relation, a method to call) is read the general way.
        target = record
        for bit in head:
            if not isinstance(target, models.Model):
                break
            target = getattr(target, bit, None)
        if not isinstance(target, models.Model):
            value = general(record)
        else:
            display = display_of(target, last, record)
            if display:
                value = shown(display, target, last)
            else:
                try:
                    value = getattr(target, last)
                except Exception:  # noqa: BLE001 - read the general way, as get_cell would
                    value = general(record)
                else:
                    if callable(value):
                        value = general(record)
        if value in empty:
            return default
        return value if plain else row._call_render(bound_column, value)

    return cell


@register.simple_tag(takes_context=True)
def table_rows(context, table):
    """The body rows of a django-tables2 table, as its bootstrap5 template renders them.

    The stock template walks every cell through the template engine and recomputes each
    column's ``td`` attributes per cell; on a registry page that was most of the page's
    time (docs/performance.md, "load"). Here a column's attributes are computed once unless
    they depend on the record (a callable), a cell is read without ``get_cell``
    (``_cell_reader``), and each cell is localized and escaped as ``{{ cell }}``
    would be.
    """
    columns = list(table.columns)
    static = [
        None
        if any(callable(value) for value in (column.column.attrs.get("td") or {}).values())
        else column.attrs["td"].as_html()
        for column in columns
    ]
    readers = [_cell_reader(column) for column in columns]
    parts = []
    for row in table.paginated_rows:
        parts.append(format_html("<tr {}>", row.attrs.as_html()))
        record = row.record
        for column, td, read in zip(columns, static, readers, strict=True):
            cell = read(row) if read is not None else row.get_cell(column.name)
            if td is None:
                # A td attribute computed from the record, as row.items() lets it.
                column.current_value, column.current_record = cell, record
                td = column.attrs["td"].as_html()
            if column.localize is None:
                value = render_value_in_context(cell, context)
            else:
                value = conditional_escape(
                    localize(cell, use_l10n=True) if column.localize else unlocalize(cell)
                )
            parts.append(format_html("<td {}>{}</td>", mark_safe(td), value))  # noqa: S308
        parts.append("</tr>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above
