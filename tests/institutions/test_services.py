"""The registry's bulk writes: what the roster import writes through."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from institutions.models import Institution, RegistrationStatus
from institutions.services import save_institutions_bulk
from tests.factories import InstitutionFactory, VillageFactory, make_credit_code
from tests.screening.factories import (
    PrepaymentRecordFactory,
    ResidentInterviewFactory,
    ScreeningVisitFactory,
)

pytestmark = pytest.mark.django_db


def new_institution(township, n, **fields):
    fields.setdefault("name", f"新建养老院{n}")
    fields.setdefault("credit_code", make_credit_code(50000 + n))
    return Institution(township=township, **fields)


def test_bulk_save_creates_and_updates_with_history_rows_naming_the_user_and_reason(
    county_user, township
):
    existing = InstitutionFactory(township=township, beds=50)
    existing.beds = 80

    written = save_institutions_bulk(
        user=county_user,
        created=[new_institution(township, 1)],
        updated=[existing],
        fields=["beds"],
        reason="从名册.xlsx导入",
    )

    assert written == 2
    created = Institution.objects.get(name="新建养老院1")
    assert created.created_by == county_user
    record = created.history.get()
    assert (record.history_type, record.history_user) == ("+", county_user)
    assert record.history_change_reason == "从名册.xlsx导入"
    existing.refresh_from_db()
    assert existing.beds == 80
    latest = existing.history.order_by("-history_date", "-pk").first()
    assert (latest.history_type, latest.history_user) == ("~", county_user)
    assert latest.history_change_reason == "从名册.xlsx导入"


def test_bulk_save_sets_scope_path_by_the_models_one_rule(county_user, township):
    village = VillageFactory(parent=township)
    in_village = new_institution(township, 1, village=village)
    in_township = new_institution(township, 2)

    save_institutions_bulk(user=county_user, created=[in_village, in_township])

    for institution in (in_village, in_township):
        stored = Institution.objects.get(pk=institution.pk)
        assert stored.scope_path == stored.scope_source()
    assert Institution.objects.get(pk=in_village.pk).scope_path == village.path
    assert Institution.objects.get(pk=in_township.pk).scope_path == township.path
    # The same rule as a single save.
    single = new_institution(township, 3, village=village)
    single.save()
    assert single.scope_path == village.path


def test_bulk_save_moves_a_moved_institutions_records_along(county_user, township, other_township):
    moved = InstitutionFactory(township=township)
    stays = InstitutionFactory(township=township)
    record = PrepaymentRecordFactory(institution=moved)
    interview = ResidentInterviewFactory(visit=ScreeningVisitFactory(institution=moved))
    untouched = PrepaymentRecordFactory(institution=stays)
    moved.township = other_township
    stays.beds = 99

    save_institutions_bulk(
        user=county_user, updated=[moved, stays], fields=["township", "beds"], reason="更正"
    )

    moved.refresh_from_db()
    assert moved.scope_path == other_township.path
    record.refresh_from_db()
    interview.refresh_from_db()
    interview.visit.refresh_from_db()
    assert record.scope_path == other_township.path
    assert interview.visit.scope_path == other_township.path
    assert interview.scope_path == other_township.path
    untouched.refresh_from_db()
    assert untouched.scope_path == township.path


def test_bulk_save_refuses_every_row_when_one_is_invalid(county_user, township, other_township):
    good = new_institution(township, 1)
    wrong_village = new_institution(
        township, 2, village=VillageFactory(parent=other_township), name="错村养老院"
    )
    no_code = new_institution(township, 3, credit_code="")

    with pytest.raises(ValidationError) as caught:
        save_institutions_bulk(user=county_user, created=[good, wrong_village, no_code])

    message = " ".join(caught.value.messages)
    assert "错村养老院" in message and "新建养老院3" in message
    assert not Institution.objects.filter(name__startswith="新建养老院").exists()
    assert not Institution.objects.filter(name="错村养老院").exists()


def test_bulk_save_refuses_a_township_outside_the_users_unit(
    township_user, township, other_township
):
    foreign = InstitutionFactory(township=other_township, beds=10)
    foreign.beds = 20
    with pytest.raises(PermissionDenied):
        save_institutions_bulk(user=township_user, created=[new_institution(other_township, 1)])
    with pytest.raises(PermissionDenied):
        save_institutions_bulk(user=township_user, updated=[foreign], fields=["beds"])
    # Nor may an institution of another township be moved into the user's own.
    foreign.township = township
    with pytest.raises(PermissionDenied):
        save_institutions_bulk(user=township_user, updated=[foreign], fields=["township"])
    foreign.refresh_from_db()
    assert (foreign.beds, foreign.township) == (10, other_township)


def test_a_leader_cannot_write_the_registry_in_bulk(leader, township):
    with pytest.raises(PermissionDenied):
        save_institutions_bulk(user=leader, created=[new_institution(township, 1)])


# Up to 20 rows: SQLite splits an insert of more into chunks by its limit on parameters, so
# a larger batch would count the chunks (PostgreSQL inserts each batch of 500 at once).
@pytest.mark.parametrize("n", [3, 20])
def test_bulk_save_query_count_does_not_depend_on_the_rows(
    county_user, township, django_assert_max_num_queries, n
):
    village = VillageFactory(parent=township)
    for i in range(n):
        InstitutionFactory(township=township, name=f"已有{i}")
    # Without their units loaded: the service loads the townships and villages it needs.
    updated = list(Institution.objects.filter(name__startswith="已有"))
    for institution in updated:
        institution.registration_status = RegistrationStatus.REGISTERED_NOT_FILED
    created = [
        Institution(
            name=f"新建养老院{i}",
            credit_code=make_credit_code(50000 + i),
            township_id=township.pk,
            village_id=village.pk,
        )
        for i in range(n)
    ]
    assert county_user.unit == township.parent  # the request's user comes with its unit

    # A savepoint and its release, the units, the institutions and their history created,
    # the update and its history.
    with django_assert_max_num_queries(7):
        save_institutions_bulk(
            user=county_user,
            created=created,
            updated=updated,
            fields=["registration_status"],
            reason="名册",
        )

    assert Institution.objects.filter(village=village, scope_path=village.path).count() == n
    assert (
        Institution.objects.filter(
            registration_status=RegistrationStatus.REGISTERED_NOT_FILED
        ).count()
        == n
    )
