"""The county's own weekly report and monthly summary (区县方案: 周报送、月调度): the compiled
week (the pack's figures, every township's text), the county section's draft and
submission, who may read and write it, the .docx, and the month's weeks."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from accounts.models import OrgUnit, Role, UnitLevel
from reporting import services
from reporting.choices import PeriodKind, WeeklyStatus
from reporting.models import CountyReport
from reporting.periods import ReportingMonth, ReportingWeek
from reporting.xlsx.district import DISTRICT_ATTACHMENTS, ReportContext
from tests.factories import CountyFactory, TownshipFactory, UserFactory

from .conftest import shanghai
from .factories import PublicityActivityFactory, WeeklyReportFactory

pytestmark = pytest.mark.django_db

WEEK = ReportingWeek(2026, 50)  # 2026-12-02 to 2026-12-08
MONTH = ReportingMonth(2026, 12)
AFTER = shanghai(2026, 12, 8, 18, 0)
TITLE = "衡山县打击整治养老服务诈骗专项行动工作周报（2026年第50周）"
SUMMARY = "本周全县排查养老机构12家，发现风险隐患3处，已督促整改2处。"


@pytest.fixture(autouse=True)
def after_the_week(frozen_clock):
    frozen_clock(AFTER)


def submitted(township, week=WEEK, **texts):
    return WeeklyReportFactory(
        township=township,
        year=week.year,
        week=week.week,
        status=WeeklyStatus.SUBMITTED,
        submitted_at=week.deadline,
        **texts,
    )


def weekly_url(county, week=WEEK, suffix=""):
    return reverse(f"reporting:county_weekly{suffix}", args=[county.pk, week.year, week.week])


def monthly_url(county, month=MONTH, suffix=""):
    return reverse(f"reporting:county_monthly{suffix}", args=[county.pk, month.year, month.month])


def form_data(summary=SUMMARY, action="draft", **sections):
    return {"summary": summary, "action": action, "edit_version": "new", **sections}


def figure(page: str, key: str) -> str:
    marker = f'data-figure="{key}">'
    start = page.index(marker) + len(marker)
    return page[start : page.index("<", start)]


def pack_totals(user, number: int) -> dict:
    """The sums of the district pack's rows of attachment ``number`` for ``user``'s week."""
    rows = list(DISTRICT_ATTACHMENTS[number].rows(ReportContext.for_user(user, WEEK)))
    keys = [k for k in vars(rows[0]) if k != "township"]
    return {k: sum((getattr(r, k) for r in rows), start=type(getattr(rows[0], k))()) for k in keys}


def docx_text(content: bytes) -> str:
    document = Document(BytesIO(content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


# --- the compiled week -----------------------------------------------------------------------


def test_the_compiled_week_shows_every_townships_text_and_the_packs_totals(
    county, township, other_township, county_user, client_for
):
    submitted(
        township,
        summary="开云镇本周走访机构5家。",
        practices_and_cases="开云镇推行“一院一档”。",
        problems_and_suggestions="开云镇建议统一印制海报。",
    )
    PublicityActivityFactory(township=township, held_on=date(2026, 12, 3), posters=4)
    PublicityActivityFactory(township=other_township, held_on=date(2026, 12, 7), leaflets=30)
    PublicityActivityFactory(township=other_township, held_on=date(2026, 12, 1))  # week 49

    page = client_for(county_user).get(weekly_url(county)).content.decode()

    for text in ("开云镇本周走访机构5家。", "开云镇推行“一院一档”。", "开云镇建议统一印制海报。"):
        assert text in page
    assert f'data-township="{other_township.pk}"' in page and "未报送" in page
    publicity, results = pack_totals(county_user, 5), pack_totals(county_user, 6)
    assert publicity["activities"] == 2 and publicity["posters"] == 6
    for key in ("activities", "posters", "leaflets", "institutions", "in_gathering_places"):
        assert figure(page, key) == str(publicity[key])
    for key in ("screened", "red", "rectified", "leads_received", "cases_filed"):
        assert figure(page, key) == str(results[key])
    assert Decimal(figure(page, "funds_refunded")) == results["funds_refunded"]


def test_a_draft_of_a_township_is_not_compiled(county, township, county_user, client_for):
    WeeklyReportFactory(township=township, year=2026, week=50, summary="草稿不应出现")

    page = client_for(county_user).get(weekly_url(county)).content.decode()

    assert "草稿不应出现" not in page and "未报送" in page


def _compiled_page_queries(client, county) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(weekly_url(county)).status_code == 200
    return len(queries)


def test_the_compiled_page_takes_the_same_queries_for_3_and_12_townships(
    client_for, django_assert_max_num_queries
):
    counts = []
    for size in (3, 12):
        county = CountyFactory()
        for n in range(size):
            submitted(TownshipFactory(parent=county), summary=f"第{n}镇本周工作。")
        user = UserFactory(unit=county, role=Role.COUNTY_REVIEWER)
        client = client_for(user)
        client.get(weekly_url(county))  # session and translations warmed up
        counts.append(_compiled_page_queries(client, county))
        # The figures are read as of the week's cut-off: one indexed look-up per model whose
        # history they may read (``core.asof.changed_since``), whatever the townships; and
        # 附件2–4 of the pack totalled (issue 16 item 4), a constant two dozen more; 附件6's
        # 清零 progress (issue 20): one grouped query and its three look-ups; 附件2's 回头看
        # (the windows at the cut-off, one grouped count and its look-ups) and 附件5's 告知书
        # counts (one grouped read of the latest visits and its look-ups), issue 20: six more.
        # Each per-township table and list asks once whether an institution changed since
        # the cut-off, to group it by its township then (``four_looks.TownshipAt``): five more.
        with django_assert_max_num_queries(86):
            client.get(weekly_url(county))

    assert counts[0] == counts[1]


# --- the county's report: draft, submission, who ----------------------------------------------


def test_the_county_saves_a_draft_then_submits_it_with_the_figures_frozen(
    county, township, county_user, client_for
):
    client = client_for(county_user)
    PublicityActivityFactory(township=township, held_on=date(2026, 12, 3))

    client.post(weekly_url(county), form_data(deployments="召开全县推进会。"))
    report = CountyReport.objects.get(unit=county, kind=PeriodKind.WEEK, year=2026, number=50)
    assert report.status == WeeklyStatus.DRAFT
    assert (report.summary, report.deployments) == (SUMMARY, "召开全县推进会。")
    version = report.updated_at.isoformat()
    response = client.post(
        weekly_url(county),
        {
            **form_data(
                action="submit", deployments="召开全县推进会。", suggestions="建议市局统一培训。"
            ),
            "edit_version": version,
        },
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.is_submitted and (report.submitted_by, report.submitted_at) == (
        county_user,
        AFTER,
    )
    assert report.suggestions == "建议市局统一培训。" and report.deployments == "召开全县推进会。"
    assert report.figures["publicity"]["activities"] == 1
    assert report.history.first().history_user == county_user
    with pytest.raises(ValidationError):
        services.save_county_report(user=county_user, unit=county, period=WEEK, summary="改")


def test_a_summary_over_300_characters_is_refused(county, county_user, client_for):
    response = client_for(county_user).post(weekly_url(county), form_data(summary="字" * 301))

    assert response.status_code == 200 and "301" in response.content.decode()
    assert not CountyReport.objects.exists()
    with pytest.raises(ValidationError):
        services.save_county_report(user=county_user, unit=county, period=WEEK, summary="字" * 301)
    services.save_county_report(user=county_user, unit=county, period=WEEK, summary="字" * 300)


def test_a_second_edit_from_a_stale_form_is_refused(county, county_user, client_for):
    client = client_for(county_user)
    client.post(weekly_url(county), form_data(summary="第一次"))

    client.post(weekly_url(county), form_data(summary="旧表单覆盖"))  # opened as "new"

    assert CountyReport.objects.get().summary == "第一次"


def test_a_township_cannot_open_or_write_the_county_report(
    county, township_user, county_user, client_for
):
    services.save_county_report(user=county_user, unit=county, period=WEEK, summary=SUMMARY)
    client = client_for(township_user)

    assert client.get(weekly_url(county)).status_code == 403
    assert client.get(weekly_url(county, suffix="_docx")).status_code == 403
    assert client.get(monthly_url(county)).status_code == 403
    assert client.post(weekly_url(county), form_data(summary="乡镇改写")).status_code == 403
    assert not CountyReport.objects.visible_to(township_user).exists()
    with pytest.raises(PermissionDenied):
        services.save_county_report(user=township_user, unit=county, period=WEEK, summary="x")
    assert CountyReport.objects.get().summary == SUMMARY


def test_another_county_gets_404(county, county_user, client_for):
    services.save_county_report(user=county_user, unit=county, period=WEEK, summary=SUMMARY)
    other = UserFactory(unit=CountyFactory(name="衡东县"), role=Role.COUNTY_REVIEWER)
    client = client_for(other)

    assert client.get(weekly_url(county)).status_code == 404
    assert client.get(weekly_url(county, suffix="_docx")).status_code == 404
    assert client.post(weekly_url(county), form_data(summary="他县改写")).status_code == 404
    with pytest.raises(PermissionDenied):
        services.save_county_report(user=other, unit=county, period=WEEK, summary="x")


def test_a_leader_reads_it_and_cannot_write_it(county, leader, county_user, client_for):
    services.save_county_report(user=county_user, unit=county, period=WEEK, summary=SUMMARY)
    client = client_for(leader)

    page = client.get(weekly_url(county)).content.decode()

    assert SUMMARY in page and 'id="county-report-form"' not in page
    assert client.post(weekly_url(county), form_data(summary="领导改写")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.save_county_report(user=leader, unit=county, period=WEEK, summary="x")


def test_the_city_above_sees_the_submitted_report(client_for):
    city = OrgUnit.objects.create(name="衡阳市", level=UnitLevel.CITY)
    county = CountyFactory(name="衡山县", parent=city)
    reviewer = UserFactory(unit=county, role=Role.COUNTY_REVIEWER)
    services.save_county_report(
        user=reviewer, unit=county, period=WEEK, summary=SUMMARY, submit=True
    )
    city_user = UserFactory(unit=city, role=Role.COUNTY_REVIEWER)

    page = client_for(city_user).get(weekly_url(county)).content.decode()

    assert CountyReport.objects.visible_to(city_user).get().is_submitted
    assert SUMMARY in page and 'id="county-report-form"' not in page
    with pytest.raises(PermissionDenied):
        services.save_county_report(user=city_user, unit=county, period=WEEK, summary="x")


def test_the_menu_offers_the_county_report_to_county_level_users_only(
    county_user, township_user, client_for
):
    entry = reverse("reporting:county_reports")

    assert entry in client_for(county_user).get(reverse("reporting:weekly_list")).content.decode()
    assert (
        entry
        not in client_for(township_user).get(reverse("reporting:weekly_list")).content.decode()
    )
    assert client_for(county_user).get(entry)["Location"] == weekly_url(county_user.unit)


# --- the .docx ---------------------------------------------------------------------------------


def test_the_docx_has_the_title_the_summary_and_every_townships_text(
    county, township, other_township, county_user, client_for
):
    submitted(township, summary="开云镇本周走访机构5家。", practices_and_cases="开云镇经验。")
    third = TownshipFactory(name="东湖镇", parent=county)
    submitted(third, summary="东湖镇本周开展宣传3场。")
    services.save_county_report(
        user=county_user,
        unit=county,
        period=WEEK,
        summary=SUMMARY,
        sections={"typical_cases": "某养老院以返利为名收取会员费，已移交公安。"},
    )

    response = client_for(county_user).get(weekly_url(county, suffix="_docx"))

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    text = docx_text(response.content)
    for part in (
        TITLE,
        "衡山县民政局",
        SUMMARY,
        "典型案例",
        "某养老院以返利为名收取会员费，已移交公安。",
        "附件",
        "开云镇本周走访机构5家。",
        "开云镇经验。",
        "东湖镇本周开展宣传3场。",
        other_township.name,
        "未报送",
    ):
        assert part in text, part
    document = Document(BytesIO(response.content))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    title = document.paragraphs[0].runs[0]
    assert title.text == TITLE
    assert title._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"


# --- the month (月调度) --------------------------------------------------------------------------


def test_a_month_is_the_weeks_whose_deadline_falls_in_it():
    assert MONTH.weeks == [ReportingWeek(2026, n) for n in (49, 50, 51, 52, 53)]
    assert (MONTH.first_day, MONTH.last_day) == (date(2026, 11, 25), date(2026, 12, 29))
    assert ReportingMonth.of_week(ReportingWeek(2026, 48)) == ReportingMonth(2026, 11)


def test_the_monthly_summary_includes_the_weeks_texts_of_the_month(
    county, township, county_user, client_for
):
    submitted(township, ReportingWeek(2026, 48), summary="十一月的周报不在本月。")
    submitted(township, ReportingWeek(2026, 49), summary="第49周开云镇工作。")
    submitted(township, WEEK, summary="第50周开云镇工作。")
    services.save_county_report(user=county_user, unit=county, period=WEEK, summary=SUMMARY)
    PublicityActivityFactory(township=township, held_on=date(2026, 11, 26))
    PublicityActivityFactory(township=township, held_on=date(2026, 12, 4))
    PublicityActivityFactory(township=township, held_on=date(2026, 11, 24))  # week 48
    client = client_for(county_user)

    page = client.get(monthly_url(county)).content.decode()
    text = docx_text(client.get(monthly_url(county, suffix="_docx")).content)

    for content in (page, text):
        assert "第49周开云镇工作。" in content and "第50周开云镇工作。" in content
        assert SUMMARY in content
        assert "十一月的周报不在本月。" not in content
    assert figure(page, "activities") == "2"
    assert "衡山县打击整治养老服务诈骗专项行动月调度情况（2026年12月）" in text


def test_the_county_submits_its_monthly_summary(county, county_user, client_for):
    client = client_for(county_user)

    client.post(monthly_url(county), form_data(action="submit", progress="全月排查完成率95%。"))

    report = CountyReport.objects.get()
    assert (report.kind, report.year, report.number) == (PeriodKind.MONTH, 2026, 12)
    assert report.is_submitted and report.progress == "全月排查完成率95%。"


def test_the_weekly_list_leads_the_county_to_its_report_of_the_week(
    county, county_user, client_for
):
    county_page = client_for(county_user).get(
        reverse("reporting:weekly_list"), {"week": "2026-W50"}
    )

    assert weekly_url(county) in county_page.content.decode()
