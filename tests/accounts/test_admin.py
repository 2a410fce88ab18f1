"""The admin within bounds (issue 19, finding 2): a unit's administrator who is not a
superuser manages only the users and units of their own subtree and grants no rights."""

import pytest
from django.urls import reverse

from accounts.demo import admin_group
from accounts.models import OrgUnit, Role, UnitLevel, User
from tests.factories import (
    CountyFactory,
    InstitutionFactory,
    OrgUnitFactory,
    TownshipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit_admin(administrator):
    administrator.groups.add(admin_group())
    return administrator


@pytest.fixture
def far_township():
    return TownshipFactory(name="大浦镇", parent=CountyFactory(name="衡东县"))


def user_form(user, **changes):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": "",
        "is_active": "on",
        "unit": user.unit_id,
        "role": user.role,
        "phone": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "08:00:00",
    }
    data.update(changes)
    return data


def test_unit_administrator_cannot_tick_superuser_on_own_account(client, unit_admin):
    client.force_login(unit_admin)

    client.post(
        reverse("admin:accounts_user_change", args=[unit_admin.pk]),
        user_form(unit_admin, is_superuser="on", is_staff="on"),
    )

    unit_admin.refresh_from_db()
    assert unit_admin.is_superuser is False


def test_unit_administrator_cannot_make_a_township_user_staff(client, unit_admin, township_user):
    client.force_login(unit_admin)

    client.post(
        reverse("admin:accounts_user_change", args=[township_user.pk]),
        user_form(township_user, is_staff="on", is_superuser="on"),
    )

    township_user.refresh_from_db()
    assert (township_user.is_staff, township_user.is_superuser) == (False, False)


def test_privilege_fields_are_read_only_for_a_unit_administrator(client, unit_admin, township_user):
    client.force_login(unit_admin)

    response = client.get(reverse("admin:accounts_user_change", args=[township_user.pk]))

    form = response.context["adminform"].form
    assert response.status_code == 200
    assert not {"is_superuser", "is_staff", "groups", "user_permissions"} & set(form.fields)


def test_unit_administrator_cannot_move_a_user_into_another_county(
    client, unit_admin, township_user, far_township
):
    client.force_login(unit_admin)

    response = client.post(
        reverse("admin:accounts_user_change", args=[township_user.pk]),
        user_form(township_user, unit=far_township.pk),
    )

    township_user.refresh_from_db()
    assert response.status_code == 200  # the form again, with the error on the unit
    assert "unit" in response.context["adminform"].form.errors
    assert township_user.unit_id != far_township.pk


def test_unit_administrator_cannot_give_a_user_the_province(client, unit_admin, township_user):
    province = OrgUnitFactory(name="湖南省", level=UnitLevel.PROVINCE)
    client.force_login(unit_admin)

    client.post(
        reverse("admin:accounts_user_change", args=[township_user.pk]),
        user_form(township_user, unit=province.pk),
    )

    township_user.refresh_from_db()
    assert township_user.unit_id != province.pk


def test_unit_administrator_creates_a_user_only_inside_their_subtree(
    client, unit_admin, township, far_township
):
    client.force_login(unit_admin)
    add = reverse("admin:accounts_user_add")
    form = {
        "username": "newcomer",
        "password1": "Kx7#mQ2v!pLw9z",
        "password2": "Kx7#mQ2v!pLw9z",
        "usable_password": "true",
        "role": Role.TOWNSHIP_STAFF,
    }

    client.post(add, {**form, "unit": far_township.pk})
    client.post(add, {**form, "username": "nounit", "unit": ""})
    client.post(add, {**form, "username": "insider", "unit": township.pk})

    assert not User.objects.filter(username__in=["newcomer", "nounit"]).exists()
    assert User.objects.get(username="insider").unit == township


def test_unit_administrator_neither_lists_nor_opens_users_of_another_county_or_superusers(
    client, unit_admin, township_user, far_township
):
    stranger = UserFactory(username="dapu", unit=far_township)
    root = UserFactory(username="root", unit=unit_admin.unit, is_superuser=True, is_staff=True)
    client.force_login(unit_admin)

    listed = client.get(reverse("admin:accounts_user_changelist"))
    opened = {
        u.username: client.get(reverse("admin:accounts_user_change", args=[u.pk])).status_code
        for u in (stranger, root, township_user)
    }
    reset = client.post(
        reverse("admin:auth_user_password_change", args=[root.pk]),
        {"password1": "Kx7#mQ2v!pLw9z", "password2": "Kx7#mQ2v!pLw9z"},
    )

    usernames = {u.username for u in listed.context["cl"].result_list}
    assert usernames == {"admin", "kaiyun"}
    assert opened == {"dapu": 302, "root": 302, "kaiyun": 200}
    assert reset.status_code == 404
    root.refresh_from_db()
    assert not root.check_password("Kx7#mQ2v!pLw9z")


def unit_form(unit, **changes):
    data = {"name": unit.name, "level": unit.level, "code": unit.code, "parent": unit.parent_id}
    data.update(changes)
    return data


def test_unit_administrator_cannot_move_a_township_under_another_county(
    client, unit_admin, township, far_township
):
    client.force_login(unit_admin)

    client.post(
        reverse("admin:accounts_orgunit_change", args=[township.pk]),
        unit_form(township, parent=far_township.parent_id),
    )

    township.refresh_from_db()
    assert township.parent == unit_admin.unit


def test_unit_administrator_cannot_create_a_unit_under_another_county_or_at_the_root(
    client, unit_admin, far_township
):
    client.force_login(unit_admin)
    add = reverse("admin:accounts_orgunit_add")

    enclave = {"name": "飞地镇", "level": UnitLevel.TOWNSHIP, "parent": far_township.parent_id}
    client.post(add, enclave)
    client.post(add, {"name": "新省", "level": UnitLevel.PROVINCE, "parent": ""})
    client.post(add, {"name": "新镇", "level": UnitLevel.TOWNSHIP, "parent": unit_admin.unit_id})

    names = set(OrgUnit.objects.values_list("name", flat=True))
    assert "飞地镇" not in names and "新省" not in names
    assert OrgUnit.objects.get(name="新镇").parent == unit_admin.unit


def test_unit_administrator_cannot_move_their_own_unit(client, unit_admin):
    province = OrgUnitFactory(name="湖南省", level=UnitLevel.PROVINCE)
    own = unit_admin.unit
    client.force_login(unit_admin)

    response = client.post(
        reverse("admin:accounts_orgunit_change", args=[own.pk]),
        unit_form(own, parent=province.pk),
    )

    own.refresh_from_db()
    assert response.status_code == 403
    assert own.parent_id is None


def test_unit_administrator_cannot_move_an_institution_into_another_county(
    client, unit_admin, township, far_township
):
    institution = InstitutionFactory(township=township)
    client.force_login(unit_admin)

    response = client.get(reverse("admin:institutions_institution_change", args=[institution.pk]))
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if hasattr(field, "widget") and field.widget.__class__.__name__ == "CheckboxInput":
            if value:
                data[name] = "on"
            continue
        data[name] = value
    data["township"] = far_township.pk
    client.post(reverse("admin:institutions_institution_change", args=[institution.pk]), data)

    institution.refresh_from_db()
    assert institution.township == township


def test_superuser_still_moves_users_and_grants_rights(client, township_user, far_township):
    root = UserFactory(username="root", unit=None, is_superuser=True, is_staff=True)
    client.force_login(root)

    client.post(
        reverse("admin:accounts_user_change", args=[township_user.pk]),
        user_form(township_user, unit=far_township.pk, is_staff="on"),
    )

    township_user.refresh_from_db()
    assert township_user.unit == far_township
    assert township_user.is_staff is True


def test_changes_made_in_the_admin_are_kept_in_the_history(client, unit_admin, township_user):
    client.force_login(unit_admin)

    client.post(
        reverse("admin:accounts_user_change", args=[township_user.pk]),
        user_form(township_user, role=Role.LEADER),
    )

    latest = township_user.history.latest()
    assert latest.role == Role.LEADER
    assert latest.history_user == unit_admin


def test_unit_administrator_opens_the_add_and_change_pages(client, unit_admin, township):
    client.force_login(unit_admin)

    pages = [
        reverse("admin:accounts_user_add"),
        reverse("admin:accounts_orgunit_add"),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_orgunit_changelist"),
        reverse("admin:accounts_orgunit_change", args=[township.pk]),
        reverse("admin:accounts_orgunit_change", args=[unit_admin.unit_id]),  # read-only view
    ]

    assert [client.get(url).status_code for url in pages] == [200] * len(pages)


def test_only_a_superuser_sees_or_edits_the_periodic_tasks(client, unit_admin, django_user_model):
    from django.contrib.auth.models import Permission
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    # Even a group that grants every permission on the schedules gives a unit's
    # administrator nothing: the tasks run for every county at once.
    group = unit_admin.groups.get()
    group.permissions.add(*Permission.objects.filter(content_type__app_label="django_celery_beat"))
    task = PeriodicTask.objects.create(
        name="weekly-pack",
        task="reporting.tasks.build_due_weekly_packs",
        interval=IntervalSchedule.objects.create(every=1, period="days"),
    )
    client.force_login(unit_admin)

    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert b"django_celery_beat" not in index.content
    for url in (
        reverse("admin:django_celery_beat_periodictask_changelist"),
        reverse("admin:django_celery_beat_periodictask_change", args=[task.pk]),
        reverse("admin:django_celery_beat_periodictask_add"),
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("admin:django_celery_beat_periodictask_change", args=[task.pk]),
        {"name": "weekly-pack", "task": "x", "enabled": ""},
    )
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.enabled

    superuser = django_user_model.objects.create_superuser("root", password="Root-pass-123!")
    client.force_login(superuser)
    assert (
        client.get(
            reverse("admin:django_celery_beat_periodictask_change", args=[task.pk])
        ).status_code
        == 200
    )
