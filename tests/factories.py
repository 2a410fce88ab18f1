"""factory-boy factories shared by every app's tests."""

import factory
from factory.django import DjangoModelFactory

from accounts.models import OrgUnit, Role, UnitLevel, User
from institutions.models import Institution, LegalForm, Ownership, RegistrationStatus
from institutions.validators import CREDIT_CODE_CHARSET, credit_code_check_char


def make_credit_code(n: int) -> str:
    body = "52430423" + "".join(CREDIT_CODE_CHARSET[(n // 31**i) % 31] for i in range(9))
    return body + credit_code_check_char(body)


class OrgUnitFactory(DjangoModelFactory):
    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"单位{n}")
    level = UnitLevel.COUNTY
    parent = None


class CountyFactory(OrgUnitFactory):
    name = factory.Sequence(lambda n: f"测试县{n}")
    level = UnitLevel.COUNTY


class TownshipFactory(OrgUnitFactory):
    name = factory.Sequence(lambda n: f"测试镇{n}")
    level = UnitLevel.TOWNSHIP
    parent = factory.SubFactory(CountyFactory)


class VillageFactory(OrgUnitFactory):
    name = factory.Sequence(lambda n: f"测试村{n}")
    level = UnitLevel.VILLAGE
    parent = factory.SubFactory(TownshipFactory)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = "测"
    first_name = factory.Sequence(lambda n: f"试{n}")
    role = Role.TOWNSHIP_STAFF
    unit = factory.SubFactory(TownshipFactory)
    password = factory.PostGenerationMethodCall("set_password", "Secret-pass-1")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class InstitutionFactory(DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"测试养老院{n}")
    registration_status = RegistrationStatus.REGISTERED_FILED
    credit_code = factory.Sequence(make_credit_code)
    legal_form = LegalForm.SOCIAL_SERVICE
    ownership = Ownership.PRIVATE
    township = factory.SubFactory(TownshipFactory)
    beds = 50
    residents = 30
    legal_representative = "张建国"
    principal = "李秀英"
    actual_address = "测试路1号"
    contact_phone = "13812345678"


class VenueFactory(InstitutionFactory):
    name = factory.Sequence(lambda n: f"测试颐养之家{n}")
    registration_status = RegistrationStatus.UNREGISTERED
    credit_code = ""
    legal_form = ""


def figures_of(institution, thresholds=None, today=None):
    """The figures the rating derives from ``institution``'s records (default thresholds)."""
    from core import clock
    from risklists.engine import Thresholds
    from risklists.figures import derived_figures

    return derived_figures(
        [institution.pk], thresholds=thresholds or Thresholds(), today=today or clock.today()
    )[institution.pk]
