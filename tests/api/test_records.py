"""Prepayments, the refund ledger, the 清零 ledger and a visit's files through the API: the
pages' rows, the pages' masking, the pages' file rules."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from screening.models import VisitAttachment, VisitStatus
from tests.disposal.factories import PrepaymentFactory, RefundFactory
from tests.factories import InstitutionFactory, VenueFactory
from tests.images import PNG
from tests.screening.factories import PrepaymentRecordFactory, ScreeningVisitFactory
from tests.security.test_files import GPS_IFD, HTML, SVG, photo_with_gps

pytestmark = pytest.mark.django_db


def rows(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


# --- prepayments ------------------------------------------------------------------------------


def test_prepayments_of_the_keys_township_only(api_for, township, other_township):
    own = PrepaymentRecordFactory(institution=InstitutionFactory(township=township))
    other = PrepaymentRecordFactory(institution=InstitutionFactory(township=other_township))
    client = api_for("township")

    listed = rows(client.get(reverse("api:prepayment-list")))
    detail = client.get(reverse("api:prepayment-detail", args=[other.pk]))

    assert [row["id"] for row in listed] == [own.pk]
    assert detail.status_code == 404


def test_payers_id_numbers_and_phones_are_masked_for_a_leader_as_on_the_page(api_for, township):
    record = PrepaymentRecordFactory(
        institution=InstitutionFactory(township=township),
        payer_id_number="43042319500307123X",
        payer_phone="13912345678",
    )

    leader = rows(api_for("leader").get(reverse("api:prepayment-list")))[0]
    county = rows(api_for("county").get(reverse("api:prepayment-list")))[0]

    assert (leader["payer_id_number"], leader["payer_phone"]) == (
        "430423*********23X",
        "139****5678",
    )
    assert (county["payer_id_number"], county["payer_phone"]) == (
        record.payer_id_number,
        "13912345678",
    )


def test_a_prepayment_says_what_the_refund_ledger_paid_back_on_it(api_for, township):
    prepayment = PrepaymentFactory(institution=InstitutionFactory(township=township))
    RefundFactory(prepayment=prepayment, amount=Decimal("1500.00"))

    row = api_for("county").get(reverse("api:prepayment-detail", args=[prepayment.pk])).json()

    assert (row["amount"], row["refunded_amount"], row["outstanding"]) == (
        "20000.00",
        "1500.00",
        "18500.00",
    )


def test_prepayments_filter_by_kind_and_a_township_outside_is_refused(
    api_for, township, other_township
):
    institution = InstitutionFactory(township=township)
    deposit = PrepaymentRecordFactory(institution=institution, kind="deposit")
    PrepaymentRecordFactory(institution=institution, kind="membership")
    client = api_for("township")

    listed = rows(client.get(reverse("api:prepayment-list"), {"kind": "deposit"}))
    outside = client.get(reverse("api:prepayment-list"), {"township": other_township.pk})

    assert [row["id"] for row in listed] == [deposit.pk]
    assert outside.status_code == 400


# --- the refund ledger ------------------------------------------------------------------------


def test_refunds_of_the_keys_township_only(api_for, township, other_township):
    own = RefundFactory(
        prepayment=PrepaymentFactory(institution=InstitutionFactory(township=township))
    )
    other = RefundFactory(
        prepayment=PrepaymentFactory(institution=InstitutionFactory(township=other_township))
    )
    client = api_for("township")

    listed = rows(client.get(reverse("api:refund-list")))

    assert [(row["id"], row["amount"], row["is_reversal"]) for row in listed] == [
        (own.pk, "1000.00", False)
    ]
    assert client.get(reverse("api:refund-detail", args=[other.pk])).status_code == 404


# --- the 清零 ledger --------------------------------------------------------------------------


def test_the_zeroing_ledger_lists_the_townships_venues_with_target_and_what_is_owed(
    api_for, township, other_township
):
    venue = VenueFactory(township=township, name="开云颐养之家")
    PrepaymentFactory(institution=venue, amount=Decimal("5000.00"))
    InstitutionFactory(township=township)  # registered: not on the ledger
    other = VenueFactory(township=other_township)
    client = api_for("township")

    listed = rows(client.get(reverse("api:zeroing-list")))

    assert [
        (row["id"], row["name"], row["status"], row["responsible"], row["owed_to_elders"])
        for row in listed
    ] == [(venue.pk, "开云颐养之家", "open", "", "5000.00")]
    assert listed[0]["target_outcome"] in ("register", "refund_and_close")
    assert client.get(reverse("api:zeroing-detail", args=[other.pk])).status_code == 404


def test_the_zeroing_ledger_takes_the_pages_status_filter(api_for, township, county_user):
    from disposal.services.zeroing import assign_zeroing

    venue = VenueFactory(township=township)
    assign_zeroing(user=county_user, institution=venue, responsible_name="李四 网格员")
    client = api_for("county")

    row = rows(client.get(reverse("api:zeroing-list"), {"ledger_status": "to_do"}))[0]
    crossed = rows(client.get(reverse("api:zeroing-list"), {"ledger_status": "crossed_off"}))

    assert (row["responsible"], row["status"]) == ("李四 网格员", "in_progress")
    assert crossed == []


# --- a visit's files --------------------------------------------------------------------------


@pytest.fixture
def draft(township, county_user):
    return ScreeningVisitFactory(
        institution=InstitutionFactory(township=township), staff=county_user
    )


def upload(client, visit, *files, caption=""):
    return client.post(
        reverse("api:visit-attachments", args=[visit.pk]), {"file": list(files), "caption": caption}
    )


def test_a_photo_uploaded_through_the_api_is_stored_without_its_gps_position(api_for, draft):
    response = upload(
        api_for("township"),
        draft,
        SimpleUploadedFile("门口.jpg", photo_with_gps()),
        caption="门口的价目表",
    )

    assert response.status_code == 201, response.content
    stored = VisitAttachment.objects.get(visit=draft)
    with stored.file.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
    assert not image.getexif().get(GPS_IFD)
    assert stored.caption == "门口的价目表"
    assert stored.created_by.is_system_account
    assert response.json()[0]["download"] == reverse(
        "api:visit-attachment", args=[draft.pk, stored.pk]
    )
    # In the visit's history, by the system account.
    latest = draft.history.first()
    assert latest.history_user == stored.created_by and "门口.jpg" in latest.history_change_reason


@pytest.mark.parametrize(
    "name, content", [("page.html", HTML), ("x.svg", SVG), ("fake.png", b"\x89PNG\r\n\x1a\nnot")]
)
def test_a_file_the_visit_form_refuses_is_refused_by_the_api(api_for, draft, name, content):
    response = upload(api_for("township"), draft, SimpleUploadedFile(name, content))

    assert response.status_code == 400
    body = response.json()
    assert body["errors"][0]["field"] == "file"
    assert name in body["errors"][0]["detail"]
    assert not VisitAttachment.objects.exists()


def test_a_submitted_visit_takes_no_files_and_a_leader_key_cannot_upload(api_for, draft):
    leader = upload(api_for("leader"), draft, SimpleUploadedFile("p.png", PNG))
    draft.status = VisitStatus.SUBMITTED
    draft.save()
    submitted = upload(api_for("township"), draft, SimpleUploadedFile("p.png", PNG))

    assert (leader.status_code, submitted.status_code) == (403, 400)
    assert not VisitAttachment.objects.exists()


def test_an_upload_larger_than_one_file_may_be_is_refused_with_413(api_for, draft):
    big = SimpleUploadedFile("big.png", PNG + b"\0" * (11 * 1024 * 1024))

    response = upload(api_for("township"), draft, big)

    assert response.status_code == 413, response.content.decode()


def test_a_visits_files_are_listed_and_served_as_the_page_serves_them(
    api_for, draft, other_township, county_user
):
    client = api_for("township")
    upload(client, draft, SimpleUploadedFile("p.png", PNG))
    stored = VisitAttachment.objects.get(visit=draft)
    other = ScreeningVisitFactory(
        institution=InstitutionFactory(township=other_township), staff=county_user
    )

    listed = client.get(reverse("api:visit-attachments", args=[draft.pk])).json()
    served = client.get(reverse("api:visit-attachment", args=[draft.pk, stored.pk]))
    elsewhere = client.get(reverse("api:visit-attachments", args=[other.pk]))
    wrong_visit = client.get(reverse("api:visit-attachment", args=[other.pk, stored.pk]))

    assert [(row["id"], row["filename"]) for row in listed] == [(stored.pk, "p.png")]
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Disposition"].startswith("inline")
    assert b"".join(served.streaming_content) == stored.file.open("rb").read()
    assert (elsewhere.status_code, wrong_visit.status_code) == (404, 404)


# --- cost ------------------------------------------------------------------------------------


# The 清零 ledger's target outcome is the rating's findings, read for the whole page in the
# rating's own set-based queries (about twenty, as on the ledger page), whatever its length.
BUDGETS = {"api:prepayment-list": 8, "api:refund-list": 8, "api:zeroing-list": 24}


@pytest.mark.parametrize("url", sorted(BUDGETS))
@pytest.mark.parametrize("venues", [3, 12])
def test_a_page_of_the_new_lists_costs_a_constant_number_of_queries(
    api_for, township, url, venues, django_assert_max_num_queries
):
    for _ in range(venues):
        venue = VenueFactory(township=township)
        RefundFactory(prepayment=PrepaymentFactory(institution=venue))
    client = api_for("county")

    with django_assert_max_num_queries(BUDGETS[url]):
        response = client.get(reverse(url))

    assert len(rows(response)) == venues
