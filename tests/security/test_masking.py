"""Personal data (ID numbers, phones) in full for those who act on it, masked for the others,
on the pages and in the spreadsheets."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from .urls import url_for
from .world import World

pytestmark = pytest.mark.django_db

PHONE, MASKED_PHONE = "13912345678", "139****5678"


@pytest.fixture
def world():
    world = World()
    prepayment = world.record("PrepaymentRecordFactory", "A")
    world.id_number = prepayment.payer_id_number
    world.masked_id = world.id_number[:6] + "*" * 9 + world.id_number[-3:]
    world.lead("A")
    return world


def page(world, role, name):
    client = Client()
    client.force_login(world.users[role])
    response = client.get(url_for(name, world, "A"))
    assert response.status_code == 200
    return response


PAGES = ["screening:prepayment_list", "screening:lead_detail"]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("role", ["township", "county"])
def test_those_who_act_see_personal_data_in_full(world, role, name):
    html = page(world, role, name).content.decode()

    assert PHONE in html
    if name == "screening:prepayment_list":
        assert world.id_number in html


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("role", ["leader", "administrator"])
def test_readers_see_personal_data_masked(world, role, name):
    html = page(world, role, name).content.decode()

    assert PHONE not in html
    assert world.id_number not in html
    assert MASKED_PHONE in html


def export_text(world, role):
    content = page(world, role, "screening:prepayment_export").content
    book = load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def test_spreadsheet_export_masks_for_readers_only(world):
    full, masked = export_text(world, "county"), export_text(world, "leader")

    assert world.id_number in full and PHONE in full
    assert world.id_number not in masked and PHONE not in masked
    assert world.masked_id in masked and MASKED_PHONE in masked


def test_institution_page_masks_the_contact_phone_for_readers(world):
    institution = world.institution("A")
    raw = institution.contact_phone

    assert raw in page(world, "county", "institutions:detail").content.decode()
    assert raw not in page(world, "leader", "institutions:detail").content.decode()
