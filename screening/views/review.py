"""The "四看" review page and the lists behind its figures."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View

from accounts.selectors import visible_townships
from core import clock
from core.concurrency import FIELD as VERSION_FIELD
from core.concurrency import EditConflict, add_rows_version_field, claim_rows
from core.views import PermissionRequiredMixin
from institutions.models import Institution, RegistrationStatus
from institutions.tables import SHORT_STATUS

from ..forms.review import (
    CandidateVerifyForm,
    OfficialCountForm,
    ReviewPeriodForm,
    VisitPlausibilityForm,
)
from ..models import OfficialCount, ScreeningRound, SharedListEntry, VisitPlausibility
from ..selectors import four_looks, plausibility, rounds
from ..services.four_looks import (
    align_large_prepayment_flag,
    save_official_count,
    verify_candidate,
)
from ..services.plausibility import save_plausibility
from ..services.rounds import can_set_campaign_rounds

PAGE_SIZE = 50


class ReviewMixin:
    """Reads ``since`` (the campaign start) and ``township`` from the query string."""

    def period(self, request, default_since=None, townships=None):
        """The campaign start defaults to the first round's start (全面摸排), else 1 January."""
        if townships is None:
            townships = visible_townships(request.user)
        form = ReviewPeriodForm(request.GET or None, townships=townships)
        if default_since is None:
            default_since = rounds.review_start(request.user)
        since = form.value("since", default_since)
        township = form.value("township")
        return form, since, township, townships

    def page(self, request, queryset):
        return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))

    def query(self, since, township=None, **extra):
        params = {"since": since.isoformat()}
        if township:
            params["township"] = township
        params.update(extra)
        return urlencode(params)


class FourLooksView(ReviewMixin, View):
    def get(self, request):
        today = clock.today()
        townships = visible_townships(request.user)
        # Each round in force: what is left to cover and the days left (衡山县 §一.二 第五).
        progress = rounds.round_progress(request.user, townships, today)
        default_since = rounds.review_start(request.user, today, progress.own)
        form, since = self.period(request, default_since, townships)[:2]
        review = four_looks.township_review(request.user, since, townships)
        four_looks.count_fund_use_to_verify(request.user, review, townships)
        four_looks.count_flag_disagreements(request.user, review)
        context = {
            "implausible": len(plausibility.flagged_visits(request.user, since)),
            "title": _("Four-looks review"),
            "form": form,
            "since": since,
            "review": review,
            "rounds": progress,
            "query": self.query(since),
            "default_since": default_since,
        }
        return render(request, "screening/review/four_looks.html", context)


class ImplausibleVisitsView(ReviewMixin, View):
    """四不两直 is about real visits: submitted visits recorded in less form time than the
    county finds plausible, or on a phone far from the institution's known position, for a
    person to follow up. The county section sets both limits here (version-checked)."""

    def settings_form(self, request, data=None):
        rows = VisitPlausibility.objects.filter(unit_id=request.user.unit_id)
        limits = plausibility.thresholds_for(request.user)
        form = VisitPlausibilityForm(
            data,
            initial={"min_minutes": limits.min_minutes, "max_distance_km": limits.max_distance_km},
        )
        return add_rows_version_field(form, rows)

    def render_page(self, request, settings_form=None):
        form, since, township, _townships = self.period(request)
        limits = plausibility.thresholds_for(request.user)
        if settings_form is None and can_set_campaign_rounds(request.user):
            settings_form = self.settings_form(request)
        context = {
            "title": _("Visits to follow up"),
            "form": form,
            "since": since,
            "limits": limits,
            "rows": plausibility.flagged_visits(request.user, since, township, limits),
            "settings_form": settings_form,
            "query": self.query(since, township),
        }
        return render(request, "screening/review/implausible_visits.html", context)

    def get(self, request):
        return self.render_page(request)

    @method_decorator(transaction.atomic)
    def post(self, request):
        if not can_set_campaign_rounds(request.user):
            raise PermissionDenied(_("Only the county section sets when a visit is flagged."))
        unit = request.user.unit
        form = self.settings_form(request, request.POST)
        if not form.is_valid():
            return self.render_page(request, form)
        try:
            claim_rows(
                VisitPlausibility.objects.filter(unit=unit),
                request.POST.get(VERSION_FIELD),
                history_of={"unit_id": unit.pk},
            )
        except EditConflict as exc:
            for message in exc.messages:
                messages.error(request, message)
            return self.render_page(request)
        save_plausibility(
            user=request.user,
            unit=unit,
            min_minutes=form.cleaned_data["min_minutes"],
            max_distance_km=form.cleaned_data["max_distance_km"],
        )
        messages.success(
            request, _("Saved. The review flags visits with these limits from now on.")
        )
        return redirect(request.get_full_path())


class IncompleteListView(ReviewMixin, View):
    """一看: screened records missing information, with what is missing."""

    def get(self, request):
        form, since, township, townships = self.period(request)
        rows = four_looks.incomplete_screened(request.user, since)
        if township:
            rows = rows.filter(township_id=township)
        page = self.page(request, rows)
        for institution in page:
            institution.percent, institution.missing = four_looks.completeness(institution)
        context = {
            "title": _("Screened records with missing information"),
            "form": form,
            "since": since,
            "page_obj": page,
            "query": self.query(since, township),
        }
        return render(request, "screening/review/incomplete_list.html", context)


class FundUseListView(ReviewMixin, View):
    """一看: large prepayments whose use of the funds is not recorded (V1 待核实), each
    with a way to record a visit, until one records the use."""

    def get(self, request):
        form, since, township, townships = self.period(request)
        rows = four_looks.fund_use_to_verify(request.user)
        if township:
            rows = rows.filter(township_id=township)
        context = {
            "title": _("Large prepayments whose use of the funds is not recorded"),
            "form": form,
            "since": since,
            "page_obj": self.page(request, rows),
            "query": self.query(since, township),
        }
        return render(request, "screening/review/fund_use_list.html", context)


class FlagDisagreementListView(ReviewMixin, View):
    """一看: screened records whose registry flag 收取大额预付费 disagrees with the latest
    visit; an editor aligns the registry with the visit in one click."""

    def get(self, request):
        form, since, township, townships = self.period(request)
        rows = four_looks.flag_disagreements(request.user, since)
        if township:
            rows = rows.filter(township_id=township)
        context = {
            "title": _("Large prepayments: the registry disagrees with the visits"),
            "form": form,
            "since": since,
            "page_obj": self.page(request, rows),
            "query": self.query(since, township),
        }
        return render(request, "screening/review/flag_disagreement_list.html", context)


class FlagAlignView(PermissionRequiredMixin, View):
    """POST: the registry's 收取大额预付费 takes the latest visit's answer (history kept)."""

    permission = "can_edit_registry"

    def post(self, request, pk):
        institution = get_object_or_404(Institution.objects.visible_to(request.user), pk=pk)
        try:
            align_large_prepayment_flag(user=request.user, institution=institution)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(name)s: the registry now says what the latest visit found.")
                % {"name": institution.name},
            )
        next_url = request.POST.get("next", "")
        if not next_url.startswith("/") or next_url.startswith("//"):
            next_url = reverse("screening:review_flag_disagreements")
        return redirect(next_url)


class NotScreenedListView(ReviewMixin, View):
    """四看: institutions and venues with no submitted visit in the campaign, new ones first."""

    def get(self, request):
        form, since, township, townships = self.period(request)
        large = form.value("size") == "large"
        by_beds = form.value("order") == "beds"
        round_ = form.value("round")
        rows = four_looks.not_screened(
            request.user, since, large=large, by_beds=by_beds, round_=round_
        )
        if township:
            rows = rows.filter(township_id=township)
        page = self.page(request, rows)
        for institution in page:
            institution.is_new = four_looks.is_new(institution, since)
            institution.status_label, institution.status_style = SHORT_STATUS[
                institution.registration_status
            ]
        extra = {}
        if large:
            extra["size"] = "large"
        if by_beds:
            extra["order"] = "beds"
        if round_:
            extra["round"] = round_
        context = {
            "title": (
                _("Not yet visited in the round %(round)s")
                % {"round": ScreeningRound(round_).label}
                if round_
                else _("Not yet screened in this campaign")
            ),
            "round": round_,
            "form": form,
            "since": since,
            "page_obj": page,
            "by_beds": by_beds,
            "query": self.query(since, township, **extra),
        }
        return render(request, "screening/review/not_screened_list.html", context)


def create_url(entry: SharedListEntry) -> str:
    """institutions:create pre-filled from the entry (the registry form reads the GET)."""
    params = {
        "name": entry.subject_name,
        "registration_status": (
            RegistrationStatus.REGISTERED_NOT_FILED
            if entry.credit_code
            else RegistrationStatus.UNREGISTERED
        ),
    }
    if entry.credit_code:
        params["credit_code"] = entry.credit_code
    if entry.address:
        params["actual_address"] = entry.address
    if entry.business_scope:
        params["business_scope"] = entry.business_scope
    if entry.township_id:
        params["township"] = entry.township_id
    return reverse("institutions:create") + "?" + urlencode(params)


class CandidateListView(ReviewMixin, View):
    """三看: shared-list entries matched to no institution, to verify."""

    STATES = ("todo", "verified", "all")

    def get(self, request):
        form, since, township, townships = self.period(request)
        state = request.GET.get("state", "todo")
        state = state if state in self.STATES else "todo"
        rows = four_looks.candidates(request.user)
        if township:
            rows = rows.filter(township_id=township)
        if state == "todo":
            rows = rows.filter(verified_note="")
        elif state == "verified":
            rows = rows.exclude(verified_note="")
        page = self.page(request, rows)
        for entry in page:
            entry.create_url = create_url(entry)
        context = {
            "title": _("Candidates to verify"),
            "form": form,
            "since": since,
            "state": state,
            "states": [
                ("todo", _("To verify")),
                ("verified", _("Already verified")),
                ("all", _("All")),
            ],
            "page_obj": page,
            "query": self.query(since, township, state=state),
            "verify_form": CandidateVerifyForm(),
            "next": request.get_full_path(),
        }
        return render(request, "screening/review/candidate_list.html", context)


class CandidateVerifyView(PermissionRequiredMixin, View):
    """POST only: what the verification of one candidate found."""

    permission = "can_edit_registry"

    def post(self, request, pk):
        entry = get_object_or_404(
            SharedListEntry.objects.visible_to(request.user).filter(four_looks.candidates_q()),
            pk=pk,
        )
        form = CandidateVerifyForm(request.POST)
        if form.is_valid():
            try:
                verify_candidate(
                    user=request.user,
                    entry=entry,
                    outcome=form.cleaned_data["outcome"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request, _("Verification recorded for %(name)s.") % {"name": entry}
                )
        else:
            messages.error(request, _("Choose what the verification found."))
        target = request.POST.get("next", "")
        if not target.startswith(reverse("screening:candidates")):
            target = reverse("screening:candidates")
        return redirect(target)


class OfficialCountEditView(PermissionRequiredMixin, View):
    """二看: the county enters a township's count from the civil-affairs statistics."""

    permission = "can_review"
    template_name = "screening/review/official_count_form.html"

    def get_township(self, request, pk):
        townships = {t.pk: t for t in visible_townships(request.user)}
        if pk not in townships:
            raise Http404
        return townships[pk]

    def render(self, request, township, form):
        counts = four_looks.official_counts(request.user, township)
        context = {
            "title": _("Official count of %(township)s") % {"township": township.name},
            "township": township,
            "form": form,
            "counts": counts[:20],
        }
        return render(request, self.template_name, context)

    @staticmethod
    def counts_of(township):
        """The set the page edits (a figure per date; a second one for a date replaces it):
        its version is carried by the form and claimed when saving."""
        return OfficialCount.objects.filter(unit=township)

    def fresh_form(self, request, township):
        latest = four_looks.latest_official_count(request.user, township)
        form = OfficialCountForm(initial={"institutions": latest.institutions} if latest else None)
        return add_rows_version_field(form, self.counts_of(township))

    def get(self, request, township_pk):
        township = self.get_township(request, township_pk)
        return self.render(request, township, self.fresh_form(request, township))

    # One transaction: the figures' version is checked (optimistic lock) and the figure saved.
    @method_decorator(transaction.atomic)
    def post(self, request, township_pk):
        township = self.get_township(request, township_pk)
        form = add_rows_version_field(OfficialCountForm(request.POST), self.counts_of(township))
        if form.is_valid():
            try:
                claim_rows(
                    self.counts_of(township),
                    request.POST.get(VERSION_FIELD),
                    history_of={"unit_id": township.pk},
                )
            except EditConflict as exc:
                for message in exc.messages:
                    messages.error(request, message)
                return self.render(request, township, self.fresh_form(request, township))
            try:
                save_official_count(
                    user=request.user,
                    township=township,
                    as_of=form.cleaned_data["as_of"],
                    institutions=form.cleaned_data["institutions"],
                    notes=form.cleaned_data["notes"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("screening:four_looks")
        return self.render(request, township, form)


urlpatterns = [
    path("review/", FourLooksView.as_view(), name="four_looks"),
    path(
        "review/visits-to-follow-up/",
        ImplausibleVisitsView.as_view(),
        name="review_implausible_visits",
    ),
    path("review/incomplete/", IncompleteListView.as_view(), name="review_incomplete"),
    path("review/not-screened/", NotScreenedListView.as_view(), name="review_not_screened"),
    path("review/fund-use/", FundUseListView.as_view(), name="review_fund_use"),
    path(
        "review/large-prepayments/",
        FlagDisagreementListView.as_view(),
        name="review_flag_disagreements",
    ),
    path(
        "review/large-prepayments/<int:pk>/align/",
        FlagAlignView.as_view(),
        name="review_flag_align",
    ),
    path("review/candidates/", CandidateListView.as_view(), name="candidates"),
    path(
        "review/candidates/<int:pk>/verify/",
        CandidateVerifyView.as_view(),
        name="candidate_verify",
    ),
    path(
        "review/official-counts/<int:township_pk>/",
        OfficialCountEditView.as_view(),
        name="official_count_edit",
    ),
]
