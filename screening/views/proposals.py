"""Persons shared with other units (issue 19, finding 1): the corrections waiting for this
unit's decision or made by it, the roles other units gave its persons, and (for the county
and above) the ID numbers in dispute."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views import View

from ..models import PersonChangeProposal, ProposalStatus
from ..selectors.disputes import disputed_numbers
from ..selectors.proposals import links_from_elsewhere, proposals_for
from ..services.records import decide_proposal, may_decide


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("reject", _("Reject"))])
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)


class ProposalListView(View):
    template_name = "screening/records/proposals.html"

    def get(self, request):
        proposals = list(proposals_for(request.user)[:200])
        for proposal in proposals:
            proposal.decidable = proposal.status == ProposalStatus.PENDING and may_decide(
                request.user, proposal
            )
        context = {
            "title": _("Persons shared with other units"),
            "proposals": proposals,
            "links": links_from_elsewhere(request.user),
        }
        return render(request, self.template_name, context)


class ProposalDecideView(View):
    def post(self, request, pk):
        proposal = get_object_or_404(PersonChangeProposal.objects.visible_to(request.user), pk=pk)
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose to accept or reject."))
            return redirect("screening:person_proposals")
        accept = form.cleaned_data["decision"] == "accept"
        try:
            decide_proposal(
                user=request.user,
                proposal=proposal,
                accept=accept,
                reason=form.cleaned_data["reason"],
            )
        except PermissionDenied:
            raise
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Accepted: the person's record is corrected.")
                if accept
                else _("Rejected; the unit that proposed it sees why."),
            )
        return redirect("screening:person_proposals")


class DisputedIdListView(View):
    """身份证号存疑人员: the county's persons whose ID number another record also carries,
    with how to resolve each. For the county level and above (the unit that sees both
    records of a dispute inside it); a township is never told that its number is carried
    elsewhere (no oracle). ID numbers masked for the roles the pages mask them for."""

    template_name = "screening/records/disputed_ids.html"

    def get(self, request):
        if not request.user.is_county_level:
            raise PermissionDenied(_("Only the county level reviews disputed ID numbers."))
        context = {
            "title": _("Disputed ID numbers"),
            "groups": disputed_numbers(request.user),
        }
        return render(request, self.template_name, context)


urlpatterns = [
    path("persons/disputed/", DisputedIdListView.as_view(), name="disputed_ids"),
    path("persons/shared/", ProposalListView.as_view(), name="person_proposals"),
    path(
        "persons/shared/<int:pk>/decide/",
        ProposalDecideView.as_view(),
        name="person_proposal_decide",
    ),
]
