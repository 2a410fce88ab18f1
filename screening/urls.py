from .views import imports, leads, proposals, records, review, rounds, spot_checks, visits

app_name = "screening"

urlpatterns = (
    visits.urlpatterns
    + records.urlpatterns
    + imports.urlpatterns
    + leads.urlpatterns
    + review.urlpatterns
    + rounds.urlpatterns
    + spot_checks.urlpatterns
    + proposals.urlpatterns
)
