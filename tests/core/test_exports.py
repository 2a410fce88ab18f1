"""The generic export (core/exports.py): a cell is what django-tables2 gives for it, read
without its cost per cell; markup becomes its text; the button carries the page's filters."""

from datetime import UTC, date, datetime
from decimal import Decimal

import django_tables2 as tables
import pytest
from django.test import RequestFactory
from django.utils.html import format_html
from django_tables2.rows import BoundRow

from core.exports import cell_reader, exported_columns, plain
from institutions.tables import InstitutionTable
from reporting.tables import PublicityActivityTable
from screening.tables.leads import LeadTable
from tests.factories import InstitutionFactory, VenueFactory
from tests.reporting.factories import PublicityActivityFactory
from tests.screening.test_leads import LeadFactory


def test_markup_becomes_its_text_and_typed_text_stays_as_typed():
    assert plain(format_html('<span class="badge">{}</span> <b>{}</b>', "已备案", "a<b&c")) == (
        "已备案 a<b&c"
    )
    assert plain("<script>=1+1</script>") == "<script>=1+1</script>"  # not markup: typed text
    assert plain(None) == ""
    assert plain(12) == 12 and plain(Decimal("1.50")) == Decimal("1.50")
    assert plain(date(2026, 12, 6)) == "2026-12-06"
    moment = datetime(2026, 12, 6, 16, 3, 41, tzinfo=UTC)
    assert plain(moment) == "2026-12-07 00:03"  # Asia/Shanghai, to the minute


class WithMethods(tables.Table):
    name = tables.Column()
    beds = tables.Column()
    choose = tables.CheckBoxColumn(accessor="pk")
    buttons = tables.TemplateColumn("<a>edit</a>", verbose_name="")
    hidden = tables.Column(accessor="name", exclude_from_export=True)

    class Meta:
        model = InstitutionFactory._meta.model
        fields = ["name", "beds"]

    def render_name(self, value, record):
        return format_html("<a>{}</a> <small>{}</small>", value, record.township)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("table_class", "make"),
    [
        (InstitutionTable, lambda township: InstitutionFactory(township=township)),
        (InstitutionTable, lambda township: VenueFactory(township=township, beds=None)),
        (LeadTable, lambda township: LeadFactory(unit=township)),
        (
            LeadTable,
            lambda township: LeadFactory(unit=township, reporter_name="", reporter_phone=""),
        ),
        (PublicityActivityTable, lambda township: PublicityActivityFactory(township=township)),
        (WithMethods, lambda township: InstitutionFactory(township=township, name="a<b")),
    ],
)
def test_each_cell_is_what_django_tables2_gives_for_it(table_class, make, township, leader):
    record = make(township)
    request = RequestFactory().get("/")
    request.user = leader
    table = table_class([record])
    tables.RequestConfig(request, paginate=False).configure(table)
    for column in exported_columns(table):
        expected = plain(BoundRow(record, table=table).get_cell_value(column.name))
        assert cell_reader(table, column)(record) in (
            expected,
            None if expected == "" else expected,
        )


@pytest.mark.django_db
def test_checkboxes_buttons_and_columns_kept_out_of_exports_are_not_exported(township):
    table = WithMethods([InstitutionFactory(township=township)])
    assert [column.name for column in exported_columns(table)] == ["name", "beds"]


LIST_PAGES = [
    ("institutions:list", {}),
    ("screening:visit_list", {}),
    ("screening:lead_list", {}),
    ("risklists:list", {}),
    ("risklists:review", {}),
    ("disposal:action_list", {}),
    ("disposal:zeroing_ledger", {}),
    ("reporting:publicity_list", {}),
    ("reporting:weekly_list", {}),
    ("audit_log", {}),
    ("disposal:refund_list", {"institution_pk": None}),
    ("disposal:resettlement_list", {"institution_pk": None}),
    ("disposal:assistance_list", {"institution_pk": None}),
    ("disposal:transfer_list", {"institution_pk": None}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs"), LIST_PAGES)
def test_every_list_offers_its_export_with_the_pages_filters(
    client_for, county_user, township, name, kwargs
):
    from django.urls import reverse
    from django.utils.html import escape

    if kwargs:
        kwargs = {"institution_pk": InstitutionFactory(township=township).pk}
    query = "q=%E5%BC%80%E4%BA%91&page=1"
    content = client_for(county_user).get(reverse(name, kwargs=kwargs) + "?" + query)
    assert content.status_code == 200
    export = reverse(f"{name}_export", kwargs=kwargs) + "?q=%E5%BC%80%E4%BA%91"
    assert f'data-export href="{escape(export)}"' in content.content.decode()
    assert "导出 Excel" in content.content.decode()
