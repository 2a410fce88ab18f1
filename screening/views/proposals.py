"""Persons shared with other units (issue 19, finding 1): the corrections waiting for this
unit's decision or made by it, and the roles other units gave its persons."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views import View

from ..models import PersonChangeProposal, ProposalStatus
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


urlpatterns = [
    path("persons/shared/", ProposalListView.as_view(), name="person_proposals"),
    path(
        "persons/shared/<int:pk>/decide/",
        ProposalDecideView.as_view(),
        name="person_proposal_decide",
    ),
]
