from django import template

from core import clock

from ..selectors import weekly

register = template.Library()


@register.inclusion_tag("reporting/_weekly_reminder.html", takes_context=True)
def weekly_report_reminder(context):
    """The Tuesday banner for a township that has not submitted this week's report yet."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    week = weekly.reminder_week(user, clock.now()) if user is not None else None
    return {"week": week}
