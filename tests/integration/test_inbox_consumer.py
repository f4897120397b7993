"""The inbox consumer against real RabbitMQ and PostgreSQL: once per event, poison to the DLQ."""

from __future__ import annotations

import pytest
from kombu import Connection, Consumer

from shared.contracts.envelope import Event
from shared.db.inbox import first_deliveries, first_delivery
from shared.messaging.connection import make_connection
from shared.messaging.consumer import REASON_HEADER, RETRIES_HEADER, PermanentError
from shared.messaging.topology import Topology
from tests.support.infrastructure import wait_until
from tests.support.kit import (
    ERASED,
    RunningConsumer,
    dead_letters,
    effect_count,
    erased_event,
    kit_factory,
    publish_raw,
    record_effect,
)


def test_the_same_event_delivered_twice_has_one_effect(blank_database, vhost):
    amqp_url, _ = vhost
    factory = kit_factory("matching", blank_database)
    event = erased_event()
    with RunningConsumer(amqp_url, factory, record_effect) as running:
        publish_raw(amqp_url, event.to_json(), message_id=event.id)
        publish_raw(amqp_url, event.to_json(), message_id=event.id)
        wait_until(lambda: len(running.outcomes) == 2, message="both deliveries")
    assert [o.status for o in running.outcomes] == ["applied", "duplicate"]
    assert effect_count(factory, event.id) == 1


def test_malformed_message_is_dead_lettered_with_its_reason_and_the_next_one_still_flows(blank_database, vhost):
    amqp_url, _ = vhost
    factory = kit_factory("matching", blank_database)
    good = erased_event()
    with RunningConsumer(amqp_url, factory, record_effect) as running:
        publish_raw(amqp_url, b"{not json at all", message_id="bad-1")
        publish_raw(amqp_url, good.to_json(), message_id=good.id)
        wait_until(lambda: len(running.outcomes) == 2, message="both messages")
    assert effect_count(factory, good.id) == 1
    [dead] = dead_letters(amqp_url)
    assert dead.body in (b"{not json at all", "{not json at all")  # py-amqp decodes utf-8 bodies
    assert "not valid JSON" in dead.headers[REASON_HEADER]
    assert dead.properties["message_id"] == "bad-1"


def test_poison_of_every_kind_lands_in_the_dlq_and_changes_nothing(blank_database, vhost):
    amqp_url, _ = vhost
    factory = kit_factory("matching", blank_database)
    schema_violation = Event(type=ERASED, source="/intake", subject="m", data={"member_id": "m"})
    unknown_type = Event(type="intake.member.erased.v9", source="/intake", subject="m", data={})
    with RunningConsumer(amqp_url, factory, record_effect) as running:
        publish_raw(amqp_url, schema_violation.to_json(), message_id="schema")
        publish_raw(amqp_url, unknown_type.to_json(), message_id="unknown")
        publish_raw(amqp_url, b"\x80\x04pickled", content_type="application/x-python-serialize", message_id="pickle")
        wait_until(lambda: len(running.outcomes) == 3, message="three poison messages")
    reasons = {m.properties["message_id"]: m.headers[REASON_HEADER] for m in dead_letters(amqp_url)}
    assert "schema violation" in reasons["schema"] and "erased_at" in reasons["schema"]
    assert "no handler" in reasons["unknown"]
    assert "JSON only" in reasons["pickle"]
    assert effect_count(factory) == 0


def test_transient_failure_is_retried_through_the_retry_queue_and_then_applied(blank_database, vhost):
    amqp_url, _ = vhost
    factory = kit_factory("matching", blank_database)
    failures = {"left": 2}

    def flaky(uow, event):
        if failures["left"]:
            failures["left"] -= 1
            raise ConnectionError("database hiccup")
        record_effect(uow, event)

    event = erased_event()
    with RunningConsumer(amqp_url, factory, flaky) as running:
        publish_raw(amqp_url, event.to_json(), message_id=event.id)
        wait_until(lambda: effect_count(factory, event.id) == 1, timeout=15, message="the retried event")
    assert [o.status for o in running.outcomes] == ["retry", "retry", "applied"]
    assert dead_letters(amqp_url) == []


def test_a_handler_that_always_fails_ends_in_the_dlq_after_the_last_retry(blank_database, vhost):
    amqp_url, _ = vhost
    factory = kit_factory("matching", blank_database)

    def broken(uow, event):
        raise RuntimeError("bug in handler")

    event = erased_event()
    with RunningConsumer(amqp_url, factory, broken) as running:
        publish_raw(amqp_url, event.to_json(), message_id=event.id)
        wait_until(lambda: running.outcomes and running.outcomes[-1].status == "dead", timeout=15, message="dead-lettering")
    [dead] = dead_letters(amqp_url)
    assert "gave up after 2 retries" in dead.headers[REASON_HEADER]
    assert "bug in handler" in dead.headers[REASON_HEADER]
    assert dead.headers[RETRIES_HEADER] == 2
    assert effect_count(factory) == 0


def test_permanent_error_goes_to_the_dlq_without_retries(blank_database, vhost):
    amqp_url, _ = vhost
    factory = kit_factory("matching", blank_database)

    def refuses(uow, event):
        raise PermanentError("member id belongs to nobody")

    with RunningConsumer(amqp_url, factory, refuses) as running:
        event = erased_event()
        publish_raw(amqp_url, event.to_json(), message_id=event.id)
        wait_until(lambda: running.outcomes, message="an outcome")
    assert [o.status for o in running.outcomes] == ["dead"]
    [dead] = dead_letters(amqp_url)
    assert "member id belongs to nobody" in dead.headers[REASON_HEADER]


def test_a_message_rejected_past_the_delivery_limit_is_dead_lettered_by_the_broker(blank_database, vhost):
    """A consumer that crashes on a message over and over: the quorum queue gives up on it."""
    amqp_url, _ = vhost
    factory = kit_factory("matching", blank_database)
    topology = Topology("matching", consumes=(ERASED,), delivery_limit=2)
    with make_connection(amqp_url) as connection:
        topology.declare(connection)
    event = erased_event()
    publish_raw(amqp_url, event.to_json(), message_id=event.id)

    with Connection(amqp_url) as connection:
        def crash_like_a_dying_worker(body, message):
            message.requeue()

        with Consumer(connection, [topology.inbox()], callbacks=[crash_like_a_dying_worker], accept=["application/cloudevents+json"]):
            for _ in range(6):
                try:
                    connection.drain_events(timeout=1)
                except TimeoutError:
                    break
    wait_until(lambda: len(dead := dead_letters(amqp_url)) == 1 and dead, timeout=10, message="the broker to dead-letter")
    assert effect_count(factory) == 0


def test_waiting_messages_are_applied_in_batches_and_a_bad_one_is_singled_out(blank_database, vhost):
    amqp_url, _ = vhost
    factory = kit_factory("matching", blank_database)
    events = [erased_event(f"m-{i}") for i in range(60)]
    refused = events[17].id
    sizes = []

    def handler(uow, event):
        if event.id == refused:
            raise PermanentError("this one is wrong")
        record_effect(uow, event)

    running = RunningConsumer(amqp_url, factory, handler)  # declares the queues, not consuming yet
    for event in events:  # all waiting before the consumer gets to them
        publish_raw(amqp_url, event.to_json(), message_id=event.id)
    original = running.consumer.process_batch

    def recording(messages):
        sizes.append(len(messages))
        return original(messages)

    running.consumer.process_batch = recording
    with running:
        wait_until(lambda: len(running.outcomes) == 60, timeout=30, message="every message")
    consumer_outcomes = [o.status for o in running.outcomes]

    assert sizes and max(sizes) > 1, "no batch formed"
    assert consumer_outcomes.count("applied") == 59 and consumer_outcomes.count("dead") == 1
    assert effect_count(factory) == 59 and effect_count(factory, refused) == 0
    [dead] = dead_letters(amqp_url)
    assert dead.properties["message_id"] == refused


@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
def test_a_batch_claims_its_events_in_one_go_and_finds_duplicates_before_and_within_it(database, blank_database, tmp_path):
    factory = kit_factory("matching", blank_database if database == "postgresql" else f"sqlite:///{tmp_path / 'kit.db'}")
    earlier, new, again = erased_event("m-1"), erased_event("m-2"), erased_event("m-3")
    with factory() as uow:
        assert first_delivery(uow, "matching", earlier)
        uow.commit()
    with factory() as uow:
        assert first_deliveries(uow, "matching", [new, earlier, again, new, again]) == [True, False, True, False, False]
        uow.commit()
    with factory() as uow:
        assert first_deliveries(uow, "matching", [earlier, new, again]) == [False, False, False]
        assert first_deliveries(uow, "notifications", [new]) == [True]  # each consumer has its own inbox rows
        assert first_deliveries(uow, "matching", []) == []
