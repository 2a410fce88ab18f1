"""Template fragments used everywhere: masked personal data, level badges, history diffs."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core import masking

register = template.Library()

LEVEL_STYLES = {
    "red": ("danger", _("Red")),
    "orange": ("orange", _("Orange")),
    "yellow": ("warning", _("Yellow")),
    "green": ("success", _("Green")),
}


@register.filter
def masked_id(value, user):
    return masking.show_id_number(value, user)


@register.filter
def masked_phone(value, user):
    return masking.show_phone(value, user)


@register.simple_tag
def level_badge(level):
    """A coloured badge with the level's Chinese name beside the colour (not colour alone)."""
    if not level:
        return format_html('<span class="badge text-bg-light">{}</span>', _("Not rated"))
    style, label = LEVEL_STYLES[level]
    return format_html('<span class="badge level-badge level-{}">{}</span>', level, label)


@register.simple_tag(takes_context=True)
def url_replace(context, **kwargs):
    """The current query string with some parameters replaced (pagination with filters)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()
