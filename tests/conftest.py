import pytest

from accounts.models import Role
from tests.factories import CountyFactory, TownshipFactory, UserFactory


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
