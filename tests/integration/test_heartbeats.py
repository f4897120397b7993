"""A handler that runs far longer than the heartbeat interval keeps its connection and its message."""

from __future__ import annotations

import time

from tests.support.infrastructure import wait_until
from tests.support.kit import RunningConsumer, effect_count, erased_event, kit_factory, publish_raw, record_effect

HEARTBEAT = 2  # seconds; RabbitMQ drops a client that stays silent for about two intervals


def test_long_handler_does_not_lose_the_connection_or_cause_a_redelivery(blank_database, vhost):
    amqp_url, _ = vhost
    factory = kit_factory("matching", blank_database)
    calls = []

    def slow(uow, event):
        calls.append(event.id)
        time.sleep(HEARTBEAT * 4)  # twice "twice the heartbeat interval"
        record_effect(uow, event)

    event = erased_event()
    with RunningConsumer(amqp_url, factory, slow, heartbeat=HEARTBEAT) as running:
        publish_raw(amqp_url, event.to_json(), message_id=event.id)
        wait_until(lambda: running.outcomes, timeout=30, message="the slow handler to finish")
        time.sleep(HEARTBEAT * 2)  # a lost connection would redeliver the message now

    assert calls == [event.id]
    assert [o.status for o in running.outcomes] == ["applied"]
    assert running.connections_made == 1
    assert effect_count(factory, event.id) == 1
