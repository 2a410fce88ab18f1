from .views import imports, leads, records, review, visits

app_name = "screening"

urlpatterns = (
    visits.urlpatterns
    + records.urlpatterns
    + imports.urlpatterns
    + leads.urlpatterns
    + review.urlpatterns
)
