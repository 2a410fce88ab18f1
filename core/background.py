"""Reads started ahead, in threads of their own, while the caller goes on writing.

A weekly pack at province size spends much of its time waiting for the database (the
per-township tables, the refund ledger, the disposal actions) and as much again writing
cells in Python. On PostgreSQL the database works in a process of its own: a read started
in a thread runs on another core while this thread writes, and the pack takes about the
longer of the two instead of their sum.

Each read runs in a thread with its own database connection (Django gives every thread one),
in the caller's language, and closes that connection when done. The result (or the error)
is handed over through a ``concurrent.futures.Future``.

Only where the other connection sees what this one sees: PostgreSQL, outside a transaction
(inside one — a test case, an atomic block — this thread's uncommitted rows would be
invisible to the others), and when ``settings.BACKGROUND_READS`` is on. Otherwise
``background_reads_possible()`` is False and callers compute in place.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.utils import translation


def background_reads_possible() -> bool:
    return (
        getattr(settings, "BACKGROUND_READS", True)
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
    )


def start_reads(reads: dict[str, Callable[[], Any]]) -> dict[str, Future]:
    """One future per read, all created before any thread starts (a read may wait for
    another's future), then a daemon thread each."""
    futures = {key: Future() for key in reads}
    language = translation.get_language()
    for key, read in reads.items():
        thread = threading.Thread(
            target=_run,
            args=(read, futures[key], language),
            name=f"read-ahead-{key}",
            daemon=True,
        )
        thread.start()
    return futures


def _run(read: Callable[[], Any], future: Future, language: str | None) -> None:
    if not future.set_running_or_notify_cancel():
        return
    try:
        with translation.override(language):
            result = read()
    except BaseException as exc:  # handed to whoever waits for it
        future.set_exception(exc)
    else:
        future.set_result(result)
    finally:
        connections.close_all()


class Stream:
    """The rows of a generator read ahead in a thread of its own, a chunk at a time, at
    most ``depth`` chunks ahead of whoever iterates it: the database computes and sends the
    next rows while the caller writes these. Iterated once; ``cancel()`` (or leaving the
    loop early) stops the thread and closes its connection."""

    _DONE = object()

    def __init__(self, rows: Callable[[], Any], chunk: int = 2000, depth: int = 4):
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._cancelled = threading.Event()
        self._chunk = chunk
        language = translation.get_language()
        self._thread = threading.Thread(
            target=self._produce, args=(rows, language), name="read-ahead-rows", daemon=True
        )
        self._thread.start()

    def _put(self, item) -> bool:
        while not self._cancelled.is_set():
            try:
                self._queue.put(item, timeout=0.5)
                return True
            except queue.Full:
                continue
        return False

    def _produce(self, rows, language) -> None:
        try:
            with translation.override(language):
                chunk = []
                for row in rows():
                    chunk.append(row)
                    if len(chunk) >= self._chunk:
                        if not self._put(chunk):
                            return
                        chunk = []
                if chunk and not self._put(chunk):
                    return
            self._put(self._DONE)
        except BaseException as exc:  # raised where the rows are read
            self._put(exc)
        finally:
            connections.close_all()

    def __iter__(self):
        try:
            while True:
                item = self._queue.get()
                if item is self._DONE:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield from item
        finally:
            self.cancel()

    def cancel(self) -> None:
        self._cancelled.set()
