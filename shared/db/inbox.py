"""Inbox: remembers which events a consumer has applied, so a redelivery has no effect."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from functools import lru_cache

from sqlalchemy import Insert, Table, delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from shared.contracts.envelope import Event, utcnow
from shared.db.uow import UnitOfWork


def first_delivery(uow: UnitOfWork, consumer: str, event: Event) -> bool:
    """Record the event in this transaction; False if it was applied before."""
    return first_deliveries(uow, consumer, [event])[0]


def first_deliveries(uow: UnitOfWork, consumer: str, events: Sequence[Event]) -> list[bool]:
    """Record the events in this transaction, in one statement; per event False if it was
    applied before (or comes earlier in ``events`` too).

    The insert does nothing on a known (consumer, event id). A concurrent duplicate waits on
    the other transaction's row lock and then finds it, or inserts if that transaction rolled
    back. Rows go in event id order, so two consumers claiming overlapping batches take their
    locks in the same order and cannot deadlock.
    """
    if not events:
        return []
    connection = uow.session.connection()  # the unit of work's transaction, without the ORM's execution machinery
    now = utcnow()
    ids = {event.id: event.type for event in events}
    inserted = set(
        connection.execute(
            _claim(uow.tables.inbox, connection.dialect.name),
            [
                {"consumer": consumer, "event_id": event_id, "event_type": event_type, "processed_at": now}
                for event_id, event_type in sorted(ids.items())
            ],
        ).scalars()
    )
    first = []
    for event in events:
        first.append(event.id in inserted)
        inserted.discard(event.id)  # a second copy within the same batch is a duplicate
    return first


@lru_cache(maxsize=None)
def _claim(inbox: Table, dialect: str) -> Insert:
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    return (
        insert(inbox)
        .on_conflict_do_nothing(index_elements=[inbox.c.consumer, inbox.c.event_id])
        .returning(inbox.c.event_id)
    )


def purge_inbox(uow: UnitOfWork, retention: timedelta) -> int:
    """Forget events older than the retention, which must outlast the longest retry path."""
    inbox = uow.tables.inbox
    result = uow.session.execute(delete(inbox).where(inbox.c.processed_at < utcnow() - retention))
    uow.commit()
    return result.rowcount or 0
