"""A township may take back a submitted visit until the county section has acted on it:
once the county has reviewed (approved, returned, raised or lowered) a rating made while the
visit was submitted, only the county reopens the visit."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from risklists import services
from screening.models import ScreeningVisit, VisitStatus
from screening.services import visits as visit_services

pytestmark = pytest.mark.django_db


def the_visit(institution):
    return ScreeningVisit.objects.get(institution=institution)


def test_a_township_withdraws_a_visit_the_county_has_not_reviewed(
    orange, proposal, township_user, client_for
):
    visit = the_visit(orange)
    client = client_for(township_user)
    page = client.get(reverse("screening:visit_detail", args=[visit.pk])).content.decode()
    assert reverse("screening:visit_withdraw", args=[visit.pk]) in page

    response = client.post(reverse("screening:visit_withdraw", args=[visit.pk]), follow=True)

    visit.refresh_from_db()
    assert (visit.status, visit.submitted_at) == (VisitStatus.DRAFT, None)
    assert response.redirect_chain[-1][0] == reverse("screening:visit_update", args=[visit.pk])
    latest = visit.history.first()
    assert latest.history_user == township_user
    assert latest.history_change_reason == "乡镇撤回"


@pytest.mark.parametrize("review", ["approve", "return"])
def test_once_the_county_reviewed_the_rating_the_visit_cannot_be_withdrawn(
    review, orange, submitted, township_user, county_user, client_for
):
    if review == "approve":
        services.approve(user=county_user, assessment=submitted)
    else:
        services.return_for_revision(user=county_user, assessment=submitted, reason="补材料")
    visit = the_visit(orange)
    client = client_for(township_user)

    page = client.get(reverse("screening:visit_detail", args=[visit.pk])).content.decode()
    response = client.post(reverse("screening:visit_withdraw", args=[visit.pk]), follow=True)

    assert reverse("screening:visit_withdraw", args=[visit.pk]) not in page
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SUBMITTED
    assert "已不能撤回" in response.content.decode()


def test_a_bulk_approval_locks_the_visits_too(orange, submitted, township_user, county_user):
    services.approve_many(user=county_user, assessments=[submitted])

    with pytest.raises(ValidationError):
        visit_services.withdraw_visit(user=township_user, visit=the_visit(orange))


def test_a_visit_reopened_and_submitted_again_can_be_withdrawn_again(
    orange, submitted, township_user, county_user
):
    services.approve(user=county_user, assessment=submitted)
    visit = the_visit(orange)
    visit_services.reopen_visit(user=county_user, visit=visit, reason="日期填错")
    visit_services.submit_visit(user=township_user, visit=visit)

    visit_services.withdraw_visit(user=township_user, visit=visit)

    assert the_visit(orange).status == VisitStatus.DRAFT


def test_a_draft_cannot_be_withdrawn(orange, township_user):
    visit = the_visit(orange)
    visit.status = VisitStatus.DRAFT
    visit.save()

    with pytest.raises(ValidationError):
        visit_services.withdraw_visit(user=township_user, visit=visit)


def test_another_township_cannot_withdraw_it(orange, proposal, other_township_user, client_for):
    visit = the_visit(orange)

    response = client_for(other_township_user).post(
        reverse("screening:visit_withdraw", args=[visit.pk])
    )

    assert response.status_code == 404
    assert the_visit(orange).status == VisitStatus.SUBMITTED


def test_a_withdrawn_visit_stops_counting_for_the_rating(orange, proposal, township_user):
    visit_services.withdraw_visit(user=township_user, visit=the_visit(orange))

    [newer] = services.rate([orange]).created

    assert newer.level != proposal.level


def test_submitting_asks_first_and_says_what_happens_next(orange, township_user, client_for):
    visit = the_visit(orange)
    visit.status = VisitStatus.DRAFT
    visit.save()

    client = client_for(township_user)
    form = client.get(reverse("screening:visit_update", args=[visit.pk])).content.decode()
    detail = client.get(reverse("screening:visit_detail", args=[visit.pk])).content.decode()

    for page in (form, detail):
        assert 'data-confirm-title="报送本次走访？"' in page
        assert "县级科室审核" in page and "撤回" in page
    assert 'id="confirm-dialog"' in form
