"""The broker definitions are generated from the workers' own topologies and stay in step with them."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from services.cli import main as cli
from shared.config import SERVICES
from shared.contracts.registry import CONTRACTS, consumed_by
from shared.messaging.definitions import (
    DefinitionConflict,
    broker_definitions,
    hash_password,
    service_permissions,
    service_topologies,
    service_users,
)
from shared.messaging.topology import Topology

COMMITTED = Path(__file__).resolve().parents[3] / "deploy" / "rabbitmq" / "definitions" / "platform.json"


@pytest.fixture(scope="module")
def topologies():
    return service_topologies({})


@pytest.fixture(scope="module")
def definitions(topologies):
    return broker_definitions(topologies)


def by_name(items):
    return {item["name"]: item for item in items}


def test_committed_platform_json_is_what_the_code_generates(definitions):
    committed = json.loads(COMMITTED.read_text())
    assert committed == definitions, (
        "deploy/rabbitmq/definitions/platform.json is stale: regenerate it with "
        "`buurt broker-definitions > deploy/rabbitmq/definitions/platform.json`"
    )


def test_every_queue_carries_exactly_the_arguments_its_topology_declares(topologies, definitions):
    queues = by_name(definitions["queues"])
    declared = {q.name: q for t in topologies for q in t.queues()}
    assert set(queues) == set(declared)
    for name, queue in declared.items():
        assert queues[name]["arguments"] == queue.queue_arguments, name
        assert queues[name]["durable"] is True and queues[name]["auto_delete"] is False


def test_each_inbox_is_bound_to_exactly_the_types_its_worker_handles(topologies, definitions):
    for topology in topologies:
        bound = {
            (b["source"], b["routing_key"]) for b in definitions["bindings"] if b["destination"] == topology.inbox_name
        }
        assert bound == {(f"{t.split('.')[0]}.events", t) for t in topology.consumes}
        # A worker may only handle what the registry lists for it.
        assert set(topology.consumes) <= set(consumed_by(topology.service))


def test_the_flow_is_routed_to_the_services_that_act_on_it(topologies):
    consumes = {t.service: set(t.consumes) for t in topologies}
    assert "intake.submission.received.v1" in consumes["notifications"]
    assert "intake.submission.confirmed.v1" in consumes["matching"]
    assert {"intake.submission.confirmed.v1", "matching.submission.classified.v1"} <= consumes["agenda"]


def test_every_name_the_definitions_refer_to_is_defined(definitions):
    exchanges = set(by_name(definitions["exchanges"]))
    queues = by_name(definitions["queues"])
    assert {b["source"] for b in definitions["bindings"]} <= exchanges
    assert {b["destination"] for b in definitions["bindings"]} <= set(queues)
    for queue in queues.values():
        target = queue["arguments"].get("x-dead-letter-routing-key")
        if target is not None:
            assert queue["arguments"]["x-dead-letter-exchange"] == ""
            assert target in queues, f"{queue['name']} dead-letters into {target}, which is not defined"
    for exchange in by_name(definitions["exchanges"]).values():
        assert exchange["type"] == "topic" and exchange["durable"] is True


def test_every_event_type_is_routable(definitions):
    """The relay publishes with mandatory: a type no queue is bound to would come back unroutable."""
    routed = {(b["source"], b["routing_key"]) for b in definitions["bindings"]}
    unconsumed = [c.type for c in CONTRACTS.values() if not c.consumers]
    for event_type in unconsumed:
        assert (f"{event_type.split('.')[0]}.events", event_type) in routed


def test_settings_shape_the_topology_and_runtime_settings_do_not():
    env = {
        "BUURT_DELIVERY_LIMIT": "9",
        "BUURT_MATCHING_RETRY_DELAYS": "2,4",
        # Where a process runs must not matter: not the memory broker, not production checks.
        "BUURT_AMQP_URL": "memory://",
        "BUURT_ENV": "production",
        "BUURT_AGENDA_DATABASE_URL": "postgresql://nowhere.invalid/agenda",
    }
    queues = by_name(broker_definitions(service_topologies(env))["queues"])
    assert queues["agenda.inbox"]["arguments"]["x-delivery-limit"] == 9
    assert [n for n in queues if n.startswith("matching.retry.")] == ["matching.retry.2000ms", "matching.retry.4000ms"]
    assert "agenda.retry.600000ms" in queues


def test_the_vhost_is_named_on_every_object(topologies):
    document = broker_definitions(topologies, vhost="buurt")
    assert document["vhosts"] == [{"name": "buurt"}]
    for kind in ("exchanges", "queues", "bindings"):
        assert {item["vhost"] for item in document[kind]} == {"buurt"}


def test_two_services_describing_one_queue_differently_is_refused():
    first = Topology("agenda", consumes=("intake.submission.confirmed.v1",), delivery_limit=5)
    second = Topology("agenda", consumes=("intake.submission.confirmed.v1",), delivery_limit=6)
    with pytest.raises(DefinitionConflict, match="agenda.inbox"):
        broker_definitions([first, second])


# -- users and permissions ---------------------------------------------------------------


def permissions_of(topologies, service):
    return service_permissions(next(t for t in topologies if t.service == service))


def allows(pattern: str, name: str) -> bool:
    return re.search(pattern, name) is not None  # RabbitMQ matches anywhere; the patterns anchor themselves


def test_a_consumer_may_touch_its_own_queues_and_only_read_from_its_producers(topologies):
    matching = permissions_of(topologies, "matching")
    for name in ("matching.inbox", "matching.dlq", "matching.retry.1000ms", "matching.events"):
        assert allows(matching["configure"], name)
    assert allows(matching["read"], "intake.events")  # to bind its inbox
    assert allows(matching["write"], "matching.events")  # the relay publishes
    assert allows(matching["write"], "amq.default")  # retries go through the default exchange
    assert not allows(matching["write"], "intake.events")  # never publishes as intake
    for foreign in ("agenda.inbox", "agenda.events", "notifications.dlq", "matching.inbox2", "xmatching.inbox"):
        assert not allows(matching["configure"], foreign), foreign
        assert not allows(matching["read"], foreign), foreign
        assert not allows(matching["write"], foreign), foreign


def test_a_pure_producer_gets_its_exchange_and_nothing_else():
    producer = Topology("intake", consumes=())
    permissions = service_permissions(producer)
    assert allows(permissions["write"], "intake.events")
    assert not allows(permissions["write"], "amq.default")
    assert permissions["read"] == "^$"  # RabbitMQ's way of granting nothing


def test_users_document_has_one_user_per_service_and_no_plain_passwords(topologies):
    passwords = {s: f"pw-{s}-secret" for s in SERVICES}
    document = service_users(topologies, passwords, vhost="/", prefix="t-", admin_password="admin-secret")
    assert [u["name"] for u in document["users"]] == [*(f"t-{s}" for s in SERVICES), "t-admin"]
    assert {p["user"] for p in document["permissions"]} == {u["name"] for u in document["users"]}
    text = json.dumps(document)
    assert "secret" not in text
    admin = next(u for u in document["users"] if u["name"] == "t-admin")
    assert admin["tags"] == ["administrator"]


def test_a_service_without_a_password_is_refused(topologies):
    with pytest.raises(ValueError, match="agenda"):
        service_users(topologies, {s: "x" for s in SERVICES if s != "agenda"})


def test_password_hash_is_salted_sha256_as_rabbitmq_stores_it():
    encoded = hash_password("geheim", salt=b"\x01\x02\x03\x04")
    raw = base64.b64decode(encoded)
    assert raw[:4] == b"\x01\x02\x03\x04"
    assert raw[4:] == hashlib.sha256(b"\x01\x02\x03\x04" + b"geheim").digest()
    assert hash_password("geheim") != hash_password("geheim")  # a fresh salt each time


# -- the command -------------------------------------------------------------------------


def test_cli_prints_the_definitions_for_a_vhost(monkeypatch):
    for key in [k for k in os.environ if k.startswith("BUURT_")]:
        monkeypatch.delenv(key)
    result = CliRunner().invoke(cli, ["broker-definitions", "--vhost", "buurt"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["vhosts"] == [{"name": "buurt"}]
    assert {q["name"] for q in document["queues"]} >= {"matching.inbox", "agenda.inbox", "notifications.inbox"}


def test_cli_users_need_every_password(monkeypatch):
    for service in SERVICES:
        monkeypatch.delenv(f"BUURT_BROKER_{service.upper()}_PASSWORD", raising=False)
    monkeypatch.setenv("BUURT_BROKER_INTAKE_PASSWORD", "only-intake")
    result = CliRunner().invoke(cli, ["broker-definitions", "--users"])
    assert result.exit_code == 2
    assert "BUURT_BROKER_MATCHING_PASSWORD" in result.output and "BUURT_BROKER_INTAKE_PASSWORD" not in result.output


def test_cli_users_with_passwords(monkeypatch):
    for service in SERVICES:
        monkeypatch.setenv(f"BUURT_BROKER_{service.upper()}_PASSWORD", f"pw-{service}")
    monkeypatch.setenv("BUURT_BROKER_ADMIN_PASSWORD", "pw-admin")
    result = CliRunner().invoke(cli, ["broker-definitions", "--users"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert {u["name"] for u in document["users"]} == {"buurt-admin", *(f"buurt-{s}" for s in SERVICES)}
    assert "pw-" not in result.output
