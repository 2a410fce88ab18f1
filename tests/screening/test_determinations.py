"""衡山县 §二.二 配合做好非法集资的调查认定、定性定级、风险评估、后续处置等工作 (issue 20): the
county section records what the competent authority determined; a determination of
illegal fundraising is the suspected-crime finding (R2) and what the district plan's
属于非法集资的 (纳入处非机制) depends on; a township reads them and cannot record one."""

from contextlib import contextmanager
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from disposal.levels import ActionType
from disposal.models import DisposalAction
from disposal.services.actions import apply_level
from risklists.engine import findings
from risklists.models import RatingState
from screening.models import DeterminationResult, FundraisingDetermination, ScreeningVisit
from screening.services.determinations import save_determination
from screening.services.findings import resolve_finding
from screening.services.visits import save_visit
from tests.factories import InstitutionFactory

from .factories import DeterminationFactory

pytestmark = pytest.mark.django_db


def days_ago(n):
    return timezone.localdate() - timedelta(days=n)


@pytest.fixture
def rerated(django_capture_on_commit_callbacks):
    """A block run as a request would: committed at the end, with the re-rating it queued."""

    @contextmanager
    def request():
        connection.run_on_commit.clear()
        with django_capture_on_commit_callbacks(execute=True):
            yield
        connection.run_on_commit.clear()

    return request


def proposal(institution):
    return RatingState.objects.select_related("proposal").get(institution=institution).proposal


def r2(institution):
    [hit] = [h for h in proposal(institution).hits if h["code"] == "R2"]
    return hit


def determine(user, institution, result=DeterminationResult.ILLEGAL_FUNDRAISING, **fields):
    determination = FundraisingDetermination(
        institution=institution,
        authority=fields.pop("authority", "衡山县公安局"),
        document_number=fields.pop("document_number", "衡公认〔2026〕7号"),
        determined_on=fields.pop("determined_on", days_ago(3)),
        result=result,
        **fields,
    )
    return save_determination(user=user, determination=determination)


def suspect(user, institution, day):
    visit = ScreeningVisit(
        institution=institution, visited_on=day, staff=user, suspected_crime=True
    )
    return save_visit(user=user, visit=visit, submit=True)


# --- the effect on the rating and on disposal --------------------------------------------


def test_a_determination_of_illegal_fundraising_is_r2_with_evidence_naming_it(
    township, county_user, rerated
):
    institution = InstitutionFactory(township=township)
    with rerated():
        determination = determine(county_user, institution)

    assert proposal(institution).level == "red" and "R2" in proposal(institution).codes
    evidence = r2(institution)["evidence"]
    named = {"kind": "determination", "id": determination.pk, "date": days_ago(3).isoformat()}
    assert {"fact": "illegal_fundraising", **named, "result": "illegal_fundraising"} in evidence[
        "established_by"
    ]
    assert evidence["illegal_fundraising"] is True
    found = findings(proposal(institution).hits)
    assert found.illegal_fundraising and found.crime_suspected


def test_a_suspicion_alone_is_not_illegal_fundraising_until_the_authority_determines_it(
    township, township_user, county_user, rerated
):
    institution = InstitutionFactory(township=township)
    with rerated():
        suspect(township_user, institution, days_ago(20))
    found = findings(proposal(institution).hits)
    assert found.crime_suspected and not found.illegal_fundraising

    with rerated():
        determination = determine(county_user, institution)
    evidence = r2(institution)["evidence"]
    # The visit still established the suspicion; the determination made it 属于非法集资.
    assert [s["kind"] for s in evidence["established_by"] if s["fact"] == "suspected_crime"] == [
        "visit"
    ]
    assert [s["id"] for s in evidence["established_by"] if s["fact"] == "illegal_fundraising"] == [
        determination.pk
    ]
    assert findings(proposal(institution).hits).illegal_fundraising


def test_the_mechanism_is_required_only_with_a_determination(
    township, township_user, county_user, rerated
):
    suspected = InstitutionFactory(township=township)
    determined = InstitutionFactory(township=township)
    with rerated():
        suspect(township_user, suspected, days_ago(20))
        suspect(township_user, determined, days_ago(20))
        determine(county_user, determined)

    for institution in (suspected, determined):
        apply_level(institution, "red", user=county_user, assessment=proposal(institution))

    def types(institution):
        return set(
            DisposalAction.objects.filter(institution=institution).values_list(
                "action_type", flat=True
            )
        )

    # 对涉嫌犯罪的，移送司法机关 on the suspicion; 属于非法集资的 needs the determination.
    assert ActionType.JUDICIAL_TRANSFER in types(suspected)
    assert ActionType.LEAD_NOTIFICATION in types(suspected)
    assert ActionType.FUNDRAISING_MECHANISM not in types(suspected)
    assert {ActionType.FUNDRAISING_MECHANISM, ActionType.JUDICIAL_TRANSFER} <= types(determined)


def test_not_illegal_fundraising_is_shown_with_the_evidence_and_resolves_nothing(
    township, township_user, county_user, client_for, rerated
):
    institution = InstitutionFactory(township=township)
    with rerated():
        suspect(township_user, institution, days_ago(20))
        cleared = determine(county_user, institution, DeterminationResult.NOT_ILLEGAL_FUNDRAISING)

    assert proposal(institution).level == "red"
    evidence = r2(institution)["evidence"]
    assert evidence["suspected_crime"] is True and "illegal_fundraising" not in evidence
    assert evidence["determinations"] == [
        {
            "kind": "determination",
            "id": cleared.pk,
            "date": days_ago(3).isoformat(),
            "result": "not_illegal_fundraising",
        }
    ]
    page = client_for(township_user).get(institution.get_absolute_url()).content.decode()
    assert str(DeterminationResult.NOT_ILLEGAL_FUNDRAISING.label) in page
    assert reverse("screening:determination_detail", args=[cleared.pk]) in page

    # The county resolves the suspicion with a reason, as any standing finding.
    with rerated():
        resolve_finding(
            user=county_user,
            institution=institution,
            fact="suspected_crime",
            reason="处非办认定不构成非法集资",
        )
    assert "R2" not in proposal(institution).codes


def test_resolving_the_suspected_crime_ends_the_determination_until_a_new_one(
    township, county_user, rerated
):
    institution = InstitutionFactory(township=township)
    with rerated():
        determine(county_user, institution, document_number="衡公认〔2026〕1号")
    with rerated():
        resolution = resolve_finding(
            user=county_user, institution=institution, fact="suspected_crime", reason="撤销认定"
        )
    assert resolution.source_kind == "determination"
    assert "R2" not in proposal(institution).codes

    with rerated():
        again = determine(county_user, institution, document_number="衡公认〔2026〕2号")
    evidence = r2(institution)["evidence"]
    assert [s["id"] for s in evidence["established_by"]] == [again.pk, again.pk]


def test_under_investigation_changed_to_illegal_fundraising_establishes_it(
    township, county_user, rerated
):
    institution = InstitutionFactory(township=township)
    with rerated():
        determination = determine(
            county_user, institution, DeterminationResult.UNDER_INVESTIGATION, document_number=""
        )
    assert "R2" not in proposal(institution).codes

    determination.result = DeterminationResult.ILLEGAL_FUNDRAISING
    determination.document_number = "衡公认〔2026〕8号"
    with rerated():
        save_determination(user=county_user, determination=determination)
    assert findings(proposal(institution).hits).illegal_fundraising
    assert determination.history.count() == 2


# --- who records and who sees -----------------------------------------------------------------


def test_township_staff_cannot_record_a_determination(township, township_user, client_for):
    institution = InstitutionFactory(township=township)
    with pytest.raises(PermissionDenied):
        determine(township_user, institution)

    client = client_for(township_user)
    url = reverse("screening:determination_create") + f"?institution={institution.pk}"
    assert client.get(url).status_code == 403
    response = client.post(
        url,
        {
            "authority": "衡山县公安局",
            "document_number": "衡公认〔2026〕9号",
            "determined_on": days_ago(1).isoformat(),
            "result": DeterminationResult.ILLEGAL_FUNDRAISING,
        },
    )
    assert response.status_code == 403
    assert not FundraisingDetermination.objects.exists()
    existing = DeterminationFactory(institution=institution)
    edit = reverse("screening:determination_update", args=[existing.pk])
    assert client.get(edit).status_code == 403


def test_county_records_a_determination_on_its_page_and_the_township_reads_it(
    township, township_user, county_user, client_for
):
    institution = InstitutionFactory(township=township)
    url = reverse("screening:determination_create") + f"?institution={institution.pk}"
    response = client_for(county_user).post(
        url,
        {
            "authority": "衡山县防范和处置非法集资工作领导小组办公室",
            "document_number": "衡处非认〔2026〕3号",
            "determined_on": days_ago(2).isoformat(),
            "result": DeterminationResult.ILLEGAL_FUNDRAISING,
            "qualification": "非法吸收公众存款，涉案金额较大",
            "risk_assessment": "涉及老年人86名，金额约420万元",
            "follow_up": "由公安机关立案侦查，民政部门配合清退",
        },
    )
    assert response.status_code == 302
    determination = FundraisingDetermination.objects.get()
    assert determination.recorded_by == county_user
    assert determination.history.get().history_user == county_user

    client = client_for(township_user)
    detail = client.get(determination.get_absolute_url())
    assert detail.status_code == 200
    assert "涉及老年人86名" in detail.content.decode()
    assert "edit-determination" not in detail.content.decode()
    listed = client.get(reverse("screening:determination_list")).content.decode()
    assert "衡处非认〔2026〕3号" in listed


def test_a_decided_determination_needs_its_document_number(township, county_user, client_for):
    institution = InstitutionFactory(township=township)
    url = reverse("screening:determination_create") + f"?institution={institution.pk}"
    response = client_for(county_user).post(
        url,
        {
            "authority": "衡山县公安局",
            "document_number": "",
            "determined_on": days_ago(2).isoformat(),
            "result": DeterminationResult.ILLEGAL_FUNDRAISING,
        },
    )
    assert response.status_code == 200
    assert not FundraisingDetermination.objects.exists()


def test_another_townships_determination_answers_404(
    township, other_township, other_township_user, client_for
):
    determination = DeterminationFactory(institution=InstitutionFactory(township=township))
    client = client_for(other_township_user)

    assert client.get(determination.get_absolute_url()).status_code == 404
    listed = client.get(reverse("screening:determination_list")).content.decode()
    assert determination.document_number not in listed


def test_the_list_filters_by_result_and_exports_every_particular(township, county_user, client_for):
    institution = InstitutionFactory(township=township, name="福寿养老院")
    DeterminationFactory(
        institution=institution,
        document_number="衡处非认〔2026〕5号",
        qualification='=HYPERLINK("http://x")',
        risk_assessment="涉及老年人12名",
    )
    DeterminationFactory(
        institution=institution,
        document_number="衡处非认〔2026〕6号",
        result=DeterminationResult.NOT_ILLEGAL_FUNDRAISING,
    )
    client = client_for(county_user)
    query = f"?result={DeterminationResult.ILLEGAL_FUNDRAISING}"

    listed = client.get(reverse("screening:determination_list") + query).content.decode()
    assert "衡处非认〔2026〕5号" in listed and "衡处非认〔2026〕6号" not in listed

    response = client.get(reverse("screening:determination_list_export") + query)
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value]
    values = [cell.value for cell in cells]
    assert "衡处非认〔2026〕5号" in values and "衡处非认〔2026〕6号" not in values
    assert "涉及老年人12名" in values
    # What was typed stays text, never a formula.
    [typed] = [cell for cell in cells if str(cell.value).startswith("=HYPERLINK")]
    assert typed.data_type == "s"


# --- what the rating's evidence says, in the engine and on the page ---------------------------


def test_only_the_determination_in_r2s_evidence_is_illegal_fundraising():
    suspicion = {"code": "R2", "level": "red", "evidence": {"suspected_crime": True}}
    determined = {
        "code": "R2",
        "level": "red",
        "evidence": {"suspected_crime": True, "illegal_fundraising": True},
    }

    assert not findings([suspicion]).illegal_fundraising
    assert findings([suspicion]).crime_suspected
    assert findings([determined]).illegal_fundraising
    assert findings([determined]).crime_suspected
    # A determination alone (its suspicion resolved elsewhere) is still a suspected crime.
    alone = {"code": "R2", "level": "red", "evidence": {"illegal_fundraising": True}}
    assert findings([alone]).crime_suspected


def test_the_rating_panel_names_the_determinations_in_words():
    from risklists.templatetags.risk_tags import evidence_items

    items = {
        str(label): str(value)
        for label, value in evidence_items(
            {
                "illegal_fundraising": True,
                "established_by": [
                    {
                        "fact": "illegal_fundraising",
                        "kind": "determination",
                        "id": 7,
                        "date": "2026-12-01",
                        "result": "illegal_fundraising",
                    }
                ],
                "determinations": [
                    {
                        "kind": "determination",
                        "id": 8,
                        "date": "2026-12-03",
                        "result": "not_illegal_fundraising",
                    }
                ],
            }
        )
    }

    [established] = [value for value in items.values() if "7/" in value]
    assert reverse("screening:determination_detail", args=[7]) in established
    assert str(DeterminationResult.ILLEGAL_FUNDRAISING.label) in established
    listed = [value for value in items.values() if "8/" in value]
    assert listed and str(DeterminationResult.NOT_ILLEGAL_FUNDRAISING.label) in listed[0]
    assert "illegal_fundraising" not in items and "determinations" not in items
