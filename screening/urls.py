from .views import (
    determinations,
    field,
    findings,
    imports,
    leads,
    opinion,
    outside,
    proposals,
    records,
    review,
    rounds,
    self_checks,
    spot_checks,
    visits,
)

app_name = "screening"

urlpatterns = (
    visits.urlpatterns
    + field.urlpatterns
    + records.urlpatterns
    + imports.urlpatterns
    + leads.urlpatterns
    + outside.urlpatterns
    + findings.urlpatterns
    + determinations.urlpatterns
    + review.urlpatterns
    + rounds.urlpatterns
    + spot_checks.urlpatterns
    + proposals.urlpatterns
    + self_checks.urlpatterns
    + opinion.urlpatterns
)
