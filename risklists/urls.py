from django.urls import path

from . import views

app_name = "risklists"

urlpatterns = [
    path("", views.RiskListView.as_view(), name="list"),
    path("export/", views.RiskListView.as_view(export=True), name="list_export"),
    path("review/", views.ReviewView.as_view(), name="review"),
    path("review/export/", views.ReviewView.as_view(export=True), name="review_export"),
    path("review/selected/", views.BulkReviewView.as_view(), name="review_selected"),
    path("changes/", views.ChangesView.as_view(), name="changes"),
    path("thresholds/", views.ThresholdsView.as_view(), name="thresholds"),
    path("assessments/<int:pk>/submit/", views.SubmitView.as_view(), name="submit"),
    path("assessments/<int:pk>/approve/", views.ApproveView.as_view(), name="approve"),
    path("assessments/<int:pk>/return/", views.ReturnView.as_view(), name="return"),
    path("assessments/<int:pk>/raise/", views.LevelView.as_view(raising=True), name="raise"),
    path("assessments/<int:pk>/lower/", views.LevelView.as_view(raising=False), name="lower"),
]
