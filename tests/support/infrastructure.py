"""Where the tests find a real PostgreSQL and RabbitMQ.

In order: the URLs in BUURT_TEST_DATABASE_URL / BUURT_TEST_AMQP_URL (and
BUURT_TEST_AMQP_MANAGEMENT_URL), containers started by testcontainers when a Docker engine
answers, the services on this machine's default ports. Every test gets its own database
and vhost, so runs never collide. With CI=true a missing service fails the run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
import pytest
import requests

LOCAL_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
LOCAL_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
LOCAL_MANAGEMENT_URL = "http://guest:guest@127.0.0.1:15672/"


def missing_service(what: str) -> None:
    """Fail in CI (a skipped broker test would hide a broken platform), skip on a laptop."""
    message = f"{what} is not reachable; set BUURT_TEST_DATABASE_URL / BUURT_TEST_AMQP_URL or start it"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _port_open(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1):
        return True
    return False


def _docker_available() -> bool:
    try:
        import docker

        docker.from_env(timeout=2).ping()
        return True
    except Exception:  # noqa: BLE001 - no engine, no socket, no permission: all mean "no Docker"
        return False


# -- PostgreSQL ---------------------------------------------------------------------------


@dataclass
class PostgresServer:
    admin_url: str  # a URL to the maintenance database, for CREATE/DROP DATABASE

    def url_for(self, database: str) -> str:
        parts = urlsplit(self.admin_url)
        return urlunsplit(parts._replace(path=f"/{database}"))

    def execute(self, sql: str) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self, name: str, template: str | None = None) -> str:
        self.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def postgres_server():
    url = os.environ.get("BUURT_TEST_DATABASE_URL")
    if url:
        yield PostgresServer(url.replace("postgresql+psycopg://", "postgresql://"))
        return
    if _docker_available():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:16-alpine", driver=None) as container:
            yield PostgresServer(container.get_connection_url())
        return
    if not _port_open("127.0.0.1", 5432):
        missing_service("PostgreSQL")
    yield PostgresServer(LOCAL_DATABASE_URL)


def unique_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


# -- RabbitMQ -----------------------------------------------------------------------------


@dataclass
class RabbitServer:
    amqp_url: str  # to the default vhost
    management_url: str | None  # None: manage vhosts with rabbitmqctl on this machine

    def _ctl(self, *args: str) -> None:
        subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)

    def _api(self, method: str, path: str, **kwargs) -> requests.Response:
        parts = urlsplit(self.management_url)
        base = urlunsplit(parts._replace(netloc=parts.hostname + (f":{parts.port}" if parts.port else "")))
        response = requests.request(
            method, base.rstrip("/") + "/api/" + path, auth=(parts.username or "guest", parts.password or "guest"), timeout=10, **kwargs
        )
        response.raise_for_status()
        return response

    def create_vhost(self, name: str) -> str:
        user = urlsplit(self.amqp_url).username or "guest"
        if self.management_url is None:
            self._ctl("add_vhost", name)
            self._ctl("set_permissions", "-p", name, user, ".*", ".*", ".*")
            return self.url_for(name)
        self._api("PUT", f"vhosts/{quote(name, safe='')}")
        self._api(
            "PUT",
            f"permissions/{quote(name, safe='')}/{quote(user, safe='')}",
            json={"configure": ".*", "write": ".*", "read": ".*"},
        )
        return self.url_for(name)

    def delete_vhost(self, name: str) -> None:
        if self.management_url is None:
            with contextlib.suppress(subprocess.SubprocessError):
                self._ctl("delete_vhost", name)
            return
        with contextlib.suppress(requests.RequestException):
            self._api("DELETE", f"vhosts/{quote(name, safe='')}")

    def url_for(self, vhost: str) -> str:
        parts = urlsplit(self.amqp_url)
        return urlunsplit(parts._replace(path="/" + quote(vhost, safe="")))

    def queue_depth(self, vhost: str, name: str) -> int:
        """Ready messages in a queue, asked of the broker directly (a passive declare)."""
        from kombu import Connection

        with Connection(self.url_for(vhost)) as connection:
            return connection.default_channel.queue_declare(name, passive=True).message_count


@contextlib.contextmanager
def rabbit_server():
    url = os.environ.get("BUURT_TEST_AMQP_URL")
    if url:
        yield RabbitServer(url, os.environ.get("BUURT_TEST_AMQP_MANAGEMENT_URL", LOCAL_MANAGEMENT_URL))
        return
    if _docker_available():
        from testcontainers.core.container import DockerContainer
        from testcontainers.core.waiting_utils import wait_for_logs

        with DockerContainer("rabbitmq:3.13-management").with_exposed_ports(5672, 15672) as container:
            wait_for_logs(container, "Server startup complete", timeout=120)
            host = container.get_container_host_ip()
            yield RabbitServer(
                f"amqp://guest:guest@{host}:{container.get_exposed_port(5672)}/",
                f"http://guest:guest@{host}:{container.get_exposed_port(15672)}/",
            )
        return
    if not _port_open("127.0.0.1", 5672):
        missing_service("RabbitMQ")
    if _port_open("127.0.0.1", 15672):
        yield RabbitServer(LOCAL_AMQP_URL, LOCAL_MANAGEMENT_URL)
    elif shutil.which("rabbitmqctl"):
        yield RabbitServer(LOCAL_AMQP_URL, None)
    else:
        missing_service("A way to create RabbitMQ vhosts (the management API or rabbitmqctl)")


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.02, message: str = "condition"):
    """Poll until predicate() is truthy; returns its value or fails the test with the message."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)
