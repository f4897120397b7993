"""The unit of work: one database transaction, with the events it publishes in the outbox.

Handlers receive a unit of work, change state through ``uow.session``, announce what
happened with ``uow.publish(...)`` and call ``uow.commit()``. Anything not committed is
rolled back when the block ends, events included.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Engine, Insert, insert, text
from sqlalchemy.orm import Session, sessionmaker

from shared.contracts.envelope import Event, utcnow
from shared.contracts.registry import ContractError, contract, validate_outgoing
from shared.db.engine import is_sqlite, make_session_factory
from shared.db.messaging_tables import MessagingTables
from shared.db.outbox_signal import CHANNEL, OutboxSignal
from shared.logs import current_correlation_id


_NOTIFY = text(f"NOTIFY {CHANNEL}")


class UnitOfWork:
    def __init__(
        self,
        service: str,
        session_factory: sessionmaker[Session],
        tables: MessagingTables,
        signal: OutboxSignal,
        notify_with_sql: bool,
        insert_outbox: Insert,
    ):
        self.service = service
        self.tables = tables
        self._session_factory = session_factory
        self._signal = signal
        self._notify_with_sql = notify_with_sql
        self._pending_events = 0
        self._holding = False
        self._insert_outbox = insert_outbox
        self.session: Session

    def __enter__(self) -> "UnitOfWork":
        self.session = self._session_factory()
        self._pending_events = 0
        return self

    def __exit__(self, *exc_info: Any) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def publish(
        self,
        event_type: str,
        subject: str,
        data: dict[str, Any],
        causation: Event | None = None,
    ) -> Event:
        """Validate the payload and add the event to the outbox, in this transaction."""
        return self.publish_many(event_type, [(subject, data)], causation)[0]

    def publish_many(
        self,
        event_type: str,
        items: list[tuple[str, dict[str, Any]]],
        causation: Event | None = None,
    ) -> list[Event]:
        """Several events of one type, each (subject, data), in one INSERT: for producers that
        announce many things at once (the mailer, one event per e-mail sent)."""
        if contract(event_type).producer != self.service:
            raise ContractError(event_type, f"only {contract(event_type).producer} may publish this type")
        correlation_id = current_correlation_id() or (causation.correlationid if causation else None)
        events = [
            Event(
                type=event_type,
                source=f"/{self.service}",
                subject=subject,
                data=validate_outgoing(event_type, data),
                correlationid=correlation_id or str(uuid.uuid4()),
                causationid=causation.id if causation else None,
            )
            for subject, data in items
        ]
        if not events:
            return []
        now = utcnow()
        # Parameters at execution, not .values(), on the session's own connection (same transaction):
        # the statement is compiled once and skips the ORM's execution machinery, which it does not need.
        self.session.connection().execute(
            self._insert_outbox,
            [{"event_id": e.id, "event_type": e.type, "envelope": e.to_json(), "created_at": now} for e in events],
        )
        self._pending_events += len(events)
        return events

    @contextlib.contextmanager
    def holding_commits(self) -> Iterator[None]:
        """Within this block a handler's commit() only flushes: the caller commits once for
        several handlers (the consumer applying a batch of events in one transaction)."""
        self._holding = True
        try:
            yield
        finally:
            self._holding = False

    def commit(self) -> None:
        if self._holding:
            self.session.flush()
            return
        if self._pending_events and self._notify_with_sql:
            # Delivered by PostgreSQL only if and when this transaction commits.
            self.session.connection().execute(_NOTIFY)
        self.session.commit()
        if self._pending_events:
            self._pending_events = 0
            self._signal.notify()

    def rollback(self) -> None:
        if self._holding:
            raise RuntimeError("a handler in a batch cannot roll back the others' work; raise instead")
        self._pending_events = 0
        self.session.rollback()


class UnitOfWorkFactory:
    """Everything a service needs to open units of work on its own database."""

    def __init__(self, service: str, engine: Engine, tables: MessagingTables, signal: OutboxSignal | None = None):
        self.service = service
        self.engine = engine
        self.tables = tables
        self.signal = signal or OutboxSignal(engine)
        self._session_factory = make_session_factory(engine)
        self._notify_with_sql = not is_sqlite(engine)
        # Made once: a new statement per unit of work would compute its cache key on every publish.
        self._insert_outbox = insert(tables.outbox)

    def __call__(self) -> UnitOfWork:
        return UnitOfWork(
            self.service, self._session_factory, self.tables, self.signal, self._notify_with_sql, self._insert_outbox
        )


UnitOfWorkProvider = Callable[[], UnitOfWork]
