"""The field app (外业采集): the visit form on a phone, with or without a network.

Township staff record visits at the door, often where there is no signal. Once they have
opened ``/screening/field/`` online, a service worker (``static/js/field_sw.js``, served at
``/screening/field/sw.js`` so that its scope covers the app) keeps the page, its scripts and
styles and the list of the township's institutions and venues (``data.json``, through
``visible_to``), so the form opens with no network. Visits are saved on the phone in an
outbox (IndexedDB, ``static/js/field_app.js``), each with a client-generated id, and sent in
order when a network is there — to the visit form's own URL, answering JSON: the same form,
the same service (``record_visit``), at most one visit per id.
"""

from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from core.concurrency import FIELD as VERSION_FIELD
from core.concurrency import version_of
from core.views import PermissionRequiredMixin
from institutions.forms import InstitutionForm
from institutions.models import RegistrationStatus

from ..forms.leads import LeadForm
from ..forms.visits import InterviewFormSet, ScreeningVisitForm, post_pairs
from ..models import ScreeningVisit, VisitStatus
from ..selectors.visits import institutions_to_visit

SERVICE_WORKER = "js/field_sw.js"
DRAFTS_KEPT = 50

# What a township records of a venue found at the door (登记新发现的场所): the registry
# form's own fields, sent to the registry form's URL (the rest is filled in later online).
VENUE_FIELDS = (
    "name",
    "township",
    "village",
    "actual_address",
    "operator",
    "contact_phone",
    "residents",
    "venue_nature",
    "found_on",
    "notes",
)
LEAD_FIELDS = (
    "channel",
    "received_on",
    "unit",
    "reporter_name",
    "reporter_phone",
    "subject",
    "content",
    "institution",
    "is_major",
)


class FieldAppView(PermissionRequiredMixin, TemplateView):
    permission = "can_edit_registry"
    template_name = "screening/field/app.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        blank = ScreeningVisit(staff=self.request.user)
        context.update(
            title=_("Field app"),
            form=ScreeningVisitForm(instance=blank, user=self.request.user),
            formset=InterviewFormSet(instance=blank, prefix="interviews"),
            venue_fields=self.venue_fields(),
            lead_fields=self.lead_fields(),
            unregistered=RegistrationStatus.UNREGISTERED,
            labels={
                "local": str(_("On this phone only")),
                "sending": str(_("Sending…")),
                "received": str(_("Received by the server")),
                "refused": str(_("Refused: fix it and send it again")),
                "saved": str(_("Saved on this phone.")),
                "signed_out": str(_("Your session has ended: log in again, then send.")),
                "choose": str(_("Choose the institution or venue.")),
                "delete": str(_("Delete")),
                "fix": str(_("Fix")),
                "open": str(_("Open")),
                "photos": str(_("photos")),
                "confirm_delete": str(_("Delete this visit from the phone? It was never sent.")),
                "ready": str(_("Ready for use without a network.")),
                "online": str(_("Online")),
                "offline": str(_("No network: visits, venues and leads are saved on this phone.")),
                "none": str(_("Nothing recorded on this phone.")),
                "draft": str(_("Draft")),
                "submit": str(_("To submit")),
                "failed": str(_("Could not reach the server; it will be sent later.")),
                "conflict": str(_("Changed on the server: choose")),
                "mine": str(_("On this phone")),
                "theirs": str(_("On the server")),
                "keep_mine": str(_("Keep this phone's")),
                "take_theirs": str(_("Keep the server's")),
                "finish": str(_("Finish on this phone")),
                "editing": str(_("Finishing the draft:")),
                "venue": str(_("New venue")),
                "lead": str(_("Lead")),
                "venue_saved": str(_("The venue is saved on this phone.")),
                "lead_saved": str(_("The lead is saved on this phone.")),
                "confirm_delete_record": str(
                    _("Delete this record from the phone? It was never sent.")
                ),
            },
        )
        return context

    def venue_fields(self):
        # auto_id keeps the ids apart from the visit form's; the names are the form's own.
        form = InstitutionForm(user=self.request.user, auto_id="venue-%s")
        form.fields["found_on"].initial = timezone.localdate()
        return [form[name] for name in VENUE_FIELDS]

    def lead_fields(self):
        form = LeadForm(user=self.request.user, auto_id="lead-%s")
        return [form[name] for name in LEAD_FIELDS]


class FieldDataView(PermissionRequiredMixin, View):
    """What the form needs offline: the user's township's institutions and venues."""

    permission = "can_edit_registry"

    def get(self, request):
        rows = institutions_to_visit(request.user).values(
            "pk",
            "name",
            "actual_address",
            "registered_address",
            "township__name",
            "registration_status",
        )
        statuses = dict(RegistrationStatus.choices)
        institutions = [
            {
                "id": row["pk"],
                "name": row["name"],
                "address": row["actual_address"] or row["registered_address"],
                "township": row["township__name"],
                "status": str(statuses.get(row["registration_status"], "")),
            }
            for row in rows
        ]
        response = JsonResponse(
            {
                "as_of": timezone.now().isoformat(),
                "institutions": institutions,
                "drafts": self.drafts(request.user),
            },
            json_dumps_params={"ensure_ascii": False},
        )
        response["Cache-Control"] = "private, no-cache"
        return response

    @staticmethod
    def drafts(user):
        """The user's own drafts, each as its edit form would post it with the version it is
        at: the phone can finish one offline, and its sync is refused if the server's copy
        changed meanwhile (core/concurrency.py)."""
        drafts = (
            ScreeningVisit.objects.visible_to(user)
            .filter(status=VisitStatus.DRAFT, created_by=user)
            .select_related("institution")
            .prefetch_related("interviews")
            .order_by("-updated_at")[:DRAFTS_KEPT]
        )
        rows = []
        for visit in drafts:
            form = ScreeningVisitForm(instance=visit, user=user)
            pairs = post_pairs(form, interviews=visit.interviews.all())
            version = version_of(visit)
            pairs.append([VERSION_FIELD, version])
            rows.append(
                {
                    "id": visit.pk,
                    "institution": visit.institution_id,
                    "institution_name": visit.institution.name,
                    "visited_on": visit.visited_on.isoformat(),
                    "version": version,
                    "fields": pairs,
                }
            )
        return rows


@login_not_required
def service_worker(request):
    """The service worker from the project's own static files, at a URL whose scope
    covers the field app (a worker controls only pages under its own path)."""
    found = finders.find(SERVICE_WORKER)
    if found:
        with open(found, "rb") as handle:
            body = handle.read()
    else:  # collected static files only (production)
        if not staticfiles_storage.exists(SERVICE_WORKER):
            raise Http404
        with staticfiles_storage.open(SERVICE_WORKER) as handle:
            body = handle.read()
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("screening:field_app")
    response["Cache-Control"] = "no-cache"
    return response


urlpatterns = [
    path("field/", FieldAppView.as_view(), name="field_app"),
    path("field/data.json", FieldDataView.as_view(), name="field_data"),
    path("field/sw.js", service_worker, name="field_sw"),
]
