from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("publicity/", views.PublicityListView.as_view(), name="publicity_list"),
    path("publicity/new/", views.PublicityCreateView.as_view(), name="publicity_create"),
    path("publicity/<int:pk>/", views.PublicityDetailView.as_view(), name="publicity_detail"),
    path("publicity/<int:pk>/edit/", views.PublicityUpdateView.as_view(), name="publicity_update"),
    path("weekly/", views.WeeklyListView.as_view(), name="weekly_list"),
    path("weekly/<int:year>/<int:week>/edit/", views.WeeklyEditView.as_view(), name="weekly_edit"),
    path("weekly/<int:pk>/", views.WeeklyDetailView.as_view(), name="weekly_detail"),
    path(
        "attachments/<int:number>.xlsx",
        views.AttachmentDownloadView.as_view(),
        name="attachment",
    ),
]
