import pytest

from accounts.models import OrgUnit, Role, UnitLevel, User
from tests.factories import TownshipFactory, UserFactory, VillageFactory

pytestmark = pytest.mark.django_db


def test_unit_path_reflects_the_tree(county, township):
    village = VillageFactory(parent=township)
    assert village.path == f"{county.path}{township.pk}/{village.pk}/"
    assert village.is_within(county)
    assert not county.is_within(village)


def test_user_sees_own_unit_subtree_only(county, township, other_township):
    village = VillageFactory(parent=township)
    user = UserFactory(unit=township)
    visible = set(OrgUnit.objects.visible_to(user))
    assert visible == {township, village}


def test_county_user_sees_every_township(county_user, township, other_township, county):
    assert set(OrgUnit.objects.visible_to(county_user)) >= {county, township, other_township}


def test_user_without_unit_sees_no_units(township):
    user = UserFactory(unit=None, role=Role.LEADER)
    assert not OrgUnit.objects.visible_to(user).exists()


def test_moving_a_township_moves_its_villages_and_institutions(county, township):
    from tests.factories import CountyFactory, InstitutionFactory

    village = VillageFactory(parent=township)
    institution = InstitutionFactory(township=township, village=village)
    other_county = CountyFactory(name="南岳区")
    township.parent = other_county
    township.save()
    village.refresh_from_db()
    institution.refresh_from_db()
    assert village.path.startswith(other_county.path)
    assert institution.scope_path == village.path
    assert UserFactory(unit=other_county).unit.path == other_county.path
    assert institution in type(institution).objects.visible_to(UserFactory(unit=other_county))
    assert institution not in type(institution).objects.visible_to(UserFactory(unit=county))


def test_users_are_scoped_like_units(township, other_township, township_user, other_township_user):
    assert list(User.objects.visible_to(township_user)) == [township_user]


def test_unit_must_sit_below_its_parent_level(county):
    from django.core.exceptions import ValidationError

    bad = OrgUnit(name="倒置", level=UnitLevel.COUNTY, parent=TownshipFactory(parent=county))
    with pytest.raises(ValidationError):
        bad.full_clean()
