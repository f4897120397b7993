"""The inbox consumer: one service's queue, applied exactly once per event.

For every message: parse the CloudEvents envelope (JSON only), look up the handler,
validate the payload against the contract, then in one database transaction record the
event in the inbox table and run the handler; acknowledge only after that commit.

- A duplicate (already in the inbox) is acknowledged and has no effect.
- A poison message (not JSON, not CloudEvents, unknown type, schema violation, or a
  ``PermanentError`` from the handler) goes straight to ``<service>.dlq`` with its reason.
- Any other exception is treated as transient: the message moves to the next retry queue
  and comes back after its delay; after the last step it goes to the dead-letter queue.

Handlers run on a helper thread while this thread keeps the AMQP connection serviced, so
a slow handler never starves heartbeats. Messages that arrive meanwhile wait their turn.

When several messages are waiting, they are applied in one transaction (their inbox rows
in one statement, one commit, one fsync, instead of one of each per message) and
acknowledged together after it. If any of them fails, that transaction is rolled back and
each is applied on its own, so one bad message never holds back or takes down the others.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from typing import Any

from kombu import Connection
from kombu.message import Message
from kombu.mixins import ConsumerMixin

from shared.contracts.envelope import Event, EnvelopeError, isoformat, utcnow
from shared.contracts.registry import ContractError, validate_incoming
from shared.db.availability import database_unavailable
from shared.db.inbox import first_deliveries, first_delivery
from shared.db.uow import UnitOfWork
from shared.failpoints import failpoint
from shared.logs import correlation
from shared.messaging.publisher import Publisher
from shared.messaging.topology import DEFAULT_EXCHANGE, Topology

log = logging.getLogger(__name__)

Handler = Callable[[UnitOfWork, Event], None]

RETRIES_HEADER = "x-buurt-retries"
REASON_HEADER = "x-buurt-dead-letter-reason"
JSON_CONTENT_TYPES = ("application/cloudevents+json", "application/json")
# How often a long-running handler's connection is serviced; well under any heartbeat interval.
SERVICE_INTERVAL_SECONDS = 0.5


class PermanentError(Exception):
    """Raised by a handler when retrying cannot help; the message is dead-lettered at once."""


class PoisonMessage(Exception):
    pass


@dataclass(frozen=True)
class Outcome:
    status: str  # "applied", "duplicate", "retry" or "dead"
    reason: str = ""


class InboxConsumer(ConsumerMixin):
    def __init__(
        self,
        connection: Connection,
        topology: Topology,
        handlers: dict[str, Handler],
        uow_factory: Callable[[], UnitOfWork],
        prefetch_count: int = 20,
        batch_size: int = 20,
        on_outcome: Callable[[str, Outcome], None] | None = None,
    ):
        self.connection = connection
        self.topology = topology
        self.handlers = handlers
        self.uow_factory = uow_factory
        self.prefetch_count = prefetch_count
        self.batch_size = max(1, batch_size)
        self.on_outcome = on_outcome
        self.consumer_name = topology.service
        self._pending: deque[Message] = deque()
        self._delayed: list[tuple[float, int, bytes, dict]] = []  # memory transport retries
        self._sequence = itertools.count()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"{topology.service}-handler")
        self._publisher: Publisher | None = None
        self._active: Connection | None = None  # ConsumerMixin works on a clone of self.connection
        self.ready = threading.Event()

    # -- kombu wiring ---------------------------------------------------------------------

    def get_consumers(self, Consumer, channel):  # noqa: N803 - kombu's signature
        return [
            Consumer(
                queues=[self.topology.inbox()],
                on_message=self._pending.append,
                accept=["json", "application/cloudevents+json"],
                prefetch_count=self.prefetch_count,
                no_ack=False,
            )
        ]

    def on_consume_ready(self, connection, channel, consumers, **kwargs) -> None:
        self._active = connection
        self.ready.set()

    def on_connection_revived(self) -> None:
        # Deliveries from the dead connection can no longer be acknowledged; the broker
        # redelivers them on the new one. Processing them would fail on the old channel.
        self._pending.clear()
        self._publisher = None  # its channel belonged to the dead connection

    def on_iteration(self) -> None:
        self._release_due_retries()
        while self._pending and not self.should_stop:
            self._take_what_has_arrived()
            if len(self._pending) == 1 or self.batch_size == 1:
                self.process(self._pending.popleft())
            else:
                taken = min(len(self._pending), self.batch_size)
                self.process_batch([self._pending.popleft() for _ in range(taken)])

    def _take_what_has_arrived(self) -> None:
        """Read deliveries already waiting on the socket (without blocking), so a batch can form."""
        if self._active is None:
            return
        try:
            while len(self._pending) < self.batch_size:
                self._active.drain_events(timeout=0)
        except socket.timeout:
            pass

    def stop(self) -> None:
        self.should_stop = True

    # -- processing -----------------------------------------------------------------------

    def process(self, message: Message) -> Outcome:
        try:
            event, handler = self._decode(message)
        except PoisonMessage as exc:
            outcome = self._dead_letter(message, str(exc))
        else:
            outcome = self._apply_keeping_connection_alive(message, event, handler)
        return self._report(outcome)

    def process_batch(self, messages: list[Message]) -> list[Outcome]:
        """Apply several messages in one transaction; one by one if that fails."""
        decoded, outcomes = [], []
        for message in messages:
            try:
                decoded.append((message, *self._decode(message)))
            except PoisonMessage as exc:
                outcomes.append(self._report(self._dead_letter(message, str(exc))))
        if not decoded:
            return outcomes
        future = self._executor.submit(self._apply_batch, [(event, handler) for _, event, handler in decoded])
        self._wait_servicing_connection(future)
        try:
            batch_outcomes = future.result()
        except Exception:  # noqa: BLE001 - some message of the batch failed; find out which, alone
            log.info("batch failed; applying its messages one by one", extra={"size": len(decoded)})
            return outcomes + [self._report(self._apply_keeping_connection_alive(m, e, h)) for m, e, h in decoded]
        for (message, _event, _handler), outcome in zip(decoded, batch_outcomes, strict=True):
            message.ack()
            outcomes.append(self._report(outcome))
        return outcomes

    def _report(self, outcome: Outcome) -> Outcome:
        if self.on_outcome:
            self.on_outcome(self.consumer_name, outcome)
        return outcome

    def _decode(self, message: Message) -> tuple[Event, Handler]:
        content_type = (message.content_type or "").split(";")[0].strip()
        if content_type not in JSON_CONTENT_TYPES:
            raise PoisonMessage(f"content type {content_type or '(none)'} is not accepted; JSON only")
        try:
            event = Event.from_json(message.body)
        except EnvelopeError as exc:
            raise PoisonMessage(f"invalid envelope: {exc}") from exc
        handler = self.handlers.get(event.type)
        if handler is None:
            raise PoisonMessage(f"no handler for event type {event.type}")
        try:
            data = validate_incoming(event.type, event.data)
        except ContractError as exc:
            raise PoisonMessage(f"schema violation: {exc.messages}") from exc
        return replace(event, data=data), handler

    def _apply_keeping_connection_alive(self, message: Message, event: Event, handler: Handler) -> Outcome:
        future = self._executor.submit(self._apply, event, handler)
        self._wait_servicing_connection(future)
        try:
            outcome = future.result()
        except PermanentError as exc:
            return self._dead_letter(message, f"handler refused the event: {exc}")
        except Exception as exc:  # noqa: BLE001 - anything unexpected is worth a retry
            if database_unavailable(exc):
                # Not the event's fault: it waits for the database without using up its retries.
                log.warning("database unavailable; the event waits", extra={"event_id": event.id, "type": event.type})
                return self._retry(message, f"database unavailable: {exc}", counted=False)
            log.warning("handler failed; retrying later", exc_info=True, extra={"event_id": event.id, "type": event.type})
            return self._retry(message, f"{type(exc).__name__}: {exc}")
        message.ack()
        return outcome

    def _wait_servicing_connection(self, future: Future) -> None:
        """Wait for the handler; while it runs, read from the socket (heartbeats, further
        deliveries) and send heartbeats, so a slow handler never loses the connection.

        The wait itself is on the future, so a handler that finishes is noticed at once
        rather than after a socket read times out.
        """
        if not self.topology.broker_features:
            future.exception()  # waits; the memory transport has no heartbeats
            return
        while not wait([future], timeout=SERVICE_INTERVAL_SECONDS).done:
            try:
                while True:  # everything that has arrived, then back to waiting
                    self._active.drain_events(timeout=0.05)
            except socket.timeout:
                pass
            self._active.heartbeat_check()

    def _apply(self, event: Event, handler: Handler) -> Outcome:
        with correlation(event.correlationid or event.id), self.uow_factory() as uow:
            if not first_delivery(uow, self.consumer_name, event):
                log.info("duplicate event acknowledged without effect", extra={"event_id": event.id, "type": event.type})
                return Outcome("duplicate")
            handler(uow, event)
            uow.commit()
        failpoint("consumer.after_commit")  # committed, not yet acknowledged
        return Outcome("applied")

    def _apply_batch(self, items: list[tuple[Event, Handler]]) -> list[Outcome]:
        outcomes = []
        with self.uow_factory() as uow:
            with uow.holding_commits():
                firsts = first_deliveries(uow, self.consumer_name, [event for event, _ in items])
                for (event, handler), first in zip(items, firsts, strict=True):
                    with correlation(event.correlationid or event.id):
                        if first:
                            handler(uow, event)
                            outcomes.append(Outcome("applied"))
                        else:
                            outcomes.append(Outcome("duplicate"))
            uow.commit()
        failpoint("consumer.after_commit")
        return outcomes

    # -- retry and dead letters -----------------------------------------------------------

    def _retry(self, message: Message, reason: str, counted: bool = True) -> Outcome:
        retries = int((message.headers or {}).get(RETRIES_HEADER, 0))
        if counted and retries >= self.topology.max_retries:
            return self._dead_letter(message, f"gave up after {retries} retries: {reason}")
        headers = {**(message.headers or {}), RETRIES_HEADER: retries + 1 if counted else retries, "x-buurt-last-error": reason[:500]}
        if self.topology.broker_features:
            self._republish(message, self.topology.retry_name(retries), headers)
        else:
            due = time.monotonic() + self.topology.retry_delay(retries)
            heapq.heappush(self._delayed, (due, next(self._sequence), message.body, headers))
        message.ack()
        return Outcome("retry", reason)

    def _dead_letter(self, message: Message, reason: str) -> Outcome:
        log.error("dead-lettering a message", extra={"reason": reason[:500], "message_id": message.properties.get("message_id")})
        headers = {
            **(message.headers or {}),
            REASON_HEADER: reason[:1000],
            "x-buurt-dead-lettered-at": isoformat(utcnow()),
            "x-buurt-consumer": self.consumer_name,
            "x-buurt-original-routing-key": message.delivery_info.get("routing_key", ""),
        }
        self._republish(message, self.topology.dlq_name, headers)
        message.ack()
        return Outcome("dead", reason)

    def _republish(self, message: Message, queue_name: str, headers: dict[str, Any]) -> None:
        """Copy to another queue with confirms before the original is acknowledged."""
        self._publisher_for_active().publish(
            message.body,
            exchange=DEFAULT_EXCHANGE,
            routing_key=queue_name,
            message_id=message.properties.get("message_id") or "",
            content_type=message.content_type or "application/octet-stream",
            content_encoding=message.content_encoding or "binary",
            headers=headers,
        )

    def _release_due_retries(self) -> None:
        """Memory transport only: put delayed retries back on the inbox when due."""
        now = time.monotonic()
        while self._delayed and self._delayed[0][0] <= now:
            _, _, body, headers = heapq.heappop(self._delayed)
            self._publisher_for_active().publish(
                body, exchange=DEFAULT_EXCHANGE, routing_key=self.topology.inbox_name, message_id="", headers=headers
            )

    def _publisher_for_active(self) -> Publisher:
        if self._publisher is None:
            self._publisher = Publisher(self._active or self.connection, owns_connection=False)
        return self._publisher

    def close(self) -> None:
        self._executor.shutdown(wait=True)
