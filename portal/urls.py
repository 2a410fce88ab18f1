from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.AuditLogView.as_view(), name="audit_log"),
    path("favicon.ico", views.favicon, name="favicon"),
]
