"""Report packs: ask for one, watch it being built, download it, retry a failed one."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views import View

from core import clock
from core.exports import XLSX
from core.files import file_response
from core.history import history_entries
from core.views import ObjectDetailView, ObjectListView, ScopedQuerysetMixin

from .. import runs
from ..choices import ReportSet
from ..filters import ReportRunFilterSet
from ..models import ReportRun
from ..periods import ReportingWeek, recent_weeks
from ..tables import ReportRunTable
from ..xlsx.attachments import data_as_of
from .common import HISTORY_EXCLUDED


class RunRequestForm(forms.Form):
    report_set = forms.ChoiceField(label=_("Report set"), choices=ReportSet.choices)
    week = forms.ChoiceField(label=_("Reporting week"))

    def __init__(self, *args, now=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and not runs.asks_for_rollups(user):
            # The roll-up (one row per county) is a city's or a province's.
            self.fields["report_set"].choices = [
                choice for choice in ReportSet.choices if choice[0] != ReportSet.ROLLUP_WEEKLY
            ]
        # Newest first, as every list of weeks; the week just due is chosen: on Tuesday
        # evening that is the one people want.
        weeks = recent_weeks(now, 12)
        self.fields["week"].choices = [(w.label, week_label(w)) for w in weeks]
        due = [w for w in weeks if w.is_due(now)]
        if due:
            self.fields["week"].initial = due[0].label

    def clean_week(self):
        try:
            return ReportingWeek.parse(self.cleaned_data["week"])
        except ValueError as exc:
            raise forms.ValidationError(_("No such week.")) from exc


def week_label(week: ReportingWeek) -> str:
    return _("%(label)s (%(first)s – %(last)s, due %(due)s 17:00)") % {
        "label": week.label,
        "first": week.first_day.strftime("%m-%d"),
        "last": week.last_day.strftime("%m-%d"),
        "due": week.due_day.strftime("%m-%d"),
    }


class RunListView(ObjectListView):
    model = ReportRun
    select_related = ("unit", "requested_by")
    table_class = ReportRunTable
    filterset_class = ReportRunFilterSet
    title = _("Report packs")
    template_name = "reporting/run_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if runs.can_request(self.request.user):
            context["request_form"] = RunRequestForm(now=clock.now(), user=self.request.user)
        return context


class RunRequestView(View):
    """POST: queue (or re-run) the pack of the user's unit for a set and a week."""

    def post(self, request):
        if not runs.can_request(request.user):
            raise PermissionDenied(_("Your role does not allow this."))
        form = RunRequestForm(request.POST, now=clock.now(), user=request.user)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("reporting:run_list")
        return _queue(request, form.cleaned_data["report_set"], form.cleaned_data["week"])


class RunRetryView(ScopedQuerysetMixin, View):
    """POST: build a run's period again (a failed run, or fresh figures for a done one)."""

    model = ReportRun

    def post(self, request, pk):
        run = get_object_or_404(self.get_queryset(), pk=pk)
        if not runs.can_request(request.user) or run.unit_id != request.user.unit_id:
            raise PermissionDenied(_("Only the unit's own staff build its packs again."))
        return _queue(request, run.report_set, run.period)


def _queue(request, report_set, week):
    try:
        result = runs.request_run(user=request.user, report_set=report_set, week=week)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect("reporting:run_list")
    if result.queue_unavailable:
        messages.warning(request, result.run.error)
    elif not result.queued:
        messages.info(request, _("This pack is already being built."))
    else:
        messages.success(request, _("The pack has been requested."))
    return redirect(result.run)


class RunDetailView(ObjectDetailView):
    model = ReportRun
    select_related = ("unit", "requested_by")
    template_name = "reporting/run_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.object
        context.update(
            can_retry=runs.can_request(self.request.user)
            and run.unit_id == self.request.user.unit_id
            and not run.is_active,
            history=history_entries(ReportRun, run.history.all(), HISTORY_EXCLUDED),
            cutoff_text=data_as_of(run.cutoff) if run.cutoff else "",
        )
        return context


class RunStatusView(ScopedQuerysetMixin, View):
    """The run's progress as JSON, for the progress bar."""

    model = ReportRun

    def get(self, request, pk):
        run = get_object_or_404(self.get_queryset(), pk=pk)
        return JsonResponse(
            {
                "status": run.status,
                "status_label": str(run.get_status_display()),
                "progress": run.progress,
                "step": run.step,
                "error": run.error,
                "active": run.is_active,
            }
        )


class RunDownloadView(ScopedQuerysetMixin, View):
    """The zip of the whole pack, or one attachment (``number``) of a finished run."""

    model = ReportRun

    def get(self, request, pk, number=None):
        return run_file_response(self.get_queryset(), pk, number)


def run_file_response(runs_visible, pk, number=None):
    """The zip of a finished run of ``runs_visible`` (the caller's ``visible_to``), or one
    attachment (``number``) of it; 404 for anything else. The API's download answers with
    this same function."""
    run = get_object_or_404(runs_visible.filter(status="done"), pk=pk)
    if number is None:
        name, filename, content_type = run.zip_file.name, None, "application/zip"
    else:
        entry = next((f for f in run.files if f.get("number") == number), None)
        if entry is None:
            raise Http404(_("No such table."))
        name, filename, content_type = entry["name"], entry["filename"], XLSX
    if not name or not default_storage.exists(name):
        raise Http404(_("The file is no longer there; build the pack again."))
    return file_response(
        name, filename=filename or name.rsplit("/", 1)[-1], content_type=content_type
    )
