"""Persons shared across units (issue 19, finding 1).

A township could link its institution to another county's legal representative by typing
their name and ID number, then rename them or change their phone from its own institution;
and the ID-number check told whether a number existed anywhere in the system.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from screening.models import Person, PersonRole, PersonRoleKind
from screening.services import records as services
from tests.factories import CountyFactory, InstitutionFactory, TownshipFactory, UserFactory
from tests.screening.factories import PersonFactory, PersonRoleFactory
from tests.screening.xlsx import id_number

pytestmark = pytest.mark.django_db

NUMBER = id_number(7)


@pytest.fixture
def far_person():
    """王五, legal representative of an institution of another county."""
    far_township = TownshipFactory(name="大浦镇", parent=CountyFactory(name="衡东县"))
    far_institution = InstitutionFactory(township=far_township, name="衡东福寿院")
    person = PersonFactory(name="王五", id_number=NUMBER, phone="", unit=far_township)
    PersonRoleFactory(institution=far_institution, person=person)
    return person


@pytest.fixture
def institution(township):
    return InstitutionFactory(township=township, name="开云养老院")


def link(user, institution, name, number=NUMBER, phone=""):
    return services.add_person_role(
        user=user,
        institution=institution,
        name=name,
        id_number=number,
        phone=phone,
        kind=PersonRoleKind.INVESTOR,
    )


def correct(user, role, **changes):
    person = role.person
    values = {"name": person.name, "id_number": person.id_number, "phone": person.phone}
    values.update(changes)
    return services.update_person_role(user=user, role=role, **values)


def test_township_cannot_rename_a_person_who_holds_a_role_in_another_county(
    township_user, institution, far_person
):
    role = link(township_user, institution, "王五")

    with pytest.raises(ValidationError) as refused:
        correct(township_user, role, name="王六")

    far_person.refresh_from_db()
    assert role.person == far_person
    assert far_person.name == "王五"
    assert "person_name" in refused.value.message_dict
    # No unit below the root sees both counties: only the system administrator corrects it.
    assert "系统管理员" in str(refused.value)


def test_township_cannot_change_the_phone_of_a_shared_person(
    township_user, institution, far_person
):
    role = link(township_user, institution, "王五", phone="13800000000")

    with pytest.raises(ValidationError):
        correct(township_user, role, phone="13900000000")

    far_person.refresh_from_db()
    assert far_person.phone == ""  # neither the link nor the correction wrote it


def test_township_still_corrects_the_dates_of_its_own_role_of_a_shared_person(
    township_user, institution, far_person
):
    role = link(township_user, institution, "王五")

    corrected = correct(township_user, role, share_percent=30)

    assert corrected.share_percent == 30


@pytest.fixture
def shared(township_user, institution, other_township):
    """赵四, held by the neighbouring township (白果镇) and linked by 开云镇 as an investor."""
    person = PersonFactory(name="赵四", id_number=NUMBER, unit=other_township)
    PersonRoleFactory(
        institution=InstitutionFactory(township=other_township, name="白果镇颐养院"),
        person=person,
    )
    return person, link(township_user, institution, "赵四")


def test_a_correction_of_a_shared_person_waits_for_the_county_that_sees_both(
    client_for, township_user, county_user, shared
):
    person, role = shared

    corrected = correct(township_user, role, name="赵五", share_percent=20)

    person.refresh_from_db()
    assert person.name == "赵四"  # not changed from inside one township
    assert corrected.share_percent == 20  # the township's own role is saved
    proposal = corrected.proposal
    assert (proposal.status, proposal.decider, proposal.name) == (
        "pending",
        county_user.unit,
        "赵五",
    )
    page = client_for(county_user).get(reverse("screening:person_proposals")).content.decode()
    assert "赵四" in page and "赵五" in page and "接受" in page


def test_the_county_accepts_and_the_history_says_who_and_why(
    client_for, township_user, county_user, shared
):
    person, role = shared
    proposal = correct(township_user, role, name="赵五").proposal

    response = client_for(county_user).post(
        reverse("screening:person_proposal_decide", args=[proposal.pk]), {"decision": "accept"}
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "赵五"
    latest = person.history.order_by("-history_id").first()
    assert latest.history_user == county_user
    assert "开云镇" in latest.history_change_reason
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == ("accepted", county_user)


def test_a_rejection_needs_a_reason_and_the_township_reads_it(
    client_for, township_user, county_user, shared
):
    person, role = shared
    phone_before = person.phone
    proposal = correct(township_user, role, phone="13912345678").proposal
    url = reverse("screening:person_proposal_decide", args=[proposal.pk])
    county = client_for(county_user)

    county.post(url, {"decision": "reject", "reason": ""})
    proposal.refresh_from_db()
    assert proposal.status == "pending"
    county.post(url, {"decision": "reject", "reason": "号码与户籍登记不符"})

    proposal.refresh_from_db()
    person.refresh_from_db()
    assert proposal.status == "rejected" and person.phone == phone_before
    page = client_for(township_user).get(reverse("screening:person_proposals")).content.decode()
    assert "号码与户籍登记不符" in page


def test_only_the_deciding_unit_decides(client_for, township_user, other_township, shared):
    _person, role = shared
    proposal = correct(township_user, role, name="赵五").proposal
    url = reverse("screening:person_proposal_decide", args=[proposal.pk])
    neighbour = UserFactory(unit=other_township, role=Role.TOWNSHIP_STAFF)

    assert client_for(township_user).post(url, {"decision": "accept"}).status_code == 403
    assert client_for(neighbour).post(url, {"decision": "accept"}).status_code == 404
    far = UserFactory(unit=CountyFactory(name="衡东县"), role=Role.COUNTY_REVIEWER)
    assert client_for(far).post(url, {"decision": "accept"}).status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == "pending"


def test_a_proposal_overtaken_by_another_change_is_not_applied(township_user, county_user, shared):
    person, role = shared
    proposal = correct(township_user, role, name="赵五").proposal
    correct(county_user, role, phone="13912345678")  # the county corrects it directly

    with pytest.raises(ValidationError):
        services.decide_proposal(user=county_user, proposal=proposal, accept=True)

    person.refresh_from_db()
    assert (person.name, person.phone) == ("赵四", "13912345678")


def test_the_other_unit_sees_that_its_person_was_linked_but_not_where(
    client_for, other_township, shared
):
    neighbour = UserFactory(unit=other_township, role=Role.TOWNSHIP_STAFF)

    page = client_for(neighbour).get(reverse("screening:person_proposals")).content.decode()

    links = page.split('id="links"')[1]
    assert "赵四" in links and "开云镇" in links and "投资人" in links
    assert "开云养老院" not in page


def test_the_id_number_check_answers_the_same_whether_or_not_the_number_exists_elsewhere(
    township_user, institution, far_person
):
    elsewhere = link(township_user, institution, "张三")  # 王五's number, another name
    nowhere = link(township_user, institution, "李四", number=id_number(8))

    far_person.refresh_from_db()
    assert far_person.name == "王五"
    assert elsewhere.person != far_person and elsewhere.person.name == "张三"
    assert elsewhere.person.id_number == NUMBER and nowhere.person.id_number == id_number(8)
    # The unit that sees both is told; the township is not.
    assert elsewhere.person.id_number_disputed is True
    assert nowhere.person.id_number_disputed is False


def test_the_form_answers_the_same_whether_or_not_the_number_exists_elsewhere(
    client, township_user, institution, far_person
):
    client.force_login(township_user)
    url = reverse("screening:person_role_create") + f"?institution={institution.pk}"

    def post(name, number):
        data = {
            "institution": institution.pk,
            "person_name": name,
            "person_id_number": number,
            "person_phone": "",
            "kind": PersonRoleKind.INVESTOR,
            "started_on": "",
            "ended_on": "",
            "share_percent": "",
        }
        return client.post(url, data)

    elsewhere, nowhere = post("张三", NUMBER), post("李四", id_number(9))

    assert (elsewhere.status_code, nowhere.status_code) == (302, 302)
    assert PersonRole.objects.filter(institution=institution).count() == 2


def test_changing_an_id_number_to_one_held_elsewhere_is_not_refused_by_name(
    township_user, institution, far_person
):
    role = link(township_user, institution, "钱七", number=id_number(10))

    corrected = correct(township_user, role, id_number=NUMBER)

    assert corrected.person.id_number_disputed is True
    far_person.refresh_from_db()
    assert far_person.name == "王五"


def test_an_id_number_held_inside_the_unit_is_still_named(township_user, institution):
    PersonRoleFactory(institution=institution, person=PersonFactory(name="孙八", id_number=NUMBER))
    role = link(township_user, institution, "周九", number=id_number(11))

    with pytest.raises(ValidationError) as refused:
        correct(township_user, role, id_number=NUMBER)
    with pytest.raises(ValidationError):
        link(township_user, institution, "吴十")

    assert "person_id_number" in refused.value.message_dict


def test_a_superuser_corrects_any_person(institution, far_person):
    root = UserFactory(unit=None, is_superuser=True, role=Role.COUNTY_REVIEWER)
    role = PersonRoleFactory(institution=institution, person=far_person)

    correct(root, role, name="王六")

    assert Person.objects.get(pk=far_person.pk).name == "王六"


def test_a_leader_reads_the_proposed_id_numbers_and_phones_masked(
    client_for, township_user, county_user, leader, shared
):
    """The proposals list masks personal data for the roles the pages mask it for."""
    from core.masking import mask_id_number

    _person, role = shared
    new_number = id_number(8)
    correct(township_user, role, id_number=new_number, phone="13912345678")

    as_leader = client_for(leader).get(reverse("screening:person_proposals")).content.decode()
    as_county = client_for(county_user).get(reverse("screening:person_proposals")).content.decode()

    assert new_number not in as_leader and NUMBER not in as_leader
    assert mask_id_number(new_number) in as_leader and "139****5678" in as_leader
    assert new_number in as_county and "13912345678" in as_county
