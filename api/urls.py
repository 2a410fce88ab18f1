"""/api/: the county section's key page, and version 1 of the API with its document."""

from csp.decorators import csp_update
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import SimpleRouter

from .views import keys, resources, writes

app_name = "api"

router = SimpleRouter()
router.register("units", resources.UnitViewSet, basename="unit")
router.register("institutions", resources.InstitutionViewSet, basename="institution")
router.register("visits", writes.VisitWriteViewSet, basename="visit")
router.register("prepayments", resources.PrepaymentViewSet, basename="prepayment")
router.register("refunds", resources.RefundViewSet, basename="refund")
router.register("ratings", resources.RatingViewSet, basename="rating")
router.register("disposal-actions", resources.DisposalActionViewSet, basename="action")
router.register("zeroing-ledger", resources.ZeroingLedgerViewSet, basename="zeroing")
router.register("leads", writes.LeadWriteViewSet, basename="lead")
router.register("weekly-reports", writes.WeeklyReportWriteViewSet, basename="weekly-report")
router.register("report-runs", resources.ReportRunViewSet, basename="run")


def docs(view):
    """Public, and under Django's CSRF check like every page: DRF marks its views exempt
    (its own check answers in the view's renderer, a bare 403 page for these HTML ones)."""

    def public(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    return login_not_required(public)


urlpatterns = [
    path("keys/", keys.KeyListView.as_view(), name="key_list"),
    path("keys/<str:prefix>/revoke/", keys.KeyRevokeView.as_view(), name="key_revoke"),
    path("v1/", include(router.urls)),
    # The document and its readers are public: they describe the API, never its data.
    path("v1/schema/", docs(SpectacularAPIView.as_view(api_version="v1")), name="schema"),
    path(
        "v1/docs/",
        docs(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
    # Redoc's search runs in a web worker it starts from a blob: URL.
    path(
        "v1/redoc/",
        docs(
            csp_update({"worker-src": ["blob:"]})(
                SpectacularRedocView.as_view(url_name="api:schema")
            )
        ),
        name="redoc",
    ),
]
