"""Who was punished (区县方案 二(三)四 联合惩戒): townships record the decisions, the county section
proposes them for the joint-punishment list; ID numbers masked per role; scoped; never
deleted, only withdrawn; the list costs the same queries for 3 and 30 rows."""

import io
from datetime import date, timedelta

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import load_workbook

from disposal.models import Penalty, PenaltyGround, PenaltyKind
from disposal.services.penalties import propose_penalty, record_penalty, withdraw_penalty
from screening.models import BlacklistEntry, BlacklistKind, MatchStatus
from tests.disposal.factories import PenaltyFactory
from tests.factories import InstitutionFactory
from tests.screening.factories import make_id_number

pytestmark = pytest.mark.django_db

ID_NUMBER = make_id_number(58, born=date(1971, 5, 17))
MASKED = ID_NUMBER[:6] + "*" * 9 + ID_NUMBER[-3:]


def today():
    return timezone.localdate()


@pytest.fixture
def mine(township):
    return InstitutionFactory(township=township, name="开云镇康乐养老院")


@pytest.fixture
def theirs(other_township):
    return InstitutionFactory(township=other_township, name="白果镇福寿养老院")


def sentence(institution, user, **values):
    """A criminal judgment against the institution's operator, recorded by ``user``."""
    fields = {
        "institution": institution,
        "person_name": "周建军",
        "person_id_number": ID_NUMBER,
        "person_post": "法定代表人",
        "kind": PenaltyKind.CRIMINAL,
        "ground": PenaltyGround.DECEPTION,
        "authority": "衡山县人民法院",
        "document_number": "（2026）湘0423刑初58号",
        "decided_on": today() - timedelta(days=3),
        "summary": "以养老服务为名骗取老年人财物，判处有期徒刑三年。",
    }
    fields.update(values)
    return record_penalty(user=user, penalty=Penalty(**fields))


# --- recording and proposing -------------------------------------------------------------


def test_township_user_records_a_penalty_against_a_person_from_the_institution_page(
    client_for, township_user, mine
):
    client = client_for(township_user)
    url = reverse("disposal:penalty_create", args=[mine.pk])
    assert url in client.get(mine.get_absolute_url()).content.decode()

    response = client.post(
        url,
        {
            "kind": PenaltyKind.ADMINISTRATIVE,
            "ground": PenaltyGround.ILLEGAL_FUNDRAISING,
            "authority": "衡山县市场监督管理局",
            "document_number": "衡市监罚〔2026〕12号",
            "decided_on": (today() - timedelta(days=2)).isoformat(),
            "person_name": "周建军",
            "person_id_number": ID_NUMBER.lower(),
            "person_post": "法定代表人",
            "summary": "以承诺返利为名收取老年人预付费，没收违法所得并处罚款20万元。",
        },
    )

    penalty = Penalty.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("disposal:penalty_detail", args=[penalty.pk])
    assert penalty.institution == mine
    assert penalty.person_id_number == ID_NUMBER
    assert penalty.created_by == township_user
    assert penalty.scope_path == mine.scope_path
    assert not penalty.is_proposed
    listed = client.get(reverse("disposal:penalty_list")).content.decode()
    assert "周建军" in listed and "衡市监罚〔2026〕12号" in listed


def test_the_same_decision_is_not_recorded_twice_for_the_same_subject(township_user, mine):
    sentence(mine, township_user)

    with pytest.raises(ValidationError):
        sentence(mine, township_user)
    # The institution itself under the same judgment is another subject.
    assert sentence(mine, township_user, person_name="", person_id_number="").pk


def test_a_decision_dated_in_the_future_is_refused(township_user, mine):
    with pytest.raises(ValidationError) as error:
        sentence(mine, township_user, decided_on=today() + timedelta(days=1))

    assert "decided_on" in error.value.message_dict


def test_county_section_proposes_a_penalty_for_joint_punishment(
    client_for, county_user, township_user, mine
):
    penalty = sentence(mine, township_user)
    client = client_for(county_user)

    response = client.post(
        reverse("disposal:penalty_propose", args=[penalty.pk]), {"note": "报县局审定后提请"}
    )

    assert response.status_code == 302
    penalty.refresh_from_db()
    assert penalty.proposed_on == today()
    assert penalty.proposed_by == county_user
    assert penalty.proposal_note == "报县局审定后提请"
    page = client.get(reverse("disposal:penalty_list") + "?proposal=proposed").content.decode()
    assert "周建军" in page


def test_township_user_cannot_propose_for_joint_punishment(client_for, township_user, mine):
    penalty = sentence(mine, township_user)

    response = client_for(township_user).post(
        reverse("disposal:penalty_propose", args=[penalty.pk]), {"note": ""}
    )

    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        propose_penalty(user=township_user, penalty=penalty)
    penalty.refresh_from_db()
    assert not penalty.is_proposed


def test_a_penalty_on_another_ground_is_not_proposed(county_user, township_user, mine):
    penalty = sentence(mine, township_user, ground=PenaltyGround.OTHER)

    with pytest.raises(ValidationError) as error:
        propose_penalty(user=county_user, penalty=penalty)

    assert error.value.code == "not_listed_ground"
    penalty.refresh_from_db()
    assert not penalty.is_proposed


def test_a_penalty_is_proposed_once(county_user, township_user, mine):
    penalty = sentence(mine, township_user)
    propose_penalty(user=county_user, penalty=penalty)

    with pytest.raises(ValidationError):
        propose_penalty(user=county_user, penalty=penalty)


# --- personal data -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["township_user", "county_user"])
def test_those_who_act_see_the_id_number_in_full(request, client_for, township_user, mine, role):
    penalty = sentence(mine, township_user)
    client = client_for(request.getfixturevalue(role))

    for url in (
        reverse("disposal:penalty_list"),
        reverse("disposal:penalty_detail", args=[penalty.pk]),
    ):
        assert ID_NUMBER in client.get(url).content.decode()


@pytest.mark.parametrize("role", ["leader", "administrator"])
def test_readers_see_the_id_number_masked_on_the_pages_and_in_the_spreadsheet(
    request, client_for, township_user, mine, role
):
    penalty = sentence(mine, township_user)
    client = client_for(request.getfixturevalue(role))

    for url in (
        reverse("disposal:penalty_list"),
        reverse("disposal:penalty_detail", args=[penalty.pk]),
    ):
        html = client.get(url).content.decode()
        assert ID_NUMBER not in html
        assert MASKED in html
    cells = sheet_text(client.get(reverse("disposal:penalty_export")))
    assert ID_NUMBER not in cells
    assert MASKED in cells


def sheet_text(response):
    content = b"".join(response.streaming_content)
    book = load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def test_spreadsheet_lists_the_filtered_penalties_with_the_id_number_for_the_county(
    client_for, county_user, township_user, mine, theirs, other_township_user
):
    sentence(mine, township_user)
    PenaltyFactory(institution=theirs, document_number="衡市监罚〔2026〕99号")
    client = client_for(county_user)

    everything = sheet_text(client.get(reverse("disposal:penalty_export")))
    criminal = sheet_text(client.get(reverse("disposal:penalty_export") + "?kind=criminal"))

    assert ID_NUMBER in everything and "衡市监罚〔2026〕99号" in everything
    assert "（2026）湘0423刑初58号" in criminal
    assert "衡市监罚〔2026〕99号" not in criminal


# --- scoping -----------------------------------------------------------------------------


def test_township_user_gets_404_for_another_townships_penalty(
    client_for, township_user, other_township_user, mine, theirs
):
    other = sentence(theirs, other_township_user, document_number="白果判58号")
    client = client_for(township_user)

    assert client.get(reverse("disposal:penalty_detail", args=[other.pk])).status_code == 404
    assert (
        client.post(
            reverse("disposal:penalty_withdraw", args=[other.pk]), {"reason": "录入错误"}
        ).status_code
        == 404
    )
    assert client.get(reverse("disposal:penalty_create", args=[theirs.pk])).status_code == 404
    assert "白果判58号" not in client.get(reverse("disposal:penalty_list")).content.decode()
    with pytest.raises(PermissionDenied):
        sentence(theirs, township_user, document_number="越权")


def test_leader_reads_the_list_but_records_nothing(client_for, leader, township_user, mine):
    sentence(mine, township_user)
    client = client_for(leader)

    assert client.get(reverse("disposal:penalty_list")).status_code == 200
    assert client.get(reverse("disposal:penalty_create", args=[mine.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        sentence(mine, leader, document_number="读者")


# --- never deleted -----------------------------------------------------------------------


def test_township_user_cannot_hard_delete_a_penalty_only_withdraw_it(
    client_for, township_user, mine
):
    penalty = sentence(mine, township_user)
    with pytest.raises(NoReverseMatch):
        reverse("disposal:penalty_delete", args=[penalty.pk])
    admin_request = RequestFactory().get("/")
    admin_request.user = township_user
    assert not site._registry[Penalty].has_delete_permission(admin_request, penalty)
    client = client_for(township_user)

    refused = client.post(reverse("disposal:penalty_withdraw", args=[penalty.pk]), {"reason": ""})
    penalty.refresh_from_db()
    assert refused.status_code == 302 and not penalty.is_withdrawn

    client.post(
        reverse("disposal:penalty_withdraw", args=[penalty.pk]),
        {"reason": "复议撤销原处罚决定"},
    )

    penalty.refresh_from_db()
    assert Penalty.objects.filter(pk=penalty.pk).exists()
    assert penalty.is_withdrawn and penalty.withdrawn_by == township_user
    assert penalty.withdrawal_reason == "复议撤销原处罚决定"
    assert "周建军" not in client.get(reverse("disposal:penalty_list")).content.decode()
    shown = client.get(reverse("disposal:penalty_list") + "?withdrawn=withdrawn")
    assert "周建军" in shown.content.decode()


def test_only_the_county_section_withdraws_a_proposed_penalty(county_user, township_user, mine):
    penalty = propose_penalty(user=county_user, penalty=sentence(mine, township_user))

    with pytest.raises(PermissionDenied):
        withdraw_penalty(user=township_user, penalty=penalty, reason="录入错误")
    withdraw_penalty(user=county_user, penalty=penalty, reason="判决被撤销")

    penalty.refresh_from_db()
    assert penalty.is_withdrawn
    with pytest.raises(ValidationError):
        propose_penalty(user=county_user, penalty=penalty)


def test_history_records_who_recorded_proposed_and_withdrew_a_penalty(
    client_for, county_user, township_user, mine
):
    penalty = sentence(mine, township_user)
    propose_penalty(user=county_user, penalty=penalty)
    withdraw_penalty(user=county_user, penalty=penalty, reason="判决被撤销")

    records = list(penalty.history.order_by("history_date", "history_id"))
    assert [(r.history_type, r.history_user) for r in records] == [
        ("+", township_user),
        ("~", county_user),
        ("~", county_user),
    ]
    assert records[0].history_change_reason == gettext("Penalty recorded")
    assert records[2].history_change_reason == gettext("Withdrawn: %(reason)s") % {
        "reason": "判决被撤销"
    }
    page = client_for(county_user).get(reverse("disposal:penalty_detail", args=[penalty.pk]))
    assert str(county_user) in page.content.decode()


# --- the list ----------------------------------------------------------------------------


def test_list_filters_by_township_kind_and_proposal(
    client_for, county_user, township_user, other_township_user, mine, theirs, other_township
):
    proposed = propose_penalty(user=county_user, penalty=sentence(mine, township_user))
    PenaltyFactory(institution=theirs, document_number="衡市监罚〔2026〕7号")
    PenaltyFactory(institution=theirs, document_number="衡市监罚〔2026〕8号", ground="other")
    client = client_for(county_user)
    url = reverse("disposal:penalty_list")

    def listed(query):
        return {
            row.record.document_number
            for row in client.get(url + query).context["table"].paginated_rows
        }

    fine, other = "衡市监罚〔2026〕7号", "衡市监罚〔2026〕8号"
    assert listed("") == {proposed.document_number, fine, other}
    assert listed(f"?township={other_township.pk}") == {fine, other}
    assert listed("?kind=criminal") == {proposed.document_number}
    assert listed("?proposal=proposed") == {proposed.document_number}
    assert listed("?proposal=to_propose") == {fine}


def list_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("disposal:penalty_list")).status_code == 200
    return len(queries)


def test_penalty_list_query_count_is_the_same_for_3_and_25_penalties(
    client_for, county_user, township, other_township, django_assert_max_num_queries
):
    client = client_for(county_user)
    for township_ in (township, other_township, township):
        PenaltyFactory(institution=InstitutionFactory(township=township_))
    small = list_queries(client)

    for n in range(22):
        institution = InstitutionFactory(township=township if n % 2 else other_township)
        penalty = PenaltyFactory(
            institution=institution, person_name=f"从业人员{n}", person_id_number=ID_NUMBER
        )
        if n % 3 == 0:
            propose_penalty(user=county_user, penalty=penalty)
    assert Penalty.objects.count() == 25

    with django_assert_max_num_queries(small):
        large = list_queries(client)
    assert large == small


def test_list_says_when_the_subject_is_already_on_an_imported_blacklist(
    client_for, county_user, county, township_user, mine
):
    sentence(mine, township_user)
    entry = BlacklistEntry(
        unit=county,
        subject_name="周建军",
        id_number=ID_NUMBER,
        list_kind=BlacklistKind.ELDER_CARE,
        match_status=MatchStatus.MATCHED,
        listed_on=today(),
    )
    entry.save()

    row = client_for(county_user).get(reverse("disposal:penalty_list")).context["table"]
    assert [r.record.on_blacklist for r in row.paginated_rows] == [True]


# --- board and institution page ----------------------------------------------------------


def test_board_counts_the_penalties_and_those_to_propose(
    client_for, county_user, township_user, mine
):
    propose_penalty(user=county_user, penalty=sentence(mine, township_user))
    PenaltyFactory(institution=mine)
    PenaltyFactory(institution=mine, ground=PenaltyGround.OTHER)
    withdraw_penalty(user=county_user, penalty=PenaltyFactory(institution=mine), reason="录入错误")

    response = client_for(county_user).get(reverse("disposal:board"))

    figures = response.context["penalties"]
    assert (figures.total, figures.proposed, figures.to_propose) == (3, 1, 1)
    assert reverse("disposal:penalty_list") + "?proposal=to_propose" in response.content.decode()


def test_institution_page_counts_its_penalties_and_links_to_them(client_for, township_user, mine):
    sentence(mine, township_user)
    PenaltyFactory(institution=mine)

    page = client_for(township_user).get(mine.get_absolute_url()).content.decode()

    assert 'id="penalty-count"' in page
    assert reverse("disposal:penalty_list") + f"?institution={mine.pk}" in page
