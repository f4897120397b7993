"""The outbox relay: publishes committed outbox rows, then marks them sent.

Rows are claimed with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL so several relays can run
side by side; a relay that dies mid-batch leaves its rows unmarked (its transaction rolls
back) and they are published again, which consumers absorb through their inbox.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from sqlalchemy import Engine, and_, delete, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from shared.contracts.envelope import utcnow
from shared.db.messaging_tables import MessagingTables
from shared.db.outbox_signal import OutboxSignal
from shared.messaging.backoff import Backoff
from shared.messaging.batch_publisher import BatchPublisher, Outgoing
from shared.messaging.topology import events_exchange

log = logging.getLogger(__name__)


class BrokerUnavailable(RuntimeError):
    pass


class OutboxRelay:
    def __init__(
        self,
        service: str,
        engine: Engine,
        tables: MessagingTables,
        publisher: BatchPublisher,
        signal: OutboxSignal,
        batch_size: int = 200,
        safety_poll_seconds: float = 1.0,
        max_backoff_seconds: float = 30.0,
    ):
        self.service = service
        self.engine = engine
        self.outbox = tables.outbox
        self.publisher = publisher
        self.signal = signal
        self.batch_size = batch_size
        self.safety_poll_seconds = safety_poll_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self.exchange = events_exchange(service)

    def publish_batch(self) -> int:
        """Publish up to one batch of due rows; returns how many were published."""
        now = utcnow()
        outbox = self.outbox
        with self.engine.begin() as connection:
            rows = connection.execute(
                select(outbox.c.seq, outbox.c.event_id, outbox.c.event_type, outbox.c.envelope, outbox.c.attempts)
                .where(
                    and_(
                        outbox.c.published_at.is_(None),
                        or_(outbox.c.next_attempt_at.is_(None), outbox.c.next_attempt_at <= now),
                    )
                )
                .order_by(outbox.c.seq)
                .limit(self.batch_size)
                .with_for_update(skip_locked=True)
            ).all()
            result = self.publisher.publish(
                [Outgoing(row.event_id, row.envelope, self.exchange.name, row.event_type) for row in rows]
            )
            confirmed = set(result.confirmed)
            published = [row.seq for row in rows if row.event_id in confirmed]
            for row in rows:
                if row.event_id in result.unroutable:
                    # Kept, not dropped: the consumer's queue may simply not be declared yet.
                    self._postpone(connection, row.seq, row.attempts, result.unroutable[row.event_id])
            if published:
                connection.execute(update(outbox).where(outbox.c.seq.in_(published)).values(published_at=utcnow()))
        if result.failed:  # after marking what did go out: the rest waits for the broker
            raise BrokerUnavailable(next(iter(result.failed.values())))
        return len(published)

    def _postpone(self, connection, seq: int, attempts: int, error: str) -> None:
        delay = min(self.max_backoff_seconds * 10, 2 ** min(attempts, 12))
        connection.execute(
            update(self.outbox)
            .where(self.outbox.c.seq == seq)
            .values(attempts=attempts + 1, last_error=error[:1000], next_attempt_at=utcnow() + timedelta(seconds=delay))
        )

    def drain(self) -> int:
        """Publish until nothing is due (tests and the embedded runner use this)."""
        total = 0
        while (count := self.publish_batch()) > 0:
            total += count
        return total

    def run(self, stop: threading.Event) -> None:
        backoff = Backoff(0.2, self.max_backoff_seconds)
        self.signal.listen()
        while not stop.is_set():
            self.signal.clear()  # cleared before reading, so a commit during the batch is not missed
            try:
                count = self.publish_batch()
                backoff.reset()
            except (BrokerUnavailable, SQLAlchemyError) as exc:
                delay = backoff.next_delay()
                log.warning("outbox relay backing off", extra={"error": str(exc)[:500], "delay": round(delay, 2)})
                stop.wait(delay)
                continue
            if count < self.batch_size and not stop.is_set():
                self.signal.wait(self.safety_poll_seconds)
        self.signal.close()

    def purge_published(self, retention: timedelta) -> int:
        with self.engine.begin() as connection:
            result = connection.execute(
                delete(self.outbox).where(
                    self.outbox.c.published_at.is_not(None), self.outbox.c.published_at < utcnow() - retention
                )
            )
        return result.rowcount or 0
