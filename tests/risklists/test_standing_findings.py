"""Issue 14, items 4–6, end to end through the product's own services and the re-rating on
commit: findings that stay found, missing fund use is not green, complaints that count."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from risklists.models import RatingState, ThresholdVersion
from risklists.services import rate
from screening.models import (
    Complaint,
    FindingResolution,
    Lead,
    LeadChannel,
    MatchStatus,
    PrepaymentKind,
    ScreeningVisit,
    Verification,
)
from screening.services.findings import resolve_finding
from screening.services.leads import find_lead_groundless, verify_lead
from screening.services.outside import verify_complaint
from screening.services.visits import save_visit
from tests.factories import InstitutionFactory

from .factories import invest, pay

pytestmark = pytest.mark.django_db


def days_ago(n):
    return timezone.localdate() - timedelta(days=n)


def submit(user, institution, day, **findings):
    """A visit recorded and submitted on the visit page's service."""
    visit = ScreeningVisit(institution=institution, visited_on=day, staff=user, **findings)
    return save_visit(user=user, visit=visit, submit=True)


def proposal(institution):
    """The institution's latest proposal (what the list and the page show)."""
    return RatingState.objects.select_related("proposal").get(institution=institution).proposal


def hit(assessment, code):
    [found] = [h for h in assessment.hits if h["code"] == code]
    return found


@pytest.fixture
def rerated(django_capture_on_commit_callbacks):
    """Run a block as a request would: its own transaction, committed at the end, with the
    re-rating it queued on commit. (The test's transaction never commits: the callbacks
    run here are then dropped, as a commit would, so that the next block queues its own.)"""

    @contextmanager
    def request():
        connection.run_on_commit.clear()
        with django_capture_on_commit_callbacks(execute=True):
            yield
        connection.run_on_commit.clear()

    return request


# --- item 4: facts that stay found ----------------------------------------------------------


def test_a_plain_visit_after_a_collapse_keeps_r4_until_the_county_resolves_it(
    township, township_user, county_user, client_for, rerated
):
    institution = InstitutionFactory(township=township)
    with rerated():
        collapse = submit(township_user, institution, days_ago(30), collapsed=True)
    assert proposal(institution).codes == ["R4"]
    assert hit(proposal(institution), "R4")["evidence"]["established_by"] == [
        {"fact": "collapsed", "kind": "visit", "id": collapse.pk, "date": days_ago(30).isoformat()}
    ]

    with rerated():
        submit(township_user, institution, days_ago(2))  # a later visit finds nothing
    assert proposal(institution).level == "red" and proposal(institution).codes == ["R4"]

    reason = "经核实已全额退费，不再存在爆雷情形"
    with rerated():
        resolution = resolve_finding(
            user=county_user, institution=institution, fact="collapsed", reason=reason
        )
    assert proposal(institution).level == "green" and proposal(institution).codes == []
    # The history says who resolved it, when and why, and which visit had found it.
    [entry] = resolution.history.all()
    assert entry.history_user == county_user and entry.reason == reason
    assert (resolution.source_kind, resolution.source_id) == ("visit", collapse.pk)
    page = client_for(county_user).get(institution.get_absolute_url()).content.decode()
    assert reason in page and county_user.display_name in page

    # A collapse found again after the resolution stands again, named by the new visit.
    with rerated():
        again = submit(township_user, institution, days_ago(1), collapsed=True)
    evidence = hit(proposal(institution), "R4")["evidence"]
    assert evidence["established_by"][0]["id"] == again.pk


def test_every_standing_finding_stays_and_is_resolved_one_by_one(
    township, township_user, county_user, rerated
):
    institution = InstitutionFactory(township=township)
    with rerated():
        submit(township_user, institution, days_ago(40), suspected_crime=True)
        submit(township_user, institution, days_ago(30), public_opinion=True)
        submit(township_user, institution, days_ago(20), false_advertising=True)
        pay(institution, "王奶奶", PrepaymentKind.INVESTMENT, "1000", promised=True)
        institution.related_companies.create(name="某某投资公司", has_transactions=True)
        submit(township_user, institution, days_ago(1))
    assert set(proposal(institution).codes) == {"V1", "Y4", "Y5", "R2", "R5"}

    for fact in ("suspected_crime", "promised_returns", "public_opinion"):
        with rerated():
            resolve_finding(user=county_user, institution=institution, fact=fact, reason="已核实")
    assert set(proposal(institution).codes) == {"V1", "Y4", "Y5"}
    for fact in ("false_advertising", "related_party_transactions"):
        with rerated():
            resolve_finding(user=county_user, institution=institution, fact=fact, reason="已整改")
    assert proposal(institution).codes == ["V1"]  # the promised-return payment stays large


def test_only_the_county_section_resolves_and_only_with_a_reason(
    township, township_user, county_user, other_township, other_township_user
):
    institution = InstitutionFactory(township=township)
    submit(township_user, institution, days_ago(3), collapsed=True)
    with pytest.raises(PermissionDenied):
        resolve_finding(user=township_user, institution=institution, fact="collapsed", reason="x")
    with pytest.raises(ValidationError):
        resolve_finding(user=county_user, institution=institution, fact="collapsed", reason=" ")
    with pytest.raises(ValidationError):  # never recorded: nothing to resolve
        resolve_finding(
            user=county_user, institution=institution, fact="public_opinion", reason="x"
        )
    resolve_finding(user=county_user, institution=institution, fact="collapsed", reason="已核实")
    with pytest.raises(ValidationError):  # resolved already
        resolve_finding(user=county_user, institution=institution, fact="collapsed", reason="x")
    assert FindingResolution.objects.count() == 1


def test_the_page_offers_the_resolution_to_the_county_only(
    township, township_user, county_user, client_for
):
    institution = InstitutionFactory(township=township)
    visit = submit(township_user, institution, days_ago(3), collapsed=True)
    action = reverse("screening:finding_resolve", args=[institution.pk])

    township_page = client_for(township_user).get(institution.get_absolute_url()).content.decode()
    assert 'data-fact="collapsed"' in township_page  # shown, read only
    assert reverse("screening:visit_detail", args=[visit.pk]) in township_page
    assert action not in township_page
    response = client_for(township_user).post(action, {"fact": "collapsed", "reason": "x"})
    assert response.status_code == 403

    county = client_for(county_user)
    assert action in county.get(institution.get_absolute_url()).content.decode()
    response = county.post(action, {"fact": "collapsed", "reason": "已核实无爆雷"})
    assert response.status_code == 302
    assert FindingResolution.objects.get().resolved_by == county_user


def test_a_county_user_of_another_county_does_not_find_the_institution(
    township, township_user, client_for
):
    from tests.factories import CountyFactory, TownshipFactory, UserFactory

    institution = InstitutionFactory(township=township)
    submit(township_user, institution, days_ago(3), collapsed=True)
    elsewhere = CountyFactory(name="南岳区")
    TownshipFactory(parent=elsewhere)
    stranger = UserFactory(unit=elsewhere, role="county_reviewer")
    response = client_for(stranger).post(
        reverse("screening:finding_resolve", args=[institution.pk]),
        {"fact": "collapsed", "reason": "x"},
    )
    assert response.status_code == 404
    assert not FindingResolution.objects.exists()


def test_a_withdrawn_visit_no_longer_establishes_its_finding(township, township_user, rerated):
    from screening.services.visits import withdraw_visit

    institution = InstitutionFactory(township=township)
    with rerated():
        visit = submit(township_user, institution, days_ago(3), public_opinion=True)
    assert proposal(institution).codes == ["R5"]
    with rerated():
        withdraw_visit(user=township_user, visit=visit)
    assert proposal(institution).level == "green"


# --- item 5: missing is not green -----------------------------------------------------------


def test_a_large_prepayment_without_a_recorded_use_is_to_verify_and_recording_it_gives_y1(
    township, township_user, client_for, rerated
):
    institution = InstitutionFactory(township=township)
    with rerated():
        invest(institution)
        submit(township_user, institution, days_ago(10))  # no use of the funds stated
    assessment = proposal(institution)
    assert (assessment.level, assessment.codes) == ("yellow", ["V1"])
    assert hit(assessment, "V1")["clause"] == "待核实：预付费资金使用情况"
    client = client_for(township_user)
    listed = client.get(reverse("screening:review_fund_use")).content.decode()
    assert f'data-institution="{institution.pk}"' in listed

    with rerated():
        submit(township_user, institution, days_ago(5), fund_use="facility_construction")
    assert proposal(institution).codes == ["Y1"]
    listed = client.get(reverse("screening:review_fund_use")).content.decode()
    assert f'data-institution="{institution.pk}"' not in listed

    with rerated():  # a later visit that states no use does not erase the recorded one
        submit(township_user, institution, days_ago(1))
    assert proposal(institution).codes == ["Y1"]


def test_the_county_chooses_the_level_of_an_unverified_use(township, county):
    institution = InstitutionFactory(township=township)
    invest(institution)
    ThresholdVersion.objects.create(
        unit=county, number=1, values={"fund_use_unverified_level": "orange"}
    )
    [assessment] = rate([institution]).created
    assert (assessment.level, assessment.codes) == ("orange", ["V1"])


def test_daily_operations_are_green_only_while_the_national_limits_hold(
    township, township_user, rerated
):
    institution = InstitutionFactory(township=township, beds=50)
    with rerated():
        # A deposit of 15 monthly bed fees: large, and above 民发〔2024〕19号's 12.
        pay(institution, "王奶奶", PrepaymentKind.DEPOSIT, "30000", monthly_fee="2000")
        submit(township_user, institution, days_ago(3), fund_use="operations")
    assessment = proposal(institution)
    assert (assessment.level, assessment.codes) == ("yellow", ["C2"])
    assert hit(assessment, "C2")["clause"] == "押金不得超过月床位费的12倍（民发〔2024〕19号）"
    assert hit(assessment, "C2")["evidence"]["max_deposit_ratio"] == "15.00"

    other = InstitutionFactory(township=township, beds=50)
    with rerated():  # prepaid fees above 6 months but within 12: large, every limit holds
        pay(other, "李爷爷", PrepaymentKind.PREPAID_BED_FEE, "14000", monthly_fee="2000")
        submit(township_user, other, days_ago(3), fund_use="operations")
    assert proposal(other).level == "green"


# --- item 6: complaints that count ----------------------------------------------------------


def test_a_complaint_counts_once_verified_and_stops_when_found_groundless(
    township, county, township_user, county_user, rerated
):
    institution = InstitutionFactory(township=township)
    with rerated():
        complaint = Complaint.objects.create(
            unit=county,
            subject_name=institution.name,
            institution=institution,
            match_status=MatchStatus.MATCHED,
            received_on=days_ago(10),
            content="收取会员费后拒不退还",
        )
    assert proposal(institution) is None or proposal(institution).level == "green"

    with rerated():
        verify_complaint(
            user=township_user, complaint=complaint, outcome=Verification.SUBSTANTIATED
        )
    assessment = proposal(institution)
    assert assessment.codes == ["O2"]
    assert hit(assessment, "O2")["evidence"]["counted"] == [
        {"kind": "complaint", "id": complaint.pk, "date": days_ago(10).isoformat()}
    ]

    with pytest.raises(ValidationError):  # groundless needs its reason
        verify_complaint(user=county_user, complaint=complaint, outcome=Verification.GROUNDLESS)
    with rerated():
        verify_complaint(
            user=county_user,
            complaint=complaint,
            outcome=Verification.GROUNDLESS,
            note="经调查，举报人已全额退款，查无实据",
        )
    assert proposal(institution).level == "green"
    latest = complaint.history.order_by("-history_date").first()
    assert latest.history_user == county_user
    assert "查无实据" in latest.history_change_reason


def test_a_lead_counts_once_verified_as_fraud_related_and_stops_when_groundless(
    township, township_user, rerated
):
    institution = InstitutionFactory(township=township)
    with rerated():
        lead = Lead.objects.create(
            unit=township,
            institution=institution,
            channel=LeadChannel.PLATFORM_12337,
            received_on=days_ago(5),
            subject=institution.name,
            content="以办卡为名收取老人费用",
        )
    assert proposal(institution) is None or proposal(institution).level == "green"
    with rerated():
        verify_lead(user=township_user, lead=lead, is_fraud_related=True, verified_on=days_ago(4))
    assert hit(proposal(institution), "O2")["evidence"]["counted"] == [
        {"kind": "lead", "id": lead.pk, "date": days_ago(5).isoformat()}
    ]
    with rerated():
        find_lead_groundless(user=township_user, lead=lead, found_on=days_ago(1), reason="查无实据")
    assert proposal(institution).level == "green"
