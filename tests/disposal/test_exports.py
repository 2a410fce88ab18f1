"""Disposal's lists export as their pages show them: actions, the 清零 ledger, refunds,
resettlement, assistance and transfers; filtered rows of every page, personal data masked
as on screen, typed text as text, another township's rows never, constant queries."""

from datetime import date

import pytest
from django.urls import reverse

from disposal.levels import ActionType
from disposal.services.actions import apply_level
from disposal.views.zeroing import ZeroingLedgerView
from tests.exporting import column, queries_of, sheet_rows, text_cells
from tests.factories import InstitutionFactory, VenueFactory
from tests.screening.factories import make_id_number

from .factories import (
    AssistanceFactory,
    PrepaymentFactory,
    RefundFactory,
    ResettlementFactory,
    TransferFactory,
)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)
ACTIONS = reverse("disposal:action_list_export")
LEDGER = reverse("disposal:zeroing_ledger_export")
ID_NUMBER = make_id_number(7)


def orange(township, user, name=None):
    institution = InstitutionFactory(township=township, **({"name": name} if name else {}))
    apply_level(institution, "orange", user=user, today=TODAY)
    return institution


# --- actions ----------------------------------------------------------------------------------


def test_action_export_has_every_filtered_action_of_every_page(
    client_for, county_user, township, other_township
):
    for _ in range(30):
        orange(township, county_user)
    orange(other_township, county_user)
    query = f"?township={township.pk}&action_type={ActionType.RECTIFICATION_ORDER}"
    client = client_for(county_user)
    page = client.get(reverse("disposal:action_list") + query)
    assert page.context["table"].paginator.count == 30
    headers, rows = sheet_rows(client.get(ACTIONS + query))
    assert len(rows) == 30
    assert headers == [str(c.header) for c in page.context["table"].columns]


def test_action_export_never_has_another_townships_actions(
    client_for, county_user, township_user, township, other_township
):
    orange(township, county_user, name="本镇养老院")
    foreign = orange(other_township, county_user, name="外镇养老院")
    client = client_for(township_user)
    for query in ("", f"?township={other_township.pk}", f"?institution={foreign.pk}", "?q=外镇"):
        response = client.get(ACTIONS + query)
        if response.status_code == 200:
            assert "外镇养老院" not in str(sheet_rows(response)[1])


def test_action_export_writes_a_typed_formula_as_text(client_for, county_user, township):
    orange(township, county_user, name="=1+1")
    _headers, rows = sheet_rows(client_for(county_user).get(ACTIONS))
    assert ("=1+1", "s") in text_cells(rows)


def test_action_export_takes_the_same_queries_for_1_and_8_institutions(
    client_for, county_user, township
):
    client = client_for(county_user)
    orange(township, county_user)
    few = queries_of(client, ACTIONS)
    for _ in range(7):
        orange(township, county_user)
    assert queries_of(client, ACTIONS) == few


# --- the 清零 ledger --------------------------------------------------------------------------


def test_ledger_export_has_every_filtered_venue_of_every_page(
    client_for, county_user, township, other_township, monkeypatch
):
    monkeypatch.setattr(ZeroingLedgerView, "paginate_by", 10)
    VenueFactory.create_batch(30, township=township)
    VenueFactory.create_batch(3, township=other_township)
    InstitutionFactory(township=township)  # registered: not on the ledger
    client = client_for(county_user)
    headers, rows = sheet_rows(client.get(LEDGER + f"?township={township.pk}"))
    assert len(rows) == 30
    assert set(column(rows, 1)) == {township.name}
    assert set(column(rows, 4)) == {"未开始"}


def test_ledger_export_never_has_another_townships_venues(
    client_for, township_user, township, other_township
):
    VenueFactory(township=township, name="本镇颐养之家")
    VenueFactory(township=other_township, name="外镇颐养之家")
    client = client_for(township_user)
    for query in ("", f"?township={other_township.pk}", "?q=外镇"):
        response = client.get(LEDGER + query)
        if response.status_code == 200:
            assert "外镇颐养之家" not in column(sheet_rows(response)[1], 0)


def test_ledger_export_writes_a_typed_formula_as_text(client_for, county_user, township):
    VenueFactory(township=township, name="=1+1")
    _headers, rows = sheet_rows(client_for(county_user).get(LEDGER))
    assert rows[0][0] == ("=1+1", "s")


def test_ledger_export_takes_the_same_queries_for_3_and_30_venues(
    client_for, county_user, township
):
    client = client_for(county_user)
    VenueFactory.create_batch(3, township=township)
    few = queries_of(client, LEDGER)
    VenueFactory.create_batch(27, township=township)
    assert queries_of(client, LEDGER) == few


# --- refunds, resettlement, assistance, transfers ----------------------------------------------


def record_url(name, institution):
    return reverse(f"disposal:{name}_export", args=[institution.pk])


def test_refund_export_masks_id_numbers_and_phones_for_a_leader_as_on_screen(
    client_for, leader, county_user, township
):
    institution = InstitutionFactory(township=township)
    record = PrepaymentFactory(
        institution=institution, payer_id_number=ID_NUMBER, payer_phone="13900001111"
    )
    RefundFactory(prepayment=record)
    headers, rows = sheet_rows(client_for(leader).get(record_url("refund_list", institution)))
    assert rows[0][1][0] == f"{ID_NUMBER[:6]}*********{ID_NUMBER[-3:]}"
    assert rows[0][2][0] == "139****1111"
    assert ID_NUMBER not in str(rows) and "13900001111" not in str(rows)
    assert [cell[0] for cell in rows[0][3:6]] == [20000, 1000, 19000]
    assert rows[0][6][0] == "2026-03-01: 1,000.00"
    _headers, rows = sheet_rows(client_for(county_user).get(record_url("refund_list", institution)))
    assert rows[0][1][0] == ID_NUMBER


def test_resettlement_export_masks_id_numbers_for_a_leader(client_for, leader, township):
    institution = InstitutionFactory(township=township)
    ResettlementFactory(institution=institution, elder_id_number=ID_NUMBER)
    _headers, rows = sheet_rows(
        client_for(leader).get(record_url("resettlement_list", institution))
    )
    assert rows[0][1][0] == f"{ID_NUMBER[:6]}*********{ID_NUMBER[-3:]}"


@pytest.mark.parametrize(
    ("name", "factory", "field"),
    [
        ("refund_list", PrepaymentFactory, "payer_name"),
        ("resettlement_list", ResettlementFactory, "elder_name"),
        ("assistance_list", AssistanceFactory, "elder_name"),
        ("transfer_list", TransferFactory, "receiving_unit"),
    ],
)
def test_record_exports_have_every_record_typed_text_as_text_and_constant_queries(
    client_for, county_user, township, name, factory, field
):
    institution = InstitutionFactory(township=township)
    other = InstitutionFactory(township=township)
    factory.create_batch(2, institution=other)  # another institution's records
    client = client_for(county_user)
    factory(institution=institution, **{field: "=1+1"})
    few = queries_of(client, record_url(name, institution))
    factory.create_batch(29, institution=institution)
    assert queries_of(client, record_url(name, institution)) == few
    _headers, rows = sheet_rows(client.get(record_url(name, institution)))
    assert len(rows) == 30
    assert ("=1+1", "s") in text_cells(rows)


@pytest.mark.parametrize("name", ["refund_list", "resettlement_list", "assistance_list"])
def test_record_exports_of_another_townships_institution_are_not_found(
    client_for, township_user, other_township, name
):
    foreign = InstitutionFactory(township=other_township)
    assert client_for(township_user).get(record_url(name, foreign)).status_code == 404


# --- penalties: the form with every particular, through the same response -----------------------


def test_penalty_export_is_dated_and_takes_the_same_queries_for_1_and_20_penalties(
    client_for, county_user, township
):
    from core import clock
    from tests.exporting import filename_of

    from .factories import PenaltyFactory

    institution = InstitutionFactory(township=township)
    client = client_for(county_user)
    url = reverse("disposal:penalty_export")
    PenaltyFactory(institution=institution, summary="=1+1")
    few = queries_of(client, url)
    PenaltyFactory.create_batch(19, institution=institution)
    assert queries_of(client, url) == few
    response = client.get(url)
    assert filename_of(response) == f"被依法依规惩处的机构和人员-{clock.localdate():%Y-%m-%d}.xlsx"
    _headers, rows = sheet_rows(response, "序号")
    assert len([row for row in rows if isinstance(row[0][0], int)]) == 20
    assert ("=1+1", "s") in text_cells(rows)
