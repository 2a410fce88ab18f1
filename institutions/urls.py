from django.urls import path

from . import views

app_name = "institutions"

urlpatterns = [
    path("", views.InstitutionListView.as_view(), name="list"),
    path("export/", views.InstitutionListView.as_view(export=True), name="list_export"),
    path("new/", views.InstitutionCreateView.as_view(), name="create"),
    path("<int:pk>/", views.InstitutionDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.InstitutionUpdateView.as_view(), name="update"),
    path("<int:pk>/archive/", views.InstitutionArchiveView.as_view(), name="archive"),
    path("<int:pk>/restore/", views.InstitutionArchiveView.as_view(restore=True), name="restore"),
]
