from django.urls import path, re_path

from . import views

app_name = "reporting"

urlpatterns = [
    path("publicity/", views.PublicityListView.as_view(), name="publicity_list"),
    path(
        "publicity/export/",
        views.PublicityListView.as_view(export=True),
        name="publicity_list_export",
    ),
    path("publicity/new/", views.PublicityCreateView.as_view(), name="publicity_create"),
    path("publicity/<int:pk>/", views.PublicityDetailView.as_view(), name="publicity_detail"),
    path("publicity/<int:pk>/photo/", views.PublicityPhotoView.as_view(), name="publicity_photo"),
    path("publicity/<int:pk>/edit/", views.PublicityUpdateView.as_view(), name="publicity_update"),
    path("weekly/", views.WeeklyListView.as_view(), name="weekly_list"),
    path("weekly/export/", views.WeeklyListView.as_view(export=True), name="weekly_list_export"),
    path("weekly/<int:year>/<int:week>/edit/", views.WeeklyEditView.as_view(), name="weekly_edit"),
    path("weekly/<int:pk>/", views.WeeklyDetailView.as_view(), name="weekly_detail"),
    path("weekly/<int:pk>/withdraw/", views.WeeklyWithdrawView.as_view(), name="weekly_withdraw"),
    re_path(
        r"^weekly/(?P<pk>[0-9]+)/(?P<action>accept|return|reopen)/$",
        views.WeeklyReviewView.as_view(),
        name="weekly_review",
    ),
    path("weekly/remind/", views.WeeklyRemindView.as_view(), name="weekly_remind"),
    path("notices/", views.NoticeListView.as_view(), name="notices"),
    path("county/", views.CountyReportsView.as_view(), name="county_reports"),
    path(
        "county/<int:unit>/weekly/<int:year>/<int:week>/",
        views.CountyWeeklyView.as_view(),
        name="county_weekly",
    ),
    path(
        "county/<int:unit>/weekly/<int:year>/<int:week>/docx/",
        views.CountyWeeklyDocxView.as_view(),
        name="county_weekly_docx",
    ),
    path(
        "county/<int:unit>/monthly/<int:year>/<int:month>/",
        views.CountyMonthlyView.as_view(),
        name="county_monthly",
    ),
    path(
        "county/<int:unit>/monthly/<int:year>/<int:month>/docx/",
        views.CountyMonthlyDocxView.as_view(),
        name="county_monthly_docx",
    ),
    re_path(
        r"^county/report/(?P<pk>[0-9]+)/(?P<action>accept|return|reopen|withdraw)/$",
        views.CountyReportActionView.as_view(),
        name="county_report_action",
    ),
    path("completeness/", views.CompletenessView.as_view(), name="completeness"),
    path(
        "completeness/<int:unit>/",
        views.CompletenessView.as_view(),
        name="completeness_county",
    ),
    path("packs/", views.RunListView.as_view(), name="run_list"),
    path("packs/request/", views.RunRequestView.as_view(), name="run_request"),
    path("packs/<int:pk>/", views.RunDetailView.as_view(), name="run_detail"),
    path("packs/<int:pk>/status/", views.RunStatusView.as_view(), name="run_status"),
    path("packs/<int:pk>/retry/", views.RunRetryView.as_view(), name="run_retry"),
    path("packs/<int:pk>/download/", views.RunDownloadView.as_view(), name="run_download"),
    path(
        "packs/<int:pk>/download/<int:number>/",
        views.RunDownloadView.as_view(),
        name="run_file",
    ),
    path(
        "attachments/<int:number>.xlsx",
        views.AttachmentDownloadView.as_view(),
        name="attachment",
    ),
    path("publication/", views.PublicationListView.as_view(), name="publication_list"),
    path("publication/<int:pk>/", views.PublicationDetailView.as_view(), name="publication_detail"),
    re_path(
        r"^publication/(?P<pk>[0-9]+)/(?P<action>approve|refresh)/$",
        views.PublicationActionView.as_view(),
        name="publication_action",
    ),
    re_path(
        r"^publication/(?P<pk>[0-9]+)/publish\.(?P<fmt>xlsx|html)$",
        views.PublicationDownloadView.as_view(),
        name="publication_download",
    ),
    re_path(
        r"^publication/(?P<pk>[0-9]+)/(?P<section>[a-z]+)\.(?P<fmt>csv)$",
        views.PublicationDownloadView.as_view(),
        name="publication_csv",
    ),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("three-musts/", views.ThreeMustsListView.as_view(), name="three_musts"),
    path("institutions/<int:pk>/notice/", views.NoticeView.as_view(), name="notice"),
    path("institutions/<int:pk>/commitment/", views.CommitmentView.as_view(), name="commitment"),
]
