"""The printable "三必须" documents: 告知书 and 承诺书 filled with the institution's data."""

import re

import pytest
from django.urls import reverse

from tests.factories import InstitutionFactory, VenueFactory

pytestmark = pytest.mark.django_db
DOCUMENTS = ("reporting:notice", "reporting:commitment")


@pytest.fixture
def home(township):
    return InstitutionFactory(
        township=township,
        name="衡山县开云福寿养老院",
        actual_address="衡山县开云镇城南社区88号",
        legal_representative="张建国",
        principal="李秀英",
    )


def test_notice_is_filled_with_the_institution_and_the_plan_wording(
    client_for, township_user, home
):
    response = client_for(township_user).get(reverse("reporting:notice", args=[home.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert "防范养老服务诈骗告知书" in content
    assert "守住钱袋子 · 护好幸福家" in content
    for value in (home.name, home.credit_code, home.actual_address, "张建国", "李秀英", "开云镇"):
        assert value in content
    assert "衡山县民政局" in content  # the county bureau above the township
    assert "中央政法委12337智能化举报平台" in content
    assert "省12345非法金融活动举报平台" in content
    assert "以“办卡”“充值”“投资”等形式预交高额费用" in content
    assert "“炒床位”" in content
    assert "回　执" in content  # the receipt each resident or family signs


def test_commitment_letter_is_addressed_to_the_bureau_and_signed_by_the_head(
    client_for, township_user, home
):
    content = (
        client_for(township_user)
        .get(reverse("reporting:commitment", args=[home.pk]))
        .content.decode()
    )

    assert "防范养老服务诈骗承诺书" in content
    assert "衡山县民政局：" in content
    assert "机构负责人（签字）" in content and "（李秀英）" in content
    assert home.credit_code in content
    assert "不承诺投资回报" in content and "“炒床位”" in content


def test_documents_are_print_ready_without_inline_script(client_for, leader, home):
    for name in DOCUMENTS:
        content = client_for(leader).get(reverse(name, args=[home.pk])).content.decode()

        assert "/static/css/print.css" in content
        assert "/static/js/print.js" in content
        assert re.search(r"<button[^>]*data-print", content)
        assert "onclick" not in content
        for tag in re.findall(r"<script[^>]*>", content):
            assert "src=" in tag


def test_a_venue_without_credit_code_prints_its_operator(client_for, township_user, township):
    venue = VenueFactory(
        township=township, operator="王桂兰", principal="", legal_representative=""
    )

    content = (
        client_for(township_user).get(reverse("reporting:notice", args=[venue.pk])).content.decode()
    )

    assert "（未登记）" in content
    assert "王桂兰" in content


def test_another_townships_institution_answers_404(client_for, other_township_user, home):
    client = client_for(other_township_user)
    for name in DOCUMENTS:
        assert client.get(reverse(name, args=[home.pk])).status_code == 404


def test_the_institution_page_links_to_both_documents(client_for, township_user, home):
    content = client_for(township_user).get(home.get_absolute_url()).content.decode()

    assert reverse("reporting:notice", args=[home.pk]) in content
    assert reverse("reporting:commitment", args=[home.pk]) in content
