"""The project's URLs plus disposal's, until the lead includes them in config/urls.py."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = list(project_urlpatterns)
if not any(getattr(p, "namespace", None) == "disposal" for p in project_urlpatterns):
    urlpatterns.append(path("disposal/", include("disposal.urls")))
