"""A partner reads agenda.events through its own queue, with the rights deploy/rabbitmq grants and no more."""

from __future__ import annotations

import json
import os
import secrets
import tempfile
import threading
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit

import amqp
import pytest
import requests
from amqp.exceptions import AccessRefused, NotFound

from services.agenda.partners import handlers
from shared.contracts.envelope import Event
from shared.contracts.registry import validate_incoming
from shared.contracts.samples import sample
from tests.integration.agenda_partners.readme import example
from tests.support.infrastructure import wait_until

DEFINITIONS = Path(__file__).resolve().parents[3] / "deploy" / "rabbitmq" / "definitions" / "partner.json"
TEMPLATE_USER = "partner-example"


class Management:
    def __init__(self, management_url: str):
        parts = urlsplit(management_url)
        self.base = f"{parts.scheme}://{parts.hostname}:{parts.port or 15672}/api/"
        self.auth = (parts.username or "guest", parts.password or "guest")

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        response = requests.request(method, self.base + path, auth=self.auth, timeout=15, **kwargs)
        response.raise_for_status()
        return response


@pytest.fixture
def partner_user(rabbit, vhost):
    """The user of partner.json, renamed for this test and placed in this test's vhost.

    Loaded the way the README tells operators: import the definitions, then set a password.
    """
    _, vhost_name = vhost
    name = f"partner-{uuid.uuid4().hex[:8]}"
    password = secrets.token_urlsafe(16)
    definitions = json.loads(DEFINITIONS.read_text().replace(TEMPLATE_USER, name))
    for section in ("permissions", "topic_permissions", "exchanges"):
        for item in definitions.get(section, []):
            item["vhost"] = vhost_name
    if rabbit.management_url is None:  # no management plugin: the command-line tool does the same
        # Debian's rabbitmqctl, called by root, runs as the rabbitmq user, which cannot read
        # pytest's private tmp_path: the file goes in a folder everyone may read.
        with tempfile.TemporaryDirectory(prefix="buurt-partner-") as folder:
            os.chmod(folder, 0o755)
            path = Path(folder) / "partner.json"
            path.write_text(json.dumps(definitions))
            path.chmod(0o644)
            rabbit._ctl("import_definitions", str(path))
        rabbit._ctl("change_password", name, password)
        yield name, password
        rabbit._ctl("delete_user", name)
        return
    management = Management(rabbit.management_url)
    management.call("POST", "definitions", json=definitions)
    # The file ships without a password (an empty hash refuses password logins): the operator sets one.
    management.call("PUT", f"users/{quote(name, safe='')}", json={"password": password, "tags": ""})
    yield name, password
    management.call("DELETE", f"users/{quote(name, safe='')}")


def _connect(rabbit, vhost_name: str, user: str, password: str) -> amqp.Connection:
    parts = urlsplit(rabbit.amqp_url)
    connection = amqp.Connection(
        host=f"{parts.hostname}:{parts.port or 5672}", userid=user, password=password, virtual_host=vhost_name
    )
    connection.connect()
    return connection


def _refused(connection: amqp.Connection, action) -> str:
    channel = connection.channel()
    with pytest.raises(AccessRefused) as refused:
        action(channel)
    return str(refused.value)


def test_the_definitions_file_grants_a_partner_read_on_agenda_events_and_nothing_else():
    definitions = json.loads(DEFINITIONS.read_text())
    (user,) = definitions["users"]
    assert user["name"] == TEMPLATE_USER and user["tags"] == [] and user["password_hash"] == ""
    (permission,) = definitions["permissions"]
    assert permission["read"] == r"^(agenda\.events|partner-example\..+)$"
    (topic,) = definitions["topic_permissions"]
    assert topic["exchange"] == "agenda.events" and topic["write"] == "^$"


def test_a_partner_queue_receives_published_agendas_and_the_partner_can_do_nothing_more(
    make_platform, rabbit, vhost, partner_user
):
    _, vhost_name = vhost
    user, password = partner_user
    platform = make_platform(services=["agenda"], env={"BUURT_CURATOR_TOKEN": "x" * 40})
    connection = _connect(rabbit, vhost_name, user, password)
    try:
        channel = connection.channel()
        queue = f"{user}.agenda"
        channel.queue_declare(queue, durable=True, auto_delete=False)
        channel.queue_bind(queue, exchange="agenda.events", routing_key="agenda.agenda.published.v1")

        with platform["agenda"].uow() as uow:
            event = uow.publish("agenda.agenda.published.v1", subject="3", data=sample("agenda.agenda.published.v1"))
            handlers.queue_webhook_deliveries(uow, event)
            uow.commit()

        message = wait_until(lambda: channel.basic_get(queue, no_ack=False), timeout=20, message="the partner's copy")
        received = Event.from_json(message.body)
        assert received.id == event.id == message.properties["message_id"]
        assert received.type == "agenda.agenda.published.v1"
        assert validate_incoming(received.type, received.data)["version"] == 3
        channel.basic_ack(message.delivery_tag)

        # Publishing on the platform's exchange, directly or through the default exchange: refused.
        published = amqp.Message(b"{}", content_type="application/json")
        assert "agenda.events" in _refused(
            connection,
            lambda ch: ch.basic_publish_confirm(published, "agenda.events", "agenda.agenda.published.v1", timeout=10),
        )
        _refused(connection, lambda ch: ch.basic_publish_confirm(published, "", "agenda.inbox", timeout=10))
        # Reading another service's queue, binding to another exchange or to other agenda events: refused.
        assert "agenda.inbox" in _refused(connection, lambda ch: ch.basic_get("agenda.inbox"))
        _refused(connection, lambda ch: ch.queue_bind(queue, exchange="intake.events", routing_key="#"))
        _refused(connection, lambda ch: ch.queue_bind(queue, exchange="agenda.events", routing_key="#"))
        _refused(connection, lambda ch: ch.queue_bind(queue, exchange="agenda.events", routing_key="agenda.erasure.completed.v1"))
        # Queues outside its own prefix cannot be made.
        _refused(connection, lambda ch: ch.queue_declare("agenda.partner-copy", durable=True))
    finally:
        connection.collect()


def _queue_exists(rabbit, vhost_name: str, name: str) -> bool:
    try:
        rabbit.queue_depth(vhost_name, name)
    except NotFound:
        return False
    return True


def test_the_readme_amqp_consumer_follows_the_agenda(make_platform, rabbit, vhost, partner_user):
    _, vhost_name = vhost
    user, password = partner_user
    platform = make_platform(services=["agenda"], env={"BUURT_CURATOR_TOKEN": "x" * 40})
    parts = urlsplit(rabbit.amqp_url)
    url = f"amqp://{user}:{quote(password, safe='')}@{parts.hostname}:{parts.port or 5672}/{quote(vhost_name, safe='')}"
    follow_agenda = example("amqp-consumer")["follow_agenda"]
    received: list[dict] = []
    consumer = threading.Thread(
        target=follow_agenda, args=(url, f"{user}.readme", received.append), kwargs={"stop": lambda: bool(received)}
    )
    consumer.start()
    try:
        wait_until(lambda: _queue_exists(rabbit, vhost_name, f"{user}.readme"), timeout=10, message="the queue")
        with platform["agenda"].uow() as uow:
            event = uow.publish("agenda.agenda.published.v1", subject="3", data=sample("agenda.agenda.published.v1"))
            uow.commit()
        wait_until(lambda: received, timeout=20, message="the README consumer's copy")
        assert received[0]["id"] == event.id
    finally:
        consumer.join(10)
    assert not consumer.is_alive()
