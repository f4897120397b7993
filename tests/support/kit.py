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
