"""Inbox: remembers which events a consumer has applied, so a redelivery has no effect."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, insert, select

from shared.contracts.envelope import Event, utcnow
from shared.db.uow import UnitOfWork


def first_delivery(uow: UnitOfWork, consumer: str, event: Event) -> bool:
    """Record the event in this transaction; False if it was applied before.

    A concurrent duplicate that slips past the check fails on the primary key at commit,
    which rolls its whole transaction back.
    """
    inbox = uow.tables.inbox
    seen = uow.session.execute(
        select(inbox.c.event_id).where(inbox.c.consumer == consumer, inbox.c.event_id == event.id)
    ).first()
    if seen:
        return False
    uow.session.execute(
        insert(inbox).values(consumer=consumer, event_id=event.id, event_type=event.type, processed_at=utcnow())
    )
    return True


def purge_inbox(uow: UnitOfWork, retention: timedelta) -> int:
    """Forget events older than the retention, which must outlast the longest retry path."""
    inbox = uow.tables.inbox
    result = uow.session.execute(delete(inbox).where(inbox.c.processed_at < utcnow() - retention))
    uow.commit()
    return result.rowcount or 0
