from .views import imports, leads, records, review, rounds, spot_checks, visits

app_name = "screening"

urlpatterns = (
    visits.urlpatterns
    + records.urlpatterns
    + imports.urlpatterns
    + leads.urlpatterns
    + review.urlpatterns
    + rounds.urlpatterns
    + spot_checks.urlpatterns
)
