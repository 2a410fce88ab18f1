"""factory-boy factories of the screening records (visits and the institution's records)."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import Role
from institutions.validators import id_number_check_char
from screening.models import (
    Branch,
    ChangeKind,
    DeterminationResult,
    FinancialSnapshot,
    FundraisingDetermination,
    OpinionEvent,
    OpinionLevel,
    OpinionSource,
    Person,
    PersonRole,
    PersonRoleKind,
    PrepaymentKind,
    PrepaymentRecord,
    RegistrationChange,
    RelatedCompany,
    ResidentInterview,
    ScreeningRound,
    ScreeningVisit,
    SelfCheck,
    VisitMethod,
    VisitStatus,
)
from tests.factories import InstitutionFactory, TownshipFactory, UserFactory


def make_id_number(n: int, born: date = date(1950, 3, 7)) -> str:
    """A well-formed 居民身份证号码 (GB 11643 check character) for a person born on ``born``."""
    body = f"430423{born:%Y%m%d}{n % 1000:03d}"
    return body + id_number_check_char(body)


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


class ScreeningVisitFactory(DjangoModelFactory):
    class Meta:
        model = ScreeningVisit

    institution = factory.SubFactory(InstitutionFactory)
    visited_on = factory.LazyFunction(lambda: days_ago(1))
    staff = factory.SubFactory(UserFactory)
    method = VisitMethod.UNANNOUNCED
    round = ScreeningRound.FIRST
    status = VisitStatus.DRAFT
    operating_entity = "某某养老服务有限公司"


class SubmittedVisitFactory(ScreeningVisitFactory):
    status = VisitStatus.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)


class ResidentInterviewFactory(DjangoModelFactory):
    class Meta:
        model = ResidentInterview

    visit = factory.SubFactory(ScreeningVisitFactory)
    interviewee = factory.Sequence(lambda n: f"王{n}")


class PrepaymentRecordFactory(DjangoModelFactory):
    class Meta:
        model = PrepaymentRecord

    institution = factory.SubFactory(InstitutionFactory)
    payer_name = factory.Sequence(lambda n: f"老人{n}")
    payer_id_number = factory.Sequence(make_id_number)
    payer_phone = "13912345678"
    kind = PrepaymentKind.MEMBERSHIP
    amount = Decimal("60000")
    paid_on = factory.LazyFunction(lambda: days_ago(100))
    monthly_fee = Decimal("3000")


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"张{n}")
    id_number = factory.Sequence(lambda n: make_id_number(n + 500, date(1970, 5, 1)))
    phone = "13700001111"
    unit = factory.SubFactory(TownshipFactory)


class PersonRoleFactory(DjangoModelFactory):
    class Meta:
        model = PersonRole

    institution = factory.SubFactory(InstitutionFactory)
    person = factory.LazyAttribute(lambda o: PersonFactory(unit=o.institution.township))
    kind = PersonRoleKind.LEGAL_REPRESENTATIVE
    started_on = factory.LazyFunction(lambda: days_ago(2000))


class BranchFactory(DjangoModelFactory):
    class Meta:
        model = Branch

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"服务网点{n}")
    opened_on = factory.LazyFunction(lambda: days_ago(300))


class RegistrationChangeFactory(DjangoModelFactory):
    class Meta:
        model = RegistrationChange

    institution = factory.SubFactory(InstitutionFactory)
    kind = ChangeKind.NAME
    changed_on = factory.LazyFunction(lambda: days_ago(200))
    old_value = "旧名称"
    new_value = "新名称"


class RelatedCompanyFactory(DjangoModelFactory):
    class Meta:
        model = RelatedCompany

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"关联健康管理有限公司{n}")
    has_transactions = True


class FinancialSnapshotFactory(DjangoModelFactory):
    class Meta:
        model = FinancialSnapshot

    institution = factory.SubFactory(InstitutionFactory)
    as_of = factory.LazyFunction(lambda: days_ago(30))
    total_assets = Decimal("1000000")
    total_liabilities = Decimal("400000")


class SelfCheckFactory(DjangoModelFactory):
    """A self-check (自查自改) of the first round that found nothing."""

    class Meta:
        model = SelfCheck

    institution = factory.SubFactory(InstitutionFactory)
    round = ScreeningRound.FIRST
    checked_on = factory.LazyFunction(lambda: days_ago(5))
    signed_by = "李建国"
    signer_position = "院长"


class OpinionEventFactory(DjangoModelFactory):
    """A general (一般) online event about an institution, recorded in its township."""

    class Meta:
        model = OpinionEvent

    institution = factory.SubFactory(InstitutionFactory)
    unit = factory.LazyAttribute(lambda o: o.institution.township)
    source = OpinionSource.ONLINE
    found_on = factory.LazyFunction(lambda: days_ago(3))
    summary = "网络出现老人家属反映退费难的帖子"
    level = OpinionLevel.GENERAL


class DeterminationFactory(DjangoModelFactory):
    """A determination of illegal fundraising as the county section records it."""

    class Meta:
        model = FundraisingDetermination

    institution = factory.SubFactory(InstitutionFactory)
    authority = "衡山县防范和处置非法集资工作领导小组办公室"
    document_number = factory.Sequence(lambda n: f"衡处非认〔2026〕{n + 1}号")
    determined_on = factory.LazyFunction(lambda: days_ago(5))
    result = DeterminationResult.ILLEGAL_FUNDRAISING
    recorded_by = factory.SubFactory(UserFactory, role=Role.COUNTY_REVIEWER)
