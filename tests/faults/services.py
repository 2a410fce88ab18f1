"""Private services for fault tests: a redis-server of our own, a gunicorn of our own.

Never the shared ones: each test starts what it stops, on the ports given to this suite.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS_PORT = int(os.environ.get("FAULTS_REDIS_PORT", "6391"))
HTTP_PORT = int(os.environ.get("FAULTS_HTTP_PORT", "8201"))


def wait_for_port(port, timeout=20.0, up=True):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            s.settimeout(0.5)
            is_up = s.connect_ex(("127.0.0.1", port)) == 0
        if is_up == up:
            return
        time.sleep(0.1)
    raise TimeoutError(f"port {port} did not come {'up' if up else 'down'}")


class PrivateRedis:
    def __init__(self, port=REDIS_PORT):
        if shutil.which("redis-server") is None:
            pytest.skip("redis-server is not installed")
        self.port = port
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=10)
        wait_for_port(self.port, up=False)


@contextmanager
def private_redis():
    redis = PrivateRedis()
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@contextmanager
def gunicorn(env, port=HTTP_PORT):
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port, timeout=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


PG_PORT = int(os.environ.get("FAULTS_PG_PORT", "5441"))


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return found[-1].parent if found else None


class PrivatePostgres:
    """A PostgreSQL cluster of our own (initdb in a temporary folder, run as the ``postgres``
    system user, trust authentication on 127.0.0.1), so that a test can really restart a
    database server without touching the shared one."""

    def __init__(self, directory: Path, port=PG_PORT):
        self.bin = _pg_bin()
        if self.bin is None or shutil.which("runuser") is None:
            pytest.skip("PostgreSQL server binaries (or runuser) are not installed")
        if os.geteuid() != 0:
            pytest.skip("starting a private cluster as the postgres user needs root")
        self.port = port
        self.directory = directory
        self.data = directory / "data"
        self.log = directory / "postgres.log"

    def url(self, name="postgres"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _as_postgres(self, *args, check=True):
        return subprocess.run(
            ["runuser", "-u", "postgres", "--", *map(str, args)],
            check=check,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=120,
        )

    def pg_ctl(self, *args, check=True):
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory}"
        return self._as_postgres(
            self.bin / "pg_ctl",
            "-D",
            self.data,
            "-l",
            self.log,
            "-o",
            options,
            "-w",
            *args,
            check=check,
        )

    def start(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        shutil.chown(self.directory, "postgres", "postgres")
        self._as_postgres(
            self.bin / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )
        self.pg_ctl("start")
        wait_for_port(self.port)
        return self

    def restart(self):
        self.pg_ctl("restart", "-m", "fast")
        wait_for_port(self.port)

    def stop(self):
        self.pg_ctl("stop", "-m", "immediate", check=False)


@contextmanager
def private_postgres(directory: Path):
    server = PrivatePostgres(directory)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)
