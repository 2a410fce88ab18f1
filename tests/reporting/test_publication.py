"""The publication list (政务公开, 区县方案 二(三)三): the county section prepares the filed
institutions, the inspections and the administrative penalties of its county, approves them,
and downloads them for the website without personal data; who may read it."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import OrgUnit, Role, UnitLevel
from core import clock
from core.concurrency import FIELD, EditConflict, version_of
from reporting.choices import PublicationStatus
from reporting.models import PublicationList
from reporting.publication import approve_publication, prepare_publication, refresh_publication
from tests.disposal.factories import PenaltyFactory
from tests.factories import (
    CountyFactory,
    InstitutionFactory,
    TownshipFactory,
    UserFactory,
    VenueFactory,
)
from tests.screening.factories import SubmittedVisitFactory

pytestmark = pytest.mark.django_db

SINCE = date(2026, 1, 1)
ID_NUMBER = "430423198001011234"
MOBILE = "13812345678"
LEGAL_REP = "张建国"


@pytest.fixture
def county():
    return CountyFactory(name="衡山县")


@pytest.fixture
def township(county):
    return TownshipFactory(name="开云镇", parent=county)


@pytest.fixture
def reviewer(county):
    return UserFactory(username="section", unit=county, role=Role.COUNTY_REVIEWER)


def prepare(user, county, as_of=None):
    return prepare_publication(user=user, unit=county, as_of=as_of or clock.today(), since=SINCE)


def approve(user, publication):
    return approve_publication(user=user, publication=publication, version=version_of(publication))


def names(publication, section, key="name"):
    return [row[key] for row in publication.section(section)]


# --- what is on the list ---------------------------------------------------------------------


def test_the_list_has_the_filed_institutions_without_personal_data(county, township, reviewer):
    InstitutionFactory(
        township=township,
        name="开云敬老院",
        beds=80,
        filed_on=date(2025, 6, 1),
        legal_representative=LEGAL_REP,
        contact_phone=MOBILE,
    )
    InstitutionFactory(
        township=township, name="未备案养老院", registration_status="registered_not_filed"
    )
    VenueFactory(township=township, name="某某颐养之家")
    InstitutionFactory(township=township, name="已注销养老院", archived_at=clock.now())
    InstitutionFactory(township=TownshipFactory(parent=CountyFactory()), name="外县养老院")

    publication = prepare(reviewer, county)

    [row] = publication.section("institutions")
    assert row["name"] == "开云敬老院"
    assert row["beds"] == 80
    assert row["filed_on"] == "2025-06-01"
    assert row["township"] == "开云镇"
    assert LEGAL_REP not in str(publication.rows)
    assert MOBILE not in str(publication.rows)


def test_inspections_show_date_kind_and_a_neutral_conclusion_never_the_findings(
    county, township, reviewer
):
    clean = InstitutionFactory(township=township, name="甲养老院")
    flagged = InstitutionFactory(township=township, name="乙养老院")
    SubmittedVisitFactory(
        institution=clean,
        poster_displayed=True,
        notice_to_every_resident=True,
        commitment_letter_signed=True,
        findings="院长王某某介绍情况。",
    )
    SubmittedVisitFactory(
        institution=flagged,
        suspected_crime=True,
        promised_returns=True,
        findings=f"法定代表人{LEGAL_REP}承诺返利，电话{MOBILE}。",
    )
    SubmittedVisitFactory(institution=clean, status="draft")  # a draft is no inspection

    publication = prepare(reviewer, county)
    client_page = str(publication.rows)

    rows = {row["institution"]: row for row in publication.section("inspections")}
    assert set(rows) == {"甲养老院", "乙养老院"}
    assert rows["甲养老院"]["conclusion"] == "none"
    assert rows["乙养老院"]["conclusion"] == "found"
    assert "王某某" not in client_page and LEGAL_REP not in client_page


def test_the_detail_page_prints_conclusions_in_neutral_chinese(
    county, township, reviewer, client_for
):
    SubmittedVisitFactory(institution=InstitutionFactory(township=township), suspected_crime=True)
    publication = prepare(reviewer, county)

    page = client_for(reviewer).get(publication.get_absolute_url()).content.decode()

    assert "发现问题，正在跟进处理" in page
    assert "首轮排查" in page
    for word in ("红色", "橙色", "黄色", "涉嫌", "非法集资"):
        assert word not in page.split('id="section-inspections"')[1]


def test_penalties_are_the_institutions_administrative_decisions_with_names_blotted_out(
    county, township, reviewer
):
    institution = InstitutionFactory(
        township=township, name="丙养老院", legal_representative=LEGAL_REP, principal="李秀英"
    )
    PenaltyFactory(
        institution=institution,
        document_number="衡市监罚〔2026〕12号",
        summary=f"法定代表人{LEGAL_REP}（身份证{ID_NUMBER}，电话{MOBILE}）以返利为名收费，罚款10万元。",
    )
    PenaltyFactory(
        institution=institution,
        person_name="王某",
        person_id_number=ID_NUMBER,
        summary="对销售人员王某罚款。",
    )
    PenaltyFactory(institution=institution, kind="criminal", summary="判决书")
    PenaltyFactory(institution=institution, withdrawn_at=clock.now(), summary="录错")

    publication = prepare(reviewer, county)

    [row] = publication.section("penalties")
    assert row["document_number"] == "衡市监罚〔2026〕12号"
    assert row["decision"].endswith("以返利为名收费，罚款10万元。")
    for personal in (LEGAL_REP, ID_NUMBER, MOBILE, "王某"):
        assert personal not in str(publication.rows)


# --- approval --------------------------------------------------------------------------------


def test_county_section_prepares_then_approves_and_the_history_names_who(
    county, township, reviewer, client_for
):
    InstitutionFactory(township=township, name="开云敬老院")
    client = client_for(reviewer)

    response = client.post(
        reverse("reporting:publication_list"), {"as_of": clock.today(), "since": SINCE}
    )
    publication = PublicationList.objects.get()
    assert response.url == publication.get_absolute_url()
    assert publication.status == PublicationStatus.DRAFT
    page = client.get(publication.get_absolute_url()).content.decode()
    assert "开云敬老院" in page and 'id="publication-approval"' in page

    client.post(
        reverse("reporting:publication_action", args=[publication.pk, "approve"]),
        {FIELD: version_of(publication)},
    )

    publication.refresh_from_db()
    assert publication.is_approved
    assert publication.approved_by == reviewer
    assert publication.approved_at is not None
    latest = publication.history.latest()
    assert latest.history_user == reviewer
    assert latest.history_change_reason == "已批准公开"
    page = client.get(publication.get_absolute_url()).content.decode()
    assert reverse("reporting:publication_download", args=[publication.pk, "xlsx"]) in page
    assert "CSV · 养老机构行政处罚信息" in page
    assert 'id="publication-approval"' not in page


def test_approval_of_a_list_read_again_after_the_page_was_opened_is_refused(
    county, township, reviewer
):
    publication = prepare(reviewer, county)
    opened = version_of(publication)
    colleague = UserFactory(unit=county, role=Role.COUNTY_REVIEWER)
    InstitutionFactory(township=township, name="新备案养老院")
    refresh_publication(user=colleague, publication=publication, version=opened)

    with pytest.raises(EditConflict):
        approve_publication(user=reviewer, publication=publication, version=opened)

    publication.refresh_from_db()
    assert not publication.is_approved
    assert names(publication, "institutions") == ["新备案养老院"]


def test_an_approved_list_no_longer_changes(county, township, reviewer):
    publication = approve(reviewer, prepare(reviewer, county))
    InstitutionFactory(township=township)

    with pytest.raises(ValidationError):
        refresh_publication(user=reviewer, publication=publication, version=version_of(publication))
    with pytest.raises(ValidationError):
        approve(reviewer, publication)


def test_one_list_per_county_and_date(county, reviewer):
    prepare(reviewer, county)
    with pytest.raises(ValidationError):
        prepare(reviewer, county)


def test_only_the_county_section_of_the_county_prepares(county, client_for):
    leader = UserFactory(unit=county, role=Role.LEADER)
    city = OrgUnit.objects.create(name="衡阳市", level=UnitLevel.CITY)
    county.parent = city
    county.save()
    city_section = UserFactory(unit=city, role=Role.COUNTY_REVIEWER)
    data = {"as_of": clock.today(), "since": SINCE}

    assert client_for(leader).post(reverse("reporting:publication_list"), data).status_code == 403
    assert (
        client_for(city_section).post(reverse("reporting:publication_list"), data).status_code
        == 403
    )
    assert not PublicationList.objects.exists()


# --- downloads -------------------------------------------------------------------------------


@pytest.fixture
def approved(county, township, reviewer):
    institution = InstitutionFactory(
        township=township,
        name="开云敬老院",
        legal_representative=LEGAL_REP,
        principal="李秀英",
        contact_person="赵六",
        contact_phone=MOBILE,
    )
    SubmittedVisitFactory(
        institution=institution,
        suspected_crime=True,
        findings=f"{LEGAL_REP} {ID_NUMBER} {MOBILE}",
    )
    PenaltyFactory(
        institution=institution,
        summary=f'=HYPERLINK("x") {LEGAL_REP} {ID_NUMBER} {MOBILE} 罚款。',
    )
    PenaltyFactory(institution=institution, person_name="孙七", person_id_number=ID_NUMBER)
    return approve(reviewer, prepare(reviewer, county))


def workbook_text(content: bytes) -> str:
    workbook = load_workbook(io.BytesIO(content))
    return "\n".join(
        str(cell.value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    )


def downloads(client, publication) -> dict[str, str]:
    found = {
        "xlsx": workbook_text(
            client.get(
                reverse("reporting:publication_download", args=[publication.pk, "xlsx"])
            ).content
        ),
        "html": client.get(
            reverse("reporting:publication_download", args=[publication.pk, "html"])
        ).content.decode(),
    }
    for section in ("institutions", "inspections", "penalties"):
        found[section] = client.get(
            reverse("reporting:publication_csv", args=[publication.pk, section, "csv"])
        ).content.decode("utf-8-sig")
    return found


def test_exports_hold_no_id_numbers_phones_or_legal_representatives(approved, reviewer, client_for):
    found = downloads(client_for(reviewer), approved)

    assert "开云敬老院" in found["xlsx"] and "开云敬老院" in found["html"]
    assert "开云敬老院" in found["institutions"]
    assert "罚款" in found["penalties"] and "发现问题" in found["inspections"]
    for text in found.values():
        for personal in (LEGAL_REP, "李秀英", "赵六", "孙七", ID_NUMBER, MOBILE):
            assert personal not in text


def test_the_workbook_has_a_sheet_per_table_and_typed_text_stays_text(
    approved, reviewer, client_for
):
    content = client_for(reviewer).get(
        reverse("reporting:publication_download", args=[approved.pk, "xlsx"])
    )
    workbook = load_workbook(io.BytesIO(content.content))

    assert workbook.sheetnames == ["登记备案名单", "行政检查", "行政处罚"]
    cells = [c for row in workbook["行政处罚"].iter_rows() for c in row if c.value]
    decision = next(c for c in cells if "HYPERLINK" in str(c.value))
    assert decision.data_type == "s"
    rows = list(csv.reader(io.StringIO(downloads(client_for(reviewer), approved)["penalties"])))
    assert rows[1][-1].startswith("'=HYPERLINK")


def test_a_draft_is_not_downloaded(county, reviewer, client_for):
    publication = prepare(reviewer, county)
    url = reverse("reporting:publication_download", args=[publication.pk, "xlsx"])

    assert client_for(reviewer).get(url).status_code == 404


# --- who reads it ----------------------------------------------------------------------------


def test_leaders_and_the_city_read_approved_lists_of_their_counties_not_drafts(
    county, reviewer, client_for
):
    city = OrgUnit.objects.create(name="衡阳市", level=UnitLevel.CITY)
    county.parent = city
    county.save()
    draft = prepare(reviewer, county, as_of=clock.today() - timedelta(days=1))
    published = approve(reviewer, prepare(reviewer, county))

    for reader in (
        UserFactory(unit=county, role=Role.LEADER),
        UserFactory(unit=city, role=Role.LEADER),
        UserFactory(unit=city, role=Role.COUNTY_REVIEWER),
    ):
        client = client_for(reader)
        assert client.get(published.get_absolute_url()).status_code == 200
        assert client.get(draft.get_absolute_url()).status_code == 404
        listed = client.get(reverse("reporting:publication_list")).content.decode()
        assert f'data-publication="{published.pk}"' in listed
        assert f'data-publication="{draft.pk}"' not in listed


def test_a_township_is_refused(county, township, reviewer, client_for):
    publication = approve(reviewer, prepare(reviewer, county))
    client = client_for(UserFactory(unit=township, role=Role.TOWNSHIP_STAFF))

    assert client.get(reverse("reporting:publication_list")).status_code == 403
    assert client.get(publication.get_absolute_url()).status_code == 403
    url = reverse("reporting:publication_download", args=[publication.pk, "html"])
    assert client.get(url).status_code == 403


def test_another_countys_list_is_not_found(county, reviewer, client_for):
    far = CountyFactory(name="衡东县")
    publication = approve(reviewer, prepare(reviewer, county))
    client = client_for(UserFactory(unit=far, role=Role.COUNTY_REVIEWER))

    assert client.get(publication.get_absolute_url()).status_code == 404
    url = reverse("reporting:publication_csv", args=[publication.pk, "penalties", "csv"])
    assert client.get(url).status_code == 404
    approve_url = reverse("reporting:publication_action", args=[publication.pk, "approve"])
    assert client.post(approve_url, {FIELD: version_of(publication)}).status_code == 404


# --- queries ---------------------------------------------------------------------------------


def test_preparing_and_reading_cost_the_same_queries_for_3_and_20_institutions(
    client_for, django_assert_max_num_queries
):
    for size in (3, 20):
        county = CountyFactory()
        township = TownshipFactory(parent=county)
        for _n in range(size):
            institution = InstitutionFactory(township=township)
            SubmittedVisitFactory(institution=institution)
            PenaltyFactory(institution=institution)
        user = UserFactory(unit=county, role=Role.COUNTY_REVIEWER)
        client = client_for(user)
        data = {"as_of": clock.today(), "since": SINCE}
        # The session and user, the form's checks, three reads and the save with its history.
        with django_assert_max_num_queries(16):
            client.post(reverse("reporting:publication_list"), data)
        publication = PublicationList.objects.get(unit=county)
        assert len(publication.section("inspections")) == size
        approve(user, publication)
        with django_assert_max_num_queries(8):
            client.get(reverse("reporting:publication_list"))
        with django_assert_max_num_queries(8):
            client.get(publication.get_absolute_url())
        with django_assert_max_num_queries(8):
            client.get(reverse("reporting:publication_download", args=[publication.pk, "xlsx"]))
