"""Benchmarks against the floor (docs/performance.md): each measures a piece of work the
product does at province size, and the same work done the plainest possible way in the same run.

- ``rate_all``: the nightly rating of every institution (facts builder, engine, storing what
  changed) against one SQL aggregate query computing the same facts.
- ``weekly_pack``: building the weekly pack against a bare openpyxl write-only loop writing
  the same cells; ``rollup_pack`` the same for the roll-up pack (one row per county).
- ``institution_list_page``, ``risk_list_page``: the first page filtered to one township, as
  a county user, through the test client, against the page's main query run raw.
- ``export_50k``: the institution list exported whole (every institution of the province) in
  one request through the view, against the same cells written by a bare openpyxl loop.
- ``load``: locust against gunicorn (``scripts/bench_locustfile.py``), driven by the
  ``bench`` command itself.

Each benchmark runs in a process of its own (``manage.py bench --run NAME``) so that its
peak memory (the process's maximum resident set) is its own.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from devtools import synthetic

PAGE_REPEATS = 7


@dataclass
class Result:
    name: str
    n: int
    seconds: float
    baseline_seconds: float | None
    queries: int | None
    peak_mb: float | None = None
    extra: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if not self.baseline_seconds:
            return None
        return self.seconds / self.baseline_seconds

    def line(self) -> str:
        def show(value, digits=3):
            if value is None:
                return "na"
            return f"{value:.{digits}f}" if isinstance(value, float) else str(value)

        def secs(value):
            return "na" if value is None else f"{value:.5f}"

        parts = [
            f"name={self.name}",
            f"n={self.n}",
            f"seconds={secs(self.seconds)}",
            f"baseline_seconds={secs(self.baseline_seconds)}",
            f"ratio={show(self.ratio, 2)}",
            f"peak_mb={show(self.peak_mb, 0)}",
            f"queries={show(self.queries)}",
        ]
        parts += [f"{key}={show(value)}" for key, value in self.extra.items()]
        return "BENCH " + " ".join(parts)


def peak_mb() -> float:
    """This process's peak resident set so far.

    Linux's ``VmHWM`` belongs to the process image, so a benchmark started from the
    ``bench`` command does not report its parent's peak (``ru_maxrss`` survives a fork and
    an exec, and would: the parent may have just generated the data set).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class QueryCounter:
    """Counts queries without keeping their SQL (CaptureQueriesContext keeps every
    statement, which would weigh on the peak memory of a batch job) — this thread's and
    those of the connections opened meanwhile by the reads a pack starts ahead in threads
    of their own (``core.background``)."""

    def __init__(self):
        import threading

        self.count = 0
        self._lock = threading.Lock()

    def __call__(self, execute, sql, params, many, context):
        with self._lock:
            self.count += 1
        return execute(sql, params, many, context)

    def _connected(self, sender, connection, **kwargs):
        connection.execute_wrappers.append(self)

    def __enter__(self):
        from django.db.backends.signals import connection_created

        self._context = connection.execute_wrapper(self)
        self._context.__enter__()
        connection_created.connect(self._connected, weak=False)
        return self

    def __exit__(self, *exc):
        from django.db.backends.signals import connection_created

        connection_created.disconnect(self._connected)
        return self._context.__exit__(*exc)


def settle():
    """Collect the garbage the process start left (``manage.py``'s system checks leave
    ~180,000 objects to the cyclic collector) before a page is timed: a server's worker
    pays it once, not in the seven pages measured (it had added 15–20 ms of CPU a page)."""
    gc.collect()


def timed(function: Callable, repeat: int = 1) -> tuple[float, object]:
    """The median wall time of ``repeat`` calls, and the last call's result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


# --- rate_all ---------------------------------------------------------------------------------

FEE_KINDS = "('membership', 'top_up', 'prepaid_bed_fee')"
COUNTED = "('matched', 'confirmed')"

# The facts (risklists.engine.Facts) for every active institution in one statement: per
# payer, then per institution; the findings that stay found (any submitted visit or record of
# them since the latest resolution) and the latest stated fund use; the latest balance, the
# dated counts and the outside records (complaints once verified). The names of the records
# behind a fact (Facts.sources) are the product's only extra.
FACTS_SQL = f"""
WITH payer AS (
    SELECT institution_id, payer_key, SUM(amount - refunded_amount) AS owed,
        SUM(CASE WHEN kind IN {FEE_KINDS} THEN amount - refunded_amount ELSE 0 END) AS fees,
        MAX(CASE WHEN kind IN {FEE_KINDS} THEN monthly_fee END) AS fee_monthly,
        SUM(CASE WHEN kind = 'deposit' THEN amount - refunded_amount ELSE 0 END) AS deposits,
        MAX(CASE WHEN kind = 'deposit' THEN monthly_fee END) AS deposit_monthly,
        SUM(CASE WHEN kind = 'investment' THEN amount - refunded_amount ELSE 0 END)
            AS investments,
        SUM(CASE WHEN kind IN {FEE_KINDS} AND promised_return
            THEN amount - refunded_amount ELSE 0 END) AS promised_fees,
        SUM(CASE WHEN kind = 'deposit' AND promised_return
            THEN amount - refunded_amount ELSE 0 END) AS promised_deposits,
        MAX(CASE WHEN promised_return THEN 1 ELSE 0 END) AS promised_any
    FROM screening_prepaymentrecord
    GROUP BY institution_id, payer_key
), payer_large AS (
    SELECT institution_id, owed AS total, promised_any,
        investments
        + CASE WHEN fees > 0 AND ((fee_monthly > 0 AND fees > %s * fee_monthly)
            OR (COALESCE(fee_monthly, 0) = 0 AND fees >= %s)) THEN fees ELSE promised_fees END
        + CASE WHEN deposits > 0 AND ((deposit_monthly > 0 AND deposits > %s * deposit_monthly)
            OR (COALESCE(deposit_monthly, 0) = 0 AND deposits >= %s))
            THEN deposits ELSE promised_deposits END AS large
    FROM payer
), prepay AS (
    SELECT institution_id,
        SUM(CASE WHEN total > 0 THEN total ELSE 0 END) AS prepayment_total,
        SUM(CASE WHEN total > 0 THEN 1 ELSE 0 END) AS prepayment_payers,
        SUM(CASE WHEN large > 0 THEN large ELSE 0 END) AS large_total,
        SUM(CASE WHEN large > 0 THEN 1 ELSE 0 END) AS large_payers,
        MAX(promised_any) AS promised
    FROM payer_large GROUP BY institution_id
), visit AS (
    SELECT institution_id, fund_use,
        ROW_NUMBER() OVER (PARTITION BY institution_id ORDER BY visited_on DESC, id DESC) AS rn
    FROM screening_screeningvisit WHERE status = 'submitted' AND fund_use <> ''
), recorded AS (
    SELECT institution_id, 'collapsed' AS fact, COALESCE(submitted_at, created_at) AS at
    FROM screening_screeningvisit WHERE status = 'submitted' AND collapsed
    UNION ALL
    SELECT institution_id, 'suspected_crime', COALESCE(submitted_at, created_at)
    FROM screening_screeningvisit WHERE status = 'submitted' AND suspected_crime
    UNION ALL
    SELECT institution_id, 'public_opinion', COALESCE(submitted_at, created_at)
    FROM screening_screeningvisit WHERE status = 'submitted' AND public_opinion
    UNION ALL
    SELECT institution_id, 'promised_returns', COALESCE(submitted_at, created_at)
    FROM screening_screeningvisit WHERE status = 'submitted' AND promised_returns
    UNION ALL
    SELECT institution_id, 'false_advertising', COALESCE(submitted_at, created_at)
    FROM screening_screeningvisit WHERE status = 'submitted' AND false_advertising
    UNION ALL
    SELECT institution_id, 'promised_returns', created_at
    FROM screening_prepaymentrecord WHERE promised_return
    UNION ALL
    SELECT institution_id, 'related_party_transactions', created_at
    FROM screening_relatedcompany WHERE has_transactions
    UNION ALL
    SELECT institution_id, 'public_opinion', major_since
    FROM screening_opinionevent WHERE level = 'major' AND major_since IS NOT NULL
        AND institution_id IS NOT NULL
    UNION ALL
    SELECT institution_id, 'suspected_crime', updated_at
    FROM screening_fundraisingdetermination WHERE result = 'illegal_fundraising'
), resolved AS (
    SELECT institution_id, fact, MAX(resolved_at) AS at
    FROM screening_findingresolution GROUP BY institution_id, fact
), standing AS (
    SELECT f.institution_id,
        MAX(CASE WHEN f.fact = 'collapsed' THEN 1 ELSE 0 END) AS collapsed,
        MAX(CASE WHEN f.fact = 'suspected_crime' THEN 1 ELSE 0 END) AS suspected_crime,
        MAX(CASE WHEN f.fact = 'public_opinion' THEN 1 ELSE 0 END) AS public_opinion,
        MAX(CASE WHEN f.fact = 'promised_returns' THEN 1 ELSE 0 END) AS promised_returns,
        MAX(CASE WHEN f.fact = 'false_advertising' THEN 1 ELSE 0 END) AS false_advertising,
        MAX(CASE WHEN f.fact = 'related_party_transactions' THEN 1 ELSE 0 END) AS related
    FROM recorded f
    LEFT JOIN resolved r ON r.institution_id = f.institution_id AND r.fact = f.fact
    WHERE r.at IS NULL OR f.at > r.at
    GROUP BY f.institution_id
), answer AS (
    SELECT institution_id, large_prepayment_found,
        ROW_NUMBER() OVER (PARTITION BY institution_id ORDER BY visited_on DESC, id DESC) AS rn
    FROM screening_screeningvisit
    WHERE status = 'submitted' AND large_prepayment_found IN ('yes', 'no')
), finance AS (
    SELECT institution_id, total_assets, total_liabilities, net_fixed_assets,
        ROW_NUMBER() OVER (PARTITION BY institution_id ORDER BY as_of DESC, id DESC) AS rn
    FROM screening_financialsnapshot
), branches AS (
    SELECT institution_id, COUNT(*) AS n FROM screening_branch
    WHERE opened_on > %s AND opened_on <= %s GROUP BY institution_id
), changes AS (
    SELECT institution_id,
        SUM(CASE WHEN kind = 'legal_representative' THEN 1 ELSE 0 END) AS rep,
        SUM(CASE WHEN kind = 'registered_address' THEN 1 ELSE 0 END) AS address
    FROM screening_registrationchange
    WHERE changed_on > %s AND changed_on <= %s GROUP BY institution_id
), roles AS (
    SELECT DISTINCT institution_id, person_id FROM screening_personrole WHERE ended_on IS NULL
), suits AS (
    SELECT DISTINCT r.institution_id FROM roles r
    JOIN screening_lawsuit s ON s.person_id = r.person_id
    WHERE s.economic_crime AND s.match_status IN {COUNTED}
), listed AS (
    SELECT r.institution_id FROM roles r
    JOIN screening_blacklistentry b ON b.person_id = r.person_id
    WHERE b.match_status IN {COUNTED} AND b.removed_on IS NULL
    UNION
    SELECT institution_id FROM screening_blacklistentry
    WHERE institution_id IS NOT NULL AND match_status IN {COUNTED} AND removed_on IS NULL
), complaints AS (
    SELECT institution_id, COUNT(*) AS n FROM (
        SELECT institution_id FROM screening_complaint
        WHERE institution_id IS NOT NULL AND match_status IN {COUNTED}
            AND verification = 'substantiated'
        UNION ALL
        SELECT r.institution_id FROM screening_complaint c
        JOIN roles r ON r.person_id = c.person_id
        WHERE c.match_status IN {COUNTED} AND c.verification = 'substantiated'
            AND (c.institution_id IS NULL OR c.institution_id <> r.institution_id)
        UNION ALL
        SELECT institution_id FROM screening_lead
        WHERE institution_id IS NOT NULL AND is_fraud_related AND status <> 'received'
            AND groundless_on IS NULL
    ) AS subjects GROUP BY institution_id
)
SELECT i.id, i.registration_status, i.beds,
    COALESCE(a.large_prepayment_found = 'yes', i.collects_large_prepayment),
    p.large_total, p.large_payers, p.prepayment_total, p.prepayment_payers,
    v.fund_use, st.false_advertising, st.promised_returns, st.suspected_crime, st.collapsed,
    st.public_opinion, st.related, f.total_assets, f.total_liabilities, f.net_fixed_assets,
    b.n, c.rep, c.address, s.institution_id, l.institution_id, co.n
FROM institutions_institution i
LEFT JOIN prepay p ON p.institution_id = i.id
LEFT JOIN visit v ON v.institution_id = i.id AND v.rn = 1
LEFT JOIN standing st ON st.institution_id = i.id
LEFT JOIN answer a ON a.institution_id = i.id AND a.rn = 1
LEFT JOIN finance f ON f.institution_id = i.id AND f.rn = 1
LEFT JOIN branches b ON b.institution_id = i.id
LEFT JOIN changes c ON c.institution_id = i.id
LEFT JOIN suits s ON s.institution_id = i.id
LEFT JOIN (SELECT DISTINCT institution_id FROM listed) l ON l.institution_id = i.id
LEFT JOIN complaints co ON co.institution_id = i.id
WHERE i.archived_at IS NULL
"""  # noqa: S608 (only constants are formatted in; the values are parameters)


def facts_floor(today=None) -> int:
    """Run ``FACTS_SQL`` for the default thresholds; the number of institutions."""
    from core.clock import months_before
    from risklists.engine import Thresholds

    today = today or timezone.localdate()
    t = Thresholds()
    params = [
        Decimal(t.prepaid_fee_months),
        Decimal(t.large_amount_fee_unknown),
        Decimal(t.deposit_months),
        Decimal(t.large_amount_fee_unknown),
        months_before(today, 36),
        today,
        months_before(today, 24),
        today,
    ]
    with connection.cursor() as cursor:
        cursor.execute(FACTS_SQL, params)
        return len(cursor.fetchall())


def bench_rate_all() -> Result:
    from risklists.tasks import rate_all

    baseline, n_floor = timed(facts_floor)
    with QueryCounter() as counter:
        seconds, outcome = timed(rate_all)
    return Result(
        "rate_all",
        n=outcome["rated"],
        seconds=seconds,
        baseline_seconds=baseline,
        queries=counter.count,
        extra={"created": outcome["created"]},
    )


# --- list pages -------------------------------------------------------------------------------


def county_user_and_township():
    from accounts.models import OrgUnit, User

    user = User.objects.select_related("unit").get(username=synthetic.username("c", 0))
    # The county's busiest township: the filter a county user would try first.
    township = OrgUnit.objects.filter(parent=user.unit, level="township").order_by("code").first()
    return user, township


def _page(name: str, url: str, filterset_class, queryset_for, per_page: int) -> Result:
    """Time ``url`` through the test client, and the page's main query raw."""
    from django.test import Client, RequestFactory

    user, township = county_user_and_township()
    client = Client()
    client.force_login(user)
    data = {"township": str(township.pk)}
    response = client.get(url, data)  # warm: templates, translations, connection
    assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as captured:
        client.get(url, data)
    # Read now: the next request's request_started signal empties the query log.
    queries = len(captured.captured_queries)
    settle()
    cpu_started = time.process_time()
    seconds, response = timed(lambda: client.get(url, data), PAGE_REPEATS)
    cpu = (time.process_time() - cpu_started) / PAGE_REPEATS

    request = RequestFactory().get(url, data)
    request.user = user
    filterset = filterset_class(data, queryset=queryset_for(user), request=request)
    rows = filterset.qs
    sql, params = rows[:per_page].query.sql_with_params()

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    baseline, _ = timed(raw, PAGE_REPEATS)
    return Result(
        name,
        n=rows.count(),
        seconds=seconds,
        baseline_seconds=baseline,
        queries=queries,
        extra={"cpu_ms": round(cpu * 1000, 1)},
    )


def bench_institution_list_page() -> Result:
    from institutions.filters import InstitutionFilterSet
    from institutions.models import Institution
    from institutions.views import InstitutionListView

    def queryset_for(user):
        return Institution.objects.visible_to(user).select_related("township")

    return _page(
        "institution_list_page",
        "/institutions/",
        InstitutionFilterSet,
        queryset_for,
        InstitutionListView.paginate_by,
    )


def bench_risk_list_page() -> Result:
    from risklists import selectors
    from risklists.filters import RiskListFilterSet
    from risklists.views import RiskListView

    return _page(
        "risk_list_page",
        "/risk/",
        RiskListFilterSet,
        selectors.risk_list,
        RiskListView.paginate_by,
    )


# --- export_50k -------------------------------------------------------------------------------


def province_reader():
    """A leader of the whole synthetic province (not saved): the user who sees every row."""
    from accounts.models import Role, User

    return User(username="bench_province", unit=synthetic.province(), role=Role.LEADER)


EXPORT_MAX_SECONDS = 10.0  # issue 17: 50,000 rows in one request in under 10 s


def bench_export_50k() -> Result:
    """The institution list's 「导出 Excel」 unfiltered at province size: every institution in
    one request through the view (filterset, table, writer, file response read to its end),
    against the same cells fetched raw and written by a bare write-only openpyxl loop."""
    import tempfile

    from django.test import RequestFactory
    from openpyxl import Workbook

    from institutions.models import Institution
    from institutions.views import InstitutionListView

    user = province_reader()
    view = InstitutionListView.as_view(export=True)

    def export() -> int:
        request = RequestFactory().get("/institutions/export/")
        request.user = user
        response = view(request)
        assert response.status_code == 200, response.status_code
        size = sum(len(chunk) for chunk in response.streaming_content)
        # The file only: response.close() would send request_finished, which closes the
        # database connection (inside a test's transaction on PostgreSQL, for good).
        response.file_to_stream.close()
        return size

    with QueryCounter() as counter:
        seconds, size = timed(export)
    peak = peak_mb()
    queryset = Institution.objects.visible_to(user)
    rows = queryset.count()
    fields = (
        "name",
        "township__name",
        "registration_status",
        "credit_code",
        "ownership",
        "legal_form",
        "beds",
        "residents",
        "legal_representative",
    )

    def floor():
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        for values in queryset.values_list(*fields).iterator(chunk_size=2000):
            sheet.append(values)
        with tempfile.TemporaryFile() as file:
            workbook.save(file)

    baseline, _ = timed(floor)
    return Result(
        "export_50k",
        n=rows,
        seconds=seconds,
        baseline_seconds=baseline,
        queries=counter.count,
        peak_mb=peak,
        extra={"rows": rows, "bytes": size, "ok": "yes" if seconds < EXPORT_MAX_SECONDS else "no"},
    )


API_PAGE_SIZE = 500  # the API's largest page
API_PAGE_MAX_QUERIES = 15  # issue 18


def bench_api_institutions() -> Result:
    """Every institution of the province read through the API (/api/v1/institutions/), page
    by page along the cursor, as a province-level reader: the queries of the costliest page
    and the pages per second, against the same rows read raw in pages of the same size.

    The view is found by its address (devtools does not import the API) and called with
    DRF's forced authentication, as a session or a key would authenticate the same user."""
    from urllib.parse import parse_qs, urlsplit

    from django.urls import resolve
    from rest_framework.test import APIRequestFactory, force_authenticate

    from institutions.models import Institution

    user = province_reader()
    path = "/api/v1/institutions/"
    view = resolve(path).func
    factory = APIRequestFactory()

    def read_all() -> tuple[int, int, int]:
        params, pages, rows, worst = {"page_size": API_PAGE_SIZE}, 0, 0, 0
        while True:
            request = factory.get(path, params)
            force_authenticate(request, user=user)
            with QueryCounter() as counter:
                response = view(request)
                response.render()
            assert response.status_code == 200, response.status_code
            worst = max(worst, counter.count)
            pages += 1
            rows += len(response.data["results"])
            following = response.data.get("next")
            if not following:
                return pages, rows, worst
            params = {k: v[0] for k, v in parse_qs(urlsplit(following).query).items()}

    seconds, (pages, rows, worst) = timed(read_all)
    queryset = Institution.objects.visible_to(user).active().select_related("township")

    def floor():
        last = 0
        while True:
            chunk = list(queryset.filter(pk__gt=last).order_by("pk")[:API_PAGE_SIZE])
            if not chunk:
                return
            last = chunk[-1].pk

    baseline, _ = timed(floor)
    return Result(
        "api_institutions",
        n=rows,
        seconds=seconds,
        baseline_seconds=baseline,
        queries=worst,
        extra={
            "pages": pages,
            "pages_per_second": pages / seconds if seconds else 0.0,
            "ok": "yes" if worst <= API_PAGE_MAX_QUERIES else "no",
        },
    )


# docs/performance.md: the page a township opens most.
INSTITUTION_PAGE_MAX_SECONDS = 0.050
INSTITUTION_PAGE_MAX_QUERIES = 15


def bench_institution_page() -> Result:
    """``GET /institutions/<pk>/`` as the township's staff (``syn_t0``), for the institution of
    their township with the most prepayment records, median of 7 after one warm-up; the
    floor is the institution's row fetched raw."""
    from django.db.models import Count
    from django.test import Client

    from accounts.models import User
    from institutions.models import Institution

    user = User.objects.select_related("unit").get(username=synthetic.username("t", 0))
    institution = (
        Institution.objects.filter(township=user.unit, archived_at__isnull=True)
        .annotate(n=Count("prepayments"))
        .order_by("-n", "pk")
        .first()
    )
    url = institution.get_absolute_url()
    client = Client()
    client.force_login(user)
    response = client.get(url)  # warm: templates, translations, connection
    assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = len(captured.captured_queries)
    settle()
    cpu_started = time.process_time()
    seconds, _ = timed(lambda: client.get(url), PAGE_REPEATS)
    # The server's own CPU per page, which does not depend on what else the machine runs.
    cpu = (time.process_time() - cpu_started) / PAGE_REPEATS
    sql, params = Institution.objects.filter(pk=institution.pk).query.sql_with_params()

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    baseline, _ = timed(raw, PAGE_REPEATS)
    ok = seconds <= INSTITUTION_PAGE_MAX_SECONDS and queries <= INSTITUTION_PAGE_MAX_QUERIES
    return Result(
        "institution_page",
        n=institution.n,
        seconds=seconds,
        baseline_seconds=baseline,
        queries=queries,
        extra={"cpu_ms": round(cpu * 1000, 1), "ok": "yes" if ok else "no"},
    )


# --- weekly pack ------------------------------------------------------------------------------


def _sheet_values(path) -> list[list]:
    """Every row of every sheet of a workbook, as values."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    try:
        return [
            [list(row) for row in sheet.iter_rows(values_only=True)]
            for sheet in workbook.worksheets
        ]
    finally:
        workbook.close()


def bare_pack(sheets_by_file: dict[str, list[list]], directory) -> None:
    """The floor of a pack: the same cells through openpyxl's write-only mode, no styles,
    merges or print setup, then the same zip."""
    import zipfile

    from openpyxl import Workbook

    for name, sheets in sheets_by_file.items():
        workbook = Workbook(write_only=True)
        for rows in sheets:
            sheet = workbook.create_sheet()
            for row in rows:
                sheet.append(row)
        workbook.save(directory / name)
    with zipfile.ZipFile(directory / "pack.zip", "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name in sheets_by_file:
            bundle.write(directory / name, arcname=name)


PACK_REPEAT = 3


def bench_weekly_pack() -> Result:
    """The province's pack of last week (the largest a deployment builds), as Celery would."""
    from reporting.choices import ReportSet

    return _bench_pack("weekly_pack", ReportSet.DISTRICT_WEEKLY)


def bench_rollup_pack() -> Result:
    """The province's roll-up pack of last week (附件1–6, one row per county in 2, 5, 6;
    the province's lists in 3 and 4), as a province's section asks for it."""
    from reporting.choices import ReportSet

    result = _bench_pack("rollup_pack", ReportSet.ROLLUP_WEEKLY)
    # Issue 16: at most 1.5 times its floor, at most 400 MB.
    within = result.ratio is not None and result.ratio <= ROLLUP_RATIO
    within = within and result.peak_mb is not None and result.peak_mb <= ROLLUP_PEAK_MB
    result.extra["ok"] = "yes" if within else "no"
    return result


ROLLUP_RATIO, ROLLUP_PEAK_MB = 1.5, 400


def _bench_pack(name: str, report_set: str) -> Result:
    import tempfile
    from pathlib import Path

    from reporting.packs import write_pack
    from reporting.periods import ReportingWeek

    unit = synthetic.province()
    week = ReportingWeek.containing_deadline_on(timezone.localdate() - timedelta(days=7))
    with tempfile.TemporaryDirectory(prefix="bench-pack-") as work:
        work = Path(work)
        with QueryCounter() as counter:
            _, (files, _archive) = timed(lambda: write_pack(report_set, unit, week, work / "pack"))
        queries = counter.count  # of one pack
        peak = peak_mb()  # the pack's own peak, before the floor reads the files back
        cells = {file.path.name: _sheet_values(file.path) for file in files}
        # On a shared virtual machine the same work varies by a fifth from one run to the
        # next: the pack and its floor are timed in turns, PACK_REPEAT times each, and the
        # medians compared, so that a slow moment weighs on both sides alike.
        pack_times, floor_times = [], []
        for turn in range(PACK_REPEAT):
            built, bare = work / f"pack{turn}", work / f"bare{turn}"
            bare.mkdir()
            seconds, _ = timed(functools.partial(write_pack, report_set, unit, week, built))
            pack_times.append(seconds)
            seconds, _ = timed(functools.partial(bare_pack, cells, bare))
            floor_times.append(seconds)
        seconds = statistics.median(pack_times)
        baseline = statistics.median(floor_times)
    rows = sum(len(rows) for sheets in cells.values() for rows in sheets)
    return Result(
        name,
        n=rows,
        seconds=seconds,
        baseline_seconds=baseline,
        queries=queries,
        peak_mb=peak,
    )


BENCHMARKS: dict[str, Callable[[], Result]] = {
    "rate_all": bench_rate_all,
    "weekly_pack": bench_weekly_pack,
    "rollup_pack": bench_rollup_pack,
    "risk_list_page": bench_risk_list_page,
    "institution_list_page": bench_institution_list_page,
    "export_50k": bench_export_50k,
    "institution_page": bench_institution_page,
    "api_institutions": bench_api_institutions,
}


def run(name: str) -> Result:
    from django.test.utils import setup_test_environment

    # The test client's host ("testserver"), as in tests; already set up inside the suite.
    with contextlib.suppress(RuntimeError):
        setup_test_environment()
    result = BENCHMARKS[name]()
    if result is not None and result.peak_mb is None:
        result.peak_mb = peak_mb()
    return result


def session_for(user) -> str:
    """The key of a new session logged in as ``user``, as a login would leave it (the
    benchmarks measure the pages, not a deliberately slow password hash)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def load_users(count: int) -> list[dict]:
    """Township staff of the synthetic province, already logged in (a session each: the load
    measures the pages, not password hashing), with some of their institutions each."""
    from accounts.models import User
    from institutions.models import Institution

    users = list(
        User.objects.filter(username__startswith="syn_t")
        .select_related("unit")
        .order_by("pk")[:count]
    )
    people = []
    for user in users:
        session_key = session_for(user)
        ids = list(
            Institution.objects.filter(township=user.unit, archived_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:20]
        )
        people.append({"username": user.username, "session": session_key, "institutions": ids})
    return people


@contextlib.contextmanager
def gunicorn(port: int, workers: int | None = None):
    """gunicorn serving this database on ``port`` as deployed (``DEBUG=0``; static files from
    ``collectstatic`` through whitenoise; the workers of ``gunicorn.conf.py`` unless
    ``workers`` is given), stopped on leaving: ``(process, url)``."""
    import os
    import subprocess
    import sys
    import urllib.request
    from pathlib import Path

    from django.conf import settings

    connection.close()  # the workers open their own
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DEBUG="0",
        LOG_LEVEL="WARNING",
        ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603 (our own executables)
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            *(["--workers", str(workers)] if workers else []),
        ],
        cwd=settings.BASE_DIR,
        env=env,
    )
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/login/", timeout=2)  # noqa: S310 (local)
                break
            except OSError:
                time.sleep(0.5)
        yield server, url
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- dashboard transfer -------------------------------------------------------------------

# docs/performance.md: the leaders' dashboard, HTML and every asset, as sent (compressed).
DASHBOARD_FIRST_LOAD_MAX = 1_500_000
DASHBOARD_REPEAT_LOAD_MAX = 100_000
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _visit(page, cdp, url: str) -> tuple[int, int, list[str]]:
    """Open ``url`` and wait for the charts: the bytes received for it (what the browser's
    network panel calls "transferred": headers and bodies as sent, 0 for what its cache
    answered), the number of responses from the network, and any that failed."""
    received, failures = {}, []

    def finished(event):
        received[event["requestId"]] = event["encodedDataLength"]

    def responded(event):
        status = event["response"]["status"]
        if status >= 400:
            failures.append(f"{status} {event['response']['url']}")

    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.responseReceived", responded)
    page.goto(url, wait_until="networkidle")
    page.wait_for_selector("#chart-ratings svg.main-svg, #chart-ratings p", timeout=30000)
    page.wait_for_load_state("networkidle")
    cdp.remove_listener("Network.loadingFinished", finished)
    cdp.remove_listener("Network.responseReceived", responded)
    counted = [size for size in received.values() if size > 0]
    return sum(counted), len(counted), failures


def bench_dashboard_transfer(port: int = 8102) -> Result:
    """A leader opens the dashboard in Debian's Chromium, against gunicorn: the bytes of the
    first visit with an empty cache, then of a second visit (the next morning's)."""
    from playwright.sync_api import sync_playwright

    from accounts.models import User

    leader = User.objects.get(username=synthetic.username("l", 0))
    session_key = session_for(leader)
    with gunicorn(port, workers=2) as (_server, url), sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
            context.add_cookies([{"name": "sessionid", "value": session_key, "url": url}])
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            started = time.perf_counter()
            first, requests, failures = _visit(page, cdp, f"{url}/reporting/dashboard/")
            seconds = time.perf_counter() - started
            repeat, _, more = _visit(page, cdp, f"{url}/reporting/dashboard/")
        finally:
            browser.close()
    failures += more
    ok = not failures and first <= DASHBOARD_FIRST_LOAD_MAX and repeat <= DASHBOARD_REPEAT_LOAD_MAX
    return Result(
        "dashboard_transfer",
        n=requests,
        seconds=seconds,
        baseline_seconds=None,
        queries=None,
        extra={
            "first_kb": round(first / 1000, 1),
            "repeat_kb": round(repeat / 1000, 1),
            "failed": len(failures),
            "ok": "yes" if ok else "no",
        },
    )


def _gunicorn_rss(master) -> float:
    try:
        processes = [master, *master.children(recursive=True)]
        return sum(p.memory_info().rss for p in processes) / 2**20
    except Exception:  # a worker restarting between the two calls
        return 0.0


# Issue 17: 100 township staff at once, no request failing, 95 % answered within half a second.
LOAD_MAX_P95_MS = 500


def bench_load(users: int = 50, seconds: int = 60, port: int = 8101, warmup: int = 20) -> Result:
    """Locust's township staff against gunicorn on ``port`` (its workers as deployed,
    ``gunicorn.conf.py``); the line adds errors and p95, and ``ok`` (no error, p95 within
    ``LOAD_MAX_P95_MS``).

    The same users first work ``warmup`` seconds unmeasured: each worker process compiles a
    user's panels' statements, templates and form fragments at its first page for that user
    and keeps them while it lives (days, deployed). A one-minute run from cold workers
    measured that start more than the pages (docs/performance.md, "load")."""
    import csv
    import json
    import os
    import subprocess
    import sys
    import threading
    from pathlib import Path

    import psutil
    from django.conf import settings

    base = Path(settings.BASE_DIR)
    bin_dir = Path(sys.executable).parent
    # Locust's statistics and log stay in var/bench-load/ after the run, to be read.
    work = base / "var" / "bench-load"
    work.mkdir(parents=True, exist_ok=True)
    accounts = work / "users.json"
    accounts.write_text(json.dumps(load_users(users)), encoding="utf-8")
    connection.close()  # the workers open their own

    env = dict(os.environ, BENCH_LOAD_USERS=str(accounts))
    with gunicorn(port, workers=None) as (server, url):
        master = psutil.Process(server.pid)
        peak = [0.0]
        running = threading.Event()
        running.set()

        def sample():
            while running.is_set():
                peak[0] = max(peak[0], _gunicorn_rss(master))
                time.sleep(1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()

        def locust(prefix: Path, run_seconds: int):
            with open(f"{prefix}.log", "w", encoding="utf-8") as log:
                subprocess.run(  # noqa: S603 (our own executables)
                    [
                        str(bin_dir / "locust"),
                        "-f",
                        str(base / "scripts" / "bench_locustfile.py"),
                        "--headless",
                        "-u",
                        str(users),
                        "-r",
                        str(max(1, users // 5)),
                        "-t",
                        f"{run_seconds}s",
                        "--host",
                        url,
                        "--csv",
                        str(prefix),
                        "--only-summary",
                        "--stop-timeout",
                        "10",
                        "--loglevel",
                        "WARNING",
                    ],
                    cwd=base,
                    env=env,
                    check=False,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )

        if warmup:
            locust(work / "warmup", warmup)
        prefix = work / "locust"
        locust(prefix, seconds)
        running.clear()
        sampler.join()
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        total = next(row for row in csv.DictReader(handle) if row["Name"] == "Aggregated")
    errors, p95 = int(total["Failure Count"]), int(float(total["95%"]))
    return Result(
        "load",
        n=int(total["Request Count"]),
        seconds=float(seconds),
        baseline_seconds=None,
        queries=None,
        peak_mb=peak[0],
        extra={
            "errors": errors,
            "p95_ms": p95,
            "median_ms": int(float(total["50%"])),
            "rps": round(float(total["Requests/s"]), 1),
            "ok": "yes" if errors == 0 and p95 <= LOAD_MAX_P95_MS else "no",
        },
    )


# --- the field app's outbox -----------------------------------------------------------------

OUTBOX_VISITS = 200
OUTBOX_TARGET_PER_SECOND = 10
OUTBOX_PHOTO_EVERY = 5  # one visit in five carries a photo, as the phone resized it


def _outbox_photo() -> bytes:
    """A photo as the field app sends it: JPEG, long edge 1,600 px, with detail to encode."""
    import io

    from PIL import Image

    image = Image.linear_gradient("L").resize((1600, 1200)).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def bench_outbox_sync(port: int = 8103, visits: int = OUTBOX_VISITS) -> Result:
    """One phone's outbox of ``visits`` queued visits sent in order, as field_app.js sends
    them (the visit form's multipart POST asking for JSON, a client id each), to gunicorn:
    visits per second, p95 per visit and errors. The visits are submitted (each is rated)."""
    import uuid

    import requests
    from django.conf import settings

    from accounts.models import User
    from institutions.models import Institution

    user = (
        User.objects.filter(username__startswith="syn_t", is_active=True)
        .select_related("unit")
        .order_by("pk")
        .first()
    )
    session_key = session_for(user)
    ids = list(
        Institution.objects.filter(township=user.unit, archived_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:50]
    )
    photo = _outbox_photo()
    run = uuid.uuid4().hex[:8]
    today = timezone.localdate().isoformat()
    connection.close()  # the workers open their own
    with gunicorn(port, workers=2) as (_server, url):
        client = requests.Session()
        client.cookies.set(settings.SESSION_COOKIE_NAME, session_key)
        client.get(f"{url}/screening/field/", timeout=30)
        headers = {
            "Accept": "application/json",
            "X-CSRFToken": client.cookies.get("csrftoken", ""),
        }
        times, errors, photos = [], 0, 0
        started = time.perf_counter()
        for index in range(visits):
            data = {
                "client_id": f"bench-{run}-{index}",
                "action": "submit",
                "visited_on": today,
                "staff": str(user.pk),
                "method": "unannounced",
                "round": "first",
                "operating_entity": "某某养老服务有限公司",
                "large_prepayment_found": "no",
                "findings": f"外业采集第{index + 1}条",
                "poster_displayed": "on",
                "form_opened_at": "2026-11-30T01:00:00Z",
                "form_completed_at": "2026-11-30T01:20:00Z",
                "latitude": "27.230000",
                "longitude": "112.860000",
                "interviews-TOTAL_FORMS": "1",
                "interviews-INITIAL_FORMS": "0",
                "interviews-MIN_NUM_FORMS": "0",
                "interviews-MAX_NUM_FORMS": "50",
                "interviews-0-interviewee": "王",
                "interviews-0-prepayment_collected": "no",
                "interviews-0-risks_explained": "yes",
            }
            files = None
            if index % OUTBOX_PHOTO_EVERY == 0:
                files = [("attachments", (f"photo-{index}.jpg", photo, "image/jpeg"))]
                photos += 1
            institution = ids[index % len(ids)]
            begin = time.perf_counter()
            response = client.post(
                f"{url}/screening/visits/new/?institution={institution}",
                data=data,
                files=files,
                headers=headers,
                timeout=60,
            )
            times.append(time.perf_counter() - begin)
            if response.status_code not in (200, 201):
                errors += 1
        seconds = time.perf_counter() - started
    per_second = visits / seconds
    p95 = sorted(times)[int(len(times) * 0.95) - 1]
    ok = errors == 0 and per_second >= OUTBOX_TARGET_PER_SECOND
    return Result(
        "outbox_sync",
        n=visits,
        seconds=seconds,
        baseline_seconds=None,
        queries=None,
        extra={
            "errors": errors,
            "photos": photos,
            "visits_per_s": round(per_second, 1),
            "p95_ms": int(p95 * 1000),
            "ok": "yes" if ok else "no",
        },
    )
