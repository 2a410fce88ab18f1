"""Panels the screening app adds to an institution's page (visits and the records the
rating derives its figures from; the figures themselves are the rating's panel), and
small fragments for screening pages."""

import os

from django import template

from core.pagefacts import request_facts

from ..selectors.records import LEDGER, STANDING, institution_panels
from ..services.determinations import can_record
from ..services.findings import can_resolve
from ..tables.determinations import result_badge
from ..tables.opinion import level_badge
from ..tables.self_checks import rectification_badge
from ..tables.visits import red_flag_badges, status_badge

register = template.Library()


@register.inclusion_tag("screening/_institution_panels.html", takes_context=True)
def institution_screening_panels(context, institution):
    user = context["user"]
    # The ledger's totals and the standing findings as the disposal and the figures panels
    # read them earlier on the page, if they did.
    facts = request_facts(context.get("request"))
    data = institution_panels(
        user,
        institution,
        money=facts.get((LEDGER, institution.pk)),
        findings=facts.get((STANDING, institution.pk)),
    )
    for visit in data["visits"]:
        visit.badge = status_badge(visit)
        visit.flags = red_flag_badges(visit)
    for check in data["self_checks"]:
        check.badge = rectification_badge(check)
    for event in data["opinion_events"]:
        event.badge = level_badge(event)
    for determination in data["determinations"]:
        determination.badge = result_badge(determination)
    data.update(
        institution=institution,
        user=user,
        request=context.get("request"),
        can_resolve=can_resolve(user) and not institution.is_archived,
        can_record_determination=can_record(user) and not institution.is_archived,
    )
    return data


@register.filter
def basename(value):
    """The file name of an upload without its folders."""
    return os.path.basename(str(value or ""))
