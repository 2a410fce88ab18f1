import pytest

from accounts.models import Role
from accounts.selectors import visible_townships
from tests.factories import TownshipFactory, UserFactory, VillageFactory

pytestmark = pytest.mark.django_db


def test_a_county_user_gets_its_townships_in_the_order_of_their_division_codes(county):
    second = TownshipFactory(parent=county, code="430423102", name="甲镇")
    first = TownshipFactory(parent=county, code="430423101", name="乙镇")
    TownshipFactory(code="430424101")  # another county's
    user = UserFactory(unit=county, role=Role.COUNTY_REVIEWER)
    assert visible_townships(user) == [first, second]


def test_a_village_user_gets_the_row_of_its_township(township):
    user = UserFactory(unit=VillageFactory(parent=township))
    assert visible_townships(user) == [township]


def test_a_user_without_a_unit_gets_no_township(township):
    assert visible_townships(UserFactory(unit=None)) == []
