"""A minimal service for testing the messaging kit on its own: its own tables and handlers."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from kombu import Connection, Exchange, Queue
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select

from shared.contracts.envelope import Event
from shared.contracts.samples import sample
from shared.db.engine import make_engine
from shared.db.messaging_tables import define_messaging_tables
from shared.db.uow import UnitOfWork, UnitOfWorkFactory
from shared.messaging.connection import make_connection
from shared.messaging.consumer import InboxConsumer
from shared.messaging.publisher import Publisher
from shared.messaging.topology import Topology, events_exchange

ERASED = "intake.member.erased.v1"

metadata = MetaData()
TABLES = define_messaging_tables(metadata)
effects = Table(
    "effects",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(100)),
    Column("note", String(200)),
)


def kit_factory(service: str, database_url: str) -> UnitOfWorkFactory:
    engine = make_engine(database_url)
    metadata.create_all(engine)
    return UnitOfWorkFactory(service, engine, TABLES)


def record_effect(uow: UnitOfWork, event: Event) -> None:
    uow.session.execute(insert(effects).values(event_id=event.id, note=event.type))
    uow.commit()


def effect_count(factory: UnitOfWorkFactory, event_id: str | None = None) -> int:
    with factory() as uow:
        query = select(effects.c.id)
        if event_id:
            query = query.where(effects.c.event_id == event_id)
        return len(uow.session.execute(query).all())


def erased_event(member_id: str = "m-1") -> Event:
    return Event(
        type="intake.member.erased.v1",
        source="/intake",
        subject=member_id,
        data={**sample("intake.member.erased.v1"), "member_id": member_id},
    )


class QueueTap:
    """A test queue bound to a producer's exchange, collecting everything published there."""

    def __init__(self, amqp_url: str, exchange: str, routing_key: str = "#"):
        self.connection = Connection(amqp_url)
        self.queue = Queue(f"tap-{id(self)}", Exchange(exchange, "topic", durable=True), routing_key=routing_key, auto_delete=True)
        self.bodies: list[dict] = []
        self.message_ids: list[str] = []
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with self.connection.Consumer(self.queue, callbacks=[self._on_message], accept=["json", "application/cloudevents+json"]) as consumer:
            consumer.qos(prefetch_count=500)
            self._ready.set()
            while not self._stop.is_set():
                try:
                    self.connection.drain_events(timeout=0.2)
                except TimeoutError:
                    pass

    def _on_message(self, body, message) -> None:
        self.bodies.append(body if isinstance(body, dict) else json.loads(body))
        self.message_ids.append(message.properties.get("message_id"))
        message.ack()

    @contextmanager
    def running(self) -> Iterator["QueueTap"]:
        self._thread.start()
        self._ready.wait(10)
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join(5)
            self.connection.release()


class RunningConsumer:
    """An InboxConsumer for `intake.member.erased.v1` in a thread, recording every outcome."""

    def __init__(self, amqp_url: str, factory, handler, retry_delays=(0.2, 0.4), heartbeat: float = 20):
        self.topology = Topology("matching", consumes=(ERASED,), retry_delays=retry_delays, delivery_limit=3)
        with make_connection(amqp_url) as connection:
            self.topology.declare(connection)
        self.outcomes = []
        self.consumer = InboxConsumer(
            make_connection(amqp_url, heartbeat=heartbeat),
            self.topology,
            {ERASED: handler},
            factory,
            on_outcome=lambda _c, o: self.outcomes.append(o),
        )
        self.connections_made = 0
        revived = self.consumer.on_connection_revived

        def count_connections():
            self.connections_made += 1
            revived()

        self.consumer.on_connection_revived = count_connections
        self.thread = threading.Thread(target=self.consumer.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        self.consumer.ready.wait(10)
        return self

    def __exit__(self, *exc):
        self.consumer.stop()
        self.thread.join(10)
        self.consumer.close()


def publish_raw(amqp_url: str, body: bytes | str, routing_key: str = ERASED, content_type: str = "application/cloudevents+json", message_id: str = "x"):
    Publisher(make_connection(amqp_url)).publish(
        body, exchange=events_exchange("intake"), routing_key=routing_key, message_id=message_id, content_type=content_type
    )


def dead_letters(amqp_url: str, queue: str = "matching.dlq") -> list:
    received = []
    with Connection(amqp_url) as connection:
        channel = connection.channel()
        while (message := channel.basic_get(queue, no_ack=True)) is not None:
            received.append(message)
    return received
