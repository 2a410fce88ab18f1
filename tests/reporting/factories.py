"""factory-boy factories of publicity, weekly reports and working-group members."""

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from reporting.choices import GroupRole, PlaceType, WeeklyStatus
from reporting.models import PublicityActivity, WeeklyReport, WorkingGroupMember
from tests.factories import CountyFactory, TownshipFactory


class PublicityActivityFactory(DjangoModelFactory):
    class Meta:
        model = PublicityActivity

    township = factory.SubFactory(TownshipFactory)
    held_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))
    place_type = PlaceType.VILLAGE
    place_name = factory.Sequence(lambda n: f"测试村{n}村部")
    posters = 2
    banners = 1
    leaflets = 50
    videos = 0
    participants = 40


class WeeklyReportFactory(DjangoModelFactory):
    class Meta:
        model = WeeklyReport

    township = factory.SubFactory(TownshipFactory)
    year = 2026
    week = 48
    summary = "本周开展排查走访。"
    status = WeeklyStatus.DRAFT


class WorkingGroupMemberFactory(DjangoModelFactory):
    class Meta:
        model = WorkingGroupMember

    unit = factory.SubFactory(CountyFactory)
    role = GroupRole.MEMBER
    name = factory.Sequence(lambda n: f"成员{n}")
    unit_name = "县民政局养老服务股"
    post = "股长"
    phone = "0734-5820307"
