from datetime import date

import pytest

from screening.models import ImportBatch, ImportStatus, Lawsuit, MatchStatus, Person
from tests.factories import InstitutionFactory
from tests.screening.xlsx import id_number, workbook_bytes

pytestmark = pytest.mark.django_db(transaction=True)

HEADERS = ["案号", "当事人", "身份证号", "统一社会信用代码", "案由", "立案日期", "是否经济犯罪"]


def test_county_user_imports_a_lawsuits_workbook(
    page, login, screenshot, tmp_path, county_user, township
):
    Person.objects.create(name="王建国", id_number=id_number(1), unit=township)
    company = InstitutionFactory(township=township, name="开云镇福寿养老院")
    workbook = tmp_path / "涉诉情况.xlsx"
    workbook.write_bytes(
        workbook_bytes(
            HEADERS,
            [
                [
                    "(2024)湘0423刑初1号",
                    "王建国",
                    id_number(1),
                    "",
                    "非法吸收公众存款罪",
                    date(2024, 3, 1),
                    "是",
                ],
                [
                    "(2024)湘0423刑初2号",
                    "开云镇福寿养老院",
                    "",
                    "",
                    "集资诈骗罪",
                    date(2024, 3, 2),
                    "是",
                ],
            ],
            title="衡山县养老服务机构涉诉情况",
        )
    )
    login(page, "county")
    page.click("#menu-screening")
    page.click("nav >> text=数据导入")
    page.wait_for_url("**/imports/")
    page.click("text=导入表格")
    page.select_option("#id_kind", "lawsuits")
    page.set_input_files("#id_file", str(workbook))
    screenshot(page, "import-upload")
    page.click("input[type=submit][name=upload]")

    page.wait_for_url("**/imports/*/")
    preview = page.locator("#preview").inner_text()
    assert "(2024)湘0423刑初1号" in preview
    assert "开云镇福寿养老院" in preview
    assert Lawsuit.objects.count() == 0
    screenshot(page, "import-preview")
    page.click("button[name=apply]")

    page.wait_for_url("**/imports/")
    assert "写入2行" in page.locator("[data-message]").inner_text()
    assert "涉诉情况.xlsx" in page.locator("table").inner_text()
    assert "已导入" in page.locator("table").inner_text()
    screenshot(page, "import-list")
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.APPLIED
    assert Lawsuit.objects.get(subject_name="王建国").match_status == MatchStatus.MATCHED
    by_name = Lawsuit.objects.get(subject_name="开云镇福寿养老院")
    assert by_name.match_status == MatchStatus.PENDING
    assert by_name.institution == company

    # The name match waits for the county to confirm it.
    page.click("text=待确认的匹配")
    page.wait_for_url("**/imports/matches/**")
    page.click(f"#match-lawsuit-{by_name.pk} button:has-text('确认')")
    page.wait_for_url("**/imports/matches/**")
    assert "已确认匹配" in page.locator("[data-message]").inner_text()
    by_name.refresh_from_db()
    assert by_name.match_status == MatchStatus.CONFIRMED


def test_import_pages_fit_a_phone(phone_page, login, screenshot, county_user, county, township):
    from screening.models import Complaint
    from screening.services.importing.service import stage_import
    from screening.services.matching import match_records
    from tests.screening.xlsx import xlsx_upload

    InstitutionFactory(township=township, name="开云镇福寿养老院")
    record = Complaint(
        unit=county, subject_name="开云镇福寿养老院", received_on=date(2024, 4, 1), content="办卡"
    )
    match_records([record], user=county_user)
    record.save()
    batch = stage_import(
        user=county_user,
        kind="lawsuits",
        uploaded=xlsx_upload(
            HEADERS, [["(2024)湘0423刑初1号", "王建国", "123", "", "诈骗罪", "2099-01-01", "是"]]
        ),
    )
    page = phone_page
    login(page, "county")
    for url, name in (
        (f"/screening/imports/{batch.pk}/", "import-errors-phone"),
        ("/screening/imports/matches/?kind=complaint", "match-list-phone"),
        ("/screening/imports/upload/", "import-upload-phone"),
    ):
        page.goto(url)
        screenshot(page, name)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, url
    page.goto(f"/screening/imports/{batch.pk}/")
    assert "晚于今天" in page.locator("#errors").inner_text()
