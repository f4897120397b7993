"""Wakes the delivery job when deliveries become due, instead of waiting for its next poll.

Deliveries are queued by the web process (a curator publishes, a partner replays) and sent
by the worker. On PostgreSQL the queuing transaction sends ``NOTIFY agenda_webhooks``,
delivered only if it commits, and a listener thread in the worker sets the job's wake event.
On SQLite (embedded mode) the job simply polls every few seconds.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime

import psycopg
from sqlalchemy import Engine, text

from shared.contracts.envelope import utcnow
from shared.db.engine import is_sqlite
from shared.db.uow import UnitOfWork

CHANNEL = "agenda_webhooks"
MIN_WAIT_SECONDS = 0.05  # never spin, even when a due row is held by another worker
log = logging.getLogger(__name__)


def announce_due_deliveries(uow: UnitOfWork) -> None:
    """Call inside the transaction that made deliveries due."""
    if not is_sqlite(uow.session.get_bind()):
        uow.session.execute(text(f"NOTIFY {CHANNEL}"))


class DeliveryWakeup:
    """Duck-types the threading.Event a PeriodicJob waits on, listening lazily on first wait."""

    def __init__(self, engine: Engine):
        self._event = threading.Event()
        self._engine = engine
        self._listener: threading.Thread | None = None
        self._stopping = threading.Event()
        self._next_due: datetime | None = None

    def schedule(self, next_due: datetime | None) -> None:
        """The next wait ends no later than this (the earliest retry that is waiting)."""
        self._next_due = next_due

    def notify(self) -> None:
        """Run the job now (same process)."""
        self._event.set()

    def set(self) -> None:
        # The worker sets every job's wake event when it stops: stop listening too.
        self._stopping.set()
        self._event.set()

    def clear(self) -> None:
        self._event.clear()

    def wait(self, timeout: float | None = None) -> bool:
        self._start_listening()
        if self._next_due is not None:
            until_due = max(MIN_WAIT_SECONDS, (self._next_due - utcnow()).total_seconds())
            timeout = until_due if timeout is None else min(timeout, until_due)
        return self._event.wait(timeout)

    def _start_listening(self) -> None:
        if self._listener is None and not is_sqlite(self._engine) and not self._stopping.is_set():
            self._listener = threading.Thread(target=self._listen, name="agenda-webhooks-listen", daemon=True)
            self._listener.start()

    def _listen(self) -> None:
        conninfo = self._engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        while not self._stopping.is_set():
            try:
                with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self._event.set()  # deliveries may have become due while we were not listening
                    while not self._stopping.is_set():
                        for _ in conn.notifies(timeout=1.0, stop_after=1):
                            self._event.set()
            except psycopg.Error as exc:
                log.warning("webhook listener lost its connection, retrying", extra={"error": str(exc)[:300]})
                self._stopping.wait(2.0)
