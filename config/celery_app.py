"""The Celery application. Eager (inline) unless REDIS_URL names a broker."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("yanglao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
