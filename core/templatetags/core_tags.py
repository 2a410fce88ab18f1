"""Template fragments used everywhere: masked personal data, query strings, lean table rows."""

from django import template
from django.conf import settings
from django.template.base import render_value_in_context
from django.templatetags.l10n import unlocalize
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

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


@register.simple_tag(takes_context=True)
def url_replace(context, **kwargs):
    """The current query string with some parameters replaced (pagination with filters)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def table_rows(context, table):
    """The body rows of a django-tables2 table, as its bootstrap5 template renders them.

    The stock template walks every cell through the template engine and recomputes each
    column's ``td`` attributes per cell; on a registry page that was most of the page's
    time (docs/performance.md, "load"). Here a column's attributes are computed once unless
    they depend on the record (a callable), and each cell is localized and escaped as
    ``{{ cell }}`` would be.
    """
    columns = list(table.columns)
    static = [
        None
        if any(callable(value) for value in (column.column.attrs.get("td") or {}).values())
        else column.attrs["td"].as_html()
        for column in columns
    ]
    parts = []
    for row in table.paginated_rows:
        parts.append(format_html("<tr {}>", row.attrs.as_html()))
        for (column, cell), td in zip(row.items(), static, strict=True):
            if td is None:
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
