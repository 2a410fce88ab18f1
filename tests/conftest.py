import os

import pytest
from hypothesis import settings as hypothesis_settings

from accounts.models import Role
from tests.factories import CountyFactory, TownshipFactory, UserFactory

# Property tests assert what the rules do, not how fast one example runs: on a shared 2-core
# CI machine Hypothesis's default 200 ms deadline failed an engine property under load (speed is
# checked by make bench).
hypothesis_settings.register_profile("project", deadline=None)
hypothesis_settings.load_profile("project")


@pytest.fixture(autouse=True)
def fresh_compiled_statements():
    """``core.db.fetch_shaped`` keeps a page's compiled statements for the process's life:
    each test compiles its own, so that it runs the statement its own code builds, not one
    an earlier test compiled (under make mutation: not the unchanged code's, compiled before
    the mutant was switched on)."""
    from core.db import forget_shapes

    forget_shapes()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads and generated files of a test go to its own folder, never to media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def county():
    return CountyFactory(name="衡山县")


@pytest.fixture
def township(county):
    return TownshipFactory(name="开云镇", parent=county)


@pytest.fixture
def other_township(county):
    return TownshipFactory(name="白果镇", parent=county)


@pytest.fixture
def township_user(township):
    return UserFactory(username="kaiyun", unit=township, role=Role.TOWNSHIP_STAFF)


@pytest.fixture
def other_township_user(other_township):
    return UserFactory(username="baiguo", unit=other_township, role=Role.TOWNSHIP_STAFF)


@pytest.fixture
def county_user(county):
    return UserFactory(username="county", unit=county, role=Role.COUNTY_REVIEWER)


@pytest.fixture
def leader(county):
    return UserFactory(username="leader", unit=county, role=Role.LEADER)


@pytest.fixture
def administrator(county):
    return UserFactory(username="admin", unit=county, role=Role.ADMINISTRATOR, is_staff=True)


@pytest.fixture
def client_for(client):
    """Log a user in on the test client: ``client_for(user)``."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def real_worker(settings):
    """A real Celery worker on its own queue, against the real Redis and the test database
    (PostgreSQL); skipped on the embedded SQLite pass. Yields the ``WorkerProcess``."""
    from config.celery_app import app
    from tests.workers import WorkerProcess, new_queue, real_services_reason

    reason = real_services_reason()
    if reason:
        pytest.skip(reason)
    queue = new_queue()
    saved = app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    settings.CELERY_TASK_ALWAYS_EAGER = False
    worker = WorkerProcess(queue).start()
    yield worker
    worker.stop()
    app.conf.task_always_eager, app.conf.task_default_queue = saved


@pytest.fixture(scope="module")
def demo_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo county loaded once for a module's tests that only read it (loading it takes
    most of a minute), inside a transaction rolled back after the module; each test still
    runs in its own savepoint. Not for tests with ``transaction=True``."""
    import io

    from django.core.management import call_command
    from django.db import transaction
    from django.test.utils import override_settings

    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("load_demo", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def pytest_collection_modifyitems(config, items):
    """Under make mutation (mutmut sets MUTANT_UNDER_TEST), the tests that need no database
    run first: mutmut stops at the first failure, and a broken rule is mostly caught by a
    plain test in a fraction of a second, before a database is set up."""
    if not os.environ.get("MUTANT_UNDER_TEST"):
        return
    items.sort(
        key=lambda item: bool(
            item.get_closest_marker("django_db")
            or {"db", "transactional_db"} & set(getattr(item, "fixturenames", ()))
        )
    )
