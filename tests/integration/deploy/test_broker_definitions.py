"""The generated definitions and the workers' own declarations agree, on a real RabbitMQ.

RabbitMQ refuses to redeclare a queue with other arguments (PRECONDITION_FAILED), so a
worker that declares its topology on top of the imported definitions proves they match.
"""

from __future__ import annotations

import json
import uuid

import pytest
from amqp.exceptions import PreconditionFailed
from kombu import Connection, Exchange, Producer

from shared.messaging.connection import make_connection
from shared.messaging.definitions import broker_definitions, service_topologies
from shared.messaging.topology import Topology

CONFIRMED = "intake.submission.confirmed.v1"


@pytest.fixture(scope="module")
def topologies():
    return service_topologies({})


def depth(amqp_url: str, queue: str) -> int:
    with Connection(amqp_url) as connection:
        return connection.default_channel.queue_declare(queue, passive=True).message_count


def publish(amqp_url: str, exchange: str, routing_key: str) -> None:
    with make_connection(amqp_url) as connection:
        producer = Producer(connection.channel())
        producer.publish(
            json.dumps({"id": str(uuid.uuid4())}),
            exchange=Exchange(exchange, type="topic", durable=True),
            routing_key=routing_key,
            content_type="application/cloudevents+json",
            mandatory=True,
            declare=[],
        )


def test_imported_definitions_are_what_every_worker_declares(management, vhost, topologies):
    amqp_url, name = vhost
    document = broker_definitions(topologies, vhost=name)
    management.import_definitions(document, vhost=name)

    stored = management.queues(name)
    for queue in document["queues"]:
        assert stored[queue["name"]]["arguments"] == queue["arguments"], queue["name"]
        assert stored[queue["name"]]["durable"] is True

    # The declaration each worker makes at start (Worker.declare_topology does exactly this).
    for topology in topologies:
        with make_connection(amqp_url) as connection:
            topology.declare(connection)
    assert set(management.queues(name)) == set(stored), "a worker declared a queue the definitions lack"


def test_a_worker_whose_arguments_differ_is_refused(management, vhost, topologies):
    """The check above has teeth: a different delivery limit is a PRECONDITION_FAILED."""
    amqp_url, name = vhost
    management.import_definitions(broker_definitions(topologies, vhost=name), vhost=name)
    matching = next(t for t in topologies if t.service == "matching")
    drifted = Topology("matching", consumes=matching.consumes, retry_delays=matching.retry_delays, delivery_limit=7)
    with make_connection(amqp_url) as connection, pytest.raises(PreconditionFailed, match="x-delivery-limit"):
        drifted.declare(connection)


def test_a_confirmed_submission_reaches_every_inbox_that_handles_it(management, vhost, topologies):
    amqp_url, name = vhost
    management.import_definitions(broker_definitions(topologies, vhost=name), vhost=name)

    publish(amqp_url, "intake.events", CONFIRMED)

    inboxes = {t.service: depth(amqp_url, t.inbox_name) for t in topologies if t.consumes}
    expected = {t.service for t in topologies if CONFIRMED in t.consumes}
    assert {"matching", "agenda"} <= expected
    assert {service for service, count in inboxes.items() if count == 1} == expected
    assert all(count == 0 for service, count in inboxes.items() if service not in expected)
