"""The demo county's units and users: 湖南省 → 衡阳市 → 衡山县 → its 12 townships → their
villages (衡山县方案: 现结合我县实际), and one login per role, all with ``DEMO_PASSWORD``.

The usernames, roles and password are those the README lists. Every unit and user is found
by its natural key before it is created, so loading twice changes nothing. Accounts have no
service layer (units and users are set up in the admin), so the rows are written here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .models import OrgUnit, Role, UnitLevel, User

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
COUNTY_LOGINS = ["admin", "county", "leader", "hengyang"]
# The person behind each township's login (surname, given name), as the histories name them.
TOWNSHIP_STAFF_NAMES = [
    ("张", "三"),
    ("李", "秀兰"),
    ("王", "建军"),
    ("刘", "芳"),
    ("陈", "志强"),
    ("杨", "丽"),
    ("赵", "国庆"),
    ("黄", "婷"),
    ("周", "海涛"),
    ("吴", "桂英"),
    ("徐", "勇"),
    ("孙", "敏"),
]


def demo_phone(rng: random.Random) -> str:
    """A made-up mobile number (11 digits, 13x/15x/17x/18x)."""
    return "1" + rng.choice("3578") + "".join(rng.choices("0123456789", k=9))


@dataclass
class DemoCounty:
    """What the other apps' demos build on: the county, its townships (in ``TOWNSHIPS``
    order, each with its villages), each township's staff login and the county section's."""

    county: OrgUnit
    county_user: User
    townships: list[tuple[OrgUnit, list[OrgUnit]]] = field(default_factory=list)
    staff: dict[int, User] = field(default_factory=dict)  # township pk → its staff login
    units: int = 0  # created by this load
    users: int = 0


class AccountsDemo:
    def __init__(self, seed: int = SEED):
        self.rng = random.Random(f"{seed}:accounts")
        self.units = 0
        self.users = 0

    def unit(self, name, level, parent=None, code=""):
        unit, created = OrgUnit.objects.get_or_create(
            parent=parent, name=name, defaults={"level": level, "code": code}
        )
        self.units += created
        return unit

    def user(self, username, unit, role, last_name, first_name, **extra):
        phone = demo_phone(self.rng)  # drawn for every user: the sequence never depends on the db
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                unit=unit,
                role=role,
                last_name=last_name,
                first_name=first_name,
                phone=phone,
                # A shared, published password: changed at first login unless exempt.
                must_change_password=not settings.PASSWORD_CHANGE_DEMO_EXEMPT,
                **extra,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            self.users += 1
        return user

    @transaction.atomic
    def build(self) -> DemoCounty:
        province = self.unit("湖南省", UnitLevel.PROVINCE, code="430000")
        city = self.unit("衡阳市", UnitLevel.CITY, province, code="430400")
        county = self.unit("衡山县", UnitLevel.COUNTY, city, code="430423")

        admin = self.user("admin", county, Role.ADMINISTRATOR, "系统", "管理员", is_staff=True)
        admin.groups.add(admin_group())
        county_user = self.user("county", county, Role.COUNTY_REVIEWER, "文", "雨倩")
        # The city's section above the county: 报送情况 up the tree, the county's report to
        # review, the roll-up pack (周报送 passed up).
        self.user("hengyang", city, Role.COUNTY_REVIEWER, "罗", "振华")
        self.user("leader", county, Role.LEADER, "谭", "建华")

        demo = DemoCounty(county=county, county_user=county_user)
        for (name, login, code, villages), person in zip(
            TOWNSHIPS, TOWNSHIP_STAFF_NAMES, strict=True
        ):
            township = self.unit(name, UnitLevel.TOWNSHIP, county, code=code)
            village_units = [
                self.unit(v, UnitLevel.VILLAGE, township, code=f"{code}{i + 1:03d}")
                for i, v in enumerate(villages)
            ]
            demo.staff[township.pk] = self.user(login, township, Role.TOWNSHIP_STAFF, *person)
            demo.townships.append((township, village_units))
        demo.units, demo.users = self.units, self.users
        return demo


def admin_group():
    """系统管理员 manage users, units and the registry in /admin/, and delete nothing."""
    group, _ = Group.objects.get_or_create(name="系统管理员")
    perms = Permission.objects.filter(
        content_type__app_label__in=["accounts", "institutions"]
    ).exclude(codename__startswith="delete_")
    group.permissions.add(*perms)
    return group


def build_accounts_demo(seed: int = SEED) -> DemoCounty:
    return AccountsDemo(seed).build()


def demo_logins():
    """(username, role, unit) of every demo user, for the command's output and the README."""
    return list(
        User.objects.filter(username__in=COUNTY_LOGINS + [t[1] for t in TOWNSHIPS])
        .select_related("unit")
        .order_by("unit__path", "username")
        .values_list("username", "role", "unit__name")
    )
