import django_tables2 as tables
from django.db.models import F
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Institution, RegistrationStatus

# Short labels for a narrow column; the full official wording stays in forms and pages.
SHORT_STATUS = {
    RegistrationStatus.REGISTERED_FILED: (_("Filed"), "text-bg-secondary"),
    RegistrationStatus.REGISTERED_NOT_FILED: (_("Not filed"), "text-bg-warning"),
    RegistrationStatus.UNREGISTERED: (_("Unregistered"), "text-bg-danger"),
}
WIDE_ONLY = {"th": {"class": "d-none d-lg-table-cell"}, "td": {"class": "d-none d-lg-table-cell"}}


class InstitutionTable(tables.Table):
    name = tables.Column(linkify=True, attrs={"td": {"class": "fw-semibold"}})
    township = tables.Column(order_by=("township__path",))
    registration_status = tables.Column(verbose_name=_("Registration"))
    credit_code = tables.Column(attrs=WIDE_ONLY)
    ownership = tables.Column(attrs=WIDE_ONLY)
    legal_form = tables.Column(attrs=WIDE_ONLY)
    beds = tables.Column(attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})
    residents = tables.Column(attrs=WIDE_ONLY)
    legal_representative = tables.Column(attrs=WIDE_ONLY)

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

    def render_registration_status(self, value, record):
        label, style = SHORT_STATUS[record.registration_status]
        return format_html('<span class="badge {}">{}</span>', style, label)

    def order_beds(self, queryset, is_descending):
        """Largest first (or smallest first); an unknown bed count always last."""
        beds = F("beds").desc(nulls_last=True) if is_descending else F("beds").asc(nulls_last=True)
        return queryset.order_by(beds, "name", "pk"), True
