"""A real Celery worker for tests of the Celery path (PostgreSQL and Redis only).

The worker is a separate process: it reads the test database (so the test must commit its
data: ``django_db(transaction=True)``) and writes files into the test's MEDIA_ROOT. Each
test gets its own queue, so no other worker on the same Redis can take its tasks.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def real_services_reason() -> str | None:
    """Why a real worker cannot run here (None: it can)."""
    if not os.environ.get("REDIS_URL"):
        return "needs REDIS_URL (the PostgreSQL + Redis pass of .ci/run runs it)"
    if connection.vendor != "postgresql":
        return "needs PostgreSQL: the worker process must see the test database"
    return None


def test_database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


class WorkerProcess:
    def __init__(self, queue: str, extra_env: dict | None = None):
        self.queue = queue
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen | None = None
        self.log = Path(settings.MEDIA_ROOT).parent / f"worker-{queue}.log"

    def start(self) -> WorkerProcess:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": test_database_url(),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            **self.extra_env,
        }
        self.log.parent.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--loglevel=INFO",
            "--concurrency=1",
            "--pool=prefork",
            "--without-gossip",
            "--without-mingle",
            f"--queues={self.queue}",
            f"--hostname=test-{self.queue}@%h",
        ]
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            command,
            cwd=ROOT,
            env=env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def kill(self) -> None:
        """SIGKILL the worker and its pool children: no chance to ack or clean up."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def wait_for(predicate, timeout: float = 60, interval: float = 0.3, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what or predicate}")


def new_queue() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"
