"""Panels and fragments the disposal app adds to other pages (the institution page)."""

from django import template
from django.utils import timezone

from core.pagefacts import request_facts
from screening.selectors.records import LEDGER

from ..selectors.actions import institution_summary
from ..tables import status_badge

register = template.Library()


@register.inclusion_tag("disposal/_institution_panel.html", takes_context=True)
def institution_disposal_panel(context, institution):
    """The institution's disposal at a glance: level, actions, refunds (due, refunded,
    outstanding), the latest "一院一策" plan, and links to every disposal record."""
    today = timezone.localdate()
    summary = institution_summary(institution, today)
    # The screening panels below show the same totals: read once.
    request_facts(context.get("request"))[(LEDGER, institution.pk)] = summary.refunds
    for action in summary.actions:
        action.badge = status_badge(action, today)
    return {
        "institution": institution,
        "summary": summary,
        "user": context["user"],
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }
