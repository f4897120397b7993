"""The outbox relay against real PostgreSQL and RabbitMQ: nothing committed is ever lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

from sqlalchemy import func, select

from shared.messaging.connection import make_connection
from shared.messaging.batch_publisher import BatchPublisher
from shared.messaging.relay import OutboxRelay
from shared.messaging.topology import events_exchange
from tests.support.infrastructure import wait_until
from tests.support.kit import QueueTap, erased_event, kit_factory


def write_events(factory, count: int) -> list[str]:
    ids = []
    with factory() as uow:
        for i in range(count):
            event = uow.publish("intake.member.erased.v1", f"m-{i}", erased_event(f"m-{i}").data)
            ids.append(event.id)
        uow.commit()
    return ids


def unpublished(factory) -> int:
    outbox = factory.tables.outbox
    with factory() as uow:
        return uow.session.scalar(select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None)))


def declare_exchange(amqp_url: str) -> None:
    with make_connection(amqp_url) as connection:
        events_exchange("intake")(connection.default_channel).declare()


def test_500_events_written_while_the_relay_is_stopped_are_all_delivered_once(blank_database, vhost):
    amqp_url, _ = vhost
    factory = kit_factory("intake", blank_database)
    declare_exchange(amqp_url)
    ids = write_events(factory, 500)
    assert unpublished(factory) == 500

    with QueueTap(amqp_url, "intake.events").running() as tap:
        relay = OutboxRelay("intake", factory.engine, factory.tables, BatchPublisher(make_connection(amqp_url, confirm_publish=False)), factory.signal, batch_size=100)
        stop = threading.Event()
        thread = threading.Thread(target=relay.run, args=(stop,), daemon=True)
        thread.start()
        wait_until(lambda: len(tap.message_ids) >= 500, timeout=30, message="500 deliveries")
        time.sleep(0.3)  # a duplicate would arrive right behind
        stop.set()
        thread.join(5)

    assert sorted(tap.message_ids) == sorted(ids)
    assert [b["id"] for b in tap.bodies] == tap.message_ids
    assert unpublished(factory) == 0


def test_relay_killed_mid_batch_and_restarted_loses_nothing(blank_database, vhost):
    amqp_url, _ = vhost
    factory = kit_factory("intake", blank_database)
    declare_exchange(amqp_url)
    ids = write_events(factory, 500)

    with QueueTap(amqp_url, "intake.events").running() as tap:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.relay_process", blank_database, amqp_url, "500", "0.005"],
            cwd=os.getcwd(),
            stdout=subprocess.PIPE,
        )
        try:
            wait_until(lambda: len(tap.message_ids) >= 100, timeout=30, message="the first part of the batch")
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(10)
        delivered_before_kill = set(tap.message_ids)
        assert len(delivered_before_kill) < 500, "the kill came too late to land mid-batch"
        # The killed batch's transaction rolled back: every row is still unpublished.
        assert unpublished(factory) == 500

        relay = OutboxRelay("intake", factory.engine, factory.tables, BatchPublisher(make_connection(amqp_url, confirm_publish=False)), factory.signal)
        relay.drain()
        wait_until(lambda: set(tap.message_ids) >= set(ids), timeout=30, message="every event after the restart")

    assert set(tap.message_ids) == set(ids)
    assert unpublished(factory) == 0


def test_two_relays_share_the_work_without_publishing_a_row_twice(blank_database, vhost):
    amqp_url, _ = vhost
    factory = kit_factory("intake", blank_database)
    declare_exchange(amqp_url)
    ids = write_events(factory, 400)

    with QueueTap(amqp_url, "intake.events").running() as tap:
        relays = [
            OutboxRelay("intake", factory.engine, factory.tables, BatchPublisher(make_connection(amqp_url, confirm_publish=False)), factory.signal, batch_size=20)
            for _ in range(2)
        ]
        threads = [threading.Thread(target=r.drain) for r in relays]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        wait_until(lambda: len(tap.message_ids) >= 400, timeout=30, message="400 deliveries")
        time.sleep(0.3)

    assert sorted(tap.message_ids) == sorted(ids)  # FOR UPDATE SKIP LOCKED: no row went out twice


def test_a_commit_in_another_process_wakes_the_idle_relay_through_notify(blank_database, vhost):
    amqp_url, _ = vhost
    declare_exchange(amqp_url)
    relay_side = kit_factory("intake", blank_database)
    web_side = kit_factory("intake", blank_database)  # its own engine and signal, like a gunicorn process

    with QueueTap(amqp_url, "intake.events").running() as tap:
        # A safety poll of a minute: only the NOTIFY wake-up can explain a prompt delivery.
        relay = OutboxRelay(
            "intake", relay_side.engine, relay_side.tables, BatchPublisher(make_connection(amqp_url, confirm_publish=False)), relay_side.signal, safety_poll_seconds=60
        )
        stop = threading.Event()
        thread = threading.Thread(target=relay.run, args=(stop,), daemon=True)
        thread.start()
        time.sleep(1.0)  # idle
        [event_id] = write_events(web_side, 1)
        wait_until(lambda: event_id in tap.message_ids, timeout=5, message="the woken relay to publish")
        stop.set()
        thread.join(5)


def test_relay_backs_off_while_the_broker_is_unreachable_and_keeps_the_rows(blank_database):
    factory = kit_factory("intake", blank_database)
    write_events(factory, 3)
    relay = OutboxRelay(
        "intake", factory.engine, factory.tables, BatchPublisher(make_connection("amqp://guest:guest@127.0.0.1:1/", confirm_publish=False)), factory.signal
    )
    stop = threading.Event()
    thread = threading.Thread(target=relay.run, args=(stop,), daemon=True)
    thread.start()
    time.sleep(2)
    stop.set()
    thread.join(10)
    assert not thread.is_alive(), "the relay must stop promptly even while backing off"
    assert unpublished(factory) == 3


def test_an_event_no_queue_takes_stays_in_the_outbox_until_one_does(blank_database, vhost):
    amqp_url, _ = vhost
    factory = kit_factory("intake", blank_database)
    declare_exchange(amqp_url)  # the exchange exists, but nothing is bound to it yet
    [event_id] = write_events(factory, 1)
    relay = OutboxRelay(
        "intake", factory.engine, factory.tables, BatchPublisher(make_connection(amqp_url, confirm_publish=False)), factory.signal
    )
    assert relay.publish_batch() == 0
    outbox = factory.tables.outbox
    with factory() as uow:
        row = uow.session.execute(select(outbox).where(outbox.c.event_id == event_id)).one()
    assert row.published_at is None and row.attempts == 1 and "no queue is bound" in row.last_error

    with QueueTap(amqp_url, "intake.events").running() as tap:
        with factory() as uow:  # the back-off has passed
            uow.session.execute(outbox.update().values(next_attempt_at=None))
            uow.commit()
        assert relay.publish_batch() == 1
        wait_until(lambda: event_id in tap.message_ids, message="the event once a queue is bound")
    assert unpublished(factory) == 0
