"""PostgreSQL restarted under load: the web answers 503 problem+json while it is away (never a
500 or a stack trace), nothing half-written remains, and everything accepted goes on."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from shared.config import SERVICES
from tests.support.databases import prepare_database
from tests.support.infrastructure import wait_until
from tests.support.ledger import Burst, mailbox_report, queue_depths, scalar, unpublished_outbox
from tests.support.private_services import PrivatePostgres

pytestmark = pytest.mark.slow


@pytest.fixture
def private_postgres():
    server = PrivatePostgres().start()
    yield server
    server.shutdown()


@pytest.mark.timeout(600)
def test_database_restart_under_load(private_postgres, process_platform, private_vhost, smtp_sink):
    base = private_postgres.admin_url.rsplit("/", 1)[0]
    urls = {}
    with psycopg.connect(private_postgres.admin_url, autocommit=True) as connection:
        for name in SERVICES:
            connection.execute(f'CREATE DATABASE "{name}"')
    for name in SERVICES:
        urls[name] = f"{base}/{name}"
        prepare_database(name, urls[name])
    platform, db = process_platform(database_urls=urls)

    burst = Burst(platform["intake"].url, "pgload")
    stop = threading.Event()
    threads = burst.start_until(stop, concurrency=4)
    wait_until(lambda: len(burst.accepted) >= 100, timeout=120, message="load before the restart")
    private_postgres.stop("fast")
    time.sleep(4)
    private_postgres.start()
    accepted_before = len(burst.accepted)
    wait_until(lambda: len(burst.accepted) >= accepted_before + 100, timeout=120, message="load after the restart")
    stop.set()
    for thread in threads:
        thread.join(60)

    print(f"\nanswers during a database restart: {dict(burst.statuses)}")
    assert set(burst.statuses) <= {201, 503}, burst.statuses  # Burst also checks every 5xx is problem+json
    assert burst.statuses[503] > 0, "the restart should have been felt"
    accepted = len(burst.accepted)
    # Nothing half-written: exactly the accepted submissions, each with its one outbox event.
    assert scalar(urls["intake"], "SELECT count(*) FROM submissions") == accepted
    assert scalar(urls["intake"], "SELECT count(*) FROM outbox WHERE event_type = 'intake.submission.received.v1'") == accepted

    wait_until(lambda: len(smtp_sink.messages) >= accepted, timeout=300, message="an e-mail for every accepted submission")
    time.sleep(3)
    mails = mailbox_report(smtp_sink.messages, set(burst.accepted))
    print(f"after the restart: {mails}")
    assert mails["lost"] == 0 and mails["duplicated_deliveries"] == 0
    assert unpublished_outbox(urls["intake"]) == 0
    # A database that is away is waited for: no event used up its retries on it.
    dead = {queue: depth for queue, depth in queue_depths(private_vhost, SERVICES).items() if queue.endswith(".dlq")}
    assert sum(dead.values()) == 0, dead
