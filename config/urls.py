from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts.views import LoginView, PasswordChangeView
from core.formkeeping import ping
from core.health import health

admin.site.site_header = _("Elder-care fraud risk screening — administration")
admin.site.site_title = _("Administration")

urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The open form's keep-alive (static/js/keepalive.js).
    path("session/ping/", ping, name="session_ping"),
    path("password/", PasswordChangeView.as_view(), name="password_change"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("portal.urls")),
    path("institutions/", include("institutions.urls")),
    path("screening/", include("screening.urls")),
    path("risk/", include("risklists.urls")),
    path("disposal/", include("disposal.urls")),
    path("reporting/", include("reporting.urls")),
    path("api/", include("api.urls")),
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
]
# Uploaded files are never served from MEDIA_URL, not even under `make run`: each is served
# by a view that first finds its record through ``visible_to`` (core.files.file_response).

handler404 = "api.problems.not_found"
