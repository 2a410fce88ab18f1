"""Moves carry their records (issue 19, finding 3): an institution moved to another township
takes the scope of everything recorded about it along, in the same transaction; the old
township no longer opens any of it (404) and the new one does (200)."""

import pytest
from django.test import Client
from django.urls import reverse

from core.scoping import scoped_models
from institutions.models import Institution
from institutions.services import save_institution

from .urls import url_for
from .world import World

pytestmark = pytest.mark.django_db

# Pages of records of place A's institution, one per kind (the matrix's own builders).
RECORD_PAGES = [
    "institutions:detail",
    "screening:visit_detail",
    "screening:visit_attachment",
    "screening:prepayment_list",
    "screening:prepayment_update",
    "screening:person_role_update",
    "screening:branch_update",
    "screening:change_update",
    "screening:related_company_update",
    "screening:finance_update",
    "screening:self_check_update",
    "screening:opinion_event_update",
    "disposal:action_detail",
    "disposal:evidence_download",
    "disposal:refund_list",
    "disposal:refund_record_create",
    "disposal:refund_reverse",
    "disposal:resettlement_list",
    "disposal:assistance_list",
    "disposal:transfer_list",
    "disposal:institution_plan",
    "disposal:penalty_detail",
    "reporting:notice",
    "reporting:commitment",
]


def records_of(institution):
    """(model, pk, scope_path) of every scoped row that belongs to the institution, directly
    or through a record that does (a visit's attachments, an action's evidence)."""
    found = []
    models = scoped_models()
    for model in models:
        if model is Institution:
            continue
        lookups = []
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Institution:
                lookups.append(field.name)
            elif field.is_relation and field.related_model in models:
                lookups += [
                    f"{field.name}__{f.name}"
                    for f in field.related_model._meta.concrete_fields
                    if f.is_relation and f.related_model is Institution
                ]
        for lookup in lookups:
            for pk, path in model._base_manager.filter(**{lookup: institution}).values_list(
                "pk", "scope_path"
            ):
                found.append((model._meta.label, lookup, pk, path))
    return found


def build_every_kind(world):

    for name in RECORD_PAGES:
        url_for(name, world, "A")
    world.assessment("A")
    world.pending_lawsuit("A")
    lead = world.lead("A")
    lead.institution = world.institution("A")
    lead.save()
    world.refund("A")


def test_moving_an_institution_moves_the_scope_of_every_record_of_it():
    world = World()
    build_every_kind(world)
    institution = world.institution("A")
    kinds_before = {label for label, *_ in records_of(institution)}

    institution.township = world.townships["B"]
    save_institution(user=world.users["county"], institution=institution)

    stale = [r for r in records_of(institution) if r[3] != institution.scope_path]
    assert stale == []
    assert len(kinds_before) >= 15, sorted(kinds_before)


def test_after_a_move_the_old_township_gets_404_and_the_new_one_200():
    world = World()
    build_every_kind(world)
    urls = {name: url_for(name, world, "A") for name in RECORD_PAGES}
    institution = world.institution("A")
    institution.township = world.townships["B"]
    save_institution(user=world.users["county"], institution=institution)
    old, new = Client(), Client()
    old.force_login(world.staff_user("A"))
    new.force_login(world.staff_user("B"))

    answers = {
        name: (old.get(url).status_code, new.get(url).status_code) for name, url in urls.items()
    }

    assert {name: pair for name, pair in answers.items() if pair != (404, 200)} == {}


def test_every_record_still_agrees_with_its_own_scope_rule_after_a_move():
    """A record that belongs to a township rather than to the institution (a publicity
    activity held there) stays with the township that recorded it."""
    from tests.reporting.factories import PublicityActivityFactory

    world = World()
    build_every_kind(world)
    institution = world.institution("A")
    activity = PublicityActivityFactory(township=world.townships["A"], institution=institution)

    institution.township = world.townships["B"]
    save_institution(user=world.users["county"], institution=institution)

    disagreeing = []
    for model in scoped_models():
        for row in model._base_manager.all():
            if row.scope_source() != row.scope_path:
                disagreeing.append((model._meta.label, row.pk))
    activity.refresh_from_db()
    assert disagreeing == []
    assert activity.scope_path == world.townships["A"].path


def test_moving_an_institution_in_the_admin_moves_its_records():
    world = World()
    build_every_kind(world)
    institution = world.institution("A")
    root = world.users["administrator"]
    root.is_superuser = True
    root.save()
    client = Client()
    client.force_login(root)
    page = client.get(reverse("admin:institutions_institution_change", args=[institution.pk]))
    form = page.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    data["township"] = world.townships["B"].pk
    data["village"] = ""
    response = client.post(
        reverse("admin:institutions_institution_change", args=[institution.pk]), data
    )

    institution.refresh_from_db()
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert institution.township == world.townships["B"]
    assert [r for r in records_of(institution) if r[3] != institution.scope_path] == []
