"""A realistic demo county (衡阳市衡山县), generated from a fixed seed.

Every row is found by its natural key before it is created, so loading twice changes
nothing. Later parts of the product (screening, ratings, disposal, reports) add their own
demo rows here, on top of the registry.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from accounts.models import OrgUnit, Role, UnitLevel, User
from institutions.models import Institution, LegalForm, RegistrationStatus, VenueNature
from institutions.validators import CREDIT_CODE_CHARSET, credit_code_check_char

DEMO_PASSWORD = "Yanglao@2026"
SEED = 20220107  # the date of the 衡山县 plan

# (name, pinyin for the login, division code, villages/communities)
TOWNSHIPS = [
    ("开云镇", "kaiyun", "430423100", ["城南社区", "城北社区", "紫巾村", "师古村", "岳北村"]),
    ("白果镇", "baiguo", "430423101", ["白果社区", "东峰村", "金田村", "前进村"]),
    ("店门镇", "dianmen", "430423102", ["店门社区", "乐善村", "新桥村"]),
    ("长江镇", "changjiang", "430423103", ["长江社区", "宏图村", "湘江村", "联合村"]),
    ("新桥镇", "xinqiao", "430423104", ["新桥社区", "和平村", "复兴村"]),
    ("萱洲镇", "xuanzhou", "430423105", ["萱洲社区", "光明村", "吉星村"]),
    ("东湖镇", "donghu", "430423106", ["东湖社区", "花园村", "五一村", "红星村"]),
    ("岭坡乡", "lingpo", "430423200", ["岭坡村", "中和村", "大同村"]),
    ("贯塘乡", "guantang", "430423201", ["贯塘村", "东风村", "长青村"]),
    ("福田铺乡", "futianpu", "430423202", ["福田村", "白云村", "新民村"]),
    ("永和乡", "yonghe", "430423203", ["永和村", "永丰村", "石桥村"]),
    ("江东乡", "jiangdong", "430423204", ["江东村", "湘东村", "团结村"]),
]

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
COMPANY_SUFFIX = ["健康管理有限公司", "养老服务有限公司", "康养产业有限公司"]
SCOPES = [
    "养老服务；康复护理；老年人日间照料",
    "机构养老服务；餐饮服务；健康咨询",
    "养老服务；老年用品销售；保健食品销售；旅游咨询",
    "居家养老服务；家政服务；助餐服务",
]


@dataclass
class DemoSummary:
    units: int = 0
    users: int = 0
    institutions: int = 0


class DemoBuilder:
    def __init__(self, seed: int = SEED):
        self.rng = random.Random(seed)
        self.summary = DemoSummary()

    # --- helpers -------------------------------------------------------------------
    def person(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.sample(GIVEN, self.rng.choice([1, 2])))

    def phone(self) -> str:
        return "1" + self.rng.choice("3578") + "".join(self.rng.choices("0123456789", k=9))

    def credit_code(self, prefix: str) -> str:
        body = prefix + "430423" + "".join(self.rng.choices(CREDIT_CODE_CHARSET, k=17 - 8))
        return body + credit_code_check_char(body)

    def unit(self, name, level, parent=None, code=""):
        unit, created = OrgUnit.objects.get_or_create(
            parent=parent, name=name, defaults={"level": level, "code": code}
        )
        self.summary.units += created
        return unit

    def user(self, username, unit, role, last_name, first_name, **extra):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                unit=unit,
                role=role,
                last_name=last_name,
                first_name=first_name,
                phone=self.phone(),
                **extra,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            self.summary.users += 1
        else:
            self.phone()  # keep the random sequence identical on every run
        return user

    # --- the county ----------------------------------------------------------------
    @transaction.atomic
    def build(self) -> DemoSummary:
        province = self.unit("湖南省", UnitLevel.PROVINCE, code="430000")
        city = self.unit("衡阳市", UnitLevel.CITY, province, code="430400")
        county = self.unit("衡山县", UnitLevel.COUNTY, city, code="430423")

        admin = self.user("admin", county, Role.ADMINISTRATOR, "系统", "管理员", is_staff=True)
        admin.groups.add(self.admin_group())
        self.user("county", county, Role.COUNTY_REVIEWER, "文", "雨倩")
        self.user("leader", county, Role.LEADER, "局", "领导")

        townships = []
        for name, login, code, villages in TOWNSHIPS:
            township = self.unit(name, UnitLevel.TOWNSHIP, county, code=code)
            village_units = [
                self.unit(v, UnitLevel.VILLAGE, township, code=f"{code}{i + 1:03d}")
                for i, v in enumerate(villages)
            ]
            self.user(login, township, Role.TOWNSHIP_STAFF, name[:1], "民政办")
            townships.append((township, village_units))

        county_user = User.objects.get(username="county")
        for index, (township, villages) in enumerate(townships):
            self.township_registry(index, township, villages, county_user)
        return self.summary

    def admin_group(self):
        group, _ = Group.objects.get_or_create(name="系统管理员")
        perms = Permission.objects.filter(
            content_type__app_label__in=["accounts", "institutions", "django_celery_beat"]
        ).exclude(codename__startswith="delete_")
        group.permissions.add(*perms)
        return group

    def township_registry(self, index, township, villages, creator):
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
            self.institution(township, villages, name, ownership, creator)
        for k in range(2):
            stem = INSTITUTION_STEMS[(index * 3 + k + 5) % len(INSTITUTION_STEMS)]
            self.venue(
                township, villages, f"{township.name[:2]}{stem}{rng.choice(VENUE_KINDS)}", creator
            )

    def institution(self, township, villages, name, ownership, creator):
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
            credit_code=self.credit_code(prefix),
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
            investors="" if ownership == "public" else "、".join({rep, self.person()}),
            business_scope=rng.choice(SCOPES),
            established_on=date(2008, 1, 1) + timedelta(days=rng.randint(0, 5000)),
            multi_industry=rng.random() < 0.15,
            contact_person=principal,
            contact_phone=self.phone(),
        )
        self._get_or_create(township, name, values, creator)

    def venue(self, township, villages, name, creator):
        rng = self.rng
        nature = rng.choice(
            [VenueNature.ENTERPRISE, VenueNature.INDIVIDUAL, VenueNature.SOCIAL_SERVICE]
        )
        operator = self.person()
        village = rng.choice(villages)
        values = dict(
            registration_status=RegistrationStatus.UNREGISTERED,
            credit_code=self.credit_code("91") if nature == VenueNature.ENTERPRISE else "",
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
        self._get_or_create(township, name, values, creator)

    def _get_or_create(self, township, name, values, creator):
        if Institution.objects.filter(township=township, name=name).exists():
            return
        institution = Institution(township=township, name=name, created_by=creator, **values)
        institution._history_user = creator
        institution.full_clean()
        institution.save()
        self.summary.institutions += 1


def demo_logins():
    """(username, role, unit) of every demo user, for the command's output and the README."""
    return list(
        User.objects.filter(username__in=["admin", "county", "leader"] + [t[1] for t in TOWNSHIPS])
        .select_related("unit")
        .order_by("unit__path", "username")
        .values_list("username", "role", "unit__name")
    )
