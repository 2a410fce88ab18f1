"""Spreadsheet imports: every kind's happy path, every kind of bad file, all or nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from institutions.models import Institution, RegistrationStatus
from screening.models import (
    BlacklistEntry,
    BlacklistKind,
    Complaint,
    ImportBatch,
    ImportStatus,
    Lawsuit,
    Lead,
    LeadChannel,
    LeadStatus,
    MatchStatus,
    Person,
    PrepaymentKind,
    PrepaymentRecord,
    SharedListEntry,
    SharedListSource,
)
from screening.services.importing.kinds import SPECS
from screening.services.importing.service import apply_batch, stage_import
from tests.factories import (
    CountyFactory,
    InstitutionFactory,
    TownshipFactory,
    UserFactory,
    make_credit_code,
)
from tests.screening.xlsx import (
    XLS_BYTES,
    id_number,
    lying_workbook,
    upload,
    workbook_bytes,
    wrong_check,
    xlsx_upload,
    zip_bomb,
)

pytestmark = pytest.mark.django_db

LAWSUIT_HEADERS = [
    "案号",
    "当事人",
    "身份证号",
    "统一社会信用代码",
    "案由",
    "立案日期",
    "是否经济犯罪",
]
TABLES = (
    ImportBatch,
    Lawsuit,
    BlacklistEntry,
    Complaint,
    SharedListEntry,
    Lead,
    PrepaymentRecord,
    Institution,
    Institution.history.model,
    Lawsuit.history.model,
)


def counts():
    return {model.__name__: model.objects.count() for model in TABLES}


def lawsuit_row(n, name=None, **overrides):
    row = {
        "案号": f"(2024)湘0423刑初{n}号",
        "当事人": name or f"当事人{n}",
        "身份证号": "",
        "统一社会信用代码": "",
        "案由": "非法吸收公众存款罪",
        "立案日期": date(2024, 3, 1),
        "是否经济犯罪": "是",
    }
    row.update(overrides)
    return [row[h] for h in LAWSUIT_HEADERS]


def stage(user, kind, headers, rows, **kwargs):
    return stage_import(user=user, kind=kind, uploaded=xlsx_upload(headers, rows, **kwargs))


def stage_and_apply(user, kind, headers, rows, **kwargs):
    batch = stage(user, kind, headers, rows, **kwargs)
    assert batch.status == ImportStatus.PREVIEWED, batch.errors
    return apply_batch(user=user, batch=batch)


def refused(user, kind, uploaded) -> str:
    before = counts()
    with pytest.raises(ValidationError) as info:
        stage_import(user=user, kind=kind, uploaded=uploaded)
    assert counts() == before
    return " ".join(info.value.messages)


def invalid(user, kind, headers, rows) -> ImportBatch:
    """A file whose rows have errors: kept as an invalid batch, and nothing else written."""
    before = counts()
    batch = stage(user, kind, headers, rows)
    assert batch.status == ImportStatus.INVALID
    after = counts()
    assert after.pop("ImportBatch") == before.pop("ImportBatch") + 1
    assert after == before
    with pytest.raises(ValidationError):
        apply_batch(user=user, batch=batch)
    assert counts()["Lawsuit"] == before["Lawsuit"]
    return batch


def messages_of(batch):
    return [(e["row"], e["column"], e["message"]) for e in batch.errors]


# --- each kind's happy path -------------------------------------------------------------------


def test_county_imports_lawsuits_and_matches_them_by_id_number_and_credit_code(
    county_user, township
):
    person = Person.objects.create(name="王建国", id_number=id_number(1), unit=township)
    company = InstitutionFactory(township=township, name="开云康养有限公司")
    rows = [
        lawsuit_row(1, "王建国", 身份证号=id_number(1)),
        lawsuit_row(2, "开云康养有限公司", 统一社会信用代码=company.credit_code),
        lawsuit_row(3, "无名氏", 是否经济犯罪="否"),
    ]

    batch = stage_and_apply(county_user, "lawsuits", LAWSUIT_HEADERS, rows)

    assert batch.status == ImportStatus.APPLIED
    assert batch.rows_applied == 3
    by_person = Lawsuit.objects.get(subject_name="王建国")
    assert by_person.person == person
    assert by_person.match_status == MatchStatus.MATCHED
    assert by_person.economic_crime is True
    assert by_person.filed_on == date(2024, 3, 1)
    assert by_person.batch == batch
    by_code = Lawsuit.objects.get(subject_name="开云康养有限公司")
    assert by_code.institution == company
    assert by_code.match_status == MatchStatus.MATCHED
    assert by_code.scope_path == company.scope_path  # the scope follows the institution
    nobody = Lawsuit.objects.get(subject_name="无名氏")
    assert nobody.match_status == MatchStatus.UNMATCHED
    assert nobody.economic_crime is False
    assert nobody.scope_path == county_user.unit.path
    assert nobody.normalised_name == "无名氏"
    assert nobody.history.get().history_user == county_user


def test_county_imports_a_blacklist(county_user, township):
    company = InstitutionFactory(township=township)
    batch = stage_and_apply(
        county_user,
        "blacklist",
        ["名称", "统一社会信用代码", "名单类别", "列入原因", "列入日期"],
        [
            [company.name, company.credit_code, "养老服务", "虚假宣传", "2024-02-01"],
            ["李四", "", "信用中国失信名单", "失信被执行人", date(2023, 5, 6)],
        ],
    )
    assert batch.rows_applied == 2
    entry = BlacklistEntry.objects.get(institution=company)
    assert entry.list_kind == BlacklistKind.ELDER_CARE
    assert entry.match_status == MatchStatus.MATCHED
    assert entry.listed_on == date(2024, 2, 1)
    assert BlacklistEntry.objects.get(subject_name="李四").list_kind == BlacklistKind.CREDIT_CHINA


def test_county_imports_complaints(county_user, township):
    batch = stage_and_apply(
        county_user,
        "complaints",
        ["被投诉对象", "受理日期", "渠道", "投诉内容", "编号"],
        [
            ["福寿养老院", "2024/4/2", "12345", "诱导老人办卡充值", "GD-001"],
            ["福寿养老院", "2024年4月3日", "来访", "承诺高额回报", ""],
        ],
    )
    assert batch.rows_applied == 2
    assert Complaint.objects.get(reference="GD-001").received_on == date(2024, 4, 2)
    assert Complaint.objects.get(reference="").received_on == date(2024, 4, 3)


def test_county_imports_a_shared_list_and_unmatched_entries_are_seen_by_their_township(
    county_user, township, township_user
):
    registered = InstitutionFactory(township=township)
    batch = stage_and_apply(
        county_user,
        "shared_list",
        ["企业名称", "统一社会信用代码", "来源部门", "住所", "经营范围", "成立日期", "乡镇"],
        [
            [registered.name, registered.credit_code, "市场监管", "", "养老服务", "2023-01-01", ""],
            [
                "开云颐康养老服务有限公司",
                "",
                "金民工程",
                "开云镇8号",
                "养老服务",
                "2024-01-05",
                "开云镇",
            ],
        ],
    )
    assert batch.rows_applied == 2
    matched = SharedListEntry.objects.get(credit_code=registered.credit_code)
    assert matched.institution == registered
    assert matched.source == SharedListSource.MARKET_REGULATION
    candidate = SharedListEntry.objects.get(subject_name="开云颐康养老服务有限公司")
    assert candidate.match_status == MatchStatus.UNMATCHED
    assert candidate.source == SharedListSource.JINMIN
    assert candidate.township == township
    assert candidate.scope_path == township.path
    assert SharedListEntry.objects.visible_to(township_user).filter(pk=candidate.pk).exists()


def test_a_phone_that_is_not_one_is_refused_on_its_row_and_nothing_is_applied(
    county_user, township
):
    headers = [
        "乡镇（街道）",
        "线索来源",
        "编号",
        "受理日期",
        "举报人",
        "联系电话",
        "被举报对象",
        "线索内容",
    ]
    good = ["开云镇", "12337", "L-1", "2024-05-01", "张三", "0734-5820307", "某养老院", "会员费"]
    bad = ["开云镇", "12345热线", "L-2", "2024-05-02", "李四", "12345", "某养老院", "炒床位"]

    batch = invalid(county_user, "leads", headers, [good, bad])

    [(row, column, message)] = messages_of(batch)
    assert (row, column) == (3, "联系电话") and "12345" in message


def test_county_imports_leads_for_each_township(county_user, township, other_township):
    institution = InstitutionFactory(township=other_township)
    batch = stage_and_apply(
        county_user,
        "leads",
        [
            "乡镇（街道）",
            "线索来源",
            "编号",
            "受理日期",
            "举报人",
            "联系电话",
            "被举报对象",
            "线索内容",
            "统一社会信用代码",
        ],
        [
            [
                "开云镇",
                "12337",
                "L-1",
                "2024-05-01",
                "张三",
                "13900001111",
                "某养老院",
                "收取会员费",
                "",
            ],
            [
                "白果镇",
                "12345热线",
                "L-2",
                "2024-05-02",
                "",
                "",
                institution.name,
                "炒床位",
                institution.credit_code,
            ],
        ],
    )
    assert batch.rows_applied == 2
    first = Lead.objects.get(reference="L-1")
    assert first.unit == township
    assert first.channel == LeadChannel.PLATFORM_12337
    assert first.status == LeadStatus.RECEIVED
    assert first.scope_path == township.path
    assert first.created_by == county_user
    second = Lead.objects.get(reference="L-2")
    assert second.institution == institution
    assert second.channel == LeadChannel.HOTLINE_12345
    assert second.scope_path == institution.scope_path


def test_county_imports_a_prepayment_list_by_credit_code_or_exact_name(county_user, township):
    by_code = InstitutionFactory(township=township)
    by_name = InstitutionFactory(township=township, name="开云镇福寿养老院")
    payer = id_number(7)
    batch = stage_and_apply(
        county_user,
        "prepayments",
        [
            "机构名称",
            "统一社会信用代码",
            "缴费人",
            "身份证号",
            "预付费类型",
            "金额（元）",
            "缴费日期",
            "月收费标准（元）",
            "是否承诺回报",
        ],
        [
            ["", by_code.credit_code, "刘奶奶", payer, "会员费", 60000, "2024-01-02", 2500, "否"],
            [
                "开云镇 福寿养老院",
                "",
                "陈爷爷",
                "",
                "认购床位",
                "100,000.00",
                "2024-01-03",
                "",
                "是",
            ],
        ],
    )
    assert batch.rows_applied == 2
    first = PrepaymentRecord.objects.get(institution=by_code)
    assert first.kind == PrepaymentKind.MEMBERSHIP
    assert first.amount == Decimal("60000.00")
    assert first.monthly_fee == Decimal("2500.00")
    assert first.payer_key == f"id:{payer}"
    assert first.scope_path == by_code.scope_path
    second = PrepaymentRecord.objects.get(institution=by_name)
    assert second.kind == PrepaymentKind.INVESTMENT
    assert second.amount == Decimal("100000.00")
    assert second.promised_return is True
    assert second.payer_key == "name:陈爷爷"


def test_roster_creates_new_institutions_and_updates_existing_ones_with_history(
    county_user, township, other_township
):
    existing = InstitutionFactory(township=township, beds=50, legal_representative="张建国")
    new_code = make_credit_code(9001)
    batch = stage(
        county_user,
        "roster",
        [
            "机构名称",
            "统一社会信用代码",
            "乡镇（街道）",
            "备案状态",
            "法人类型",
            "运营方式",
            "床位数",
            "法定代表人",
            "成立日期",
        ],
        [
            [existing.name, existing.credit_code, "开云镇", "", "", "", 80, "李新", ""],
            [
                "白果镇夕阳红养老院",
                new_code,
                "白果镇",
                "未备案",
                "民办非企业单位",
                "民办",
                30,
                "赵六",
                "2020-06-01",
            ],
        ],
    )
    assert batch.status == ImportStatus.PREVIEWED, batch.errors
    assert [item["action"] for item in batch.payload] == ["update", "create"]

    apply_batch(user=county_user, batch=batch)

    existing.refresh_from_db()
    assert existing.beds == 80
    assert existing.legal_representative == "李新"
    assert existing.principal == "李秀英"  # a blank or absent cell never erases
    latest = existing.history.order_by("-history_date", "-pk").first()
    assert latest.history_user == county_user
    assert latest.history_type == "~"
    created = Institution.objects.get(credit_code=new_code)
    assert created.township == other_township
    assert created.registration_status == RegistrationStatus.REGISTERED_NOT_FILED
    assert created.legal_form == "social_service"
    assert created.ownership == "private"
    assert created.scope_path == other_township.path
    assert created.established_on == date(2020, 6, 1)
    assert created.history.get().history_user == county_user


def test_roster_moving_an_institution_moves_its_records_along(
    county_user, township, other_township
):
    institution = InstitutionFactory(township=township)
    record = PrepaymentRecord.objects.create(
        institution=institution,
        payer_name="刘奶奶",
        kind=PrepaymentKind.DEPOSIT,
        amount=Decimal("1000"),
        paid_on=date(2024, 1, 1),
    )
    stage_and_apply(
        county_user,
        "roster",
        ["机构名称", "统一社会信用代码", "乡镇（街道）"],
        [[institution.name, institution.credit_code, "白果镇"]],
    )
    institution.refresh_from_db()
    record.refresh_from_db()
    assert institution.township == other_township
    assert institution.scope_path == other_township.path
    assert record.scope_path == other_township.path


# --- the header row ---------------------------------------------------------------------------


def test_a_title_row_above_the_header_is_allowed(county_user):
    batch = stage(
        county_user, "lawsuits", LAWSUIT_HEADERS, [lawsuit_row(1)], title="衡山县涉诉情况汇总表"
    )
    assert batch.status == ImportStatus.PREVIEWED
    assert batch.payload[0]["row"] == 3  # as Excel numbers it: title, header, first row


def test_missing_column_is_named_with_the_columns_found(county_user):
    headers = [h for h in LAWSUIT_HEADERS if h != "案由"]
    rows = [[v for h, v in zip(LAWSUIT_HEADERS, lawsuit_row(1), strict=True) if h != "案由"]]
    message = refused(county_user, "lawsuits", xlsx_upload(headers, rows))
    assert "缺少必填列：案由" in message
    assert "案号" in message and "当事人" in message


def test_alias_of_a_column_is_accepted(county_user):
    headers = ["案件编号", "被告人", "罪名", "判决日期"]
    batch = stage(
        county_user,
        "lawsuits",
        headers,
        [["(2024)湘0423刑初9号", "王五", "集资诈骗罪", "2024-01-01"]],
    )
    assert batch.status == ImportStatus.PREVIEWED
    apply_batch(user=county_user, batch=batch)
    suit = Lawsuit.objects.get()
    assert (suit.subject_name, suit.cause, suit.filed_on) == (
        "王五",
        "集资诈骗罪",
        date(2024, 1, 1),
    )


def test_unknown_renamed_column_is_refused(county_user):
    headers = ["案号", "当事人名字", "案由"]
    message = refused(county_user, "lawsuits", xlsx_upload(headers, [["A1", "王五", "诈骗罪"]]))
    assert "缺少必填列：当事人" in message
    assert "当事人名字" in message


def test_a_sheet_without_any_known_header_is_refused(county_user):
    message = refused(county_user, "lawsuits", xlsx_upload(["甲", "乙"], [["1", "2"]]))
    assert "未找到表头" in message


def test_a_header_without_rows_is_refused(county_user):
    message = refused(county_user, "lawsuits", xlsx_upload(LAWSUIT_HEADERS, []))
    assert "没有数据" in message


# --- bad cells: the whole file is refused, every error listed ---------------------------------


def test_bad_credit_code_is_reported_by_row_and_column(county_user):
    code = make_credit_code(5)
    bad = code[:-1] + ("0" if code[-1] != "0" else "1")
    batch = invalid(
        county_user, "lawsuits", LAWSUIT_HEADERS, [lawsuit_row(1, 统一社会信用代码=bad)]
    )
    [(row, column, message)] = messages_of(batch)
    assert (row, column) == (2, "统一社会信用代码")
    assert "校验位错误" in message


def test_bad_id_number_check_character_is_refused(county_user):
    batch = invalid(
        county_user,
        "lawsuits",
        LAWSUIT_HEADERS,
        [lawsuit_row(1, 身份证号=wrong_check(id_number(3)))],
    )
    [(row, column, message)] = messages_of(batch)
    assert (row, column) == (2, "身份证号")
    assert "公民身份号码" in message and "校验" in message
    assert id_number(3)[6:14] not in message  # the number is masked in the message


def test_id_number_stored_as_a_number_is_refused_with_advice(county_user):
    batch = invalid(
        county_user, "lawsuits", LAWSUIT_HEADERS, [lawsuit_row(1, 身份证号=4.30423195501011e17)]
    )
    assert "文本" in messages_of(batch)[0][2]


def test_a_date_in_the_future_is_refused(county_user):
    tomorrow = date.today() + timedelta(days=2)
    batch = invalid(county_user, "lawsuits", LAWSUIT_HEADERS, [lawsuit_row(1, 立案日期=tomorrow)])
    [(row, column, message)] = messages_of(batch)
    assert column == "立案日期"
    assert "晚于今天" in message


def test_a_date_that_is_not_a_date_is_refused(county_user):
    batch = invalid(county_user, "lawsuits", LAWSUIT_HEADERS, [lawsuit_row(1, 立案日期="去年春天")])
    assert "不是日期" in messages_of(batch)[0][2]


def test_a_negative_amount_is_refused(county_user, township):
    institution = InstitutionFactory(township=township)
    batch = invalid(
        county_user,
        "prepayments",
        ["统一社会信用代码", "缴费人", "预付费类型", "金额（元）", "缴费日期"],
        [[institution.credit_code, "刘奶奶", "押金", -5000, "2024-01-01"]],
    )
    [(row, column, message)] = messages_of(batch)
    assert column == "金额（元）"
    assert "不能为负数" in message
    assert PrepaymentRecord.objects.count() == 0


def test_a_refund_larger_than_the_payment_is_refused(county_user, township):
    institution = InstitutionFactory(township=township)
    batch = invalid(
        county_user,
        "prepayments",
        ["统一社会信用代码", "缴费人", "预付费类型", "金额（元）", "缴费日期", "已退还金额（元）"],
        [[institution.credit_code, "刘奶奶", "押金", 5000, "2024-01-01", 6000]],
    )
    assert messages_of(batch)[0][1] == "已退还金额（元）"


def test_a_refund_on_an_imported_payment_is_an_entry_of_the_ledger(county_user, township):
    institution = InstitutionFactory(township=township)
    stage_and_apply(
        county_user,
        "prepayments",
        [
            "统一社会信用代码",
            "缴费人",
            "预付费类型",
            "金额（元）",
            "缴费日期",
            "已退还金额（元）",
            "退还日期",
        ],
        [[institution.credit_code, "刘奶奶", "押金", 5000, "2024-01-01", 2000, "2024-03-01"]],
    )

    record = PrepaymentRecord.objects.get(institution=institution)
    [entry] = record.refunds.all()
    assert (entry.amount, entry.refunded_on) == (Decimal("2000"), date(2024, 3, 1))
    assert (entry.created_by, entry.scope_path) == (county_user, institution.scope_path)
    assert record.refunded_amount == Decimal("2000")
    assert entry.history.get().history_user == county_user


def test_an_imported_refund_needs_its_date(county_user, township):
    institution = InstitutionFactory(township=township)
    batch = invalid(
        county_user,
        "prepayments",
        ["统一社会信用代码", "缴费人", "预付费类型", "金额（元）", "缴费日期", "已退还金额（元）"],
        [[institution.credit_code, "刘奶奶", "押金", 5000, "2024-01-01", 2000]],
    )
    assert messages_of(batch)[0][1] == "退还日期"


def test_an_unknown_choice_lists_the_accepted_labels(county_user):
    batch = invalid(
        county_user,
        "blacklist",
        ["名称", "名单类别"],
        [["李四", "红名单"]],
    )
    [(row, column, message)] = messages_of(batch)
    assert column == "名单类别"
    assert "红名单" in message and "养老服务黑名单" in message


def test_an_empty_required_cell_is_refused(county_user):
    batch = invalid(county_user, "lawsuits", LAWSUIT_HEADERS, [lawsuit_row(1, 案由="")])
    assert messages_of(batch) == [(2, "案由", "此列为必填项，该单元格为空。")]


def test_duplicate_rows_in_the_file_are_refused(county_user):
    batch = invalid(
        county_user,
        "lawsuits",
        LAWSUIT_HEADERS,
        [lawsuit_row(1, "王建国"), lawsuit_row(2), lawsuit_row(1, "王 建国")],
    )
    [(row, column, message)] = messages_of(batch)
    assert row == 4
    assert "与第2行重复" in message


def test_a_township_outside_the_users_area_is_refused(county_user):
    foreign = TownshipFactory(name="外县镇", parent=CountyFactory(name="衡东县"))
    batch = invalid(
        county_user,
        "leads",
        ["乡镇（街道）", "线索来源", "受理日期", "被举报对象", "线索内容"],
        [[foreign.name, "12337", "2024-05-01", "某养老院", "收取会员费"]],
    )
    assert "外县镇" in messages_of(batch)[0][2]


def test_prepayments_for_an_unknown_or_ambiguous_institution_are_refused(county_user, township):
    InstitutionFactory(township=township, name="同名养老院")
    InstitutionFactory(township=township, name="同名养老院")
    batch = invalid(
        county_user,
        "prepayments",
        ["机构名称", "缴费人", "预付费类型", "金额（元）", "缴费日期"],
        [
            ["同名养老院", "刘奶奶", "押金", 5000, "2024-01-01"],
            ["查无此院", "陈爷爷", "押金", 5000, "2024-01-01"],
        ],
    )
    [first, second] = messages_of(batch)
    assert "多个机构" in first[2]
    assert "查无此院" in second[2]


def test_99_good_rows_and_1_bad_row_write_nothing(county_user):
    rows = [lawsuit_row(n) for n in range(1, 100)]
    rows.insert(50, lawsuit_row(500, 身份证号="123"))
    batch = invalid(county_user, "lawsuits", LAWSUIT_HEADERS, rows)
    assert batch.rows_total == 100
    assert [(e["row"], e["column"]) for e in batch.errors] == [(52, "身份证号")]
    assert Lawsuit.objects.count() == 0


# --- bad files: a clear message and nothing written -------------------------------------------


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(county_user):
    content = workbook_bytes(LAWSUIT_HEADERS, [lawsuit_row(1)])
    too_big = content + b"\0" * (5 * 1024 * 1024)
    message = refused(county_user, "lawsuits", upload(too_big))
    assert "不接受大于" in message


def test_the_size_limit_can_be_changed_in_settings(county_user, settings):
    settings.IMPORT_MAX_FILE_SIZE = 1024
    message = refused(county_user, "lawsuits", xlsx_upload(LAWSUIT_HEADERS, [lawsuit_row(1)]))
    assert "1.0 KB" in message or "1.0 KB".replace(" ", "\xa0") in message


def test_text_renamed_to_xlsx_is_refused(county_user):
    csv = "案号,当事人,案由\n(2024)1号,王五,诈骗罪\n".encode()
    message = refused(county_user, "lawsuits", upload(csv, name="诉讼.xlsx"))
    assert "不是Excel工作簿" in message


def test_an_old_xls_binary_renamed_to_xlsx_is_refused(county_user):
    message = refused(county_user, "lawsuits", upload(XLS_BYTES, name="诉讼.xlsx"))
    assert ".xls" in message and "另存为" in message


def test_an_xls_file_is_refused_with_advice_to_save_as_xlsx(county_user):
    message = refused(county_user, "lawsuits", upload(XLS_BYTES, name="诉讼.xls"))
    assert "另存为" in message


def test_a_csv_file_is_refused(county_user):
    message = refused(county_user, "lawsuits", upload(b"a,b\n1,2\n", name="list.csv"))
    assert "只接受" in message


def test_a_zip_that_is_not_a_workbook_is_refused(county_user):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    message = refused(county_user, "lawsuits", upload(buffer.getvalue()))
    assert "不是Excel工作簿" in message


def test_a_zip_bomb_disguised_as_xlsx_is_refused_before_it_is_unpacked(county_user):
    bomb = zip_bomb(100)
    assert len(bomb) < 1024 * 1024  # small on the wire, 100 MB unpacked
    message = refused(county_user, "lawsuits", upload(bomb, name="诉讼.xlsx"))
    assert "解压后" in message


def test_a_damaged_workbook_is_refused(county_user):
    content = workbook_bytes(LAWSUIT_HEADERS, [lawsuit_row(1)])
    message = refused(county_user, "lawsuits", upload(content[: len(content) // 2]))
    assert "损坏" in message


def test_too_many_rows_are_refused(county_user, settings):
    settings.IMPORT_MAX_ROWS = 5
    message = refused(
        county_user,
        "lawsuits",
        xlsx_upload(LAWSUIT_HEADERS, [lawsuit_row(n) for n in range(6)]),
    )
    assert "超过5行" in message


# --- rows already in the database, applying twice ---------------------------------------------


def test_rows_already_imported_are_reported_and_skipped(county_user):
    stage_and_apply(county_user, "lawsuits", LAWSUIT_HEADERS, [lawsuit_row(1), lawsuit_row(2)])

    batch = stage(county_user, "lawsuits", LAWSUIT_HEADERS, [lawsuit_row(2), lawsuit_row(3)])

    assert batch.status == ImportStatus.PREVIEWED
    assert [item["action"] for item in batch.payload] == ["skip", "create"]
    assert "已在系统中" in batch.payload[0]["note"]
    apply_batch(user=county_user, batch=batch)
    batch.refresh_from_db()
    assert batch.rows_applied == 1
    assert Lawsuit.objects.count() == 3


def test_applying_a_batch_twice_imports_once(county_user):
    batch = stage(county_user, "lawsuits", LAWSUIT_HEADERS, [lawsuit_row(1), lawsuit_row(2)])
    apply_batch(user=county_user, batch=batch)
    with pytest.raises(ValidationError) as info:
        apply_batch(user=county_user, batch=batch)
    assert "已经导入" in " ".join(info.value.messages)
    assert Lawsuit.objects.count() == 2


def test_apply_refuses_everything_when_the_registry_changed_since_the_preview(
    county_user, township
):
    institution = InstitutionFactory(township=township)
    batch = stage(
        county_user,
        "prepayments",
        ["统一社会信用代码", "缴费人", "预付费类型", "金额（元）", "缴费日期"],
        [
            [institution.credit_code, "刘奶奶", "押金", 5000, "2024-01-01"],
            [institution.credit_code, "陈爷爷", "押金", 5000, "2024-01-01"],
        ],
    )
    assert batch.status == ImportStatus.PREVIEWED
    # The institution moves to another county before the county applies the list.
    Institution.objects.filter(pk=institution.pk).update(
        township=TownshipFactory(), scope_path="/999/"
    )

    with pytest.raises(ValidationError):
        apply_batch(user=county_user, batch=batch)

    assert PrepaymentRecord.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == ImportStatus.INVALID
    assert len(batch.errors) == 2


def test_apply_is_one_transaction(county_user, monkeypatch):
    batch = stage(county_user, "lawsuits", LAWSUIT_HEADERS, [lawsuit_row(n) for n in range(5)])
    spec = SPECS["lawsuits"]

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(type(spec), "before_write", fail)
    with pytest.raises(RuntimeError):
        apply_batch(user=county_user, batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEWED
    assert Lawsuit.objects.count() == 0


# --- who may import ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.TOWNSHIP_STAFF, Role.LEADER])
def test_only_the_county_section_imports(role, township, county):
    user = UserFactory(role=role, unit=township if role == Role.TOWNSHIP_STAFF else county)
    with pytest.raises(PermissionDenied):
        stage(user, "lawsuits", LAWSUIT_HEADERS, [lawsuit_row(1)])


def profile(captured):
    """(queries other than inserts, inserts): bulk inserts are split by the database into
    chunks of a few hundred parameters, everything else must not depend on the rows."""
    inserts = sum(1 for q in captured.captured_queries if q["sql"].startswith("INSERT"))
    return len(captured) - inserts, inserts


def test_apply_query_count_does_not_grow_with_the_rows(county_user, township):
    Person.objects.create(name="王建国", id_number=id_number(1), unit=township)

    def queries_for(n):
        rows = [lawsuit_row(i + n * 1000) for i in range(n)]
        rows[0] = lawsuit_row(n * 1000, "王建国", 身份证号=id_number(1))
        batch = stage(county_user, "lawsuits", LAWSUIT_HEADERS, rows)
        with CaptureQueriesContext(connection) as captured:
            apply_batch(user=county_user, batch=batch)
        assert Lawsuit.objects.filter(batch=batch).count() == n
        return profile(captured)

    small, large = queries_for(10), queries_for(200)
    assert small[0] == large[0]
    assert large[1] <= 2 * 8  # records and their history, a few chunks each at most


@pytest.mark.parametrize("n", [10, 200])
def test_apply_takes_a_bounded_number_of_queries(county_user, django_assert_max_num_queries, n):
    batch = stage(county_user, "lawsuits", LAWSUIT_HEADERS, [lawsuit_row(i) for i in range(n)])
    with django_assert_max_num_queries(25):
        apply_batch(user=county_user, batch=batch)
    assert Lawsuit.objects.count() == n


@pytest.mark.parametrize(
    ("kind", "headers", "make_row"),
    [
        (
            "leads",
            ["乡镇（街道）", "线索来源", "受理日期", "被举报对象", "线索内容"],
            lambda n: ["开云镇", "12337", "2024-05-01", f"对象{n}", "内容"],
        ),
        (
            "complaints",
            ["被投诉对象", "受理日期", "投诉内容", "编号"],
            lambda n: [f"对象{n}", "2024-05-01", "内容", f"R{n}"],
        ),
        ("shared_list", ["名称", "乡镇（街道）"], lambda n: [f"企业{n}", "开云镇"]),
        (
            "roster",
            ["机构名称", "统一社会信用代码", "乡镇（街道）"],
            lambda n: [f"养老院{n}", make_credit_code(20000 + n), "开云镇"],
        ),
    ],
)
def test_stage_and_apply_query_counts_do_not_depend_on_the_rows_for_every_kind(
    county_user, township, kind, headers, make_row
):
    def queries_for(start, n):
        rows = [make_row(start + i) for i in range(n)]
        with CaptureQueriesContext(connection) as staged:
            batch = stage(county_user, kind, headers, rows)
        assert batch.status == ImportStatus.PREVIEWED, batch.errors
        with CaptureQueriesContext(connection) as applied:
            apply_batch(user=county_user, batch=batch)
        return len(staged), profile(applied)[0]

    assert queries_for(0, 5) == queries_for(100, 120)


def test_prepayment_apply_query_count_does_not_depend_on_the_rows(county_user, township):
    institutions = [InstitutionFactory(township=township) for _ in range(3)]
    headers = ["统一社会信用代码", "缴费人", "身份证号", "预付费类型", "金额（元）", "缴费日期"]

    def queries_for(start, n):
        rows = [
            [
                institutions[i % 3].credit_code,
                f"老人{start + i}",
                id_number(start + i),
                "押金",
                1000,
                "2024-01-01",
            ]
            for i in range(n)
        ]
        batch = stage(county_user, "prepayments", headers, rows)
        assert batch.status == ImportStatus.PREVIEWED, batch.errors
        with CaptureQueriesContext(connection) as applied:
            apply_batch(user=county_user, batch=batch)
        return profile(applied)[0]

    assert queries_for(0, 5) == queries_for(100, 120)


# --- the template -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(SPECS))
def test_the_template_of_each_kind_has_the_expected_headers_and_reads_back(
    client_for, county_user, kind
):
    response = client_for(county_user).get(reverse("screening:import_template", args=[kind]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    headers = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert headers == [column.header for column in SPECS[kind].columns]
    # An empty template is a readable file with no data.
    message = refused(county_user, kind, upload(response.content))
    assert "没有数据" in message


@pytest.mark.parametrize("kind", list(SPECS))
def test_a_template_downloads_under_a_chinese_name_for_what_it_is(client_for, county_user, kind):
    from urllib.parse import unquote

    response = client_for(county_user).get(reverse("screening:import_template", args=[kind]))

    filename = unquote(response["Content-Disposition"].split("filename*=utf-8''")[-1])
    assert SPECS[kind].document and filename == f"{SPECS[kind].document}导入模板.xlsx"


# --- pages ------------------------------------------------------------------------------------


def test_county_uploads_previews_and_applies_through_the_pages(client_for, county_user):
    client = client_for(county_user)
    assert client.get(reverse("screening:import_upload") + "?kind=lawsuits").status_code == 200

    response = client.post(
        reverse("screening:import_upload"),
        {
            "kind": "lawsuits",
            "file": xlsx_upload(LAWSUIT_HEADERS, [lawsuit_row(1), lawsuit_row(2)]),
        },
    )

    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("screening:import_preview", args=[batch.pk])
    preview = client.get(response["Location"]).content.decode()
    assert "(2024)湘0423刑初1号" in preview
    assert "确认导入" in preview
    assert Lawsuit.objects.count() == 0

    response = client.post(reverse("screening:import_apply", args=[batch.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("screening:import_list")
    page = response.content.decode()
    assert "写入2行" in page
    assert batch.file_name in page
    assert Lawsuit.objects.count() == 2
    again = client.post(reverse("screening:import_apply", args=[batch.pk]), follow=True)
    assert "已经导入过了" in again.content.decode()
    assert Lawsuit.objects.count() == 2


def test_a_bad_file_shows_its_message_on_the_form(client_for, county_user):
    response = client_for(county_user).post(
        reverse("screening:import_upload"),
        {"kind": "lawsuits", "file": upload(b"not a workbook", name="a.xlsx")},
    )
    assert response.status_code == 200
    assert "不是Excel工作簿" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_the_preview_of_a_bad_file_lists_every_error_and_offers_no_apply(client_for, county_user):
    client = client_for(county_user)
    rows = [lawsuit_row(1, 身份证号="123"), lawsuit_row(2, 立案日期="2999-01-01")]
    response = client.post(
        reverse("screening:import_upload"),
        {"kind": "lawsuits", "file": xlsx_upload(LAWSUIT_HEADERS, rows)},
        follow=True,
    )
    page = response.content.decode()
    assert "未导入任何数据" in page
    assert "身份证号" in page and "立案日期" in page
    assert "晚于今天" in page
    assert "确认导入" not in page
    batch = ImportBatch.objects.get()
    assert client.post(reverse("screening:import_apply", args=[batch.pk])).status_code == 302
    assert Lawsuit.objects.count() == 0


@pytest.mark.parametrize("role", [Role.TOWNSHIP_STAFF, Role.LEADER])
def test_township_staff_and_leaders_get_403_on_every_import_page(
    client_for, role, county, township
):
    county_user = UserFactory(role=Role.COUNTY_REVIEWER, unit=county)
    batch = stage(county_user, "lawsuits", LAWSUIT_HEADERS, [lawsuit_row(1)])
    user = UserFactory(role=role, unit=township if role == Role.TOWNSHIP_STAFF else county)
    client = client_for(user)
    for url in (
        reverse("screening:import_list"),
        reverse("screening:import_upload"),
        reverse("screening:import_preview", args=[batch.pk]),
        reverse("screening:import_template", args=["lawsuits"]),
    ):
        assert client.get(url).status_code == 403, url
    upload_response = client.post(
        reverse("screening:import_upload"),
        {"kind": "lawsuits", "file": xlsx_upload(LAWSUIT_HEADERS, [lawsuit_row(2)])},
    )
    assert upload_response.status_code == 403
    assert client.post(reverse("screening:import_apply", args=[batch.pk])).status_code == 403
    assert ImportBatch.objects.count() == 1
    assert Lawsuit.objects.count() == 0


def test_another_countys_batch_is_not_found(client_for, county_user):
    batch = stage(county_user, "lawsuits", LAWSUIT_HEADERS, [lawsuit_row(1)])
    other = UserFactory(role=Role.COUNTY_REVIEWER, unit=CountyFactory(name="衡东县"))
    client = client_for(other)
    assert client.get(reverse("screening:import_preview", args=[batch.pk])).status_code == 404
    assert client.post(reverse("screening:import_apply", args=[batch.pk])).status_code == 404
    assert batch.file_name not in client.get(reverse("screening:import_list")).content.decode()
    assert Lawsuit.objects.count() == 0
    with pytest.raises(PermissionDenied):
        apply_batch(user=other, batch=batch)


def test_the_import_list_shows_the_history_in_a_constant_number_of_queries(
    client_for, county_user, django_assert_max_num_queries
):
    for n in range(12):
        stage(county_user, "lawsuits", LAWSUIT_HEADERS, [lawsuit_row(n)], name=f"第{n}批.xlsx")
    client = client_for(county_user)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("screening:import_list")).content.decode()
    assert "第11批.xlsx" in page


def test_an_unknown_template_kind_is_not_found(client_for, county_user):
    response = client_for(county_user).get(reverse("screening:import_template", args=["visits"]))
    assert response.status_code == 404


def test_a_workbook_whose_sheet_is_larger_than_declared_is_refused(county_user):
    content = workbook_bytes(LAWSUIT_HEADERS, [lawsuit_row(1)])
    message = refused(county_user, "lawsuits", upload(lying_workbook(content)))
    assert "损坏" in message


def test_a_file_with_only_known_rows_offers_nothing_to_apply(client_for, county_user):
    stage_and_apply(county_user, "lawsuits", LAWSUIT_HEADERS, [lawsuit_row(1)])
    batch = stage(county_user, "lawsuits", LAWSUIT_HEADERS, [lawsuit_row(1)])
    page = client_for(county_user).get(reverse("screening:import_preview", args=[batch.pk]))
    content = page.content.decode()
    assert "没有新数据需要导入" in content
    assert 'name="apply"' not in content


def test_an_applied_import_rerates_its_unit_once_it_commits(
    county_user, township, django_capture_on_commit_callbacks
):
    """A bulk import sends no save signals; the rating hears of it all the same."""
    from risklists.models import RatingState

    venue = InstitutionFactory(
        township=township,
        registration_status=RegistrationStatus.UNREGISTERED,
        credit_code="",
    )
    with django_capture_on_commit_callbacks(execute=True):
        stage_and_apply(
            county_user,
            "prepayments",
            ["机构名称", "缴费人", "预付费类型", "金额（元）", "缴费日期"],
            [[venue.name, "刘奶奶", "认购床位", 80000, "2024-01-02"]],
        )
    proposal = RatingState.objects.get(institution=venue).proposal
    assert proposal.level == "red" and "R1" in proposal.codes


# --- across counties, contradictions and formulas (issue 19, finding 6) ------------------------


def test_a_case_another_county_recorded_is_imported_here_and_not_revealed(county_user):
    far_county = CountyFactory(name="衡东县")
    far_user = UserFactory(unit=far_county, role=Role.COUNTY_REVIEWER)
    stage_and_apply(far_user, "lawsuits", LAWSUIT_HEADERS, [lawsuit_row(1, "王建国")])

    batch = stage(county_user, "lawsuits", LAWSUIT_HEADERS, [lawsuit_row(1, "王建国")])

    assert batch.status == ImportStatus.PREVIEWED, batch.errors
    assert [item["action"] for item in batch.payload] == ["create"]
    assert "已在系统中" not in str(batch.payload)
    apply_batch(user=county_user, batch=batch)
    assert Lawsuit.objects.visible_to(county_user).filter(subject_name="王建国").count() == 1
    assert Lawsuit.objects.visible_to(far_user).filter(subject_name="王建国").count() == 1
    # Within the county, the same case is still recognised as already imported.
    again = stage(county_user, "lawsuits", LAWSUIT_HEADERS, [lawsuit_row(1, "王建国")])
    assert [item["action"] for item in again.payload] == ["skip"]


def test_a_prepayment_row_whose_name_contradicts_its_credit_code_is_an_error_of_that_row(
    county_user, township
):
    institution = InstitutionFactory(township=township, name="开云康乐养老院")
    batch = invalid(
        county_user,
        "prepayments",
        ["机构名称", "统一社会信用代码", "缴费人", "预付费类型", "金额（元）", "缴费日期"],
        [
            ["开云康乐养老院", institution.credit_code, "刘奶奶", "押金", 5000, "2024-01-01"],
            ["夕阳红养老院", institution.credit_code, "陈爷爷", "押金", 5000, "2024-01-01"],
        ],
    )

    [(row, column, message)] = messages_of(batch)
    assert row == 3
    assert column == "机构名称"
    assert "开云康乐养老院" in message and "夕阳红养老院" in message


@pytest.mark.parametrize("column", ["身份证号", "案由"], ids=["optional", "required"])
def test_a_formula_cell_is_an_error_of_that_cell_named_as_a_formula(county_user, column):
    formula = '=HYPERLINK("http://example.com","点击")'
    batch = invalid(county_user, "lawsuits", LAWSUIT_HEADERS, [lawsuit_row(1, **{column: formula})])

    [(row, named, message)] = messages_of(batch)
    assert (row, named) == (2, column)
    assert "公式" in message and "HYPERLINK" in message
    assert "为空" not in message


def test_roster_reads_the_filing_date_and_a_change_of_it_is_kept_in_history(county_user, township):
    """备案日期 (issue 20): a column of the roster, for new and existing institutions."""
    existing = InstitutionFactory(township=township, filed_on=None)
    new_code = make_credit_code(9002)
    batch = stage(
        county_user,
        "roster",
        ["机构名称", "统一社会信用代码", "乡镇（街道）", "备案状态", "备案日期"],
        [
            [existing.name, existing.credit_code, "开云镇", "", "2020-03-15"],
            ["开云镇福寿养老院", new_code, "开云镇", "已备案", "2019-11-02"],
        ],
    )
    assert batch.status == ImportStatus.PREVIEWED, batch.errors

    apply_batch(user=county_user, batch=batch)

    existing.refresh_from_db()
    assert existing.filed_on == date(2020, 3, 15)
    before = existing.history.order_by("history_date", "pk").first()
    assert before.filed_on is None
    assert Institution.objects.get(credit_code=new_code).filed_on == date(2019, 11, 2)
