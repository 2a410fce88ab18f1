"""Two counties, three townships and one record of every kind in each, built on demand.

Place "A" is the township user's own township; "B" another township of the same county;
"C" a township of another county. A township user's "other unit" is B; for the county
roles (whose unit is the county) it is C. Records are made by the factories and services
the apps' own tests use, only when a URL asks for them.
"""

from datetime import date
from functools import cached_property

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Role
from tests.factories import CountyFactory, InstitutionFactory, TownshipFactory, UserFactory
from tests.images import PNG  # noqa: F401 - the tests import it from here

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF"
PASSWORD = "Secret-pass-1"
ROLES = ("township", "county", "leader", "administrator", "anonymous")


class World:
    def __init__(self):
        self.county = CountyFactory(name="衡山县")
        self.far_county = CountyFactory(name="衡东县")
        self.townships = {
            "A": TownshipFactory(name="开云镇", parent=self.county),
            "B": TownshipFactory(name="白果镇", parent=self.county),
            "C": TownshipFactory(name="大浦镇", parent=self.far_county),
        }
        self.users = {
            "township": UserFactory(
                username="kaiyun", unit=self.townships["A"], role=Role.TOWNSHIP_STAFF
            ),
            "county": UserFactory(username="county", unit=self.county, role=Role.COUNTY_REVIEWER),
            "leader": UserFactory(username="leader", unit=self.county, role=Role.LEADER),
            "administrator": UserFactory(
                username="admin", unit=self.county, role=Role.ADMINISTRATOR, is_staff=True
            ),
        }
        self._staff = {
            "A": self.users["township"],
            "B": UserFactory(username="baiguo", unit=self.townships["B"]),
            "C": UserFactory(username="dapu", unit=self.townships["C"]),
        }
        self._reviewers = {
            "A": self.users["county"],
            "B": self.users["county"],
            "C": UserFactory(username="hengdong", unit=self.far_county, role=Role.COUNTY_REVIEWER),
        }
        self._cache = {}

    @staticmethod
    def place_for(role: str, scope: str) -> str:
        if scope == "own":
            return "A"
        return "B" if role == "township" else "C"

    def county_of(self, place):
        return self.far_county if place == "C" else self.county

    def _once(self, key, build):
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def staff_user(self, place):
        """The township staff login of a place (a user record for the admin's pages)."""
        return self._staff[place]

    # --- records -----------------------------------------------------------------------------

    def institution(self, place):
        return self._once(
            ("institution", place),
            lambda: InstitutionFactory(township=self.townships[place], name=f"{place}养老院"),
        )

    def venue(self, place):
        from tests.factories import VenueFactory

        return self._once(
            ("venue", place),
            lambda: VenueFactory(township=self.townships[place], name=f"{place}颐养之家"),
        )

    def visit(self, place):
        from tests.screening.factories import ScreeningVisitFactory

        return self._once(
            ("visit", place),
            lambda: ScreeningVisitFactory(
                institution=self.institution(place), staff=self._staff[place]
            ),
        )

    def visit_attachment(self, place):
        from screening.models import VisitAttachment

        return self._once(
            ("attachment", place),
            lambda: VisitAttachment.objects.create(
                visit=self.visit(place), file=SimpleUploadedFile("p.png", PNG), caption=""
            ),
        )

    def record(self, factory_name, place):
        from tests.screening import factories

        factory = getattr(factories, factory_name)
        return self._once(
            (factory_name, place), lambda: factory(institution=self.institution(place))
        )

    def person_proposal(self, place):
        """A correction proposed from place's township, decided by its county."""
        from screening.models import PersonChangeProposal

        def build():
            role = self.record("PersonRoleFactory", place)
            return PersonChangeProposal.objects.create(
                person=role.person,
                role=role,
                decider=self.county_of(place),
                name=role.person.name + "（更正）",
                was_name=role.person.name,
                created_by=self._staff[place],
            )

        return self._once(("proposal", place), build)

    def import_batch(self, place):
        from screening.models import ImportBatch

        return self._once(
            ("batch", place),
            lambda: ImportBatch.objects.create(
                unit=self.county_of(place),
                kind="lawsuits",
                file_name="案件.xlsx",
                status="previewed",
                uploaded_by=self._reviewers[place],
            ),
        )

    def pending_lawsuit(self, place):
        from screening.models import Lawsuit, MatchStatus

        def build():
            suit = Lawsuit(
                unit=self.county_of(place),
                subject_name=self.institution(place).name,
                case_number=f"(2024)湘0423刑初{place}号",
                cause="集资诈骗罪",
                economic_crime=True,
                institution=self.institution(place),
                match_status=MatchStatus.PENDING,
            )
            suit.save()
            return suit

        return self._once(("lawsuit", place), build)

    def lead(self, place):
        from screening.models import Lead

        return self._once(
            ("lead", place),
            lambda: Lead.objects.create(
                unit=self.townships[place],
                channel="platform_12337",
                reference=f"12337-{place}",
                received_on=timezone.localdate(),
                reporter_name="王秀英",
                reporter_phone="13912345678",
                subject=f"{place}某养老院收取会员费",
                content="以办卡充值为名收取老人费用，承诺返利。",
            ),
        )

    def complaint(self, place):
        """A complaint matched to the place's institution (scoped as the institution is)."""
        from screening.models import Complaint, MatchStatus

        return self._once(
            ("complaint", place),
            lambda: Complaint.objects.create(
                unit=self.county_of(place),
                subject_name=self.institution(place).name,
                institution=self.institution(place),
                match_status=MatchStatus.MATCHED,
                received_on=timezone.localdate(),
                content="收取会员费后不退",
            ),
        )

    def shared_list_entry(self, place):
        from screening.models import SharedListEntry

        return self._once(
            ("shared", place),
            lambda: SharedListEntry.objects.create(
                unit=self.townships[place],
                township=self.townships[place],
                subject_name=f"{place}颐养之家",
                source="market_regulation",
                match_status="unmatched",
            ),
        )

    def assessment(self, place):
        from risklists import services
        from tests.risklists.factories import invest, visit

        def build():
            institution = self.institution(place)
            invest(institution)
            visit(institution, self._staff[place], fund_use="irregular")
            return services.rate([institution]).created[0]

        return self._once(("assessment", place), build)

    def action(self, place):
        from disposal.models import DisposalAction
        from disposal.services.actions import apply_level

        def build():
            institution = self.institution(place)
            apply_level(institution, "orange", user=self._reviewers[place])
            return DisposalAction.objects.filter(institution=institution).first()

        return self._once(("action", place), build)

    def evidence(self, place):
        from disposal.services.actions import add_evidence

        return self._once(
            ("evidence", place),
            lambda: add_evidence(
                user=self._reviewers[place],
                action=self.action(place),
                upload=SimpleUploadedFile("a.pdf", PDF),
            ),
        )

    def refund(self, place):
        """An entry of the refund ledger, against a prepayment record of the place."""
        from tests.disposal.factories import PrepaymentFactory, RefundFactory

        return self._once(
            ("refund", place),
            lambda: RefundFactory(
                prepayment=PrepaymentFactory(institution=self.institution(place))
            ),
        )

    def penalty(self, place):
        from tests.disposal.factories import PenaltyFactory

        return self._once(
            ("penalty", place), lambda: PenaltyFactory(institution=self.institution(place))
        )

    def spot_check(self, place):
        """A spot check drawn by the county section among the place's township."""
        from screening.services.spot_checks import draw_spot_check

        def build():
            self.institution(place)
            return draw_spot_check(
                user=self._reviewers[place], size=1, township=self.townships[place], seed=7
            )

        return self._once(("spot_check", place), build)

    def publicity(self, place):
        from tests.reporting.factories import PublicityActivityFactory

        return self._once(
            ("publicity", place),
            lambda: PublicityActivityFactory(township=self.townships[place]),
        )

    def publicity_photo(self, place):
        """A publicity activity with a photo (its photo route answers only with one)."""
        from tests.reporting.factories import PublicityActivityFactory

        return self._once(
            ("publicity_photo", place),
            lambda: PublicityActivityFactory(
                township=self.townships[place], photo=SimpleUploadedFile("p.png", PNG)
            ),
        )

    def weekly_report(self, place):
        from tests.reporting.factories import WeeklyReportFactory

        return self._once(
            ("weekly", place), lambda: WeeklyReportFactory(township=self.townships[place])
        )

    def county_report(self, place):
        """The county's submitted weekly report of last week (the city reviews it)."""
        from reporting.choices import PeriodKind, WeeklyStatus
        from reporting.models import CountyReport

        def built():
            week = self.last_week
            return CountyReport.objects.create(
                unit=self.county_of(place),
                kind=PeriodKind.WEEK,
                year=week.year,
                number=week.week,
                summary="本周全县开展排查。",
                status=WeeklyStatus.SUBMITTED,
                submitted_at=timezone.now(),
            )

        return self._once(("county_report", self.county_of(place).pk), built)

    def publication_list(self, place):
        """The county's approved publication list (政务公开): what leaders and the units above
        read, and what is downloaded for the website."""
        from core.concurrency import version_of
        from reporting.publication import approve_publication, prepare_publication

        def built():
            reviewer = self._reviewers[place]
            self.institution(place)
            publication = prepare_publication(
                user=reviewer,
                unit=self.county_of(place),
                as_of=timezone.localdate(),
                since=date(2026, 1, 1),
            )
            return approve_publication(
                user=reviewer, publication=publication, version=version_of(publication)
            )

        return self._once(("publication_list", self.county_of(place).pk), built)

    def report_run(self, place):
        from reporting import runs
        from reporting.choices import ReportSet
        from reporting.models import ReportRun

        def built():
            # A finished pack, so that its downloads are reachable by those who may.
            run = ReportRun.objects.create(
                unit=self.county_of(place),
                report_set=ReportSet.DISTRICT_WEEKLY,
                year=2026,
                week=47,
                requested_at=timezone.now(),
            )
            assert runs.build(run.pk) == "done"
            run.refresh_from_db()
            return run

        # One pack per unit and week: places A and B share their county's.
        return self._once(("run", self.county_of(place).pk), built)

    def api_key(self, place):
        """A key of a township system account of the place, issued by its county section."""
        from api.services import issue_key
        from tests.factories import UserFactory

        def build():
            account = UserFactory(
                username=f"api-{place}",
                unit=self.townships[place],
                role=Role.TOWNSHIP_STAFF,
                is_system_account=True,
            )
            return issue_key(user=self._reviewers[place], account=account, name=f"{place}App")[0]

        return self._once(("api_key", place), build)

    @cached_property
    def this_week(self):
        from reporting.periods import current_week

        return current_week(timezone.now())

    @cached_property
    def last_week(self):
        """The week last due: the one the county compiles."""
        return self.this_week.previous()

    @cached_property
    def last_month(self):
        from reporting.periods import ReportingMonth

        return ReportingMonth.of_week(self.last_week)


def today() -> date:
    return timezone.localdate()
