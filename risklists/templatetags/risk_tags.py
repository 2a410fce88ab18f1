"""Panels the risklists app adds to an institution's page (rating, compliance checks)."""

from django import template

register = template.Library()


@register.inclusion_tag("risklists/_institution_panel.html", takes_context=True)
def institution_rating_panel(context, institution):
    return {"institution": institution, "user": context["user"], "request": context["request"]}
