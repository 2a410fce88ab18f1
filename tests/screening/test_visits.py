"""Screening visits (排查走访): the phone form, drafts and submission, the county's reopening,
uploads, scoping and the list."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from screening.forms.visits import MAX_ATTACHMENT_SIZE
from screening.models import (
    FundUse,
    ResidentInterview,
    ScreeningRound,
    ScreeningVisit,
    VisitAttachment,
    VisitMethod,
    VisitStatus,
    YesNoUnknown,
)
from screening.services import visits as services
from tests.factories import CountyFactory, InstitutionFactory, TownshipFactory, UserFactory
from tests.formdata import version_of_page
from tests.images import PNG
from tests.screening.factories import (
    ResidentInterviewFactory,
    ScreeningVisitFactory,
    SubmittedVisitFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def today():
    return timezone.localdate()


def create_url(institution):
    return f"{reverse('screening:visit_create')}?institution={institution.pk}"


def visit_data(staff, *, action="draft", interviews=(), **overrides):
    """What the phone form posts: the visit, the interviews formset, the chosen button."""
    data = {
        "visited_on": today().isoformat(),
        "staff": staff.pk,
        "companions": "李网格员",
        "method": VisitMethod.UNANNOUNCED,
        "round": ScreeningRound.FIRST,
        "operating_entity": "衡山康乐养老服务有限公司",
        "marketing_methods": "免费体检、赠送礼品",
        "charging_methods": "按月收费，另售会员卡",
        "related_companies_found": "康乐健康管理有限公司",
        "large_prepayment_found": YesNoUnknown.YES,
        "prepayment_payers_reported": "12",
        "fund_use": FundUse.IRREGULAR,
        "promised_returns": "on",
        "findings": "现场发现会员卡宣传单。",
        "poster_displayed": "on",
        "action": action,
        "interviews-TOTAL_FORMS": str(len(interviews)),
        "interviews-INITIAL_FORMS": "0",
        "interviews-MIN_NUM_FORMS": "0",
        "interviews-MAX_NUM_FORMS": "1000",
    }
    for index, interview in enumerate(interviews):
        for key, value in interview.items():
            data[f"interviews-{index}-{key}"] = value
    data.update(overrides)
    return data


ONE_INTERVIEW = {
    "interviewee": "刘奶奶",
    "is_agent": "",
    "prepayment_collected": YesNoUnknown.YES,
    "amount_mentioned": "30000",
    "risks_explained": YesNoUnknown.NO,
    "notes": "办了三万元的会员卡",
}


@pytest.fixture
def institution(township):
    return InstitutionFactory(township=township)


@pytest.fixture
def other_institution(other_township):
    return InstitutionFactory(township=other_township)


# --- the form --------------------------------------------------------------------------


def test_visit_form_defaults_to_today_and_the_current_user(client_for, township_user, institution):
    response = client_for(township_user).get(create_url(institution))
    form = response.context["form"]
    assert response.status_code == 200
    assert form["visited_on"].value() == today()
    assert form["staff"].value() == township_user.pk


def test_visit_form_is_laid_out_for_a_phone(client_for, township_user, institution):
    html = client_for(township_user).get(create_url(institution)).content.decode()
    assert 'type="date"' in html
    assert 'inputmode="numeric"' in html
    assert 'inputmode="decimal"' in html
    assert "<details" in html
    assert 'value="draft"' in html and 'value="submit"' in html
    assert 'enctype="multipart/form-data"' in html


def test_visit_form_has_every_key_item_of_both_plans(client_for, township_user, institution):
    form = client_for(township_user).get(create_url(institution)).context["form"]
    for field in (
        "operating_entity",
        "marketing_methods",
        "charging_methods",
        "related_companies_found",
        "large_prepayment_found",
        "prepayment_payers_reported",
        "fund_use",
        "promised_returns",
        "false_advertising",
        "suspected_crime",
        "collapsed",
        "public_opinion",
        "poster_displayed",
        "notice_to_every_resident",
        "commitment_letter_signed",
        "method",
        "round",
        "findings",
        "attachments",
    ):
        assert field in form.fields


def test_township_user_saves_a_draft_with_an_interview(client_for, township_user, institution):
    response = client_for(township_user).post(
        create_url(institution), visit_data(township_user, interviews=[ONE_INTERVIEW])
    )
    visit = ScreeningVisit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("screening:visit_detail", args=[visit.pk])
    assert visit.status == VisitStatus.DRAFT
    assert visit.submitted_at is None
    assert visit.institution == institution
    assert visit.scope_path == institution.scope_path
    assert visit.created_by == township_user
    assert visit.history.first().history_user == township_user
    interview = ResidentInterview.objects.get()
    assert interview.visit == visit
    assert interview.prepayment_collected == YesNoUnknown.YES
    assert interview.risks_explained == YesNoUnknown.NO
    assert interview.scope_path == institution.scope_path


def test_empty_interview_row_is_ignored(client_for, township_user, institution):
    empty = {"interviewee": "", "prepayment_collected": "unknown", "risks_explained": "unknown"}
    client_for(township_user).post(
        create_url(institution), visit_data(township_user, interviews=[empty])
    )
    assert ScreeningVisit.objects.count() == 1
    assert ResidentInterview.objects.count() == 0


def test_submit_button_submits_and_history_says_who(client_for, township_user, institution):
    client_for(township_user).post(
        create_url(institution),
        visit_data(township_user, action="submit", interviews=[ONE_INTERVIEW]),
    )
    visit = ScreeningVisit.objects.get()
    assert visit.status == VisitStatus.SUBMITTED
    assert visit.submitted_at is not None
    record = visit.history.first()
    assert record.history_user == township_user
    assert record.status == VisitStatus.SUBMITTED


def test_draft_is_finished_later_and_submitted(client_for, township_user, institution):
    client = client_for(township_user)
    client.post(create_url(institution), visit_data(township_user, findings="初步情况"))
    visit = ScreeningVisit.objects.get()
    update = reverse("screening:visit_update", args=[visit.pk])

    assert client.get(update).status_code == 200
    client.post(
        update,
        {
            **version_of_page(client, update),
            **visit_data(township_user, findings="补充：已核实会员卡数量"),
        },
    )
    response = client.post(reverse("screening:visit_submit", args=[visit.pk]))

    visit.refresh_from_db()
    assert response.status_code == 302
    assert visit.findings == "补充：已核实会员卡数量"
    assert visit.status == VisitStatus.SUBMITTED
    assert visit.submitted_at is not None
    assert [r.status for r in visit.history.order_by("history_date")] == [
        VisitStatus.DRAFT,
        VisitStatus.DRAFT,
        VisitStatus.SUBMITTED,
    ]


def test_editing_a_draft_keeps_and_changes_its_interviews(client_for, township_user, institution):
    visit = ScreeningVisitFactory(institution=institution, staff=township_user)
    interview = ResidentInterviewFactory(visit=visit, interviewee="赵爷爷")
    data = visit_data(township_user)
    data.update(
        {
            "interviews-TOTAL_FORMS": "1",
            "interviews-INITIAL_FORMS": "1",
            "interviews-0-id": str(interview.pk),
            "interviews-0-visit": str(visit.pk),
            "interviews-0-interviewee": "赵爷爷（儿子代答）",
            "interviews-0-is_agent": "on",
            "interviews-0-prepayment_collected": YesNoUnknown.NO,
            "interviews-0-risks_explained": YesNoUnknown.YES,
        }
    )
    client = client_for(township_user)
    url = reverse("screening:visit_update", args=[visit.pk])
    client.post(url, {**version_of_page(client, url), **data})
    interview.refresh_from_db()
    assert interview.interviewee == "赵爷爷（儿子代答）"
    assert interview.is_agent is True
    assert ResidentInterview.objects.count() == 1


def test_future_visit_date_is_refused(client_for, township_user, institution):
    tomorrow = (today() + timedelta(days=1)).isoformat()
    response = client_for(township_user).post(
        create_url(institution), visit_data(township_user, visited_on=tomorrow)
    )
    assert response.status_code == 200
    assert "visited_on" in response.context["form"].errors
    assert "日期不能晚于今天" in response.content.decode()
    assert ScreeningVisit.objects.count() == 0


def test_negative_amount_in_an_interview_is_refused(client_for, township_user, institution):
    bad = dict(ONE_INTERVIEW, amount_mentioned="-100")
    response = client_for(township_user).post(
        create_url(institution), visit_data(township_user, interviews=[bad])
    )
    assert response.status_code == 200
    assert response.context["formset"].errors[0]["amount_mentioned"]
    assert ScreeningVisit.objects.count() == 0


def test_negative_payer_count_is_refused(client_for, township_user, institution):
    response = client_for(township_user).post(
        create_url(institution), visit_data(township_user, prepayment_payers_reported="-3")
    )
    assert "prepayment_payers_reported" in response.context["form"].errors
    assert ScreeningVisit.objects.count() == 0


def test_submitting_large_prepayments_needs_the_use_of_funds(
    client_for, township_user, institution
):
    response = client_for(township_user).post(
        create_url(institution), visit_data(township_user, action="submit", fund_use="")
    )
    assert response.status_code == 200
    assert "fund_use" in response.context["form"].errors
    assert "资金" in response.content.decode()
    assert ScreeningVisit.objects.count() == 0


def test_the_same_visit_can_be_saved_as_a_draft_without_the_use_of_funds(
    client_for, township_user, institution
):
    client_for(township_user).post(
        create_url(institution), visit_data(township_user, action="draft", fund_use="")
    )
    assert ScreeningVisit.objects.get().status == VisitStatus.DRAFT


def test_submitting_a_draft_without_the_use_of_funds_sends_it_back_to_the_form(
    client_for, township_user, institution
):
    visit = ScreeningVisitFactory(
        institution=institution, staff=township_user, large_prepayment_found=YesNoUnknown.YES
    )
    response = client_for(township_user).post(reverse("screening:visit_submit", args=[visit.pk]))
    visit.refresh_from_db()
    assert response["Location"] == reverse("screening:visit_update", args=[visit.pk])
    assert visit.status == VisitStatus.DRAFT
    assert visit.submitted_at is None


def test_staff_from_another_township_cannot_be_named(
    client_for, township_user, other_township_user, institution
):
    response = client_for(township_user).post(
        create_url(institution), visit_data(other_township_user)
    )
    assert "staff" in response.context["form"].errors
    assert ScreeningVisit.objects.count() == 0


# --- read only after submission, reopening ---------------------------------------------


def test_submitted_visit_cannot_be_edited(client_for, township_user, institution):
    visit = SubmittedVisitFactory(institution=institution, staff=township_user, findings="原结论")
    client = client_for(township_user)
    update = reverse("screening:visit_update", args=[visit.pk])

    get = client.get(update)
    post = client.post(update, visit_data(township_user, findings="改写"))

    visit.refresh_from_db()
    assert get.status_code == 302 and get["Location"].endswith(f"/visits/{visit.pk}/")
    assert post.status_code == 302
    assert visit.findings == "原结论"
    assert visit.status == VisitStatus.SUBMITTED


def test_service_refuses_to_change_a_submitted_visit(township_user, institution):
    visit = SubmittedVisitFactory(institution=institution, staff=township_user)
    visit.findings = "改写"
    with pytest.raises(ValidationError):
        services.save_visit(user=township_user, visit=visit)


def test_submitting_twice_is_refused(client_for, township_user, institution):
    visit = SubmittedVisitFactory(institution=institution, staff=township_user)
    submitted_at = visit.submitted_at
    client_for(township_user).post(reverse("screening:visit_submit", args=[visit.pk]))
    visit.refresh_from_db()
    assert visit.submitted_at == submitted_at


def test_county_reopens_a_submitted_visit_and_the_reason_is_kept(
    client_for, county_user, township_user, institution
):
    visit = SubmittedVisitFactory(institution=institution, staff=township_user)
    response = client_for(county_user).post(
        reverse("screening:visit_reopen", args=[visit.pk]), {"reason": "预付费人数填写有误"}
    )
    visit.refresh_from_db()
    record = visit.history.first()
    assert response.status_code == 302
    assert visit.status == VisitStatus.DRAFT
    assert visit.submitted_at is None
    assert record.history_user == county_user
    assert "预付费人数填写有误" in record.history_change_reason


def test_reopened_visit_can_be_edited_again(client_for, county_user, township_user, institution):
    visit = SubmittedVisitFactory(institution=institution, staff=township_user)
    services.reopen_visit(user=county_user, visit=visit, reason="补充询问记录")
    response = client_for(township_user).get(reverse("screening:visit_update", args=[visit.pk]))
    assert response.status_code == 200


def test_reopening_needs_a_reason(client_for, county_user, township_user, institution):
    visit = SubmittedVisitFactory(institution=institution, staff=township_user)
    client_for(county_user).post(reverse("screening:visit_reopen", args=[visit.pk]), {"reason": ""})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SUBMITTED


def test_township_user_cannot_reopen(client_for, township_user, institution):
    visit = SubmittedVisitFactory(institution=institution, staff=township_user)
    response = client_for(township_user).post(
        reverse("screening:visit_reopen", args=[visit.pk]), {"reason": "想改"}
    )
    visit.refresh_from_db()
    assert response.status_code == 403
    assert visit.status == VisitStatus.SUBMITTED


def test_detail_shows_who_submitted(client_for, township_user, county_user, institution):
    client_for(township_user).post(
        create_url(institution), visit_data(township_user, action="submit")
    )
    visit = ScreeningVisit.objects.get()
    response = client_for(county_user).get(reverse("screening:visit_detail", args=[visit.pk]))
    assert response.context["submitted_by"] == township_user
    assert response.context["can_reopen"] is True
    assert response.context["can_edit"] is False


# --- uploads ---------------------------------------------------------------------------


def test_photos_and_pdfs_are_attached(client_for, township_user, institution, media_root):
    files = [
        SimpleUploadedFile("门口价目表.png", PNG, content_type="image/png"),
        SimpleUploadedFile("会员卡合同.pdf", PDF, content_type="application/pdf"),
    ]
    client_for(township_user).post(
        create_url(institution),
        visit_data(township_user, attachments=files, attachment_caption="现场照片"),
    )
    visit = ScreeningVisit.objects.get()
    attachments = list(VisitAttachment.objects.filter(visit=visit))
    assert len(attachments) == 2
    assert {a.caption for a in attachments} == {"现场照片"}
    assert all(a.scope_path == institution.scope_path for a in attachments)


def test_a_file_over_10_mb_is_refused_with_a_clear_message(
    client_for, township_user, institution, media_root
):
    big = SimpleUploadedFile(
        "大照片.png", PNG + b"\x00" * (MAX_ATTACHMENT_SIZE), content_type="image/png"
    )
    response = client_for(township_user).post(
        create_url(institution), visit_data(township_user, attachments=[big])
    )
    errors = response.context["form"].errors["attachments"]
    assert "大照片.png" in errors[0]
    assert "过大" in errors[0] and "最多 10 MB" in errors[0]
    assert ScreeningVisit.objects.count() == 0
    assert VisitAttachment.objects.count() == 0


def test_a_file_of_exactly_10_mb_is_accepted(client_for, township_user, institution, media_root):
    exact = SimpleUploadedFile(
        "整10MB.png", PNG + b"\x00" * (MAX_ATTACHMENT_SIZE - len(PNG)), content_type="image/png"
    )
    client_for(township_user).post(
        create_url(institution), visit_data(township_user, attachments=[exact])
    )
    assert VisitAttachment.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("程序.exe", b"MZ\x90\x00" + b"\x00" * 32),
        ("伪装成照片.jpg", b"MZ\x90\x00" + b"\x00" * 32),
        ("网页.html", b"<html><script>alert(1)</script></html>"),
        ("伪装成文档.docx", b"PK\x03\x04" + b"\x00" * 40),
        ("照片改名.pdf", PNG),
    ],
    ids=["exe", "exe-as-jpg", "html", "zip-as-docx", "png-as-pdf"],
)
def test_a_file_that_is_not_a_photo_pdf_or_office_document_is_refused(
    client_for, township_user, institution, media_root, name, content
):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    response = client_for(township_user).post(
        create_url(institution), visit_data(township_user, attachments=[upload])
    )
    errors = response.context["form"].errors["attachments"]
    assert name in errors[0]
    assert "不接受" in errors[0]
    assert ScreeningVisit.objects.count() == 0


def test_a_real_office_document_is_accepted(client_for, township_user, institution, media_root):
    import io

    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    upload = SimpleUploadedFile("台账.xlsx", buffer.getvalue())
    client_for(township_user).post(
        create_url(institution), visit_data(township_user, attachments=[upload])
    )
    assert VisitAttachment.objects.count() == 1


def test_attachment_is_served_to_those_who_see_the_visit(
    client_for, township_user, other_township_user, institution, media_root
):
    client = client_for(township_user)
    client.post(
        create_url(institution),
        visit_data(
            township_user, attachments=[SimpleUploadedFile("p.png", PNG, content_type="image/png")]
        ),
    )
    attachment = VisitAttachment.objects.get()
    url = reverse("screening:visit_attachment", args=[attachment.pk])

    own = client.get(url)
    other = client_for(other_township_user).get(url)

    assert own.status_code == 200
    assert own["Content-Type"] == "image/png"
    assert b"".join(own.streaming_content) == PNG
    assert other.status_code == 404


# --- roles and scoping -----------------------------------------------------------------


def test_leader_gets_403_on_every_visit_write(client_for, leader, township_user, institution):
    draft = ScreeningVisitFactory(institution=institution, staff=township_user)
    submitted = SubmittedVisitFactory(institution=institution, staff=township_user)
    client = client_for(leader)
    requests = [
        client.get(create_url(institution)),
        client.get(reverse("screening:visit_create")),
        client.post(create_url(institution), visit_data(leader)),
        client.get(reverse("screening:visit_update", args=[draft.pk])),
        client.post(reverse("screening:visit_update", args=[draft.pk]), visit_data(leader)),
        client.post(reverse("screening:visit_submit", args=[draft.pk])),
        client.post(reverse("screening:visit_reopen", args=[submitted.pk]), {"reason": "x"}),
    ]
    draft.refresh_from_db()
    assert [r.status_code for r in requests] == [403] * len(requests)
    assert draft.status == VisitStatus.DRAFT
    assert ScreeningVisit.objects.count() == 2


def test_leader_reads_visits(client_for, leader, township_user, institution):
    visit = SubmittedVisitFactory(institution=institution, staff=township_user)
    client = client_for(leader)
    assert client.get(reverse("screening:visit_list")).status_code == 200
    response = client.get(reverse("screening:visit_detail", args=[visit.pk]))
    assert response.status_code == 200
    assert response.context["can_edit"] is False and response.context["can_reopen"] is False


def test_another_townships_institution_and_visit_answer_404_everywhere(
    client_for, township_user, other_township_user, other_institution, media_root
):
    draft = ScreeningVisitFactory(institution=other_institution, staff=other_township_user)
    submitted = SubmittedVisitFactory(institution=other_institution, staff=other_township_user)
    attachment = VisitAttachment.objects.create(
        visit=draft, file=SimpleUploadedFile("p.png", PNG), caption=""
    )
    client = client_for(township_user)
    responses = {
        "create GET": client.get(create_url(other_institution)),
        "create POST": client.post(create_url(other_institution), visit_data(township_user)),
        "detail": client.get(reverse("screening:visit_detail", args=[draft.pk])),
        "update GET": client.get(reverse("screening:visit_update", args=[draft.pk])),
        "update POST": client.post(
            reverse("screening:visit_update", args=[draft.pk]), visit_data(township_user)
        ),
        "update submitted": client.get(reverse("screening:visit_update", args=[submitted.pk])),
        "submit": client.post(reverse("screening:visit_submit", args=[draft.pk])),
        "attachment": client.get(reverse("screening:visit_attachment", args=[attachment.pk])),
    }
    draft.refresh_from_db()
    assert {k: r.status_code for k, r in responses.items()} == dict.fromkeys(responses, 404)
    assert draft.status == VisitStatus.DRAFT
    assert ScreeningVisit.objects.count() == 2


def test_another_countys_reviewer_gets_404_on_reopen(client_for, township_user, institution):
    elsewhere = TownshipFactory(parent=CountyFactory())
    stranger = UserFactory(unit=elsewhere.parent, role=Role.COUNTY_REVIEWER)
    visit = SubmittedVisitFactory(institution=institution, staff=township_user)
    response = client_for(stranger).post(
        reverse("screening:visit_reopen", args=[visit.pk]), {"reason": "x"}
    )
    visit.refresh_from_db()
    assert response.status_code == 404
    assert visit.status == VisitStatus.SUBMITTED


def test_create_with_a_malformed_institution_answers_404(client_for, township_user):
    response = client_for(township_user).get(f"{reverse('screening:visit_create')}?institution=x")
    assert response.status_code == 404


def test_record_a_visit_without_an_institution_offers_only_visible_ones(
    client_for, township_user, institution, other_institution
):
    response = client_for(township_user).get(reverse("screening:visit_create"))
    assert response.status_code == 200
    assert response.context["institutions"] == [institution]


# --- the list --------------------------------------------------------------------------


def test_township_staff_see_their_own_visits_and_the_county_sees_all(
    client_for, township_user, county_user, institution, other_institution
):
    own = ScreeningVisitFactory(institution=institution)
    other = ScreeningVisitFactory(institution=other_institution)
    url = reverse("screening:visit_list")

    township_rows = client_for(township_user).get(url).context["table"].data
    county_rows = client_for(county_user).get(url).context["table"].data

    assert [v.pk for v in township_rows] == [own.pk]
    assert {v.pk for v in county_rows} == {own.pk, other.pk}


def test_visit_list_filters_by_township_round_method_status_and_date(
    client_for, county_user, institution, other_institution, township, other_township
):
    wanted = SubmittedVisitFactory(
        institution=institution,
        round=ScreeningRound.LOOK_BACK,
        method=VisitMethod.DOCUMENTS,
        visited_on=today() - timedelta(days=3),
    )
    ScreeningVisitFactory(institution=institution, visited_on=today() - timedelta(days=40))
    SubmittedVisitFactory(institution=other_institution, round=ScreeningRound.LOOK_BACK)
    client = client_for(county_user)
    url = reverse("screening:visit_list")

    def pks(**params):
        return [v.pk for v in client.get(url, params).context["table"].data]

    assert pks(township=township.pk, round="look_back") == [wanted.pk]
    assert pks(township=township.pk, method="documents") == [wanted.pk]
    assert pks(township=township.pk, status="submitted") == [wanted.pk]
    assert pks(township=township.pk, visited_from=(today() - timedelta(days=10)).isoformat()) == [
        wanted.pk
    ]
    assert len(pks(visited_to=(today() - timedelta(days=30)).isoformat())) == 1
    assert pks(institution=institution.pk, round="covert") == []


def test_visit_list_queries_do_not_grow_with_the_number_of_visits(
    client_for, county_user, township, django_assert_max_num_queries
):
    client = client_for(county_user)
    url = reverse("screening:visit_list")
    institutions = [InstitutionFactory(township=township) for _ in range(5)]

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    ScreeningVisitFactory.create_batch(5, institution=institutions[0])
    small = count_queries()
    for institution in institutions:
        ScreeningVisitFactory.create_batch(9, institution=institution)
    with django_assert_max_num_queries(small):
        client.get(url)
    assert ScreeningVisit.objects.count() == 50
    assert count_queries() == small
    assert small <= 12


def test_a_submitted_visit_keeps_every_key_item_and_shows_it(
    client_for, township_user, county_user, institution
):
    """Both plans' 重点排查 items: 运营主体、营销方式、收费方式、关联公司, the prepayments and
    their use, 承诺投资回报"炒床位", and the residents' answers (衡山县方案 §一.二 第四)."""
    client_for(township_user).post(
        create_url(institution),
        visit_data(township_user, action="submit", interviews=[ONE_INTERVIEW]),
    )
    visit = ScreeningVisit.objects.get()
    assert (
        visit.operating_entity,
        visit.marketing_methods,
        visit.charging_methods,
        visit.related_companies_found,
    ) == (
        "衡山康乐养老服务有限公司",
        "免费体检、赠送礼品",
        "按月收费，另售会员卡",
        "康乐健康管理有限公司",
    )
    assert visit.large_prepayment_found == YesNoUnknown.YES
    assert visit.prepayment_payers_reported == 12
    assert visit.fund_use == FundUse.IRREGULAR
    assert visit.promised_returns is True
    assert visit.method == VisitMethod.UNANNOUNCED

    html = client_for(county_user).get(reverse("screening:visit_detail", args=[visit.pk]))
    content = html.content.decode()
    for text in (
        "衡山康乐养老服务有限公司",
        "免费体检、赠送礼品",
        "按月收费，另售会员卡",
        "康乐健康管理有限公司",
        "刘奶奶",
        "办了三万元的会员卡",
    ):
        assert text in content
