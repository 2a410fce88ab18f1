"""Nothing typed is lost (issue 15, items 3 and 5): a session that ends under a filled visit
form, photos kept when the form comes back with errors, and a visit recorded exactly once per
client id (the form's, the outbox's)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from screening.models import PendingAttachment, ScreeningVisit, VisitAttachment
from tests.factories import InstitutionFactory
from tests.images import JPEG, PNG

from .test_visits import ONE_INTERVIEW, create_url, visit_data

pytestmark = pytest.mark.django_db

PASSWORD = "Secret-pass-1"


@pytest.fixture
def institution(township):
    return InstitutionFactory(township=township, name="开云镇康乐颐养院")


def logged_in(user) -> Client:
    """A browser that logged in through the login page (so it carries the marker cookie)."""
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def end_the_session():
    """30 minutes without a request: the server no longer knows the session."""
    Session.objects.all().delete()


# --- keep-alive ----------------------------------------------------------------------------


def test_ping_extends_a_live_session_and_says_401_when_it_ended(township_user):
    client = logged_in(township_user)
    assert client.get(reverse("session_ping")).status_code == 204
    end_the_session()
    assert client.get(reverse("session_ping")).status_code == 401


def test_visit_form_loads_the_keepalive_script(township_user, institution):
    html = logged_in(township_user).get(create_url(institution)).content.decode()
    assert "js/keepalive.js" in html
    assert reverse("session_ping") in html


# --- a session that ends under a filled form -----------------------------------------------


def test_session_ends_under_a_filled_form_and_after_login_it_comes_back_filled(
    township_user, institution
):
    client = logged_in(township_user)
    url = create_url(institution)
    client.get(url)
    end_the_session()

    data = visit_data(
        township_user,
        interviews=[ONE_INTERVIEW],
        findings="门口张贴“投资床位年返8%”广告。",
        attachments=SimpleUploadedFile("price-list.jpg", JPEG, content_type="image/jpeg"),
    )
    response = client.post(url, data)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not ScreeningVisit.objects.exists()
    login_page = client.get(response["Location"]).content.decode()
    assert 'id="session-ended"' in login_page
    assert "您填写的内容已保留" in login_page
    assert "price-list.jpg" in login_page  # the photo must be chosen again, and it says so

    answer = client.post(
        response["Location"], {"username": "kaiyun", "password": PASSWORD, "next": url}
    )
    assert answer["Location"] == url
    page = client.get(url)
    form, formset = page.context["form"], page.context["formset"]
    assert form["findings"].value() == "门口张贴“投资床位年返8%”广告。"
    assert form["operating_entity"].value() == "衡山康乐养老服务有限公司"
    assert formset.forms[0]["interviewee"].value() == "刘奶奶"
    html = page.content.decode()
    assert "登录过期时您正在填写的表单已恢复" in html
    assert "price-list.jpg" in html
    # Taken once: opening the form again gives an empty one.
    assert client.get(url).context["form"]["findings"].value() in ("", None)


def test_the_kept_form_is_not_given_to_another_user_of_the_browser(
    township_user, institution, township
):
    from accounts.models import Role
    from tests.factories import UserFactory

    UserFactory(username="kaiyun2", unit=township, role=Role.TOWNSHIP_STAFF)
    client = logged_in(township_user)
    url = create_url(institution)
    client.get(url)
    end_the_session()
    response = client.post(url, visit_data(township_user, findings="只给本人看"))

    client.post(response["Location"], {"username": "kaiyun2", "password": PASSWORD, "next": url})
    form = client.get(url).context["form"]

    assert form["findings"].value() in ("", None)


def test_after_a_logout_the_login_page_says_nothing_about_an_ended_session(township_user):
    client = logged_in(township_user)
    client.get(reverse("home"))
    client.post(reverse("logout"))

    html = client.get(reverse("login")).content.decode()

    assert 'id="session-ended"' not in html


def test_an_ended_session_answers_a_json_caller_401_with_a_reason(township_user, institution):
    client = logged_in(township_user)
    client.get(reverse("home"))
    end_the_session()

    response = client.post(
        create_url(institution), visit_data(township_user), HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 401
    assert response.json()["code"] == "signed_out"


# --- photos survive a form error -----------------------------------------------------------


def test_photos_survive_a_form_error_and_are_attached_on_the_next_save(
    client_for, township_user, institution
):
    client = client_for(township_user)
    url = create_url(institution)
    photos = [
        SimpleUploadedFile("wall.png", PNG, content_type="image/png"),
        SimpleUploadedFile("card.jpg", JPEG, content_type="image/jpeg"),
    ]
    refused = client.post(
        url,
        visit_data(
            township_user,
            prepayment_payers_reported="-3",
            attachments=photos,
            client_id="photo-visit-1",
        ),
    )

    assert refused.status_code == 200
    assert not ScreeningVisit.objects.exists()
    html = refused.content.decode()
    assert 'id="kept-files"' in html and "wall.png" in html and "card.jpg" in html
    form = refused.context["form"]
    kept = form["kept_attachments"].value()
    assert len(kept) == 2

    client_id = form["client_id"].value()
    saved = client.post(url, visit_data(township_user, kept_attachments=kept, client_id=client_id))

    assert saved.status_code == 302
    visit = ScreeningVisit.objects.get()
    names = sorted(a.file.name.rsplit("/", 1)[-1] for a in visit.attachments.all())
    assert names == ["card.jpg", "wall.png"]
    assert not PendingAttachment.objects.exists()


def test_an_unticked_kept_photo_is_left_out(client_for, township_user, institution):
    client = client_for(township_user)
    url = create_url(institution)
    refused = client.post(
        url,
        visit_data(
            township_user,
            prepayment_payers_reported="-3",
            attachments=[
                SimpleUploadedFile("a.png", PNG, content_type="image/png"),
                SimpleUploadedFile("b.png", PNG, content_type="image/png"),
            ],
        ),
    )
    first, _second = refused.context["form"]["kept_attachments"].value()

    client.post(url, visit_data(township_user, kept_attachments=[first]))

    assert VisitAttachment.objects.count() == 1


def test_a_good_photo_is_kept_when_another_file_of_the_same_choice_is_refused(
    client_for, township_user, institution
):
    client = client_for(township_user)
    refused = client.post(
        create_url(institution),
        visit_data(
            township_user,
            attachments=[
                SimpleUploadedFile("good.png", PNG, content_type="image/png"),
                SimpleUploadedFile("fake.jpg", b"not an image", content_type="image/jpeg"),
            ],
        ),
    )

    assert refused.status_code == 200
    assert "fake.jpg" in refused.content.decode()
    assert [p.name for p in PendingAttachment.objects.all()] == ["good.png"]


def test_kept_files_of_another_user_cannot_be_claimed(
    client_for, township_user, other_township_user, institution
):
    other = PendingAttachment.objects.create(
        owner=other_township_user, file=SimpleUploadedFile("x.png", PNG)
    )
    client = client_for(township_user)
    response = client.post(
        create_url(institution), visit_data(township_user, kept_attachments=[other.pk])
    )

    assert response.status_code == 200  # refused: not a choice of this user
    assert not VisitAttachment.objects.exists()
    assert PendingAttachment.objects.filter(pk=other.pk).exists()


# --- exactly once ---------------------------------------------------------------------------


def test_the_visit_form_carries_a_fresh_client_id(client_for, township_user, institution):
    client = client_for(township_user)
    first = client.get(create_url(institution)).context["form"]["client_id"].value()
    second = client.get(create_url(institution)).context["form"]["client_id"].value()
    assert first and second and first != second


def test_the_same_form_sent_twice_records_one_visit(client_for, township_user, institution):
    client = client_for(township_user)
    data = visit_data(township_user, client_id="form-7f3a")

    first = client.post(create_url(institution), data)
    again = client.post(create_url(institution), data, follow=True)

    assert first.status_code == 302
    assert ScreeningVisit.objects.count() == 1
    visit = ScreeningVisit.objects.get()
    assert again.redirect_chain[-1][0] == reverse("screening:visit_detail", args=[visit.pk])
    assert "未重复记录" in again.content.decode()


def test_the_outbox_gets_json_and_a_replay_names_the_same_visit(
    client_for, township_user, institution
):
    client = client_for(township_user)
    data = visit_data(township_user, client_id="phone-0001", action="submit")

    first = client.post(create_url(institution), data, HTTP_ACCEPT="application/json")
    again = client.post(create_url(institution), data, HTTP_ACCEPT="application/json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert again.json()["replayed"] is True
    assert ScreeningVisit.objects.count() == 1


def test_a_client_id_reused_for_another_institution_is_refused(
    client_for, township_user, institution, township
):
    other = InstitutionFactory(township=township, name="开云镇福寿养老院")
    client = client_for(township_user)
    client.post(create_url(institution), visit_data(township_user, client_id="phone-0002"))

    refused = client.post(
        create_url(other),
        visit_data(township_user, client_id="phone-0002"),
        HTTP_ACCEPT="application/json",
    )

    assert refused.status_code == 400
    message = " ".join(refused.json()["errors"]["client_id"]["messages"])
    assert "开云镇康乐颐养院" in message
    assert ScreeningVisit.objects.count() == 1
    assert not ScreeningVisit.objects.filter(institution=other).exists()


def test_a_malformed_outbox_post_is_refused_with_reasons_and_nothing_saved(
    client_for, township_user, institution
):
    client = client_for(township_user)
    data = visit_data(
        township_user,
        client_id="phone-0003",
        visited_on="not a date",
        attachments=SimpleUploadedFile("x.jpg", b"MZ\x90\x00", content_type="image/jpeg"),
    )
    data.pop("interviews-TOTAL_FORMS")

    response = client.post(create_url(institution), data, HTTP_ACCEPT="application/json")

    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    assert "attachments" in body["errors"] and "visited_on" in body["errors"]
    assert not ScreeningVisit.objects.exists()
    assert not PendingAttachment.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_five_concurrent_posts_of_one_visit_make_one_row(township_user, institution):
    """Five threads at once, each with its own connection: the unique constraint makes four
    wait and answer the first one's visit."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers on one file lock; the threads would not race")
    data = visit_data(township_user, client_id="race-form-1", interviews=[ONE_INTERVIEW])
    url = create_url(institution)

    def post(_):
        try:
            client = Client()
            client.force_login(township_user)
            return client.post(url, data, HTTP_ACCEPT="application/json")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=5) as pool:
        answers = list(pool.map(post, range(5)))

    assert sorted(a.status_code for a in answers) == [200, 200, 200, 200, 201]
    assert len({a.json()["id"] for a in answers}) == 1
    assert ScreeningVisit.objects.filter(client_id="race-form-1").count() == 1
    assert ScreeningVisit.objects.get().interviews.count() == 1


def test_the_outbox_is_told_when_the_institution_left_the_unit(
    client_for, township_user, other_township
):
    moved = InstitutionFactory(township=other_township)
    response = client_for(township_user).post(
        create_url(moved),
        visit_data(township_user, client_id="phone-0009"),
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 404
    assert response.json()["code"] == "institution_not_visible"
    assert "不在" in response.json()["detail"] or "not" in response.json()["detail"]
    assert not ScreeningVisit.objects.exists()


def test_the_outbox_is_told_when_the_account_was_disabled(township_user, institution):
    client = logged_in(township_user)
    client.get(reverse("home"))
    township_user.is_active = False
    township_user.save()

    response = client.post(
        create_url(institution),
        visit_data(township_user, client_id="phone-0010"),
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 401
    assert response.json()["code"] == "account_disabled"
    assert not ScreeningVisit.objects.exists()


def test_a_visit_recorded_by_another_person_on_a_shared_phone_is_not_sent_as_mine(
    client_for, township_user, institution
):
    response = client_for(township_user).post(
        create_url(institution),
        visit_data(township_user, client_id="phone-0011"),
        HTTP_ACCEPT="application/json",
        HTTP_X_FIELD_USER=str(township_user.pk + 1000),
    )

    assert response.status_code == 401
    assert response.json()["code"] == "other_user"
    assert not ScreeningVisit.objects.exists()


def test_an_outbox_photo_over_the_limit_is_refused_and_nothing_saved(
    client_for, township_user, institution
):
    big = SimpleUploadedFile(
        "huge.jpg", b"\xff\xd8\xff\xe0" + b"0" * (10 * 1024 * 1024), content_type="image/jpeg"
    )
    response = client_for(township_user).post(
        create_url(institution),
        visit_data(township_user, client_id="phone-0012", attachments=big),
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 400
    assert "10 MB" in " ".join(response.json()["errors"]["attachments"]["messages"])
    assert not ScreeningVisit.objects.exists()
    assert not PendingAttachment.objects.exists()
