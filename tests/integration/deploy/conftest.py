"""Fixtures for the deployment tests: the RabbitMQ management API and throwaway broker users."""

from __future__ import annotations

import contextlib
import secrets
import uuid
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import requests

from shared.config import SERVICES
from shared.messaging.definitions import service_users, user_name
from tests.support.infrastructure import missing_service


@dataclass
class Management:
    base: str
    auth: tuple[str, str]

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, f"{self.base}/api/{path}", auth=self.auth, timeout=30, **kwargs)

    def import_definitions(self, document: dict, vhost: str | None = None) -> None:
        path = "definitions" if vhost is None else f"definitions/{quote(vhost, safe='')}"
        response = self.request("POST", path, json=document)
        assert response.status_code in (200, 201, 204), response.text

    def queues(self, vhost: str) -> dict[str, dict]:
        response = self.request("GET", f"queues/{quote(vhost, safe='')}")
        response.raise_for_status()
        return {q["name"]: q for q in response.json()}


@pytest.fixture
def management(rabbit) -> Management:
    if rabbit.management_url is None:
        missing_service("The RabbitMQ management API")
    parts = urlsplit(rabbit.management_url)
    base = urlunsplit(parts._replace(netloc=parts.hostname + (f":{parts.port}" if parts.port else ""))).rstrip("/")
    return Management(base, (parts.username or "guest", parts.password or "guest"))


@dataclass
class BrokerUsers:
    prefix: str
    passwords: dict[str, str]
    amqp_url: str  # the vhost's URL as the test's own (guest) user

    def url(self, service: str) -> str:
        """The vhost's AMQP URL logged in as the service's own user."""
        parts = urlsplit(self.amqp_url)
        host = parts.hostname + (f":{parts.port}" if parts.port else "")
        userinfo = f"{quote(user_name(service, self.prefix), safe='')}:{quote(self.passwords[service], safe='')}"
        return urlunsplit(parts._replace(netloc=f"{userinfo}@{host}"))


@pytest.fixture
def broker_users(management, vhost):
    """make(topologies) -> BrokerUsers: one user per service with the generated permissions on the test vhost."""
    amqp_url, name = vhost
    prefix = f"buurt-test-{uuid.uuid4().hex[:8]}-"
    created: list[str] = []

    def make(topologies) -> BrokerUsers:
        passwords = {service: secrets.token_urlsafe(16) for service in SERVICES}
        document = service_users(topologies, passwords, vhost=name, prefix=prefix)
        created.extend(user["name"] for user in document["users"])
        management.import_definitions(document)
        return BrokerUsers(prefix, passwords, amqp_url)

    yield make
    for user in created:
        with contextlib.suppress(requests.RequestException):
            management.request("DELETE", f"users/{quote(user, safe='')}")
