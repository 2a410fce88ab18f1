"""The county's list of disputed ID numbers (issue 19, finding 1): a second record kept beside
a person of another township or county was visible only in its history."""

import pytest
from django.urls import reverse

from accounts.models import Role, UnitLevel
from core.masking import mask_id_number
from screening.models import Person, PersonRoleKind
from screening.services import records as services
from tests.factories import CountyFactory, InstitutionFactory, TownshipFactory, UserFactory
from tests.screening.xlsx import id_number

pytestmark = pytest.mark.django_db

INSIDE = id_number(11)  # carried twice inside the county
ACROSS = id_number(12)  # carried by our person and by a record of another county
URL = reverse("screening:disputed_ids")


def link(user, institution, name, number):
    return services.add_person_role(
        user=user,
        institution=institution,
        name=name,
        id_number=number,
        phone="",
        kind=PersonRoleKind.INVESTOR,
    )


@pytest.fixture
def disputes(township, other_township, township_user, other_township_user):
    """开云镇 records 张三 (INSIDE) and 李四 (ACROSS); 白果镇 types INSIDE as 张山; a
    township of 衡东县 types ACROSS as 赵六 at its 衡东福寿院."""
    far_township = TownshipFactory(name="大浦镇", parent=CountyFactory(name="衡东县"))
    far_user = UserFactory(username="dapu", unit=far_township, role=Role.TOWNSHIP_STAFF)
    ours = InstitutionFactory(township=township, name="开云养老院")
    theirs = InstitutionFactory(township=other_township, name="白果养老院")
    far = InstitutionFactory(township=far_township, name="衡东福寿院")
    roles = {
        "zhang": link(township_user, ours, "张三", INSIDE),
        "li": link(township_user, ours, "李四", ACROSS),
        "zhang_b": link(other_township_user, theirs, "张山", INSIDE),
        "zhao": link(far_user, far, "赵六", ACROSS),
    }
    assert roles["zhang_b"].person.id_number_disputed and roles["zhao"].person.id_number_disputed
    return {"roles": roles, "far_user": far_user, "far_township": far_township}


def page_of(client, user):
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_the_county_section_sees_both_records_inside_and_only_a_projection_of_the_other_county(
    client, county_user, disputes
):
    page = page_of(client, county_user)

    # Inside the county: both records, named, with their institutions.
    assert INSIDE in page and "张三" in page and "张山" in page and "白果养老院" in page
    assert "两条记录都在本单位" in page
    # Across counties: our person, and of the other record only where and when.
    assert ACROSS in page and "李四" in page
    assert "衡东县大浦镇" in page
    assert "赵六" not in page and "衡东福寿院" not in page
    assert "如何处理" in page


def test_the_county_that_typed_a_number_held_elsewhere_is_not_told(client, disputes):
    """衡东县 typed ACROSS under a new name: its list does not answer whether the number is
    on record elsewhere (the same page as for a number nobody holds)."""
    far_county_user = UserFactory(
        username="hengdong",
        unit=disputes["far_township"].parent,
        role=Role.COUNTY_REVIEWER,
    )

    page = page_of(client, far_county_user)

    assert "赵六" not in page and ACROSS not in page and "李四" not in page
    assert "没有身份证号存疑的人员" in page


def test_the_unit_that_sees_both_counties_sees_the_pair(client, disputes, county):
    city = CountyFactory(name="衡阳市", level=UnitLevel.CITY)
    for unit in (county, disputes["far_township"].parent):
        unit.refresh_from_db()
        unit.parent = city
        unit.save()  # the units below and every scoped row move along
    reader = UserFactory(username="hengyang", unit=city, role=Role.COUNTY_REVIEWER)

    page = page_of(client, reader)

    assert "李四" in page and "赵六" in page and "衡东福寿院" in page


def test_a_leader_sees_the_numbers_masked(client, leader, disputes):
    page = page_of(client, leader)

    assert INSIDE not in page and ACROSS not in page
    assert mask_id_number(INSIDE) in page and "张三" in page


def test_a_township_is_not_shown_the_list(client, township_user, disputes):
    """A township never learns from it that a number it typed is carried elsewhere."""
    client.force_login(township_user)

    assert client.get(URL).status_code == 403


def test_correcting_the_wrong_number_takes_the_group_off_the_list(client, county_user, disputes):
    role = disputes["roles"]["zhang_b"]

    services.update_person_role(
        user=county_user, role=role, name="张山", id_number=id_number(13), phone=""
    )

    page = page_of(client, county_user)
    role.person.refresh_from_db()
    assert not role.person.id_number_disputed
    assert INSIDE not in page and ACROSS in page


def test_correcting_the_first_records_number_clears_the_mark_of_the_one_left(county_user, disputes):
    """The first record was the wrong one: the record left carrying the number is no longer
    disputed (the history says why)."""
    first, second = disputes["roles"]["zhang"], disputes["roles"]["zhang_b"]

    services.update_person_role(
        user=county_user, role=first, name="张三", id_number=id_number(14), phone=""
    )

    left = Person.objects.get(pk=second.person_id)
    assert left.id_number == INSIDE and not left.id_number_disputed
    assert left.history.first().history_change_reason


def test_the_list_costs_a_constant_number_of_queries(
    client, county_user, disputes, township, other_township_user, django_assert_max_num_queries
):
    for n in range(5):
        number = id_number(20 + n)
        link(county_user, InstitutionFactory(township=township), f"甲{n}", number)
        link(
            other_township_user,
            InstitutionFactory(township=other_township_user.unit),
            f"乙{n}",
            number,
        )
    client.force_login(county_user)

    with django_assert_max_num_queries(14):
        response = client.get(URL)

    assert response.content.decode().count("data-id-number") == 7
