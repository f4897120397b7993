"""Fixtures: real PostgreSQL, RabbitMQ and SMTP for every test that asks for them."""

from __future__ import annotations

import uuid

import pytest

from shared.config import SERVICES
from tests.support.databases import prepare_database
from tests.support.infrastructure import postgres_server, rabbit_server, unique_name
from tests.support.platform import Platform, build_service
from tests.support.smtp import SmtpSink

RUN_ID = uuid.uuid4().hex[:8]


@pytest.fixture(scope="session")
def pg():
    with postgres_server() as server:
        yield server


@pytest.fixture(scope="session")
def rabbit():
    with rabbit_server() as server:
        yield server


@pytest.fixture(scope="session")
def _templates(pg):
    """One migrated template database per service; tests copy it (much faster than migrating)."""
    made: dict[str, str] = {}

    def template(service: str) -> str:
        if service not in made:
            name = f"buurt_tpl_{RUN_ID}_{service}"
            pg.drop_database(name)
            prepare_database(service, pg.create_database(name))
            made[service] = name
        return made[service]

    yield template
    for name in made.values():
        pg.drop_database(name)


@pytest.fixture
def make_database(pg, _templates):
    """make_database("intake") -> URL of a fresh, migrated PostgreSQL database, dropped afterwards."""
    created: list[str] = []

    def make(service: str) -> str:
        name = unique_name(f"buurt_test_{service}")
        created.append(name)
        return pg.create_database(name, template=_templates(service))

    yield make
    for name in created:
        pg.drop_database(name)


@pytest.fixture
def blank_database(pg):
    """URL of a fresh, empty PostgreSQL database, dropped afterwards."""
    name = unique_name("buurt_test_blank")
    url = pg.create_database(name)
    yield url
    pg.drop_database(name)


@pytest.fixture
def vhost(rabbit):
    """(amqp url, vhost name) of a fresh RabbitMQ vhost, deleted afterwards."""
    name = unique_name("buurt-test")
    url = rabbit.create_vhost(name)
    yield url, name
    rabbit.delete_vhost(name)


@pytest.fixture
def smtp_sink():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def make_platform(make_database, vhost, tmp_path):
    """make_platform(services=..., env=...) -> started Platform on PostgreSQL and RabbitMQ."""
    platforms: list[Platform] = []

    def make(services=SERVICES, env: dict[str, str] | None = None) -> Platform:
        amqp_url, _ = vhost
        platform = Platform()
        for name in services:
            service_env = {
                "BUURT_AMQP_URL": amqp_url,
                "BUURT_DATABASE_URL": make_database(name),
                "BUURT_DATA_DIR": str(tmp_path / "data"),
                "BUURT_PUBLIC_URL": "http://buurt.test",
                **(env or {}),
            }
            platform.services[name] = build_service(name, service_env)
        platforms.append(platform)
        return platform.start()

    yield make
    for platform in platforms:
        platform.stop()
