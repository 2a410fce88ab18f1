"""Uploads: oversized files and files of another type are refused with a clear message."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disposal.models import ActionEvidence
from screening.models import ImportBatch, VisitAttachment
from tests.formdata import formset_data, post_data

from .world import PDF, PNG, World

pytestmark = pytest.mark.django_db

ELEVEN_MB = 11 * 1024 * 1024
HTML_AS_PNG = b"<html><script>alert(1)</script></html>"


@pytest.fixture
def world():
    return World()


def client_of(client, world, role):
    client.force_login(world.users[role])
    return client


def visit_post(client, world, upload):
    url = reverse("screening:visit_update", args=[world.visit("A").pk])
    context = client.get(url).context
    data = post_data(context["form"], formset_data(context["formset"]), action="draft")
    return client.post(url, {**data, "attachments": upload})


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("big.png", PNG + b"\0" * ELEVEN_MB), "过大"),
        (SimpleUploadedFile("page.png", HTML_AS_PNG), "p"),
        (SimpleUploadedFile("tool.exe", b"MZ\x90\x00" + b"\0" * 100), "p"),
    ],
    ids=["oversized", "html-named-png", "executable"],
)
def test_visit_photo_upload_refuses_big_and_foreign_files(client, world, upload, message):
    response = visit_post(client_of(client, world, "township"), world, upload)

    assert response.status_code == 200
    assert response.context["form"].errors.get("attachments")
    assert VisitAttachment.objects.count() == 0


def test_visit_photo_upload_accepts_a_real_photo(client, world):
    response = visit_post(
        client_of(client, world, "township"), world, SimpleUploadedFile("门牌.png", PNG)
    )

    assert response.status_code == 302
    assert VisitAttachment.objects.count() == 1


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("big.pdf", PDF + b"\0" * ELEVEN_MB),
        SimpleUploadedFile("page.pdf", HTML_AS_PNG),
        SimpleUploadedFile("script.html", HTML_AS_PNG),
    ],
    ids=["oversized", "html-named-pdf", "html"],
)
def test_evidence_upload_refuses_big_and_foreign_files(client, world, upload):
    action = world.action("A")
    url = reverse("disposal:action_update", args=[action.pk])
    client = client_of(client, world, "county")
    data = post_data(client.get(url).context["form"])

    response = client.post(url, {**data, "evidence_file": upload})

    assert response.status_code == 200
    assert response.context["form"].errors.get("evidence_file")
    assert ActionEvidence.objects.count() == 0


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("名单.xlsx", b"PK\x03\x04" + b"\0" * (6 * 1024 * 1024)),
        SimpleUploadedFile("名单.xlsx", b"not a spreadsheet"),
        SimpleUploadedFile("名单.csv", b"a,b\n1,2\n"),
    ],
    ids=["oversized", "not-a-zip", "csv"],
)
def test_import_upload_refuses_big_and_foreign_files(client, world, upload):
    client = client_of(client, world, "county")

    response = client.post(reverse("screening:import_upload"), {"kind": "lawsuits", "file": upload})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert ImportBatch.objects.filter(status="applied").count() == 0


def test_a_request_body_over_the_limit_is_refused(client, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client = client_of(client, world, "township")

    response = client.post(reverse("screening:lead_create"), {"content": "x" * 4096})

    assert response.status_code == 400
