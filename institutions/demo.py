"""The demo county's registry: in every township its public 敬老院 and a mix of private and
public-private institutions, two unregistered venues, and a few institutions and venues new
during this year's campaign, which the "四看" review must find (区县方案 二(二)一:
新成立的养老服务机构和新运营的场所).

Written as the county section would enter them, through ``services.save_institution``.
Every institution is found by (township, name) before it is created, so loading twice
changes nothing; the draws depend on the seed only, never on what the database holds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.demo import SEED, DemoCounty, demo_phone

from .models import Institution, LegalForm, RegistrationStatus, VenueNature
from .services import save_institution
from .validators import CREDIT_CODE_CHARSET, credit_code_check_char

SURNAMES = (
    "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
    "顾侯邵孟龙万段"
)
GIVEN = "建国志强秀英桂兰海燕国华春梅玉兰德明小红建华丽娟文斌红霞明辉军凤英永红金凤淑珍卫东新民爱华"
INSTITUTION_STEMS = [
    "福寿",
    "康乐",
    "颐和",
    "夕阳红",
    "松鹤",
    "安康",
    "怡园",
    "长寿",
    "仁爱",
    "乐龄",
    "金色年华",
    "祥和",
    "敬贤",
    "南岳",
    "湘颐",
    "同心",
    "泰和",
    "孝亲",
    "惠民",
    "佳园",
]
INSTITUTION_KINDS = [
    "养老院",
    "老年公寓",
    "颐养中心",
    "康养中心",
    "护理院",
    "居家养老服务中心",
    "日间照料中心",
    "养护院",
]
VENUE_KINDS = ["颐养之家", "老年活动中心", "养生馆", "托老所", "老年之家", "健康养生会所"]
SCOPES = [
    "养老服务；康复护理；老年人日间照料",
    "机构养老服务；餐饮服务；健康咨询",
    "养老服务；老年用品销售；保健食品销售；旅游咨询",
    "居家养老服务；家政服务；助餐服务",
]


def person_name(rng: random.Random) -> str:
    """A made-up Chinese name: a surname and one or two given characters."""
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice([1, 2])))


def demo_credit_code(rng: random.Random, prefix: str) -> str:
    """A well-formed 统一社会信用代码 of 衡山县 (430423) for the registration kind ``prefix``
    (12 public institution, 52 social service organisation, 91 enterprise)."""
    body = prefix + "430423" + "".join(rng.choices(CREDIT_CODE_CHARSET, k=17 - 8))
    return body + credit_code_check_char(body)


@dataclass
class DemoRegistry:
    """The demo's own institutions and venues in the order of the plan (existing ones
    included), so that the screening records depend on the seed only, never on rows a user
    added; and which of them the demo created as venues (a venue the disposal demo later
    registers stays one here, so that a second load sees the registry as it was)."""

    institutions: list[Institution] = field(default_factory=list)
    venue_pks: set[int] = field(default_factory=set)
    created: int = 0


class RegistryDemo:
    def __init__(self, county: DemoCounty, seed: int = SEED, today: date | None = None):
        self.county = county
        self.rng = random.Random(f"{seed}:institutions")
        self.today = today or timezone.localdate()
        self.result = DemoRegistry()
        self._existing: dict[tuple[int, str], Institution] = {}

    def person(self) -> str:
        return person_name(self.rng)

    def phone(self) -> str:
        return demo_phone(self.rng)

    @transaction.atomic
    def build(self, new_since: date) -> DemoRegistry:
        townships = self.county.townships
        self._existing = {
            (i.township_id, i.name): i
            for i in Institution.objects.filter(township__in=[t for t, _ in townships])
        }
        for index, (township, villages) in enumerate(townships):
            self.township_registry(index, township, villages)
        self.new_in_campaign(townships, new_since)
        return self.result

    def township_registry(self, index, township, villages):
        rng = self.rng
        # Every township has its public 敬老院; then a mix of private and public-private ones.
        plans = [("public", township.name + "敬老院")]
        for k in range(rng.randint(7, 10)):
            stem = INSTITUTION_STEMS[(index * 7 + k) % len(INSTITUTION_STEMS)]
            kind = rng.choice(INSTITUTION_KINDS)
            plans.append(
                (
                    rng.choice(["private", "private", "private", "public_private"]),
                    f"衡山县{township.name[:2]}{stem}{kind}",
                )
            )
        for ownership, name in plans:
            self.institution(township, villages, name, ownership)
        for k in range(2):
            stem = INSTITUTION_STEMS[(index * 3 + k + 5) % len(INSTITUTION_STEMS)]
            self.venue(township, villages, f"{township.name[:2]}{stem}{rng.choice(VENUE_KINDS)}")

    def new_in_campaign(self, townships, since: date):
        """Institutions established and venues found since the campaign began, not screened
        yet, so that the "四看" review has something to find."""
        span = (self.today - since).days
        for index in (0, 4, 8):
            township, villages = townships[index]
            day = since + timedelta(days=int(span * self.rng.uniform(0.3, 0.9)))
            self.institution(
                township,
                villages,
                f"衡山县{township.name[:2]}新康养老服务中心",
                "private",
                established_on=day,
            )
        for index in (2, 6):
            township, villages = townships[index]
            day = since + timedelta(days=int(span * self.rng.uniform(0.3, 0.9)))
            self.venue(township, villages, f"{township.name[:2]}新开托老所", found_on=day)

    def institution(self, township, villages, name, ownership, established_on=None):
        rng = self.rng
        if ownership == "public":
            legal_form, prefix, authority = (
                LegalForm.PUBLIC_INSTITUTION,
                "12",
                "衡山县事业单位登记管理局",
            )
        elif rng.random() < 0.7:
            legal_form, prefix, authority = LegalForm.SOCIAL_SERVICE, "52", "衡山县民政局"
        else:
            legal_form, prefix, authority = LegalForm.ENTERPRISE, "91", "衡山县市场监督管理局"
        beds = rng.choice([20, 30, 40, 50, 60, 80, 100, 120, 150, 200, 300])
        village = rng.choice(villages)
        rep, principal = self.person(), self.person()
        # A few records are left incomplete on purpose: the "四看" review must find them.
        incomplete = rng.random() < 0.12
        values = dict(
            registration_status=(
                RegistrationStatus.REGISTERED_NOT_FILED
                if rng.random() < 0.15
                else RegistrationStatus.REGISTERED_FILED
            ),
            credit_code=demo_credit_code(rng, prefix),
            legal_form=legal_form,
            ownership=ownership,
            registration_authority=authority,
            village=village,
            registered_address=(
                f"湖南省衡阳市衡山县{township.name}{village.name}{rng.randint(1, 199)}号"
            ),
            actual_address=""
            if incomplete
            else f"衡山县{township.name}{village.name}{rng.randint(1, 199)}号",
            beds=beds,
            residents=int(beds * rng.uniform(0.3, 0.95)),
            legal_representative=rep,
            principal="" if incomplete else principal,
            # Sorted: a set's order changes with the interpreter's string hashing.
            investors="" if ownership == "public" else "、".join(sorted({rep, self.person()})),
            business_scope=rng.choice(SCOPES),
            established_on=date(2008, 1, 1) + timedelta(days=rng.randint(0, 5000)),
            multi_industry=rng.random() < 0.15,
            contact_person=principal,
            contact_phone=self.phone(),
        )
        if established_on is not None:
            values["established_on"] = established_on
        if values["registration_status"] == RegistrationStatus.REGISTERED_FILED:
            # 备案日期: some weeks to a year after it was established. Derived from the
            # credit code, not drawn, so that the rest of the demo stays as it was.
            lag = 30 + sum(map(ord, values["credit_code"])) % 330
            values["filed_on"] = min(values["established_on"] + timedelta(days=lag), self.today)
        self.save(township, name, values)

    def venue(self, township, villages, name, found_on=None):
        rng = self.rng
        nature = rng.choice(
            [VenueNature.ENTERPRISE, VenueNature.INDIVIDUAL, VenueNature.SOCIAL_SERVICE]
        )
        operator = self.person()
        village = rng.choice(villages)
        values = dict(
            registration_status=RegistrationStatus.UNREGISTERED,
            credit_code=demo_credit_code(rng, "91") if nature == VenueNature.ENTERPRISE else "",
            legal_form=LegalForm.ENTERPRISE if nature == VenueNature.ENTERPRISE else "",
            venue_nature=nature,
            village=village,
            actual_address=f"衡山县{township.name}{village.name}{rng.randint(1, 199)}号",
            beds=rng.choice([6, 10, 12, 15, 20, 30]),
            residents=rng.randint(3, 25),
            operator=operator,
            principal=operator,
            business_scope=rng.choice(SCOPES) if nature == VenueNature.ENTERPRISE else "",
            found_on=date(2022, 1, 10) + timedelta(days=rng.randint(0, 120)),
            collects_large_prepayment=rng.random() < 0.4,
            contact_person=operator,
            contact_phone=self.phone(),
        )
        if nature == VenueNature.ENTERPRISE:
            values["legal_representative"] = operator
        if found_on is not None:
            values["found_on"] = found_on
        self.result.venue_pks.add(self.save(township, name, values).pk)

    def save(self, township, name, values) -> Institution:
        institution = self._existing.get((township.pk, name))
        if institution is None:
            institution = save_institution(
                user=self.county.county_user,
                institution=Institution(township=township, name=name, **values),
            )
            self._existing[(township.pk, name)] = institution
            self.result.created += 1
        if institution not in self.result.institutions:
            self.result.institutions.append(institution)
        return institution


def build_registry_demo(
    county: DemoCounty, *, new_since: date, seed: int = SEED, today: date | None = None
) -> DemoRegistry:
    """The registry of the demo county (run after ``accounts.demo``); ``new_since`` is the
    day the campaign began, after which the new institutions and venues appear."""
    return RegistryDemo(county, seed, today).build(new_since)
