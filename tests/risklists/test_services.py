"""Computing and storing proposals; the review (submit, approve, return, raise, lower)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from disposal.models import DisposalAction, DisposalCase
from risklists import services
from risklists.engine import Thresholds
from risklists.models import Assessment, LevelChange, RatingState, ReviewState
from risklists.signals import rating_approved
from screening.models import FinancialSnapshot
from tests.factories import InstitutionFactory, UserFactory, VenueFactory

from .factories import ThresholdVersionFactory, invest, visit

pytestmark = pytest.mark.django_db


# --- rate() ---------------------------------------------------------------------------------


def test_rate_stores_a_proposal_with_hits_evidence_and_compliance_checks(orange):
    [assessment] = services.rate([orange]).created
    assert assessment.level == "orange"
    assert assessment.state == ReviewState.PROPOSED
    assert assessment.codes == ["O4"]
    assert assessment.hits[0]["evidence"]["fund_use"] == "irregular"
    assert [check["code"] for check in assessment.compliance] == ["C1", "C2", "C3", "C4", "C5"]
    assert assessment.threshold_version is None  # the defaults
    assert assessment.scope_path == orange.scope_path
    state = RatingState.objects.get(institution=orange)
    assert state.proposal == assessment and state.current is None
    assert state.list_level == "orange"


def test_rating_twice_with_the_same_data_stores_nothing_new(orange):
    services.rate([orange])
    history = Assessment.history.count()
    result = services.rate(orange.__class__.objects.filter(pk=orange.pk))
    assert result.created == [] and result.unchanged == 1
    assert Assessment.objects.count() == 1
    assert Assessment.history.count() == history


def test_a_change_of_data_stores_a_new_proposal_and_supersedes_the_waiting_one(
    orange, proposal, township
):
    FinancialSnapshot.objects.create(
        institution=orange, as_of=date(2026, 6, 30), total_assets=1, total_liabilities=9
    )
    [newer] = services.rate([orange]).created
    assert newer.level == "red" and "R3" in newer.codes
    proposal.refresh_from_db()
    assert proposal.state == ReviewState.SUPERSEDED
    assert RatingState.objects.get(institution=orange).proposal == newer


def test_a_new_proposal_leaves_the_approved_rating_current(orange, submitted, county_user):
    services.approve(user=county_user, assessment=submitted)
    FinancialSnapshot.objects.create(
        institution=orange, as_of=date(2026, 6, 30), total_assets=1, total_liabilities=9
    )
    [newer] = services.rate([orange]).created
    state = RatingState.objects.get(institution=orange)
    submitted.refresh_from_db()
    assert submitted.state == ReviewState.APPROVED
    assert state.current == submitted and state.proposal == newer
    assert state.approved_level == "orange" and state.list_level == "orange"


def test_each_assessment_records_the_threshold_version_in_force(orange, county, county_user):
    [by_default] = services.rate([orange]).created
    version = services.save_thresholds(user=county_user, thresholds=Thresholds(complaints=3))
    [by_version] = services.rate([orange]).created  # same level and hits, other thresholds
    assert by_default.threshold_version is None
    assert by_version.threshold_version == version
    assert by_version.level == by_default.level
    assert services.rate([orange]).created == []


def test_the_nearest_unit_with_thresholds_decides(orange, county, township):
    ThresholdVersionFactory(unit=county, number=1)
    county_v2 = ThresholdVersionFactory(unit=county, number=2)
    elsewhere = InstitutionFactory(township=InstitutionFactory().township)
    [mine] = services.rate([orange]).created
    [theirs] = services.rate([elsewhere]).created
    assert mine.threshold_version == county_v2
    assert theirs.threshold_version is None
    township_v1 = ThresholdVersionFactory(unit=township, number=1)
    [deeper] = services.rate([orange]).created
    assert deeper.threshold_version == township_v1


def test_thresholds_of_a_version_change_the_level(township, county, county_user):
    institution = InstitutionFactory(township=township)
    invest(institution, "甲")
    invest(institution, "乙")
    institution.beds = 1
    institution.save()
    assert services.rate([institution]).created[0].level == "orange"  # O5: 2 payers > 1 bed
    services.save_thresholds(
        user=county_user, thresholds=Thresholds(compliance_rules=(("C3", "red"),))
    )
    [stricter] = services.rate([institution]).created
    assert stricter.level == "red" and "C3" in stricter.codes


def test_only_the_county_section_saves_thresholds(township_user, leader):
    for user in (township_user, leader):
        with pytest.raises(PermissionDenied):
            services.save_thresholds(user=user, thresholds=Thresholds())


def test_saving_thresholds_numbers_versions_per_unit(county_user):
    first = services.save_thresholds(user=county_user, thresholds=Thresholds(), note="初始")
    second = services.save_thresholds(user=county_user, thresholds=Thresholds(complaints=2))
    assert (first.number, second.number) == (1, 2)
    assert second.values["complaints"] == 2
    assert services.thresholds_in_force(county_user.unit) == second


# --- the review -----------------------------------------------------------------------------


def test_township_staff_submit_their_townships_proposal(proposal, township_user):
    services.submit(user=township_user, assessment=proposal)
    proposal.refresh_from_db()
    assert proposal.state == ReviewState.SUBMITTED
    assert proposal.submitted_by == township_user
    assert proposal.history.first().history_user == township_user


def test_nobody_but_township_staff_submits(proposal, county_user, leader, administrator):
    for user in (county_user, leader, administrator):
        with pytest.raises(PermissionDenied):
            services.submit(user=user, assessment=proposal)


def test_staff_of_another_township_cannot_submit(proposal, other_township_user):
    with pytest.raises(PermissionDenied):
        services.submit(user=other_township_user, assessment=proposal)


def test_county_approval_makes_the_rating_current_and_tells_disposal(
    orange, submitted, county_user
):
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    rating_approved.connect(receiver)
    try:
        services.approve(user=county_user, assessment=submitted)
    finally:
        rating_approved.disconnect(receiver)
    submitted.refresh_from_db()
    assert submitted.state == ReviewState.APPROVED and submitted.reviewed_by == county_user
    state = RatingState.objects.get(institution=orange)
    assert state.current == submitted and state.approved_level == "orange"
    change = LevelChange.objects.get(institution=orange)
    assert (change.level, change.previous_level, change.kind) == ("orange", "", "approved")
    assert received == [
        {
            "signal": rating_approved,
            "institution": orange,
            "level": "orange",
            "assessment": submitted,
            "user": county_user,
            "changed_at": submitted.reviewed_at,
        }
    ]


def test_approval_creates_the_disposal_actions_the_level_requires(orange, submitted, county_user):
    services.approve(user=county_user, assessment=submitted)
    case = DisposalCase.objects.get(institution=orange)
    assert (case.level, case.assessment_id) == ("orange", submitted.pk)
    types = set(
        DisposalAction.objects.filter(institution=orange).values_list("action_type", flat=True)
    )
    assert {"warning_talk", "rectification_order", "urge_refund"} <= types
    assert "stop_operations" not in types


def test_raising_to_red_adds_the_red_actions(orange, submitted, county_user):
    services.approve(user=county_user, assessment=submitted)
    services.raise_level(user=county_user, assessment=submitted, level="red", reason="已爆雷")
    assert DisposalCase.objects.get(institution=orange).level == "red"
    assert DisposalAction.objects.filter(institution=orange, action_type="stop_operations").exists()


def test_township_staff_and_leaders_cannot_approve(submitted, township_user, leader):
    for user in (township_user, leader):
        with pytest.raises(PermissionDenied):
            services.approve(user=user, assessment=submitted)
    submitted.refresh_from_db()
    assert submitted.state == ReviewState.SUBMITTED


def test_only_a_submitted_proposal_is_approved(proposal, county_user):
    with pytest.raises(ValidationError):
        services.approve(user=county_user, assessment=proposal)


def test_a_superseded_proposal_cannot_be_approved(orange, submitted, county_user):
    FinancialSnapshot.objects.create(
        institution=orange, as_of=date(2026, 6, 30), total_assets=1, total_liabilities=9
    )
    services.rate([orange])
    with pytest.raises(ValidationError):
        services.approve(user=county_user, assessment=submitted)


def test_the_county_returns_with_a_reason_and_the_township_resubmits(
    submitted, county_user, township_user
):
    with pytest.raises(ValidationError):
        services.return_for_revision(user=county_user, assessment=submitted, reason="  ")
    services.return_for_revision(user=county_user, assessment=submitted, reason="预付费记录不全")
    submitted.refresh_from_db()
    assert submitted.state == ReviewState.RETURNED
    assert submitted.return_reason == "预付费记录不全"
    services.submit(user=township_user, assessment=submitted)
    submitted.refresh_from_db()
    assert submitted.state == ReviewState.SUBMITTED


def test_township_staff_cannot_return_raise_or_lower(submitted, township_user):
    with pytest.raises(PermissionDenied):
        services.return_for_revision(user=township_user, assessment=submitted, reason="x")
    with pytest.raises(PermissionDenied):
        services.raise_level(user=township_user, assessment=submitted, level="red")
    with pytest.raises(PermissionDenied):
        services.lower_level(user=township_user, assessment=submitted, level="yellow", reason="x")


def test_leaders_cannot_change_anything(submitted, leader):
    with pytest.raises(PermissionDenied):
        services.return_for_revision(user=leader, assessment=submitted, reason="x")
    with pytest.raises(PermissionDenied):
        services.raise_level(user=leader, assessment=submitted, level="red")
    with pytest.raises(PermissionDenied):
        services.lower_level(user=leader, assessment=submitted, level="yellow", reason="x")


def test_the_county_raises_a_level_and_it_is_approved_at_that_level(orange, proposal, county_user):
    received = []

    def receiver(sender, level, **kwargs):
        received.append(level)

    rating_approved.connect(receiver)
    try:
        services.raise_level(
            user=county_user, assessment=proposal, level="red", reason="群众反映强烈"
        )
    finally:
        rating_approved.disconnect(receiver)
    proposal.refresh_from_db()
    assert proposal.shown_level == "red" and proposal.level == "orange"
    assert proposal.state == ReviewState.APPROVED
    assert (proposal.overridden_by, proposal.override_reason) == (county_user, "群众反映强烈")
    assert RatingState.objects.get(institution=orange).approved_level == "red"
    assert LevelChange.objects.get(institution=orange).kind == "raised"
    assert received == ["red"]


def test_raising_must_go_up(proposal, county_user):
    with pytest.raises(ValidationError):
        services.raise_level(user=county_user, assessment=proposal, level="yellow")


def test_lowering_without_a_written_reason_is_refused(submitted, county_user):
    with pytest.raises(ValidationError):
        services.lower_level(user=county_user, assessment=submitted, level="yellow", reason=" ")
    submitted.refresh_from_db()
    assert submitted.state == ReviewState.SUBMITTED and submitted.override_level == ""
    assert not LevelChange.objects.exists()


def test_the_county_lowers_an_approved_level_with_a_reason(orange, submitted, county_user):
    services.approve(user=county_user, assessment=submitted)
    services.lower_level(
        user=county_user, assessment=submitted, level="yellow", reason="资金已全部清退"
    )
    submitted.refresh_from_db()
    assert submitted.shown_level == "yellow"
    assert submitted.override_reason == "资金已全部清退"
    assert RatingState.objects.get(institution=orange).approved_level == "yellow"
    assert list(
        LevelChange.objects.filter(institution=orange)
        .order_by("changed_at", "pk")
        .values_list("previous_level", "level", "kind")
    ) == [("", "orange", "approved"), ("orange", "yellow", "lowered")]
    reasons = list(submitted.history.values_list("history_change_reason", flat=True))
    assert any("资金已全部清退" in (reason or "") for reason in reasons)


def test_a_county_user_of_another_county_cannot_review(submitted, county):
    stranger = UserFactory(unit=InstitutionFactory().township.parent, role="county_reviewer")
    with pytest.raises(PermissionDenied):
        services.approve(user=stranger, assessment=submitted)


def test_a_venue_taking_large_prepayments_is_proposed_red(township):
    venue = VenueFactory(township=township)
    invest(venue, amount=str(Decimal("120000")))
    [assessment] = services.rate([venue]).created
    # (V1: no visit has recorded the use of the funds yet)
    assert assessment.level == "red" and assessment.codes == ["V1", "R1"]


def test_visit_findings_reach_the_proposal(township, township_user):
    institution = InstitutionFactory(township=township)
    visit(institution, township_user, collapsed=True, public_opinion=True)
    [assessment] = services.rate([institution]).created
    assert set(assessment.codes) == {"R4", "R5"}
