"""Settings of a Celery worker whose packs take a while: each attachment waits a second and a
half before it is written, so that a test can kill the worker in the middle of a pack."""

from celery.signals import worker_process_init

from config.settings.test import *  # noqa: F403

SECONDS_PER_ATTACHMENT = 1.5


@worker_process_init.connect
def slow_down_packs(**kwargs):
    import time

    from reporting import packs

    write = packs.write_attachment

    def slowly(*args, **kwargs):
        time.sleep(SECONDS_PER_ATTACHMENT)
        return write(*args, **kwargs)

    packs.write_attachment = slowly
