"""The institution's records: prepayments, persons and roles, branches, registration changes,
related companies, assets and liabilities; the institution page's panels; the export."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from screening.models import (
    Branch,
    ChangeKind,
    FinancialSnapshot,
    Person,
    PersonRole,
    PersonRoleKind,
    PrepaymentKind,
    PrepaymentRecord,
    RegistrationChange,
    RelatedCompany,
)
from screening.services import records as services
from screening.services.refunds import record_refund
from tests.factories import (
    CountyFactory,
    InstitutionFactory,
    TownshipFactory,
    UserFactory,
    figures_of,
    make_credit_code,
)
from tests.formdata import version_of_page
from tests.screening.factories import (
    BranchFactory,
    FinancialSnapshotFactory,
    PersonRoleFactory,
    PrepaymentRecordFactory,
    RegistrationChangeFactory,
    RelatedCompanyFactory,
    ScreeningVisitFactory,
    days_ago,
    make_id_number,
)

pytestmark = pytest.mark.django_db

ID_1 = make_id_number(11)
ID_2 = make_id_number(12)
BAD_ID = ID_1[:-1] + ("0" if ID_1[-1] != "0" else "1")


def today():
    return timezone.localdate()


def tomorrow():
    return (today() + timedelta(days=1)).isoformat()


def create_url(name, institution):
    return f"{reverse(f'screening:{name}_create')}?institution={institution.pk}"


@pytest.fixture
def institution(township):
    return InstitutionFactory(
        township=township, legal_representative="张建国", registered_address="开云镇老街1号"
    )


@pytest.fixture
def other_institution(other_township):
    return InstitutionFactory(township=other_township)


def prepayment_data(**overrides):
    data = {
        "payer_name": "刘桂英",
        "payer_id_number": ID_1,
        "payer_phone": "13912345678",
        "kind": PrepaymentKind.MEMBERSHIP,
        "amount": "60000",
        "paid_on": days_ago(90).isoformat(),
        "monthly_fee": "3000",
        "months_covered": "20",
        "promised_return": "",
        "promised_return_note": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def role_data(**overrides):
    data = {
        "person_name": "王新民",
        "person_id_number": ID_2,
        "person_phone": "13700002222",
        "kind": PersonRoleKind.LEGAL_REPRESENTATIVE,
        "started_on": days_ago(30).isoformat(),
        "ended_on": "",
        "share_percent": "",
    }
    data.update(overrides)
    return data


def branch_data(**overrides):
    data = {"name": "东门服务点", "address": "东门路8号", "opened_on": days_ago(60).isoformat()}
    data.update(overrides)
    return data


def change_data(**overrides):
    data = {
        "kind": ChangeKind.REGISTERED_ADDRESS,
        "changed_on": days_ago(20).isoformat(),
        "old_value": "",
        "new_value": "开云镇新街88号",
        "source": "国家企业信用信息公示系统",
    }
    data.update(overrides)
    return data


def company_data(**overrides):
    data = {
        "name": "康乐健康管理有限公司",
        "credit_code": make_credit_code(777),
        "relation": "同一投资人",
        "has_transactions": "on",
        "transactions_note": "代收会员费",
    }
    data.update(overrides)
    return data


def finance_data(**overrides):
    data = {
        "as_of": days_ago(10).isoformat(),
        "total_assets": "800000",
        "total_liabilities": "1200000",
        "net_fixed_assets": "300000",
        "source": "年度审计报告",
    }
    data.update(overrides)
    return data


# Each kind of record: URL prefix, a factory, valid form data, its model.
KINDS = {
    "prepayment": (PrepaymentRecordFactory, prepayment_data, PrepaymentRecord),
    "person_role": (PersonRoleFactory, role_data, PersonRole),
    "branch": (BranchFactory, branch_data, Branch),
    "change": (RegistrationChangeFactory, change_data, RegistrationChange),
    "related_company": (RelatedCompanyFactory, company_data, RelatedCompany),
    "finance": (FinancialSnapshotFactory, finance_data, FinancialSnapshot),
}


# --- every form: valid input is saved -----------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_township_user_records_each_kind_of_record(client_for, township_user, institution, kind):
    _factory, data, model = KINDS[kind]
    response = client_for(township_user).post(create_url(kind, institution), data())
    record = model.objects.get()
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert response["Location"].startswith(institution.get_absolute_url())
    assert record.institution == institution
    assert record.scope_path == institution.scope_path
    assert record.created_by == township_user
    assert record.history.first().history_user == township_user


@pytest.mark.parametrize("kind", KINDS)
def test_township_user_corrects_each_kind_of_record(client_for, township_user, institution, kind):
    factory, data, model = KINDS[kind]
    record = factory(institution=institution)
    client = client_for(township_user)
    url = reverse(f"screening:{kind}_update", args=[record.pk])
    response = client.post(url, {**version_of_page(client, url), **data()})
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert record.history.count() >= 2
    assert record.history.first().history_user == township_user


# --- prepayments: invalid input -----------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"paid_on": "FUTURE"}, "paid_on"),
        ({"amount": "-1"}, "amount"),
        ({"monthly_fee": "-3000"}, "monthly_fee"),
        ({"payer_id_number": BAD_ID}, "payer_id_number"),
        ({"payer_id_number": "43042319500307"}, "payer_id_number"),
        ({"amount": ""}, "amount"),
    ],
    ids=[
        "future-date",
        "negative-amount",
        "negative-monthly-fee",
        "bad-check-digit",
        "short-id",
        "missing-amount",
    ],
)
def test_invalid_prepayment_is_refused_on_its_field(
    client_for, township_user, institution, overrides, field
):
    overrides = {k: tomorrow() if v == "FUTURE" else v for k, v in overrides.items()}
    response = client_for(township_user).post(
        create_url("prepayment", institution), prepayment_data(**overrides)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert PrepaymentRecord.objects.count() == 0


def test_prepayment_errors_are_in_chinese(client_for, township_user, institution):
    response = client_for(township_user).post(
        create_url("prepayment", institution),
        prepayment_data(amount="-1", payer_id_number=BAD_ID, paid_on=tomorrow()),
    )
    html = response.content.decode()
    assert "校验" in html
    assert "日期不能晚于今天" in html


def test_a_refund_is_not_typed_on_the_prepayment_form(client_for, township_user, institution):
    """The refunded amount is the ledger's sum: a posted figure is not taken."""
    record = PrepaymentRecordFactory(institution=institution, amount=Decimal("60000"))
    client = client_for(township_user)
    url = reverse("screening:prepayment_update", args=[record.pk])
    response = client.post(
        url,
        version_of_page(client, url)
        | prepayment_data(refunded_amount="20000", refunded_on=days_ago(1).isoformat()),
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.refunded_amount == 0
    assert not record.refunds.exists()


def test_the_amount_cannot_fall_below_what_was_refunded(client_for, township_user, institution):
    record = PrepaymentRecordFactory(institution=institution, amount=Decimal("60000"))
    record_refund(
        user=township_user,
        prepayment=record,
        amount=Decimal("20000"),
        refunded_on=days_ago(1),
    )
    client = client_for(township_user)
    url = reverse("screening:prepayment_update", args=[record.pk])
    response = client.post(url, version_of_page(client, url) | prepayment_data(amount="10000"))
    assert response.status_code == 200
    assert "amount" in response.context["form"].errors
    record.refresh_from_db()
    assert (record.amount, record.refunded_amount) == (Decimal("60000"), Decimal("20000"))


def test_a_prepayment_with_refunds_is_not_deleted(client_for, county_user, institution):
    record = PrepaymentRecordFactory(institution=institution, amount=Decimal("60000"))
    record_refund(
        user=county_user, prepayment=record, amount=Decimal("100"), refunded_on=days_ago(1)
    )
    response = client_for(county_user).post(
        reverse("screening:prepayment_delete", args=[record.pk]), {"confirm": "on"}, follow=True
    )
    assert PrepaymentRecord.objects.filter(pk=record.pk).exists()
    assert "不能删除" in response.content.decode()


# --- persons and roles --------------------------------------------------------------------


def test_a_new_legal_representative_ends_the_current_one_and_counts_as_a_change(
    client_for, township_user, institution
):
    current = PersonRoleFactory(
        institution=institution,
        kind=PersonRoleKind.LEGAL_REPRESENTATIVE,
        started_on=days_ago(900),
    )
    start = days_ago(30)
    response = client_for(township_user).post(
        create_url("person_role", institution), role_data(started_on=start.isoformat())
    )
    current.refresh_from_db()
    institution.refresh_from_db()
    change = RegistrationChange.objects.get()
    assert response.status_code == 302
    assert current.ended_on == start
    assert change.kind == ChangeKind.LEGAL_REPRESENTATIVE
    assert change.changed_on == start
    assert change.old_value == current.person.name
    assert change.new_value == "王新民"
    assert institution.legal_representative == "王新民"
    assert change.history.first().history_user == township_user
    assert figures_of(institution).legal_rep_changes_2y == 1


def test_two_new_legal_representatives_count_two_changes(township_user, institution):
    PersonRoleFactory(institution=institution, started_on=days_ago(900))
    services.add_person_role(
        user=township_user,
        institution=institution,
        name="甲",
        kind=PersonRoleKind.LEGAL_REPRESENTATIVE,
        started_on=days_ago(300),
    )
    services.add_person_role(
        user=township_user,
        institution=institution,
        name="乙",
        kind=PersonRoleKind.LEGAL_REPRESENTATIVE,
        started_on=days_ago(100),
    )
    current = PersonRole.objects.filter(institution=institution, ended_on__isnull=True)
    assert [r.person.name for r in current] == ["乙"]
    assert RegistrationChange.objects.filter(kind=ChangeKind.LEGAL_REPRESENTATIVE).count() == 2
    assert figures_of(institution).legal_rep_changes_2y == 2


def test_the_first_legal_representative_is_not_a_change(client_for, township_user, institution):
    client_for(township_user).post(create_url("person_role", institution), role_data())
    assert PersonRole.objects.count() == 1
    assert RegistrationChange.objects.count() == 0


def test_an_investor_does_not_end_the_legal_representative(township_user, institution):
    lr = PersonRoleFactory(institution=institution)
    services.add_person_role(
        user=township_user,
        institution=institution,
        name="投资人甲",
        kind=PersonRoleKind.INVESTOR,
        share_percent=Decimal("60"),
    )
    lr.refresh_from_db()
    assert lr.ended_on is None
    assert RegistrationChange.objects.count() == 0


def test_a_new_legal_representative_needs_a_start_date(client_for, township_user, institution):
    current = PersonRoleFactory(institution=institution)
    response = client_for(township_user).post(
        create_url("person_role", institution), role_data(started_on="")
    )
    current.refresh_from_db()
    assert "started_on" in response.context["form"].errors
    assert current.ended_on is None
    assert PersonRole.objects.count() == 1
    assert RegistrationChange.objects.count() == 0


def test_a_new_legal_representative_cannot_start_before_the_current_one(
    client_for, township_user, institution
):
    PersonRoleFactory(institution=institution, started_on=days_ago(10))
    response = client_for(township_user).post(
        create_url("person_role", institution), role_data(started_on=days_ago(50).isoformat())
    )
    assert "started_on" in response.context["form"].errors
    assert PersonRole.objects.count() == 1


def test_an_existing_person_is_reused_when_the_id_number_matches(
    client_for, township_user, institution, township
):
    second = InstitutionFactory(township=township)
    client = client_for(township_user)
    client.post(create_url("person_role", institution), role_data(kind=PersonRoleKind.INVESTOR))
    client.post(create_url("person_role", second), role_data(kind=PersonRoleKind.PRINCIPAL))
    assert Person.objects.count() == 1
    assert PersonRole.objects.count() == 2


def test_an_id_number_on_record_under_another_name_is_refused(
    client_for, township_user, institution
):
    client = client_for(township_user)
    client.post(create_url("person_role", institution), role_data(kind=PersonRoleKind.INVESTOR))
    response = client.post(
        create_url("person_role", institution),
        role_data(person_name="李四", kind=PersonRoleKind.PRINCIPAL),
    )
    assert "person_id_number" in response.context["form"].errors
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"person_id_number": BAD_ID}, "person_id_number"),
        ({"person_id_number": "12345"}, "person_id_number"),
        ({"started_on": "FUTURE"}, "started_on"),
        ({"ended_on": days_ago(40).isoformat()}, "ended_on"),
        ({"share_percent": "-1"}, "share_percent"),
        ({"share_percent": "120"}, "share_percent"),
        ({"person_name": ""}, "person_name"),
    ],
    ids=[
        "bad-check-digit",
        "short-id",
        "future-start",
        "end-before-start",
        "neg-share",
        "share-over-100",
        "no-name",
    ],
)
def test_invalid_person_role_is_refused(client_for, township_user, institution, overrides, field):
    overrides = {k: tomorrow() if v == "FUTURE" else v for k, v in overrides.items()}
    response = client_for(township_user).post(
        create_url("person_role", institution), role_data(**overrides)
    )
    assert field in response.context["form"].errors
    assert PersonRole.objects.count() == 0


def test_a_role_is_ended_not_deleted(client_for, township_user, institution):
    role = PersonRoleFactory(institution=institution, kind=PersonRoleKind.PRINCIPAL)
    client = client_for(township_user)
    url = reverse("screening:person_role_update", args=[role.pk])
    client.post(
        url,
        version_of_page(client, url)
        | role_data(
            person_name=role.person.name,
            person_id_number=role.person.id_number,
            kind=PersonRoleKind.LEGAL_REPRESENTATIVE,
            started_on=role.started_on.isoformat(),
            ended_on=days_ago(1).isoformat(),
        ),
    )
    role.refresh_from_db()
    assert role.ended_on == days_ago(1)
    assert role.kind == PersonRoleKind.PRINCIPAL  # the kind stays what it was


# --- branches, changes, related companies, finances ---------------------------------------


@pytest.mark.parametrize(
    ("kind", "overrides", "field"),
    [
        ("branch", {"opened_on": "FUTURE"}, "opened_on"),
        ("branch", {"closed_on": days_ago(90).isoformat()}, "closed_on"),
        ("branch", {"name": ""}, "name"),
        ("change", {"changed_on": "FUTURE"}, "changed_on"),
        ("change", {"kind": ChangeKind.LEGAL_REPRESENTATIVE}, "kind"),
        ("change", {"new_value": ""}, "new_value"),
        ("related_company", {"credit_code": "91430423MA4L00000X"}, "credit_code"),
        ("related_company", {"name": ""}, "name"),
        ("finance", {"as_of": "FUTURE"}, "as_of"),
        ("finance", {"total_assets": "-1"}, "total_assets"),
        ("finance", {"total_liabilities": "-1"}, "total_liabilities"),
        ("finance", {"net_fixed_assets": "-1"}, "net_fixed_assets"),
    ],
    ids=[
        "branch-future",
        "branch-closed-before-opened",
        "branch-no-name",
        "change-future",
        "change-typed-legal-rep",
        "address-change-without-address",
        "company-bad-credit-code",
        "company-no-name",
        "finance-future",
        "finance-negative-assets",
        "finance-negative-liabilities",
        "finance-negative-fixed-assets",
    ],
)
def test_invalid_records_are_refused_on_their_field(
    client_for, township_user, institution, kind, overrides, field
):
    _factory, data, model = KINDS[kind]
    overrides = {k: tomorrow() if v == "FUTURE" else v for k, v in overrides.items()}
    response = client_for(township_user).post(create_url(kind, institution), data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert model.objects.count() == 0


def test_a_new_registered_address_moves_the_institution_and_counts(
    client_for, township_user, institution
):
    client_for(township_user).post(create_url("change", institution), change_data())
    institution.refresh_from_db()
    change = RegistrationChange.objects.get()
    assert institution.registered_address == "开云镇新街88号"
    assert change.old_value == "开云镇老街1号"
    assert institution.history.first().history_user == township_user
    assert figures_of(institution).address_changes_2y == 1


def test_an_older_address_change_does_not_move_the_current_address(township_user, institution):
    services.record_address_change(
        user=township_user, institution=institution, new_address="新址A", changed_on=days_ago(10)
    )
    services.record_registration_change(
        user=township_user,
        change=RegistrationChange(
            institution=institution,
            kind=ChangeKind.REGISTERED_ADDRESS,
            changed_on=days_ago(400),
            old_value="更早的地址",
            new_value="开云镇老街1号",
        ),
    )
    institution.refresh_from_db()
    assert institution.registered_address == "新址A"
    assert RegistrationChange.objects.count() == 2


def test_an_unchanged_address_records_nothing(township_user, institution):
    result = services.record_address_change(
        user=township_user,
        institution=institution,
        new_address="开云镇老街1号",
        changed_on=days_ago(1),
    )
    assert result is None
    assert RegistrationChange.objects.count() == 0


def test_a_branch_is_closed_not_deleted(client_for, township_user, institution):
    branch = BranchFactory(institution=institution, opened_on=days_ago(300))
    client = client_for(township_user)
    url = reverse("screening:branch_update", args=[branch.pk])
    client.post(
        url,
        version_of_page(client, url)
        | branch_data(opened_on=days_ago(300).isoformat(), closed_on=days_ago(2).isoformat()),
    )
    branch.refresh_from_db()
    assert branch.closed_on == days_ago(2)


# --- deletion by the county only ----------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_township_staff_never_delete(client_for, township_user, institution, kind):
    factory, _data, model = KINDS[kind]
    record = factory(institution=institution)
    response = client_for(township_user).post(
        reverse(f"screening:{kind}_delete", args=[record.pk]), {"confirm": "on"}
    )
    assert response.status_code == 403
    assert model.objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize("kind", KINDS)
def test_county_deletes_a_wrong_entry_and_history_keeps_it(
    client_for, county_user, institution, kind
):
    factory, _data, model = KINDS[kind]
    record = factory(institution=institution)
    response = client_for(county_user).post(
        reverse(f"screening:{kind}_delete", args=[record.pk]), {"confirm": "on"}
    )
    deletion = model.history.filter(id=record.pk).order_by("-history_date").first()
    assert response.status_code == 302
    assert not model.objects.filter(pk=record.pk).exists()
    assert deletion.history_type == "-"
    assert deletion.history_user == county_user


def test_deletion_needs_confirmation(client_for, county_user, institution):
    record = PrepaymentRecordFactory(institution=institution)
    client_for(county_user).post(reverse("screening:prepayment_delete", args=[record.pk]))
    assert PrepaymentRecord.objects.filter(pk=record.pk).exists()


# --- leader: read only --------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_leader_gets_403_on_every_write(client_for, leader, institution, kind):
    factory, data, model = KINDS[kind]
    record = factory(institution=institution)
    client = client_for(leader)
    update = reverse(f"screening:{kind}_update", args=[record.pk])
    responses = [
        client.get(create_url(kind, institution)),
        client.post(create_url(kind, institution), data()),
        client.get(update),
        client.post(update, data()),
        client.post(reverse(f"screening:{kind}_delete", args=[record.pk]), {"confirm": "on"}),
    ]
    assert [r.status_code for r in responses] == [403] * 5
    assert model.objects.count() == 1


# --- scoping: another township's institution and records answer 404 -----------------------


@pytest.mark.parametrize("kind", KINDS)
def test_another_townships_records_answer_404_on_every_page(
    client_for, township_user, other_institution, kind
):
    factory, data, model = KINDS[kind]
    record = factory(institution=other_institution)
    client = client_for(township_user)
    update = reverse(f"screening:{kind}_update", args=[record.pk])
    responses = {
        "create GET": client.get(create_url(kind, other_institution)),
        "create POST": client.post(create_url(kind, other_institution), data()),
        "update GET": client.get(update),
        "update POST": client.post(update, data()),
    }
    assert {k: r.status_code for k, r in responses.items()} == dict.fromkeys(responses, 404)
    assert model.objects.count() == 1


@pytest.mark.parametrize("kind", KINDS)
def test_another_countys_reviewer_gets_404_on_delete(client_for, institution, kind):
    factory, _data, model = KINDS[kind]
    record = factory(institution=institution)
    stranger = UserFactory(
        unit=TownshipFactory(parent=CountyFactory()).parent, role=Role.COUNTY_REVIEWER
    )
    response = client_for(stranger).post(
        reverse(f"screening:{kind}_delete", args=[record.pk]), {"confirm": "on"}
    )
    assert response.status_code == 404
    assert model.objects.filter(pk=record.pk).exists()


def test_another_townships_prepayment_list_and_export_answer_404(
    client_for, township_user, other_institution
):
    PrepaymentRecordFactory(institution=other_institution)
    client = client_for(township_user)
    assert (
        client.get(reverse("screening:prepayment_list", args=[other_institution.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("screening:prepayment_export", args=[other_institution.pk])).status_code
        == 404
    )


def test_create_without_an_institution_answers_404(client_for, township_user):
    assert client_for(township_user).get(reverse("screening:branch_create")).status_code == 404


# --- masking ------------------------------------------------------------------------------


def test_leader_sees_masked_id_numbers_and_phones_in_the_prepayment_list(
    client_for, leader, township_user, institution
):
    PrepaymentRecordFactory(
        institution=institution, payer_id_number=ID_1, payer_phone="13912345678"
    )
    url = reverse("screening:prepayment_list", args=[institution.pk])

    leader_html = client_for(leader).get(url).content.decode()
    staff_html = client_for(township_user).get(url).content.decode()

    assert ID_1 not in leader_html and "13912345678" not in leader_html
    assert ID_1[:6] + "*********" + ID_1[-3:] in leader_html
    assert "139****5678" in leader_html
    assert ID_1 in staff_html and "13912345678" in staff_html


def test_leader_sees_masked_personal_data_on_the_institution_page(client_for, leader, institution):
    PrepaymentRecordFactory(
        institution=institution, payer_id_number=ID_1, payer_phone="13912345678"
    )
    role = PersonRoleFactory(institution=institution)
    html = client_for(leader).get(institution.get_absolute_url()).content.decode()
    assert ID_1 not in html
    assert "13912345678" not in html
    assert role.person.id_number not in html
    assert role.person.name in html


def read_export(client, institution):
    response = client.get(reverse("screening:prepayment_export", args=[institution.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[3]]
    rows = [list(row) for row in sheet.iter_rows(min_row=4)]
    return header, rows


def test_export_masks_personal_data_for_the_leader(client_for, leader, township_user, institution):
    PrepaymentRecordFactory(
        institution=institution, payer_id_number=ID_1, payer_phone="13912345678"
    )
    header, leader_rows = read_export(client_for(leader), institution)
    _header, staff_rows = read_export(client_for(township_user), institution)
    id_col, phone_col = header.index("身份证号"), header.index("联系电话")

    assert leader_rows[0][id_col].value == ID_1[:6] + "*********" + ID_1[-3:]
    assert leader_rows[0][phone_col].value == "139****5678"
    assert staff_rows[0][id_col].value == ID_1
    assert staff_rows[0][phone_col].value == "13912345678"


def test_export_writes_typed_text_as_text_never_as_a_formula(
    client_for, township_user, institution
):
    PrepaymentRecordFactory(
        institution=institution,
        payer_name='=HYPERLINK("http://evil.example","点我")',
        payer_id_number="",
        payer_phone="+8613912345678",
        notes="@SUM(1+1)",
        promised_return_note="-2+3",
        amount=Decimal("1234.50"),
    )
    header, rows = read_export(client_for(township_user), institution)
    row = rows[0]
    cells = {name: row[header.index(name)] for name in header}

    for name, value in [
        ("缴费人", '=HYPERLINK("http://evil.example","点我")'),
        ("备注", "@SUM(1+1)"),
        ("承诺回报内容", "-2+3"),
    ]:
        assert cells[name].data_type == "s"
        assert cells[name].value == value
    assert cells["联系电话"].data_type == "s"
    assert cells["金额（元）"].data_type == "n"
    assert cells["金额（元）"].value == 1234.5


def test_export_lists_every_record_of_the_institution_only(
    client_for, township_user, institution, township
):
    PrepaymentRecordFactory.create_batch(3, institution=institution)
    PrepaymentRecordFactory(institution=InstitutionFactory(township=township))
    _header, rows = read_export(client_for(township_user), institution)
    assert len(rows) == 3


# --- the institution page's panels --------------------------------------------------------


def render_panels(user, institution):
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load screening_tags %}{% institution_screening_panels institution %}")
    return template.render(Context({"user": user, "request": request, "institution": institution}))


def add_records(institution, n):
    ScreeningVisitFactory.create_batch(n, institution=institution)
    PrepaymentRecordFactory.create_batch(n, institution=institution)
    PersonRoleFactory.create_batch(n, institution=institution, kind=PersonRoleKind.INVESTOR)
    BranchFactory.create_batch(n, institution=institution)
    RegistrationChangeFactory.create_batch(n, institution=institution)
    RelatedCompanyFactory.create_batch(n, institution=institution)
    FinancialSnapshotFactory.create_batch(n, institution=institution)


def test_panels_cost_the_same_queries_for_few_and_many_records(township_user, township):
    few, many = InstitutionFactory(township=township), InstitutionFactory(township=township)
    add_records(few, 1)
    add_records(many, 15)
    user = type(township_user).objects.select_related("unit").get(pk=township_user.pk)

    with CaptureQueriesContext(connection) as small:
        render_panels(user, few)
    with CaptureQueriesContext(connection) as large:
        render_panels(user, many)

    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(small.captured_queries) <= 20


def test_panels_offer_add_buttons_to_editors_only(township_user, leader, institution):
    editor_html = render_panels(township_user, institution)
    leader_html = render_panels(leader, institution)
    for name in KINDS:
        assert reverse(f"screening:{name}_create") in editor_html
        assert reverse(f"screening:{name}_create") not in leader_html
    assert reverse("screening:visit_create") in editor_html
    assert reverse("screening:visit_create") not in leader_html


def test_institution_page_shows_the_panels(client_for, township_user, institution):
    visit = ScreeningVisitFactory(institution=institution)
    response = client_for(township_user).get(institution.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="screening-visits"' in html
    assert reverse("screening:visit_detail", args=[visit.pk]) in html
