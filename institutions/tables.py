import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Institution


class InstitutionTable(tables.Table):
    name = tables.Column(linkify=True, attrs={"td": {"class": "fw-semibold"}})
    township = tables.Column(order_by=("township__path",))
    registration_status = tables.Column(verbose_name=_("Registration"))

    class Meta:
        model = Institution
        fields = [
            "name",
            "township",
            "registration_status",
            "credit_code",
            "ownership",
            "legal_form",
            "beds",
            "residents",
            "legal_representative",
        ]
        empty_text = _("No institutions match.")
        attrs = {"class": "table table-sm table-hover align-middle"}
