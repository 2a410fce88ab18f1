"""The synthetic province of the benchmarks (docs/performance.md): reproducible, realistic,
scoped."""

import re
from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts.models import OrgUnit, Role, UnitLevel, User
from devtools import synthetic
from devtools.synthetic import SyntheticBuilder
from disposal.models import DisposalAction, DisposalCase
from institutions.models import Institution
from institutions.validators import validate_credit_code, validate_id_number
from risklists.models import Assessment, RatingState
from screening.models import Person, PersonRole, PrepaymentRecord, ScreeningVisit

TODAY = date(2026, 11, 30)
SIZE = 200


def fingerprint() -> dict:
    """The data set without its primary keys and timestamps, comparable across runs."""
    code = dict(OrgUnit.objects.values_list("path", "code"))

    def institution_key(values):
        return (code[values["institution__scope_path"]], values["institution__name"])

    return {
        "units": sorted(OrgUnit.objects.values_list("code", "name", "level")),
        "institutions": sorted(
            (code[scope], name, status, credit_code, beds or 0)
            for scope, name, status, credit_code, beds in Institution.objects.values_list(
                "scope_path", "name", "registration_status", "credit_code", "beds"
            )
        ),
        "persons": sorted(Person.objects.values_list("id_number", "name")),
        "prepayments": sorted(
            (institution_key(v), v["payer_key"], v["kind"], v["amount"], v["paid_on"])
            for v in PrepaymentRecord.objects.values(
                "institution__scope_path",
                "institution__name",
                "payer_key",
                "kind",
                "amount",
                "paid_on",
            )
        ),
        "visits": sorted(
            (institution_key(v), v["visited_on"], v["status"], v["fund_use"])
            for v in ScreeningVisit.objects.values(
                "institution__scope_path",
                "institution__name",
                "visited_on",
                "status",
                "fund_use",
            )
        ),
        "levels": sorted(
            (institution_key(v), v["level"], v["state"])
            for v in Assessment.objects.values(
                "institution__scope_path", "institution__name", "level", "state"
            )
        ),
    }


def build(seed=7):
    return SyntheticBuilder(SIZE, seed=seed, today=TODAY).build()


@pytest.mark.django_db(transaction=True)
def test_same_seed_gives_the_same_data_and_another_seed_other_data():
    build(seed=7)
    first = fingerprint()
    call_command("flush", interactive=False, verbosity=0)
    build(seed=7)
    assert fingerprint() == first
    call_command("flush", interactive=False, verbosity=0)
    build(seed=8)
    assert fingerprint()["institutions"] != first["institutions"]


@pytest.mark.django_db
def test_the_province_has_every_level_of_the_tree_with_paths_from_the_parents():
    build()
    units = {u.pk: u for u in OrgUnit.objects.all()}
    levels = Counter(u.level for u in units.values())
    assert levels[UnitLevel.PROVINCE] == 1
    assert levels[UnitLevel.CITY] >= 1 and levels[UnitLevel.COUNTY] >= 1
    assert levels[UnitLevel.TOWNSHIP] == SIZE // synthetic.INSTITUTIONS_PER_TOWNSHIP
    assert levels[UnitLevel.VILLAGE] >= 3 * levels[UnitLevel.TOWNSHIP]
    for unit in units.values():
        parent_path = units[unit.parent_id].path if unit.parent_id else "/"
        assert unit.path == f"{parent_path}{unit.pk}/"
    assert synthetic.existing_size() == SIZE


@pytest.mark.django_db
def test_every_record_is_scoped_to_its_institution_village_or_township():
    build()
    for institution in Institution.objects.select_related("village", "township"):
        assert institution.scope_path == (institution.village or institution.township).path
        assert institution.village is None or institution.village.parent_id == (
            institution.township_id
        )
    for model in (PersonRole, PrepaymentRecord, ScreeningVisit, Assessment, DisposalAction):
        mismatched = [
            row.pk
            for row in model.objects.select_related("institution")
            if row.scope_path != row.institution.scope_path
        ]
        assert mismatched == [], model


@pytest.mark.django_db
def test_the_data_is_realistic_enough_to_rate_review_and_dispose():
    summary = build()
    institutions = Institution.objects.count()
    assert institutions == SIZE
    per_institution = PrepaymentRecord.objects.count() / institutions
    assert 7 <= per_institution <= 14
    venues = Institution.objects.venues().count()
    assert 0.1 * SIZE <= venues <= 0.3 * SIZE
    # Identifiers pass the product's own validators.
    for code in Institution.objects.exclude(credit_code="").values_list("credit_code", flat=True):
        validate_credit_code(code)
    for number in Person.objects.exclude(id_number="").values_list("id_number", flat=True)[:200]:
        validate_id_number(number)
    # Roles link persons to institutions of the same province, with a legal representative each.
    assert PersonRole.objects.filter(kind="legal_representative", ended_on__isnull=True).count() > (
        0.8 * SIZE
    )
    # Every active institution is rated; most are approved; several colours appear.
    active = Institution.objects.active().count()
    assert RatingState.objects.count() == active
    assert set(RatingState.objects.values_list("list_level", flat=True)) >= {
        "green",
        "yellow",
        "orange",
        "red",
    }
    approved = RatingState.objects.exclude(current=None).count()
    assert 0.6 * active <= approved <= 0.9 * active
    # Disposal follows the approved levels only.
    assert DisposalCase.objects.count() == approved
    assert not DisposalAction.objects.filter(institution__rating__current=None).exists()
    assert summary.rows["prepaymentrecord"] == PrepaymentRecord.objects.count()


@pytest.mark.django_db
def test_synthetic_users_log_in_and_see_only_their_unit(client):
    build()
    staff = User.objects.get(username=synthetic.username("t", 0))
    assert staff.role == Role.TOWNSHIP_STAFF
    assert authenticate(username=staff.username, password=synthetic.PASSWORD) is not None
    visible = Institution.objects.visible_to(staff)
    assert visible.exists()
    assert not visible.exclude(township=staff.unit).exists()


@pytest.mark.django_db
def test_generate_synthetic_command_refuses_a_second_province():
    out = StringIO()
    call_command("generate_synthetic", institutions=50, seed=3, stdout=out)
    assert re.search(r"Synthetic province: \d+ rows", out.getvalue())
    with pytest.raises(Exception, match="already holds a synthetic province of 50"):
        call_command("generate_synthetic", institutions=50, seed=3, stdout=out)
