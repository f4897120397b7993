"""A RabbitMQ node and a PostgreSQL server of the test's own, so fault tests can stop and
start them without disturbing any other test (or another run) on the machine.

Both are started from the binaries installed here (rabbitmq-server, PostgreSQL's pg_ctl).
Where they are missing the tests that need them fail in CI and skip elsewhere.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from tests.support.infrastructure import _port_open, missing_service, unique_name
from tests.support.smtp import free_port


def _run_as(user: str | None, args: list[str], env: dict[str, str] | None = None, timeout: float = 120) -> None:
    """Run a server's control command; as root, as the server's own system user."""
    if user and os.geteuid() == 0:
        args = ["runuser", "-u", user, "--", *args]
    subprocess.run(args, check=True, capture_output=True, timeout=timeout, env={**os.environ, **(env or {})})


def _wait_for_port(port: int, up: bool, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _port_open("127.0.0.1", port) == up:
            return
        time.sleep(0.2)
    raise TimeoutError(f"port {port} did not go {'up' if up else 'down'} within {timeout}s")


class PrivateRabbit:
    def __init__(self) -> None:
        if not shutil.which("rabbitmq-server"):
            missing_service("rabbitmq-server (for fault tests that stop the broker)")
        self.port = free_port()
        self.node = f"buurtfault{uuid.uuid4().hex[:6]}@localhost"
        self.base = Path(tempfile.mkdtemp(prefix="buurt-rabbit-"))
        (self.base / "enabled_plugins").write_text("[].\n")
        (self.base / "rabbitmq.conf").write_text("loopback_users = none\n")
        self.user = "rabbitmq" if _user_exists("rabbitmq") else None
        if self.user:
            shutil.chown(self.base, self.user)
            for path in self.base.iterdir():
                shutil.chown(path, self.user)
        self.env = {
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(free_port()),
            "RABBITMQ_MNESIA_BASE": str(self.base / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.base / "log"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.base / "enabled_plugins"),
            "RABBITMQ_CONFIG_FILE": str(self.base / "rabbitmq"),
            "RABBITMQ_PID_FILE": str(self.base / "pid"),
        }

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def start(self) -> "PrivateRabbit":
        subprocess.run(["rabbitmq-server", "-detached"], check=True, capture_output=True, env={**os.environ, **self.env})
        _wait_for_port(self.port, up=True, timeout=90)
        return self

    def _ctl(self, *args: str) -> None:
        subprocess.run(["rabbitmqctl", "-q", "-n", self.node, *args], check=True, capture_output=True, timeout=120)

    def add_vhost(self) -> str:
        """A fresh vhost, so each test's queues (and their arguments and leftovers) are its own."""
        name = unique_name("fault")
        self._ctl("add_vhost", name)
        self._ctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
        return f"{self.url}{name}"

    def stop_app(self) -> None:
        """The broker stops; its connections drop; durable queues and their messages stay on disk."""
        self._ctl("stop_app")
        _wait_for_port(self.port, up=False, timeout=30)

    def start_app(self) -> None:
        self._ctl("start_app")
        _wait_for_port(self.port, up=True, timeout=60)

    def shutdown(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self._ctl("shutdown")
        shutil.rmtree(self.base, ignore_errors=True)


class PrivatePostgres:
    def __init__(self) -> None:
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not binaries:
            missing_service("PostgreSQL's pg_ctl (for fault tests that restart the database)")
        self.bin = Path(binaries[-1]).parent
        self.port = free_port()
        self.base = Path(tempfile.mkdtemp(prefix="buurt-pg-"))
        self.user = "postgres" if os.geteuid() == 0 and _user_exists("postgres") else None
        if self.user:
            shutil.chown(self.base, self.user)

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _pg_ctl(self, *args: str) -> None:
        _run_as(self.user, [str(self.bin / "pg_ctl"), "-D", str(self.base / "data"), *args])

    def start(self) -> "PrivatePostgres":
        if not (self.base / "data").exists():
            _run_as(self.user, [str(self.bin / "initdb"), "-D", str(self.base / "data"), "-A", "trust", "-U", "postgres"])
        options = f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._pg_ctl("-o", options, "-l", str(self.base / "log"), "-w", "start")
        return self

    def stop(self, mode: str = "fast") -> None:
        self._pg_ctl("-m", mode, "-w", "stop")

    def shutdown(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False
