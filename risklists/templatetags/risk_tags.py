"""Panels the risklists app adds to an institution's page (rating, compliance checks), and
the fragments that render a rating's evidence in words rather than field names."""

from decimal import Decimal, InvalidOperation

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.pagefacts import request_facts
from screening.models import DeterminationResult, FundUse, SourceKind, StandingFact
from screening.selectors.records import STANDING

from .. import selectors, services
from ..engine import LEVELS, level_rank
from ..forms import LevelForm, ReturnForm
from ..levels import Level, level_badge
from ..models import ReviewState
from ..tables import state_badge as _state_badge

register = template.Library()

# What each value in a rule's evidence or a check's figures means (engine.Facts).
EVIDENCE_LABELS = {
    "registered": _("Registered with an authority"),
    "beds": _("Beds"),
    "large_prepayment_total": _("Large prepayments outstanding"),
    "large_prepayment_payers": _("Payers of large prepayments"),
    "large_prepayment_flagged": _("Large prepayments found on a visit or on the registry"),
    "fund_use": _("Use of prepayment funds"),
    "assets": _("Total assets"),
    "liabilities": _("Total liabilities"),
    "branches_opened_3y": _("Branches opened in the last 36 months"),
    "legal_rep_changes_2y": _("Changes of legal representative in the last 24 months"),
    "address_changes_2y": _("Changes of registered address in the last 24 months"),
    "false_advertising": _("False or exaggerated advertising found"),
    "related_party_transactions": _("Related companies with related-party transactions"),
    "person_economic_crime_suit": _(
        "Investor, legal representative or principal sued for an economic crime"
    ),
    "complaints": _("Complaints and reports"),
    "person_blacklisted": _("Institution or its key persons on a relevant blacklist"),
    "promised_returns": _("Promised investment returns (bed speculation)"),
    "suspected_crime": _("Suspected illegal fundraising or fraud"),
    "illegal_fundraising": _("Determined to be illegal fundraising by the authority"),
    "determinations": _("Determinations by the authorities"),
    "collapsed": _("Already collapsed (爆雷)"),
    "public_opinion": _("Bad influence or major public opinion"),
    "threshold": _("Threshold"),
    "limit": _("Limit"),
    "max_prepaid_months": _("Longest prepaid period (months)"),
    "max_deposit_ratio": _("Largest deposit (times the monthly bed fee)"),
    "prepayment_payers": _("Elders who prepaid"),
    "prepayment_total": _("Prepayments outstanding"),
    "net_fixed_assets": _("Net fixed assets"),
    "established_by": _("Established by"),
    "counted": _("Complaints and leads counted"),
}
MONEY_KEYS = {
    "large_prepayment_total",
    "assets",
    "liabilities",
    "prepayment_total",
    "net_fixed_assets",
}
FUND_USE_LABELS = dict(FundUse.choices)


# The pages a source of the evidence opens (the others are listed on the institution page).
SOURCE_URLS = {
    SourceKind.VISIT: "screening:visit_detail",
    SourceKind.COMPLAINT: "screening:complaint_detail",
    SourceKind.LEAD: "screening:lead_detail",
    SourceKind.OPINION_EVENT: "screening:opinion_event_detail",
    SourceKind.DETERMINATION: "screening:determination_detail",
}
SOURCE_LABELS = dict(SourceKind.choices)
# 属于非法集资的 is not a standing fact of its own (it is resolved with the suspected crime).
FACT_LABELS = {
    **dict(StandingFact.choices),
    "illegal_fundraising": _("Determined to be illegal fundraising by the authority"),
}
RESULT_LABELS = dict(DeterminationResult.choices)


def source_link(source) -> str:
    """One record named by the evidence: its kind and date, linked to its page."""
    kind = source.get("kind")
    text = format_html("{} {}", SOURCE_LABELS.get(kind, kind), source.get("date") or "")
    if source.get("result"):
        text = format_html("{}（{}）", text, RESULT_LABELS.get(source["result"], source["result"]))
    name = SOURCE_URLS.get(kind)
    if name is None or source.get("id") is None:
        return text
    return format_html('<a href="{}">{}</a>', reverse(name, args=[source["id"]]), text)


def display_sources(key: str, sources):
    """The records of an ``established_by``, ``counted`` or ``determinations`` list, in
    words and links."""
    if key == "established_by":
        return format_html_join(
            "；",
            "{}：{}",
            ((FACT_LABELS.get(s.get("fact"), s.get("fact")), source_link(s)) for s in sources),
        )
    return format_html_join("；", "{}", ((source_link(s),) for s in sources))


def display_value(key: str, value):
    if key in ("established_by", "counted", "determinations") and isinstance(value, list):
        return display_sources(key, value)
    if value is None:
        return _("unknown")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if key == "fund_use":
        return FUND_USE_LABELS.get(value, value) or _("not stated")
    if key in MONEY_KEYS:
        try:
            amount = Decimal(str(value)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            return value
        return format_html("{} {}", f"{amount:,.2f}", _("yuan"))
    return value


@register.filter
def evidence_items(values):
    """``[(label, value)]`` of a hit's evidence or a check's figures, in words."""
    return [
        (EVIDENCE_LABELS.get(key, key), display_value(key, value))
        for key, value in (values or {}).items()
    ]


register.simple_tag(level_badge)


@register.simple_tag
def state_badge(state):
    return _state_badge(state) if state else ""


@register.simple_tag
def check_badge(passed):
    if passed is None:
        return format_html('<span class="badge text-bg-secondary">{}</span>', _("unknown"))
    if passed:
        return format_html('<span class="badge text-bg-success">{}</span>', _("passed"))
    return format_html('<span class="badge text-bg-danger">{}</span>', _("failed"))


def _levels_beside(base: str, above: bool):
    rank = level_rank(base)
    return [
        (level, Level(level).label)
        for level in reversed(LEVELS)
        if (level_rank(level) > rank if above else level_rank(level) < rank)
    ]


# The thresholds version in force, as the rating panel read it for the figures panel.
THRESHOLDS = "risklists.thresholds"


@register.inclusion_tag("risklists/_figures_panel.html", takes_context=True)
def institution_figures_panel(context, institution):
    """The figures the rating derives from the institution's records (one statement, and
    one for the thresholds in force for its county unless the rating panel read them)."""
    facts = request_facts(context.get("request"))
    thresholds = facts.get((THRESHOLDS, institution.pk), selectors.UNREAD)
    panel = selectors.institution_figures(institution, thresholds=thresholds)
    # The screening panels show the same standing findings: read once.
    facts[(STANDING, institution.pk)] = panel.figures.standing
    return {"panel": panel}


@register.inclusion_tag("risklists/_institution_panel.html", takes_context=True)
def institution_rating_panel(context, institution):
    """The rating on an institution's page: the current (approved) level and the proposal,
    the clauses that fired with their evidence, the 民发〔2024〕19号 checks, the history,
    and the buttons the user's role allows. Three queries."""
    user = context["user"]
    panel = selectors.institution_panel(institution)
    request_facts(context.get("request"))[(THRESHOLDS, institution.pk)] = panel.thresholds
    proposal, current = panel.proposal, panel.current
    base = ""
    if proposal is not None:
        base = (panel.state.approved_level if panel.state else "") or proposal.shown_level
    can_submit = (
        proposal is not None
        and services.can_submit(user)
        and proposal.state in (ReviewState.PROPOSED, ReviewState.RETURNED)
    )
    can_decide = proposal is not None and services.can_decide(user)
    return {
        "institution": institution,
        "user": user,
        "request": context.get("request"),
        "panel": panel,
        "current": current,
        "proposal": proposal,
        "shown": proposal if proposal is not None else current,
        "pending": proposal is not None and proposal.is_pending,
        "can_submit": can_submit,
        "can_approve": can_decide and proposal.state == ReviewState.SUBMITTED,
        "can_set_level": can_decide and proposal.state != ReviewState.SUPERSEDED,
        "levels_above": _levels_beside(base, True) if base else [],
        "levels_below": _levels_beside(base, False) if base else [],
        "return_form": ReturnForm(),
        "lower_form": LevelForm(raising=False),
    }
