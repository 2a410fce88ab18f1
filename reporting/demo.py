"""Reporting in the demo county: the working group (附件1), publicity in every township over
the campaign's recent weeks ("三进", parks and squares, "四见"), weekly reports in every
state (on time, late, missing, a draft of the current week, nothing yet), and a finished
weekly pack of last week so that the leaders' page has something to download.

Idempotent: a working-group member is found by (unit, role, name); a township that already
has publicity activities gets none added; a week a township already reported (or drafted)
is left as it is; a pack already built is not built again. Every choice depends on the seed
and on names (township, week offset), never on what else exists.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import OrgUnit, Role, UnitLevel, User
from core import clock
from core.concurrency import version_of
from institutions.models import Institution
from screening.selectors.four_looks import campaign_start

from .choices import GroupRole, PlaceType, ReportSet, RunStatus
from .models import (
    PublicationList,
    PublicityActivity,
    ReportRun,
    WeeklyReport,
    WorkingGroupMember,
)
from .periods import ReportingWeek, current_week, local_tz
from .publication import approve_publication, prepare_publication
from .services import save_weekly_report

SEED = 20220107
PUBLICITY_WEEKS = 8
REPORT_WEEKS = 8

# 附件1 of the county: 区民政局主要负责同志任组长, 分管负责同志任副组长, 相关科室负责同志为成员;
# 联络员 as the 衡山县 plan names her (县民政局养老服务股, 文雨倩, 0734-5820307).
COUNTY_GROUP = [
    (GroupRole.LEADER, "彭立新", "衡山县民政局", "党组书记、局长", "0734-5820301"),
    (
        GroupRole.DEPUTY,
        "谭卫东",
        "衡山县民政局",
        "副局长（分管养老服务）",
        "0734-5820302",
    ),
    (GroupRole.DEPUTY, "刘志强", "衡山县民政局", "党组成员、副局长", "0734-5820303"),
    (GroupRole.MEMBER, "陈海燕", "衡山县民政局养老服务股", "股长", "0734-5820306"),
    (GroupRole.MEMBER, "周建华", "衡山县民政局办公室", "主任", "0734-5820300"),
    (GroupRole.MEMBER, "罗春梅", "衡山县民政局社会组织管理股", "股长", "0734-5820309"),
    (GroupRole.MEMBER, "曾文斌", "衡山县民政局社会救助股", "股长", "0734-5820311"),
    (GroupRole.MEMBER, "贺明辉", "衡山县民政局计划财务股", "股长", "0734-5820312"),
    (GroupRole.MEMBER, "李国华", "衡山县民政局政策法规股", "股长", "0734-5820315"),
    (GroupRole.LIAISON, "文雨倩", "衡山县民政局养老服务股", "工作人员", "0734-5820307"),
]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯董曹袁邓许彭曾谭贺廖邹"
GIVEN = "建国志强秀英桂兰海燕国华春梅玉兰德明丽娟文斌红霞明辉凤英永红淑珍卫东新民爱华晓燕"

# 区县方案·加强信息报送: 报送本周工作情况(300字以内).
SUMMARIES = [
    "本周围绕“守住钱袋子·护好幸福家”主题开展宣传{activities}场，张贴海报{posters}张、发放宣传资料"
    "{leaflets}份，覆盖群众{participants}人次。对辖区养老服务机构开展“四不两直”走访，逐一核查预付费"
    "收取及资金使用情况，督促机构落实“三必须”。",
    "本周组织网格员、社工“进村、进社区、进养老服务机构”宣传{activities}次，播放公益视频{videos}场次，"
    "发放防范养老服务诈骗告知书；对红橙黄名单机构逐一跟踪处置进度，约谈机构负责人，督促清退资金。",
    "本周对辖区未经登记的养老服务场所开展清零行动回头看，逐户核对台账；开展集中宣传{activities}场，"
    "悬挂横幅{banners}条，受众{participants}人次。畅通12337、12345举报渠道，暂未收到新线索。",
]
# 区县方案·加强信息报送: 经验做法、典型案例、困难问题、意见建议, beside the summary of some weeks.
PRACTICES_AND_CASES = [
    "典型案例：走访中发现一处养老服务场所以“办卡返现”名义向老人收取会员费，当场责令停止收费，"
    "已登记缴费老人名单，督促逐一清退。",
    "经验做法：联合村（社区）网格员、老年协会在赶集日设点宣传，现场讲解“投资养老公寓”“以房养老”"
    "等骗局，群众参与度高。",
    "经验做法：对辖区养老机构实行“一院一策”台账管理，每周逐项对账，整改一项、销号一项。",
]
PROBLEMS_AND_SUGGESTIONS = [
    "困难问题：部分未经登记场所的经营者流动性大，核查难度较大。意见建议：请县里协调市场监管部门定期"
    "推送新设市场主体信息。",
    "困难问题：乡镇民政办人手少，排查走访与宣传任务叠加。意见建议：对参与入户走访的网格员给予工作经费支持。",
    "意见建议：请县民政局统一印制“三必须”宣传海报、告知书和承诺书，便于各乡镇发放。",
]
VILLAGE_PLACES = ["村部", "村民广场", "老年协会活动室", "文化礼堂"]
COMMUNITY_PLACES = ["党群服务中心", "居家养老服务站", "社区广场", "老年活动中心"]
# 衡山县方案: 走进公园、走进广场等老年人聚集的场所开展宣传.
GATHERING_PLACES = ["文化广场", "休闲公园", "老年人晨练点", "健身广场"]


@dataclass
class ReportingDemoSummary:
    members: int = 0
    activities: int = 0
    reports: int = 0
    packs: int = 0
    publications: int = 0


FOUR_SEEN = ("posters", "banners", "leaflets", "videos", "participants")


def week_of(day: date) -> ReportingWeek:
    """The reporting week a day belongs to: the one due on the next Tuesday (or that day)."""
    return ReportingWeek.containing_deadline_on(day + timedelta(days=(1 - day.weekday()) % 7))


def rng(*key) -> random.Random:
    """A generator per row, so that a choice never depends on what else exists."""
    return random.Random(f"{SEED}:" + ":".join(str(k) for k in key))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=local_tz())


class ReportingDemo:
    def __init__(self, today: date | None = None, now: datetime | None = None):
        self.today = today or timezone.localdate()
        # The demo's "now": the reporting clock on today's date, else noon of the given day.
        if now is None:
            real = timezone.localtime(clock.now())
            now = real if real.date() == self.today else at(self.today, 12)
        self.now = now
        self.summary = ReportingDemoSummary()

    @transaction.atomic
    def build(self, pack: bool = True) -> ReportingDemoSummary:
        self.county_user = User.objects.filter(username="county").select_related("unit").first()
        if self.county_user is None or self.county_user.unit is None:
            return self.summary  # no demo county
        county = self.county_user.unit
        townships = list(
            OrgUnit.objects.filter(parent=county, level=UnitLevel.TOWNSHIP).order_by("code")
        )
        self.staff = {
            u.unit_id: u
            for u in User.objects.filter(role=Role.TOWNSHIP_STAFF, unit__in=townships)
            .select_related("unit")
            .order_by("pk")
        }
        self.working_group(county, townships)
        self.publicity(townships)
        self.weekly_reports(townships)
        if pack:
            self.weekly_pack(county)
            self.publication(county)
        return self.summary

    # --- 附件1 ----------------------------------------------------------------------
    def working_group(self, county, townships):
        existing = set(WorkingGroupMember.objects.values_list("unit_id", "role", "name"))
        rows = [
            WorkingGroupMember(
                unit=county,
                role=role,
                name=name,
                unit_name=unit_name,
                post=post,
                phone=phone,
                order=order,
                created_by=self.county_user,
            )
            for order, (role, name, unit_name, post, phone) in enumerate(COUNTY_GROUP)
        ]
        for township in townships:
            # 各地要相应成立专项行动工作专班, 并安排专人负责工作联络.
            r = rng("liaison", township.name)
            name = r.choice(SURNAMES) + "".join(r.sample(GIVEN, 2))
            rows.append(
                WorkingGroupMember(
                    unit=township,
                    role=GroupRole.LIAISON,
                    name=name,
                    unit_name=f"{township.name}民政办",
                    post="专项行动工作专班联络员",
                    phone=f"0734-58{r.randint(10000, 99999)}",
                    created_by=self.county_user,
                )
            )
        new = [m for m in rows if (m.unit.pk, m.role, m.name) not in existing]
        for member in new:
            member.scope_path = member.unit.path
        if new:
            bulk_create_with_history(new, WorkingGroupMember, default_user=self.county_user)
        self.summary.members = len(new)

    # --- "三进", "四见" ----------------------------------------------------------------
    def publicity(self, townships):
        done = set(PublicityActivity.objects.values_list("township_id", flat=True).distinct())
        institutions = {}
        for institution in (
            Institution.objects.filter(township__in=townships, archived_at__isnull=True)
            .exclude(registration_status="unregistered")
            .order_by("name")
        ):
            institutions.setdefault(institution.township_id, []).append(institution)
        villages = {}
        for unit in OrgUnit.objects.filter(parent__in=townships).order_by("code", "name"):
            villages.setdefault(unit.parent_id, []).append(unit)

        new = []
        for township in townships:
            if township.pk in done:
                continue
            places = villages.get(township.pk, [])
            homes = institutions.get(township.pk, [])
            for offset in range(PUBLICITY_WEEKS):
                r = rng("publicity", township.name, offset)
                week_start = self.today - timedelta(days=7 * offset + 6)
                # The campaign's first weeks are the busiest (集中宣传活动).
                count = r.randint(1, 3) + (1 if offset >= PUBLICITY_WEEKS - 3 else 0)
                for k in range(count):
                    day = min(week_start + timedelta(days=r.randint(0, 6)), self.today)
                    new.append(self.activity(r, township, day, places, homes, k + offset))
        for activity in new:
            activity.full_clean()
            activity.scope_path = activity.township.path
        if new:
            bulk_create_with_history(
                new, PublicityActivity, batch_size=500, default_user=self.county_user
            )
        self.summary.activities = len(new)

    def activity(self, r, township, day, places, homes, k) -> PublicityActivity:
        kinds = [
            PlaceType.VILLAGE,
            PlaceType.COMMUNITY,
            PlaceType.INSTITUTION,
            PlaceType.GATHERING_PLACE,
        ]
        # "三进" and the places where elders gather in turn, so that every township goes into
        # villages, communities, homes, parks and squares.
        place_type = kinds[k % len(kinds)]
        institution = None
        communities = [p for p in places if p.name.endswith("社区")]
        plain_villages = [p for p in places if not p.name.endswith("社区")] or places
        if place_type == PlaceType.INSTITUTION and homes:
            institution = r.choice(homes)
            place = institution.name
            participants = r.randint(15, 80)
        elif place_type == PlaceType.COMMUNITY:
            # A rural township's community is the one at its seat (集镇社区).
            community = r.choice(communities).name if communities else f"{township.name}集镇社区"
            place = community + r.choice(COMMUNITY_PLACES)
            participants = r.randint(40, 220)
        elif place_type == PlaceType.GATHERING_PLACE:
            place = township.name + r.choice(GATHERING_PLACES)
            participants = r.randint(50, 260)
        else:
            place_type = PlaceType.VILLAGE
            village = r.choice(plain_villages).name if plain_villages else township.name
            place = village + r.choice(VILLAGE_PLACES)
            participants = r.randint(30, 160)
        return PublicityActivity(
            township=township,
            held_on=day,
            place_type=place_type,
            place_name=place,
            institution=institution,
            posters=r.randint(2, 12),
            banners=r.choice([0, 1, 1, 2, 3]),
            leaflets=r.choice([50, 80, 100, 120, 150, 200, 300]),
            videos=r.choice([0, 0, 1, 1, 2]),
            participants=participants,
            notes="“守住钱袋子·护好幸福家”主题宣传，讲解“办卡”“充值”“投资”“炒床位”等常见骗局。",
            created_by=self.staff.get(township.pk),
        )

    # --- the Tuesday weekly report -------------------------------------------------------
    def weekly_reports(self, townships):
        week = current_week(self.now)
        # The week's publicity per township, for the summaries (one query).
        self.week_totals = {}
        for row in PublicityActivity.objects.filter(township__in=townships).values(
            "township_id", "held_on", *FOUR_SEEN
        ):
            day = row["held_on"]
            key = (row["township_id"], week_of(day))
            totals = self.week_totals.setdefault(key, defaultdict(int))
            totals["activities"] += 1
            for name in FOUR_SEEN:
                totals[name] += row[name]
        existing = set(
            WeeklyReport.objects.filter(township__in=townships).values_list(
                "township_id", "year", "week"
            )
        )
        for index, township in enumerate(townships):
            user = self.staff.get(township.pk)
            if user is None:
                continue
            for offset in range(REPORT_WEEKS + 1):
                reported = week.shifted(-offset)
                if (township.pk, reported.year, reported.week) in existing:
                    continue
                state = self.state(index, township, offset)
                if state is not None:
                    self.report(user, township, reported, state, offset)

    def state(self, index: int, township, offset: int) -> str | None:
        """What the township did for the week ``offset`` weeks back: on time, late, a draft
        never submitted, or nothing (missing). This week: a draft for one township, early
        submissions for a few, nothing yet for the rest."""
        if offset == 0:
            if index == 1:
                return "draft"
            return "on_time" if index in (0, 4, 7) else None
        r = rng("weekly", township.name, offset)
        # Two townships are often late or missing; the others almost always on time.
        weights = (0.55, 0.25, 0.05, 0.15) if index in (5, 10) else (0.88, 0.08, 0.0, 0.04)
        return r.choices(["on_time", "late", "draft", None], weights=weights)[0]

    def report(self, user, township, week: ReportingWeek, state: str, offset: int):
        r = rng("report", township.name, offset)
        if state == "on_time":
            moment = at(week.due_day - timedelta(days=r.choice([0, 1])), r.randint(9, 16))
        elif state == "late":
            moment = week.deadline + timedelta(hours=r.randint(1, 40))
        else:  # a draft written on Monday
            moment = at(week.due_day - timedelta(days=1), r.randint(9, 17))
        moment = min(moment, self.now)
        if not week.has_started(moment):
            return
        totals = self.week_totals.get((township.pk, week), {})
        summary = r.choice(SUMMARIES).format_map(defaultdict(int, totals))
        results = {
            "rectified": r.choice([0, 0, 0, 1, 1, 2]),
            "closed_or_banned": r.choice([0, 0, 0, 0, 1]),
            "transferred": r.choice([0, 0, 0, 0, 1]),
            "cases_filed": 0,
            "funds_refunded": Decimal(r.choice(["0", "0", "0", "1.50", "3.20", "8.00"])),
            "elders_resettled": r.choice([0, 0, 0, 2]),
            "elders_assisted": r.choice([0, 0, 1]),
        }
        save_weekly_report(
            user=user,
            week=week,
            summary=summary,
            results=results,
            submit=state in ("on_time", "late"),
            now=moment,
            narrative=self.narrative(township, offset),
        )
        self.summary.reports += 1

    def narrative(self, township, offset: int) -> dict:
        """Some weeks tell a case or a good practice, some a difficulty and a suggestion."""
        r = rng("narrative", township.name, offset)
        return {
            "practices_and_cases": r.choice(PRACTICES_AND_CASES) if r.random() < 0.3 else "",
            "problems_and_suggestions": (
                r.choice(PROBLEMS_AND_SUGGESTIONS) if r.random() < 0.25 else ""
            ),
        }

    # --- a pack for the leaders -----------------------------------------------------------
    def weekly_pack(self, county):
        """Last week's county pack (附件1–6), built inline when Celery is eager."""
        try:
            from .runs import queue_run
        except ImportError:  # report runs are not there yet
            return
        week = current_week(self.now).previous()
        if ReportRun.objects.filter(
            unit=county,
            report_set=ReportSet.DISTRICT_WEEKLY,
            year=week.year,
            week=week.week,
            status=RunStatus.DONE,
        ).exists():
            return
        queue_run(
            unit=county, report_set=ReportSet.DISTRICT_WEEKLY, week=week, user=None, now=self.now
        )
        self.summary.packs += 1

    # --- 政务公开 --------------------------------------------------------------------------
    def publication(self, county):
        """Today's 政务公开 list of the county, approved by the county section, so that a
        leader or the city reads one and the files can be downloaded."""
        as_of = min(clock.localdate(self.now), clock.today())
        if PublicationList.objects.filter(unit=county, as_of=as_of).exists():
            return
        publication = prepare_publication(
            user=self.county_user, unit=county, as_of=as_of, since=campaign_start(as_of)
        )
        approve_publication(
            user=self.county_user, publication=publication, version=version_of(publication)
        )
        self.summary.publications += 1


def build_reporting_demo(today: date | None = None, pack: bool = True) -> ReportingDemoSummary:
    return ReportingDemo(today=today).build(pack=pack)


def build_demo_pack(today: date | None = None) -> ReportingDemoSummary:
    """Last week's pack alone (after the demo's records were dated, ``devtools.demo``)."""
    demo = ReportingDemo(today=today)
    county = User.objects.filter(username="county").select_related("unit").first()
    if county is not None and county.unit is not None:
        demo.county_user = county
        demo.weekly_pack(county.unit)
        demo.publication(county.unit)
    return demo.summary
