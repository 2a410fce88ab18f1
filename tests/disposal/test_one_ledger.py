"""One ledger of money (issue 14, item 7): a refund recorded once, against the elder's
prepayment record, shows the same figure on every page and in every table."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from disposal.selectors.records import refund_totals
from reporting.selectors import results_table
from reporting.xlsx.district import DISTRICT_ATTACHMENTS
from screening.models import PrepaymentRefund
from tests.exporting import workbook_of
from tests.reporting.helpers import SINCE, WEEK, approve, body, orange_institution, sheet_of

pytestmark = pytest.mark.django_db

REFUNDED = "12,345.00"


def figure(html: str, name: str) -> list[str]:
    """Every ``data-total="<name>"`` figure of a page, as printed."""
    return re.findall(rf'data-total="{name}">([^<]*)<', html)


def sheet(response):
    if getattr(response, "streaming", False):
        return workbook_of(response)
    return load_workbook(io.BytesIO(response.content)).active


@pytest.fixture
def refunded(township, township_user, county_user, client_for):
    """An orange institution whose elder paid 80,000; 12,345 refunded through the refund
    page in the reporting week (Wednesday 2026-11-18 to Tuesday 2026-11-24)."""
    institution = orange_institution(township, township_user, name="开云夕阳红")
    approve([institution], township_user, county_user)
    record = institution.prepayments.get()
    response = client_for(township_user).post(
        reverse("disposal:refund_record_create", args=[record.pk]),
        {"amount": "12345", "refunded_on": "2026-11-20", "notes": "第一笔退款"},
    )
    assert response.status_code == 302
    return institution


def test_a_refund_is_recorded_once_against_the_prepayment_record(refunded, township_user):
    entry = PrepaymentRefund.objects.get()
    record = refunded.prepayments.get()

    assert (entry.prepayment, entry.amount, entry.refunded_on) == (
        record,
        Decimal("12345"),
        date(2026, 11, 20),
    )
    assert entry.created_by == township_user
    assert record.refunded_amount == Decimal("12345")  # the ledger's sum, for the rating
    assert entry.history.get().history_user == township_user


def test_a_refund_shows_the_same_figure_on_every_page_and_table(
    refunded, client_for, township_user, county_user, township
):
    client = client_for(township_user)

    institution_page = client.get(refunded.get_absolute_url()).content.decode()
    refund_page = client.get(reverse("disposal:refund_list", args=[refunded.pk])).content.decode()
    refund_export = sheet(client.get(reverse("disposal:refund_list_export", args=[refunded.pk])))
    prepayment_export = sheet(
        client.get(reverse("screening:prepayment_export", args=[refunded.pk]))
    )
    disposal_progress = {r[2]: r for r in body(sheet_of(DISTRICT_ATTACHMENTS, 4, county_user), 5)}
    results = {r[1]: r for r in body(sheet_of(DISTRICT_ATTACHMENTS, 6, county_user), 5)}

    # The institution page: the prepayment panel and the disposal panel, one figure.
    assert figure(institution_page, "refunded") == [REFUNDED, REFUNDED]
    assert figure(refund_page, "refunded") == [REFUNDED]
    assert figure(refund_page, "outstanding") == ["67,655.00"]
    [payer] = list(refund_export.iter_rows(min_row=4, max_row=4, values_only=True))
    assert payer[3:6] == (80000, 12345, 67655)
    headers = [c.value for c in prepayment_export[3]]
    row = [c.value for c in prepayment_export[4]]
    assert row[headers.index("已退还金额（元）")] == 12345
    assert row[headers.index("退还日期")].date() == date(2026, 11, 20)
    # 附件4: due and refunded (元); 附件6: funds refunded (万元).
    assert disposal_progress["开云夕阳红"][12:14] == (80000, 12345)
    assert results[township.name][13] == pytest.approx(1.2345)
    # All read the one selector.
    ledger = refund_totals([refunded.pk])[refunded.pk]
    assert (ledger.due, ledger.refunded, ledger.outstanding) == (80000, 12345, 67655)
    table = results_table(county_user, SINCE, WEEK)
    assert sum(r.funds_refunded for r in table.rows) == Decimal("1.2345")


def test_a_reversed_refund_leaves_every_figure_and_the_week_that_counted_it(
    refunded, client_for, township_user, county_user, township
):
    entry = PrepaymentRefund.objects.get()
    client = client_for(township_user)
    client.post(reverse("disposal:refund_reverse", args=[entry.pk]), {"reason": "重复登记"})

    institution_page = client.get(refunded.get_absolute_url()).content.decode()

    assert figure(institution_page, "refunded") == ["0.00", "0.00"]
    assert refunded.prepayments.get().refunded_amount == 0
    # Week 48 counted it: its table still does (the reversal is dated today).
    table = results_table(county_user, SINCE, WEEK)
    assert sum(r.funds_refunded for r in table.rows) == Decimal("1.2345")
    assert refund_totals([refunded.pk], as_of=date(2026, 11, 24))[refunded.pk].refunded == 12345
