import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.masking import show_id_number, show_phone

from ..models import PrepaymentRecord

WIDE_ONLY = {"th": {"class": "d-none d-lg-table-cell"}, "td": {"class": "d-none d-lg-table-cell"}}
RIGHT = {"th": {"class": "text-end"}, "td": {"class": "text-end text-nowrap"}}


class PrepaymentTable(tables.Table):
    """An institution's prepayment records; ID numbers and phones masked for roles that do
    not need them (the request's user decides)."""

    payer_name = tables.Column(attrs={"td": {"class": "fw-semibold text-nowrap"}})
    payer_id_number = tables.Column(attrs=WIDE_ONLY, orderable=False)
    payer_phone = tables.Column(attrs=WIDE_ONLY, orderable=False)
    kind = tables.Column()
    amount = tables.Column(attrs=RIGHT)
    paid_on = tables.DateColumn("Y-m-d", attrs={"td": {"class": "text-nowrap"}})
    monthly_fee = tables.Column(attrs=WIDE_ONLY)
    refunded_amount = tables.Column(attrs=WIDE_ONLY)
    promised_return = tables.BooleanColumn(attrs=WIDE_ONLY)
    edit = tables.Column(
        verbose_name="", empty_values=(), orderable=False, attrs={"td": {"class": "text-nowrap"}}
    )

    class Meta:
        model = PrepaymentRecord
        fields = [
            "payer_name",
            "payer_id_number",
            "payer_phone",
            "kind",
            "amount",
            "paid_on",
            "monthly_fee",
            "refunded_amount",
            "promised_return",
        ]
        empty_text = _("No prepayment records.")
        attrs = {"class": "table table-sm table-hover align-middle"}

    @property
    def user(self):
        return getattr(getattr(self, "request", None), "user", None)

    def render_payer_id_number(self, value):
        return show_id_number(value, self.user)

    def render_payer_phone(self, value):
        return show_phone(value, self.user)

    def render_edit(self, record):
        user = self.user
        if user is None or not user.can_edit_registry:
            return ""
        return format_html(
            '<a href="{}">{}</a>',
            reverse("screening:prepayment_update", args=[record.pk]),
            _("Edit"),
        )
