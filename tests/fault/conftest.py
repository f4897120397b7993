"""Fault tests run the platform as real processes on a RabbitMQ node of their own, so they can
stop the broker without disturbing anything else on the machine."""

from __future__ import annotations

import pytest

from shared.config import SERVICES
from tests.support.infrastructure import unique_name
from tests.support.private_services import PrivateRabbit
from tests.support.processes import ProcessPlatform

FAST = {
    "BUURT_MAILER_INTERVAL": "1",
    "BUURT_SEND_RATE": "1000",
    "BUURT_RETRY_DELAYS": "0.5,1,2",
    "BUURT_WEB_THREADS": "8",
    # The bursts come from one address; intake's per-address limit would refuse them.
    "BUURT_RATE_LIMIT_ENABLED": "false",
}


@pytest.fixture(scope="package")
def private_rabbit():
    rabbit = PrivateRabbit().start()
    yield rabbit
    rabbit.shutdown()


@pytest.fixture
def private_vhost(private_rabbit) -> str:
    """The AMQP URL of a vhost of this test's own on the private node."""
    return private_rabbit.add_vhost()


@pytest.fixture
def process_platform(private_vhost, pg, _templates, smtp_sink, tmp_path):
    """process_platform(env={...}, database_urls=None) -> started ProcessPlatform and its database URLs."""
    made: list[tuple[ProcessPlatform, list[str]]] = []

    def make(env=None, database_urls=None, service_env=None):
        created = []
        if database_urls is None:
            database_urls = {}
            for name in SERVICES:
                db = unique_name(f"buurt_fault_{name}")
                database_urls[name] = pg.create_database(db, template=_templates(name))
                created.append(db)
        platform = ProcessPlatform.create(
            private_vhost, database_urls, tmp_path, {**FAST, **smtp_sink.env(), **(env or {})}, service_env
        )
        made.append((platform, created))
        return platform.start(), database_urls

    yield make
    for platform, created in made:
        platform.stop()
        for db in created:
            pg.drop_database(db)
