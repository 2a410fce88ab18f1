from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.AuditLogView.as_view(), name="audit_log"),
    path("audit/export/", views.AuditLogView.as_view(export=True), name="audit_log_export"),
    path("favicon.ico", views.favicon, name="favicon"),
]
