"""A consumer whose broker stops while it holds prefetched messages reconnects and applies
every event once; messages from the dead connection are not processed on it."""

from __future__ import annotations

import time

import pytest

from tests.support.infrastructure import wait_until
from tests.support.kit import RunningConsumer, effect_count, erased_event, kit_factory, publish_raw, record_effect

pytestmark = pytest.mark.slow


def test_broker_restart_with_messages_in_flight(private_rabbit, private_vhost, blank_database):
    factory = kit_factory("matching", blank_database)

    def slow(uow, event):
        time.sleep(0.05)  # keeps prefetched deliveries waiting in the consumer when the broker stops
        record_effect(uow, event)

    with RunningConsumer(private_vhost, factory, slow, heartbeat=5) as running:
        for i in range(200):
            event = erased_event(f"m-{i}")
            publish_raw(private_vhost, event.to_json(), message_id=event.id)
        wait_until(lambda: effect_count(factory) >= 20, timeout=30, message="the first events")
        private_rabbit.stop_app()
        time.sleep(2)
        private_rabbit.start_app()
        wait_until(lambda: effect_count(factory) == 200, timeout=90, message="every event after the restart")
        time.sleep(1)

    assert effect_count(factory) == 200
    assert running.connections_made == 2  # one reconnect, not a reconnect loop
