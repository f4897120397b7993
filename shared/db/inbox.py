"""Inbox: remembers which events a consumer has applied, so a redelivery has no effect."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from shared.contracts.envelope import Event, utcnow
from shared.db.uow import UnitOfWork


def first_delivery(uow: UnitOfWork, consumer: str, event: Event) -> bool:
    """Record the event in this transaction; False if it was applied before.

    One statement: the insert does nothing on a known (consumer, event id). A concurrent
    duplicate waits on the other transaction's row lock and then finds it, or inserts if
    that transaction rolled back.
    """
    inbox = uow.tables.inbox
    dialect = uow.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    result = uow.session.execute(
        insert(inbox)
        .values(consumer=consumer, event_id=event.id, event_type=event.type, processed_at=utcnow())
        .on_conflict_do_nothing(index_elements=[inbox.c.consumer, inbox.c.event_id])
        .returning(inbox.c.event_id)
    )
    return result.first() is not None


def purge_inbox(uow: UnitOfWork, retention: timedelta) -> int:
    """Forget events older than the retention, which must outlast the longest retry path."""
    inbox = uow.tables.inbox
    result = uow.session.execute(delete(inbox).where(inbox.c.processed_at < utcnow() - retention))
    uow.commit()
    return result.rowcount or 0
