"""The institution's page, the one a township opens most: a constant number of queries
whatever the number of records it shows (docs/performance.md, "The institution page")."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import db as core_db
from core.db import fetch_shaped, fetch_together, forget_shapes, id_array
from disposal.models import (
    DisposalAction,
    InstitutionPlan,
    ZeroingEntry,
    ZeroingStatus,
)
from disposal.services.actions import add_evidence, apply_level
from institutions.models import Institution
from risklists import figures as risk_figures
from risklists.engine import Thresholds
from screening.models import (
    Complaint,
    FindingResolution,
    Lawsuit,
    MatchStatus,
    PrepaymentRecord,
    PrepaymentRefund,
    ScreeningRound,
    StandingFact,
    Verification,
)
from screening.selectors.refunds import ledger_reads
from tests.disposal.factories import (
    AssistanceFactory,
    PenaltyFactory,
    RefundFactory,
    ResettlementFactory,
    TransferFactory,
)
from tests.factories import InstitutionFactory
from tests.reporting.test_dashboard import approve
from tests.screening.factories import (
    BranchFactory,
    DeterminationFactory,
    FinancialSnapshotFactory,
    OpinionEventFactory,
    PersonRoleFactory,
    PrepaymentRecordFactory,
    RegistrationChangeFactory,
    RelatedCompanyFactory,
    SelfCheckFactory,
    SubmittedVisitFactory,
)

pytestmark = pytest.mark.django_db

MAX_QUERIES = 15


def with_records(n, township, county_user, township_user):
    """An institution with ``n`` records of every kind its page shows."""
    institution = InstitutionFactory(township=township, name=f"福寿养老院{n}")
    today = timezone.localdate()
    now = timezone.now()
    for k in range(n):
        SubmittedVisitFactory(
            institution=institution,
            staff=township_user,
            visited_on=today - timedelta(days=k),
            collapsed=k % 2 == 0,
            false_advertising=True,
        )
        FindingResolution.objects.create(
            institution=institution,
            fact=StandingFact.PUBLIC_OPINION,
            reason=f"第{k + 1}次核实",
            resolved_by=county_user,
            resolved_at=now - timedelta(days=k),
        )
        record = PrepaymentRecordFactory(
            institution=institution, paid_on=today - timedelta(days=10 + k)
        )
        role = PersonRoleFactory(
            institution=institution, started_on=today - timedelta(days=900 + k)
        )
        BranchFactory(institution=institution)
        RegistrationChangeFactory(institution=institution)
        RelatedCompanyFactory(institution=institution)
        FinancialSnapshotFactory(institution=institution, as_of=today - timedelta(days=30 + k))
        OpinionEventFactory(
            institution=institution,
            level=("major", "general")[k % 2],
            major_since=now - timedelta(days=k),
            summary=f"第{k + 1}次舆情",
        )
        Lawsuit.objects.create(
            unit=township,
            subject_name=role.person.name,
            person=role.person,
            match_status=MatchStatus.MATCHED,
            case_number=f"(2026)湘0423民初{k + 1}号",
            cause="合同纠纷",
        )
        Complaint.objects.create(
            unit=township,
            subject_name=institution.name,
            institution=institution,
            match_status=MatchStatus.MATCHED,
            verification=Verification.SUBSTANTIATED,
            received_on=today - timedelta(days=k),
            content="收取会员费后不退",
        )
        approve(institution, ("red", "orange")[k % 2], now - timedelta(days=n - k))
        RefundFactory(prepayment=record, refunded_on=today - timedelta(days=k))
        ResettlementFactory(institution=institution)
        AssistanceFactory(institution=institution)
        TransferFactory(institution=institution)
        PenaltyFactory(institution=institution)
        DeterminationFactory(
            institution=institution,
            document_number=f"衡处非认〔2026〕{k + 1}号",
            recorded_by=county_user,
        )
        InstitutionPlan.objects.create(institution=institution, version=k + 1, text=f"第{k + 1}版")
        institution.notes = f"第{k + 1}次修改"
        institution.save()
    apply_level(
        institution, "red", user=county_user, illegal_fundraising=True, crime_suspected=True
    )
    for k, action in enumerate(DisposalAction.objects.filter(institution=institution)):
        for _ in range(max(1, n // 10)):
            upload = SimpleUploadedFile(f"证据{k}.pdf", b"%PDF-1.4\n%%EOF", "application/pdf")
            add_evidence(user=township_user, action=action, upload=upload)
    ZeroingEntry.objects.create(institution=institution, status=ZeroingStatus.OPEN)
    for kind in ScreeningRound.values:  # 自查自改: one per round
        SelfCheckFactory(institution=institution, round=kind, signed_by=f"{kind}签字人")
    assert PrepaymentRefund.objects.filter(institution=institution).count() == n
    return institution


@pytest.mark.parametrize("n", [2, 40])
def test_the_institution_page_makes_a_constant_number_of_queries(
    n, client_for, township, county_user, township_user, django_assert_max_num_queries
):
    institution = with_records(n, township, county_user, township_user)
    client = client_for(township_user)
    client.get(institution.get_absolute_url())  # the session and the caches, as after login

    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(institution.get_absolute_url())

    assert response.status_code == 200
    content = response.content.decode()
    assert f"第{n}次修改" in content
    assert f"第{n}次核实" in content  # every resolution of a finding, with its reason
    assert "first签字人" in content and f"第{n}次舆情" in content  # self-checks, opinion events
    # Every determination of illegal fundraising (衡山县 §二.二 调查认定), in the same guard.
    assert f"衡处非认〔2026〕{n}号" in content


def test_figures_read_together_equal_figures_read_apart(
    township, county_user, township_user, monkeypatch
):
    """The page reads the rating's figures in one statement (core.db.fetch_together), the
    nightly rating a statement per figure: the same queries, the same figures."""
    ids = [with_records(n, township, county_user, township_user).pk for n in (1, 3)]
    ids.append(InstitutionFactory(township=township).pk)

    def figures(together_max):
        monkeypatch.setattr(risk_figures, "TOGETHER_MAX", together_max)
        found = risk_figures.derived_figures(
            ids, thresholds=Thresholds(), today=timezone.localdate()
        )
        return {pk: found[pk].as_dict() for pk in ids}

    together, apart = figures(len(ids)), figures(0)

    assert together == apart
    assert together[ids[1]]["prepayment_payers"] == 3
    assert together[ids[1]]["complaints"] == 3
    assert together[ids[1]]["person_economic_crime_suit"] is False  # the suits are civil


def test_fetch_together_gives_what_each_query_gives_alone(township, county_user, township_user):
    institution = with_records(2, township, county_user, township_user)
    queries = [
        PrepaymentRecord.objects.filter(institution=institution).order_by("pk"),
        DisposalAction.objects.filter(institution=institution)
        .select_related("case")
        .order_by("pk"),
        PrepaymentRecord.objects.filter(institution=institution)
        .order_by("pk")
        .values("amount", "paid_on", "promised_return", "payer_name"),
        Institution.objects.filter(pk=institution.pk).values_list("pk", "created_at", "beds"),
        Institution.objects.filter(pk__in=[]),
    ]

    together = fetch_together(*queries)

    def fields(row):
        if isinstance(row, dict | tuple):
            return row
        return {k: v for k, v in row.__dict__.items() if k not in ("_state", "_case_cache")}

    for rows, query in zip(together, queries, strict=True):
        assert [fields(row) for row in rows] == [fields(row) for row in query._chain()]
    assert together[1][0].case == list(queries[1])[0].case
    assert together[2][0] == {
        "amount": Decimal("60000.00"),
        "paid_on": timezone.localdate() - timedelta(days=10),
        "promised_return": False,
        "payer_name": PrepaymentRecord.objects.filter(institution=institution)
        .order_by("pk")
        .first()
        .payer_name,
    }


def test_a_shaped_statement_gives_each_institution_its_own_rows(
    township, county_user, township_user
):
    """``fetch_shaped`` compiles a statement once per key and binds the institution's id:
    the second, third… institution get what ``fetch_together`` gives them, not the first's."""
    forget_shapes()
    first, second = (with_records(n, township, county_user, township_user) for n in (1, 3))

    def build(pk):
        return [
            PrepaymentRecord.objects.filter(institution=pk).order_by("pk"),
            DisposalAction.objects.filter(institution=pk).select_related("case").order_by("pk"),
            PrepaymentRecord.objects.filter(institution_id__in=id_array([pk]))
            .order_by("pk")
            .values_list("pk", "amount"),
            *ledger_reads([pk]),
            Institution.objects.filter(pk=pk).values("pk", "beds"),
        ]

    def fields(row):
        if isinstance(row, dict | tuple):
            return row
        return {k: v for k, v in row.__dict__.items() if k not in ("_state", "_case_cache")}

    for institution in (first, second, first, second):
        shaped = fetch_shaped(("test",), build, institution.pk)
        together = fetch_together(*build(institution.pk))
        assert [[fields(row) for row in rows] for rows in shaped] == [
            [fields(row) for row in rows] for rows in together
        ]
        assert shaped[1][0].case == together[1][0].case
        assert shaped[4] == [{"pk": institution.pk, "beds": institution.beds}]
    assert core_db._shapes[(connection.vendor, "test")] is not None  # compiled once, kept


def test_a_statement_whose_shape_depends_on_the_id_is_compiled_every_time(township):
    """A read whose SQL depends on the id (not only its parameters) is not kept: the
    stand-in's statement differs from the real one, and every call compiles its own."""
    forget_shapes()
    institutions = [InstitutionFactory(township=township) for _ in range(2)]

    def build(pk):
        rows = Institution.objects.filter(pk=pk)
        return [rows.filter(beds__gte=0) if pk > 0 else rows]

    for institution in institutions * 2:
        [rows] = fetch_shaped(("branching",), build, institution.pk)
        assert [row.pk for row in rows] == [institution.pk]
    assert core_db._shapes[(connection.vendor, "branching")] is None


def test_the_page_reads_each_fact_once(
    client_for, township, county_user, township_user, django_assert_max_num_queries
):
    """The refund ledger (disposal's and screening's panels), the standing findings (the
    figures' and screening's panels) and the thresholds in force (the rating's and the
    figures' panels) are read once per page, by their one selector each."""
    institution = with_records(2, township, county_user, township_user)
    client = client_for(township_user)
    client.get(institution.get_absolute_url())

    with CaptureQueriesContext(connection) as captured:
        response = client.get(institution.get_absolute_url())

    assert response.status_code == 200
    sql = " ".join(query["sql"] for query in captured.captured_queries)
    [ledger] = ledger_reads([institution.pk])
    assert sql.count(ledger.sql.split("FROM (")[0].strip()) == 1
    major = '"screening_opinionevent"."major_since" IS NOT NULL'
    assert sql.count(major) == 1  # the standing findings' read of major opinion events
    assert (
        sum(
            query["sql"].startswith('SELECT "risklists_thresholdversion"')
            for query in captured.captured_queries
        )
        == 0
    )  # read with the rating panel's statement


def page_html(client, institution) -> str:
    """The institution's page without its per-request tokens."""
    response = client.get(institution.get_absolute_url())
    assert response.status_code == 200
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


@pytest.mark.django_db(transaction=True)
def test_a_page_request_runs_the_panels_prepared_with_the_same_page(
    client_for, township, county_user, township_user
):
    """On PostgreSQL a page's request (no transaction open) runs the panels' statements as
    statements prepared once per connection and planned once; inside a transaction they
    run plainly. The page is the same either way, and after the connection lost its
    prepared statements (a pooler's DISCARD ALL)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (the second pass of .ci/run)")
    institution = with_records(2, township, county_user, township_user)
    client = client_for(township_user)
    forget_shapes()
    with transaction.atomic():
        plain = page_html(client, institution)
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # what the records' rating prepared

    assert page_html(client, institution) == plain  # compiles and prepares
    assert page_html(client, institution) == plain  # runs the prepared statements
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), min(generic_plans), sum(custom_plans) "
            "FROM pg_prepared_statements WHERE name LIKE 'shape_%%'"
        )
        prepared, generic, custom = cursor.fetchone()
    assert prepared >= 3  # the panels of three apps
    assert generic >= 1 and custom == 0  # planned once, for any institution

    with connection.cursor() as cursor:
        cursor.execute("DISCARD ALL")
    assert page_html(client, institution) == plain
    assert page_html(client, institution) == plain
