"""/health/: is this server able to serve? For nginx, systemd and `make prod-smoke`.

django-health-check runs the checks: the database, the cache, the Celery broker (Redis) and
a worker answering a ping when a broker is configured, the disk space where uploads and
packs are written (MEDIA_ROOT), and every migration applied. The answer names the checks
and says "ok" or "error" for each: no record, no host, no path, no message that could tell
an outsider more. 200 when all pass, 503 otherwise. No login (it is asked before anyone has
logged in), and no query parameters are read.
"""

import asyncio
import dataclasses
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView
from redis.asyncio import Redis


@dataclasses.dataclass
class MigrationsApplied(HealthCheck):
    """Every migration of the code is applied (a deploy that forgot `migrate` fails here)."""

    def run(self):
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            raise ServiceUnavailable("unapplied migrations")


def media_disk() -> str:
    """MEDIA_ROOT, or the folder it will be made in (a new server has no upload yet)."""
    path = Path(settings.MEDIA_ROOT)
    while not path.exists() and path != path.parent:
        path = path.parent
    return str(path)


def checks():
    found = [
        ("database", "health_check.checks.Database"),
        ("cache", "health_check.checks.Cache"),
        (
            "disk",
            (
                "health_check.contrib.psutil.Disk",
                {
                    "path": media_disk(),
                    "max_disk_usage_percent": settings.HEALTH_DISK_USAGE_MAX,
                },
            ),
        ),
        ("migrations", MigrationsApplied),
    ]
    if settings.REDIS_URL:
        url = settings.CELERY_BROKER_URL
        found.append(
            (
                "broker",
                (
                    "health_check.contrib.redis.Redis",
                    {"client_factory": lambda: Redis.from_url(url)},
                ),
            )
        )
        if settings.HEALTH_CHECK_WORKER:
            found.append(("worker", ("health_check.contrib.celery.Ping", {})))
    return found


class HealthView(HealthCheckView):
    def get_checks(self):
        self.names = []
        for name, check in checks():
            self.names.append(name)
            self.checks = [check]
            yield from super().get_checks()

    async def get(self, request, *args, **kwargs):
        with self.get_executor() as executor:
            checks_ = list(self.get_checks())
            results = await asyncio.gather(*(check.get_result(executor) for check in checks_))
        answer = {
            name: "error" if result.error else "ok"
            for name, result in zip(self.names, results, strict=True)
        }
        healthy = all(value == "ok" for value in answer.values())
        return JsonResponse(
            {"status": "ok" if healthy else "error", "checks": answer},
            status=200 if healthy else 503,
        )


health = login_not_required(HealthView.as_view())
