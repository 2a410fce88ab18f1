"""Pages of penalties (区县方案 二(三)四 联合惩戒): who was punished, the list and its export,
one penalty, and the steps on it (recorded by a township, proposed for the joint-punishment
list by the county section, withdrawn with a reason, never deleted)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.exports import CHUNK_SIZE, xlsx_response
from core.history import history_entries
from core.masking import show_id_number
from core.views import ObjectDetailView, ObjectListView, PermissionRequiredMixin

from ..exports import PENALTY_TABLE, penalty_rows
from ..filters import PenaltyFilterSet
from ..forms.penalties import PenaltyForm, ProposeForm, WithdrawForm
from ..models import Penalty
from ..selectors.penalties import penalties
from ..services.penalties import propose_penalty, record_penalty, withdraw_penalty
from ..tables import PenaltyTable, proposal_badge
from .common import HISTORY_EXCLUDED, InstitutionRecordCreateView, institution_from_query


class PenaltyListView(ObjectListView):
    """被依法依规惩处的机构和人员: the penalties the user sees, by township, kind, ground and
    whether the county proposed them for the joint-punishment list."""

    model = Penalty
    table_class = PenaltyTable
    filterset_class = PenaltyFilterSet
    title = _("Institutions and persons punished under laws and regulations")
    template_name = "disposal/penalty_list.html"

    def get_queryset(self):
        return penalties(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["institution"] = institution_from_query(self.request, "township")
        context["export_query"] = self.request.GET.urlencode()
        return context


class PenaltyExportView(View):
    """The list as filtered, all pages, as .xlsx: the form with every particular of each
    penalty (more than the list's columns), ID numbers masked for roles that do not need
    them, streamed like every list's export (core.exports)."""

    def get(self, request):
        queryset = penalties(request.user).order_by(
            "institution__township__path", "institution__name", "-decided_on", "pk"
        )
        filterset = PenaltyFilterSet(request.GET or None, queryset=queryset, request=request)
        rows = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
        return xlsx_response(
            PENALTY_TABLE,
            penalty_rows(rows.iterator(chunk_size=CHUNK_SIZE), request.user),
            name="被依法依规惩处的机构和人员",
            user=request.user,
        )


class PenaltyCreateView(InstitutionRecordCreateView):
    """A township (or the county section) records a decision from the institution's page."""

    model = Penalty
    form_class = PenaltyForm
    tab = "penalties"
    success_message = _("Penalty recorded.")

    def save(self, form):
        return record_penalty(user=self.request.user, penalty=form.instance)

    def get_success_url(self):
        if self.object is None:  # the form again: "back" goes to the institution's penalties
            return reverse("disposal:penalty_list") + f"?institution={self.institution.pk}"
        return reverse("disposal:penalty_detail", args=[self.object.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Record a penalty")
        return context


class PenaltyDetailView(ObjectDetailView):
    model = Penalty
    select_related = (
        "institution",
        "institution__township",
        "created_by",
        "proposed_by",
        "withdrawn_by",
    )
    template_name = "disposal/penalty_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        penalty = self.object
        user = self.request.user
        open_ = not penalty.is_withdrawn
        context.update(
            title=penalty.subject,
            institution=penalty.institution,
            tab="penalties",
            shown_id_number=show_id_number(penalty.person_id_number, user),
            proposal=proposal_badge(penalty),
            propose_form=ProposeForm()
            if open_ and user.can_review and not penalty.is_proposed
            else None,
            withdraw_form=WithdrawForm()
            if open_ and user.can_edit_registry and (user.can_review or not penalty.is_proposed)
            else None,
            history=history_entries(
                Penalty,
                penalty.history.all(),
                excluded=(*HISTORY_EXCLUDED, "person_id_number"),
            ),
        )
        return context


class PenaltyActionView(PermissionRequiredMixin, View):
    """POST only: a step on one penalty the user sees (another unit's is not found)."""

    http_method_names = ["post"]
    form_class = None

    def act(self, request, penalty, data):
        raise NotImplementedError

    def post(self, request, pk):
        penalty = get_object_or_404(
            Penalty.objects.visible_to(request.user).select_related("institution"), pk=pk
        )
        form = self.form_class(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        else:
            try:
                self.act(request, penalty, form.cleaned_data)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, self.success_message)
        return redirect("disposal:penalty_detail", pk=penalty.pk)


class PenaltyProposeView(PenaltyActionView):
    """The county section proposes the penalty for the joint-punishment list (联合惩戒)."""

    permission = "can_review"
    form_class = ProposeForm
    success_message = _("Proposed for joint punishment.")

    def act(self, request, penalty, data):
        propose_penalty(user=request.user, penalty=penalty, note=data["note"])


class PenaltyWithdrawView(PenaltyActionView):
    """Withdraw a penalty recorded in error or set aside on review; it is never deleted."""

    permission = "can_edit_registry"
    form_class = WithdrawForm
    success_message = _("Penalty withdrawn.")

    def act(self, request, penalty, data):
        withdraw_penalty(user=request.user, penalty=penalty, reason=data["reason"])
