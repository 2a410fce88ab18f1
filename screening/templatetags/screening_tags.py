"""Panels the screening app adds to an institution's page (records, visits)."""

from django import template

register = template.Library()


@register.inclusion_tag("screening/_institution_panels.html", takes_context=True)
def institution_screening_panels(context, institution):
    return {"institution": institution, "user": context["user"], "request": context["request"]}
