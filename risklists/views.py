"""Pages of the rating: the red/orange/yellow list, the review queue, changes since last
week, the thresholds, and the POST actions of the review (submit, approve, return, raise,
lower). Every row comes from a ``visible_to(user)`` queryset: another township's
assessment answers 404 before any permission is asked."""

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View

from accounts.models import OrgUnit
from core.exports import CHUNK_SIZE, export_url, xlsx_response
from core.views import ObjectListView, PermissionRequiredMixin
from institutions.models import Institution

from . import selectors, services
from .engine import Thresholds
from .exports import REVIEW_TABLE
from .filters import ReviewFilterSet, RiskListFilterSet
from .forms import LevelForm, ReturnForm, ThresholdsForm
from .models import Assessment, ReviewState, ThresholdVersion
from .tables import RiskListTable


class RiskListView(ObjectListView):
    model = Institution
    table_class = RiskListTable
    filterset_class = RiskListFilterSet
    title = _("Red, orange and yellow risk list")
    export_name = "红橙黄风险管控名单"
    template_name = "risklists/risk_list.html"
    paginate_by = 50

    def get_queryset(self):
        # The table's columns, not the records' every field (two assessments' JSON a row).
        return selectors.risk_list(self.request.user).only(
            "name",
            "registration_status",
            "township__name",
            "township__path",
            "rating__list_level",
            "rating__current__level",
            "rating__current__hits",
            "rating__proposal__level",
            "rating__proposal__hits",
            "rating__proposal__state",
        )


def _next_url(request, default):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _panel_url(assessment):
    return reverse("institutions:detail", args=[assessment.institution_id]) + "#rating-panel"


class AssessmentActionView(View):
    """POST only. Scope first (404), then the service checks the role (403) and the state."""

    http_method_names = ["post"]
    success_message = ""

    def act(self, request, assessment):
        raise NotImplementedError

    def post(self, request, pk):
        assessment = get_object_or_404(Assessment.objects.visible_to(request.user), pk=pk)
        if not (request.user.can_edit_registry or request.user.can_review):
            raise PermissionDenied(_("Your role does not allow this."))
        try:
            with transaction.atomic():
                self.act(request, assessment)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, self.success_message)
        return HttpResponseRedirect(_next_url(request, _panel_url(assessment)))


class SubmitView(AssessmentActionView):
    success_message = _("Submitted to the county section.")

    def act(self, request, assessment):
        services.submit(user=request.user, assessment=assessment)


class ApproveView(AssessmentActionView):
    success_message = _("Approved.")

    def act(self, request, assessment):
        services.approve(user=request.user, assessment=assessment)


class ReturnView(AssessmentActionView):
    success_message = _("Returned with your reason.")

    def act(self, request, assessment):
        if not services.can_decide(request.user):
            raise PermissionDenied(_("Only the county section returns ratings."))
        form = ReturnForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Say why the rating is returned."))
        services.return_for_revision(
            user=request.user, assessment=assessment, reason=form.cleaned_data["reason"]
        )


class LevelView(AssessmentActionView):
    raising = True

    @property
    def success_message(self):
        return _("Level raised.") if self.raising else _("Level lowered.")

    def act(self, request, assessment):
        if not services.can_decide(request.user):
            raise PermissionDenied(_("Only the county section sets a level."))
        form = LevelForm(request.POST, raising=self.raising)
        if not form.is_valid():
            if "reason" in form.errors:
                raise ValidationError(_("A written reason is required to lower a level."))
            raise ValidationError(_("Choose a level."))
        action = services.raise_level if self.raising else services.lower_level
        action(
            user=request.user,
            assessment=assessment,
            level=form.cleaned_data["level"],
            reason=form.cleaned_data["reason"],
        )


class ReviewView(View):
    """The county's queue of submitted proposals; township staff see their township's
    proposals to submit. Both can act on several at once."""

    template_name = "risklists/review.html"
    paginate_by = 50
    export = False

    def default_state(self, user):
        return ReviewState.SUBMITTED if services.can_decide(user) else ReviewState.PROPOSED

    def get(self, request):
        user = request.user
        data = request.GET.copy()
        if "state" not in data:
            data["state"] = self.default_state(user)
        filterset = ReviewFilterSet(data, queryset=selectors.review_queue(user), request=request)
        if self.export:
            rows = filterset.qs.iterator(chunk_size=CHUNK_SIZE)
            return xlsx_response(REVIEW_TABLE, rows, name="风险评级审核名单", user=user)
        page = Paginator(filterset.qs, self.paginate_by).get_page(request.GET.get("page"))
        return render(
            request,
            self.template_name,
            {
                "title": _("Review of ratings"),
                "filter": filterset,
                "page": page,
                "assessments": list(page.object_list),
                "can_submit": services.can_submit(user),
                "can_decide": services.can_decide(user),
                "return_form": ReturnForm(),
                "export_url": export_url(request),
            },
        )


class BulkReviewView(View):
    """Submit (township staff) or approve (county section) the ticked proposals at once."""

    http_method_names = ["post"]

    def post(self, request):
        user = request.user
        action = request.POST.get("action")
        if action == "submit" and services.can_submit(user):
            service, done = services.submit, _("%(n)d submitted.")
        elif action == "approve" and services.can_decide(user):
            service, done = services.approve, _("%(n)d approved.")
        else:
            raise PermissionDenied(_("Your role does not allow this."))
        ids = [int(pk) for pk in request.POST.getlist("ids") if pk.isdigit()]
        assessments = Assessment.objects.visible_to(user).filter(pk__in=ids)
        count, errors = 0, []
        for assessment in assessments:
            try:
                with transaction.atomic():
                    service(user=user, assessment=assessment)
                count += 1
            except ValidationError as exc:
                errors.append(f"{assessment.institution_id}: {' '.join(exc.messages)}")
        messages.success(request, done % {"n": count})
        for error in errors:
            messages.error(request, error)
        return HttpResponseRedirect(_next_url(request, reverse("risklists:review")))


class ChangesView(View):
    """ "Changes since last week": new on the list, raised, lowered, back to green."""

    template_name = "risklists/changes.html"

    def get(self, request):
        user = request.user
        today = timezone.localdate()
        try:
            since_day = datetime.strptime(request.GET.get("since", ""), "%Y-%m-%d").date()
        except ValueError:
            since_day = today - timedelta(days=7)
        tz = timezone.get_current_timezone()
        since = datetime.combine(since_day, time.max, tzinfo=tz)
        until = timezone.now()
        townships = OrgUnit.objects.visible_to(user).townships()
        township = None
        if request.GET.get("township", "").isdigit():
            township = get_object_or_404(townships, pk=int(request.GET["township"]))
        changes = selectors.changes_since(user, since, until, township=township)
        return render(
            request,
            self.template_name,
            {
                "title": _("Changes since last week"),
                "changes": changes,
                "since_day": since_day,
                "townships": townships,
                "township": township,
            },
        )


class ThresholdsView(PermissionRequiredMixin, View):
    """The county section's thresholds: edit, preview who would change level, then save a
    new version (which re-rates everything below the unit)."""

    permission = "can_review"
    template_name = "risklists/thresholds.html"

    def context(self, request, form, preview=None):
        user = request.user
        version = services.thresholds_in_force(user.unit)
        return {
            "title": _("Rating thresholds"),
            "form": form,
            "preview": preview,
            "version": version,
            "versions": ThresholdVersion.objects.visible_to(user)
            .select_related("unit", "created_by")
            .order_by("-created_at", "-pk")[:20],
        }

    def current(self, user) -> Thresholds:
        version = services.thresholds_in_force(user.unit)
        return version.thresholds if version else Thresholds()

    def get(self, request):
        initial = ThresholdsForm.initial_from(self.current(request.user))
        initial["based_on"] = services.own_version_number(request.user.unit)
        form = ThresholdsForm(initial=initial)
        return render(request, self.template_name, self.context(request, form))

    def post(self, request):
        form = ThresholdsForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, self.context(request, form))
        thresholds = form.thresholds()
        if "save" not in request.POST:
            preview = selectors.threshold_preview(request.user, thresholds)
            return render(request, self.template_name, self.context(request, form, preview))
        try:
            version = services.save_thresholds(
                user=request.user,
                thresholds=thresholds,
                note=form.cleaned_data["note"],
                based_on=form.cleaned_data["based_on"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return render(request, self.template_name, self.context(request, form))
        messages.success(
            request,
            _("Thresholds saved as version %(n)d; the institutions are being re-rated.")
            % {"n": version.number},
        )
        return redirect("risklists:thresholds")
