"""Uploaded files (issue 19, finding 5): checked by what they contain, stored without the
phone's GPS position, served only through scoped views, never from /media/."""

import importlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import clear_url_caches, reverse
from PIL import Image

from disposal.models import ActionEvidence
from reporting.models import PublicityActivity
from screening.models import VisitAttachment
from tests.formdata import formset_data, post_data

from .world import PDF, PNG, World

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
HTML = b"<html><script>alert(document.cookie)</script></html>"


@pytest.fixture
def world(media_root):
    return World()


def photo_with_gps(fmt="JPEG", size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = image.getexif()
    exif[GPS_IFD] = {1: "N", 2: (27.0, 14.0, 30.0), 3: "E", 4: (112.0, 52.0, 10.0)}
    exif[0x010F] = "PhoneMaker"  # Make
    out = io.BytesIO()
    image.save(out, fmt, exif=exif)
    return out.getvalue()


def heic_photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 10)).save(out, "HEIF")
    return out.getvalue()


def login(client, world, role="township"):
    client.force_login(world.users[role])
    return client


def post_visit_files(client, world, *uploads):
    url = reverse("screening:visit_update", args=[world.visit("A").pk])
    context = client.get(url).context
    data = post_data(context["form"], formset_data(context["formset"]), action="draft")
    return client.post(url, {**data, "attachments": list(uploads)})


def stored_image(field_file) -> Image.Image:
    with field_file.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


def test_a_visit_photo_is_stored_without_its_gps_position(client, world):
    original = photo_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get(GPS_IFD)  # the phone's position

    response = post_visit_files(
        login(client, world), world, SimpleUploadedFile("门口.jpg", original, "image/jpeg")
    )

    assert response.status_code == 302
    attachment = VisitAttachment.objects.get()
    image = stored_image(attachment.file)
    assert image.format == "JPEG"
    assert image.size == (64, 48)
    assert not image.getexif()  # no GPS, no maker, nothing but pixels


def test_an_iphone_heic_photo_is_stored_as_a_jpeg_anyone_can_open(client, world):
    response = post_visit_files(
        login(client, world), world, SimpleUploadedFile("IMG_0001.HEIC", heic_photo())
    )

    assert response.status_code == 302
    attachment = VisitAttachment.objects.get()
    assert attachment.file.name.endswith("IMG_0001.jpg")
    assert stored_image(attachment.file).format == "JPEG"


def test_a_file_that_only_starts_like_a_photo_is_refused(client, world):
    fake = b"\xff\xd8\xff\xe0" + HTML  # a JPEG's first bytes, then a page
    response = post_visit_files(login(client, world), world, SimpleUploadedFile("a.jpg", fake))

    assert response.status_code == 200
    assert "不是可以打开的照片" in str(response.context["form"].errors["attachments"])
    assert not VisitAttachment.objects.exists()


def test_a_decompression_bomb_is_refused(client, world):
    bomb = io.BytesIO()
    Image.new("1", (10_000, 7_000)).save(bomb, "PNG")  # 70 megapixels in a small file
    response = post_visit_files(
        login(client, world), world, SimpleUploadedFile("big.png", bomb.getvalue())
    )

    assert response.status_code == 200
    assert response.context["form"].errors["attachments"]
    assert not VisitAttachment.objects.exists()


def publicity_post(client, world, photo):
    activity = world.publicity("A")
    url = reverse("reporting:publicity_update", args=[activity.pk])
    data = post_data(client.get(url).context["form"])
    data.pop("photo", None)
    return activity, client.post(url, {**data, "photo": photo})


@pytest.mark.parametrize(
    ("name", "content"),
    [("poster.svg", SVG), ("poster.html", HTML), ("poster.jpg", HTML), ("poster.png", PDF)],
    ids=["svg", "html", "html-named-jpg", "pdf-named-png"],
)
def test_a_publicity_photo_must_be_a_photo(client, world, name, content):
    activity, response = publicity_post(
        login(client, world), world, SimpleUploadedFile(name, content)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["photo"]
    activity.refresh_from_db()
    assert not activity.photo


def test_a_publicity_photo_is_cleaned_and_served_only_to_who_sees_the_activity(
    client, world, django_user_model
):
    activity, response = publicity_post(
        login(client, world), world, SimpleUploadedFile("宣传.jpg", photo_with_gps())
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert not stored_image(activity.photo).getexif()

    detail = client.get(activity.get_absolute_url())
    photo_url = reverse("reporting:publicity_photo", args=[activity.pk])
    assert photo_url.encode() in detail.content
    assert b"/media/" not in detail.content

    served = client.get(photo_url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["Content-Disposition"].startswith("inline;")
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served["Content-Security-Policy"]

    client.force_login(world.staff_user("B"))  # the neighbouring township
    assert client.get(photo_url).status_code == 404
    client.force_login(world.staff_user("C"))  # another county
    assert client.get(photo_url).status_code == 404


def test_a_document_is_always_downloaded_never_shown_inline(client, world):
    evidence = world.evidence("A")
    response = login(client, world, "county").get(evidence.get_absolute_url())

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_evidence_photos_are_cleaned_too(world):
    from disposal.services.actions import add_evidence

    evidence = add_evidence(
        user=world.users["county"],
        action=world.action("A"),
        upload=SimpleUploadedFile("约谈现场.jpg", photo_with_gps()),
    )

    assert evidence.original_name == "约谈现场.jpg"
    assert not stored_image(ActionEvidence.objects.get(pk=evidence.pk).file).getexif()


def test_behind_nginx_the_bytes_go_out_through_x_accel_redirect(client, world, settings):
    settings.PROTECTED_MEDIA_PREFIX = "/protected-media/"
    attachment = world.visit_attachment("A")

    response = login(client, world).get(reverse("screening:visit_attachment", args=[attachment.pk]))

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{attachment.file.name}"
    assert response.content == b""
    assert response["X-Content-Type-Options"] == "nosniff"


def test_media_is_never_served_directly_not_even_under_debug(client, world, settings):
    attachment = world.visit_attachment("A")
    settings.DEBUG = True
    import config.urls

    try:
        importlib.reload(config.urls)
        clear_url_caches()
        response = login(client, world).get(f"/media/{attachment.file.name}")
    finally:
        settings.DEBUG = False
        importlib.reload(config.urls)
        clear_url_caches()

    assert response.status_code == 404
    assert PNG not in response.content


def test_publicity_photo_route_answers_404_without_a_photo(client, world):
    activity = world.publicity("A")
    assert not PublicityActivity.objects.get(pk=activity.pk).photo
    response = login(client, world).get(reverse("reporting:publicity_photo", args=[activity.pk]))

    assert response.status_code == 404
