"""Wakes the outbox relay as soon as a transaction commits new outbox rows.

In one process (embedded mode, tests) a threading.Event is enough. Across processes on
PostgreSQL the writing transaction sends NOTIFY, delivered at commit, and a listener
thread turns it into the same Event. The relay still polls slowly as a safety net.
"""

from __future__ import annotations

import logging
import threading

import psycopg
from sqlalchemy import Engine

from shared.db.engine import is_sqlite

CHANNEL = "buurt_outbox"
log = logging.getLogger(__name__)


class OutboxSignal:
    def __init__(self, engine: Engine | None = None):
        self._event = threading.Event()
        self._engine = engine
        self._listener: threading.Thread | None = None
        self._stop = threading.Event()

    @property
    def uses_notify(self) -> bool:
        return self._engine is not None and not is_sqlite(self._engine)

    def notify(self) -> None:
        self._event.set()

    def clear(self) -> None:
        self._event.clear()

    def wait(self, timeout: float) -> bool:
        return self._event.wait(timeout)

    def listen(self) -> None:
        """Start listening for NOTIFY from other processes (PostgreSQL only)."""
        if self.uses_notify and self._listener is None:
            self._listener = threading.Thread(target=self._listen_loop, name="outbox-listen", daemon=True)
            self._listener.start()

    def close(self) -> None:
        self._stop.set()

    def _conninfo(self) -> str:
        url = self._engine.url.set(drivername="postgresql")
        return url.render_as_string(hide_password=False)

    def _listen_loop(self) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo(), autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self._event.set()  # rows may have arrived while we were not listening
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=1.0, stop_after=1):
                            self._event.set()
            except psycopg.Error as exc:
                log.warning("outbox listener lost its connection, retrying", extra={"error": str(exc)})
                self._stop.wait(2.0)
