"""Each service's broker user can do what its worker does, and not what another service's does."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from amqp.exceptions import AccessRefused
from kombu import Exchange, Producer, Queue

from shared.messaging.connection import make_connection
from shared.messaging.definitions import broker_definitions, service_topologies
from shared.messaging.topology import events_exchange
from tests.integration.deploy.test_broker_definitions import CONFIRMED, publish
from tests.support.flow import confirmation_link, minimal_submission, theme_row
from tests.support.infrastructure import wait_until
from tests.support.platform import TEST_ENV


@pytest.fixture(scope="module")
def topologies():
    return service_topologies({})


def provision(management, vhost, topologies, broker_users):
    """What a deployment does before the workers start: the topology, then the service users."""
    _, name = vhost
    management.import_definitions(broker_definitions(topologies, vhost=name), vhost=name)
    return broker_users(topologies)


@pytest.fixture
def users(management, vhost, topologies, broker_users):
    return provision(management, vhost, topologies, broker_users)


def test_every_service_declares_its_topology_as_its_own_user(users, topologies):
    for topology in topologies:
        with make_connection(users.url(topology.service)) as connection:
            topology.declare(connection)


def test_a_service_publishes_to_its_own_exchange_and_consumes_its_own_inbox(users):
    publish(users.url("intake"), "intake.events", CONFIRMED)
    with make_connection(users.url("matching")) as connection:
        channel = connection.channel()
        message = channel.basic_get("matching.inbox")
        assert message is not None
        # A failed message goes to the service's retry queue through the default exchange.
        Producer(channel).publish(message.body, exchange=Exchange(""), routing_key="matching.retry.1000ms", declare=[])
        channel.basic_ack(message.delivery_tag)


def test_a_service_cannot_publish_as_another(users):
    with pytest.raises(AccessRefused):
        publish(users.url("matching"), "intake.events", CONFIRMED)


def test_a_service_cannot_read_another_services_inbox(users):
    with make_connection(users.url("matching")) as connection, pytest.raises(AccessRefused):
        connection.channel().basic_get("agenda.inbox")


def test_a_service_cannot_create_queues_outside_its_own_names(users):
    with make_connection(users.url("matching")) as connection, pytest.raises(AccessRefused):
        Queue("agenda.sidechannel", exchange=events_exchange("intake"), routing_key="#", durable=True)(
            connection.channel()
        ).declare()


def test_a_service_cannot_bind_to_an_exchange_it_does_not_consume(users):
    with make_connection(users.url("intake")) as connection, pytest.raises(AccessRefused):
        channel = connection.channel()
        channel.queue_bind("agenda.inbox", "matching.events", routing_key="#")


def test_the_whole_flow_runs_with_least_privileged_users(management, vhost, broker_users, make_platform, smtp_sink):
    """The real workers and relays, each logged in as its own service user.

    The definitions are generated with the same settings the workers run with (the test
    platform's short retry steps and delivery limit): otherwise RabbitMQ refuses the
    workers' declarations, as it would in production.
    """
    users = provision(management, vhost, service_topologies(TEST_ENV), broker_users)
    env = {**smtp_sink.env(), **{f"BUURT_{s.upper()}_AMQP_URL": users.url(s) for s in users.passwords}}
    platform = make_platform(env=env)
    intake, agenda = platform["intake"].client, platform["agenda"].client

    for i in range(5):
        response = intake.post("/api/v1/submissions", json=minimal_submission(f"least{i}@example.org"))
        assert response.status_code == 201, response.get_json()
    wait_until(lambda: len(smtp_sink.messages) == 5, timeout=20, message="five confirmation e-mails")
    for message in smtp_sink.messages:
        assert intake.get(urlsplit(confirmation_link(message)).path.removeprefix("/intake")).status_code == 200

    def five_members():
        row = theme_row(agenda.get("/api/v1/agenda").get_json(), "jeugd-jongeren")
        return row if row and row["members"] == 5 else None

    wait_until(five_members, timeout=20, message="the agenda to count five members")
