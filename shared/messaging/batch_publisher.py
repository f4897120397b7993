"""Publishing a batch with streaming publisher confirms (what the outbox relay uses).

Waiting for the broker's confirm after every message caps a publisher at one fsync per
message. Here the whole batch is sent, then the confirms are collected as RabbitMQ sends
them (often one ack covering many messages). Every message is ``mandatory``: one that no
queue takes comes back as a return before its ack and is reported as unroutable, not as
published. A message without an ack before the timeout, or nacked, is reported as not
published; the caller keeps it and tries again.
"""

from __future__ import annotations

import logging
import socket
import time
from dataclasses import dataclass, field

import amqp
from kombu import Connection, Producer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outgoing:
    message_id: str
    body: str
    exchange: str
    routing_key: str
    content_type: str = "application/cloudevents+json"


@dataclass
class BatchResult:
    confirmed: list[str] = field(default_factory=list)
    unroutable: dict[str, str] = field(default_factory=dict)  # message id -> reason
    failed: dict[str, str] = field(default_factory=dict)  # nacked, timed out, connection lost


class BatchPublisher:
    def __init__(self, connection: Connection, confirm_timeout: float = 10.0):
        self._connection = connection
        self._confirm_timeout = confirm_timeout
        self._channel = None
        self._outstanding: dict[int, str] = {}  # delivery tag -> message id
        self._next_tag = 0
        self._result = BatchResult()

    @property
    def _memory(self) -> bool:
        return self._connection.transport.driver_type == "memory"

    def publish(self, messages: list[Outgoing]) -> BatchResult:
        self._result = BatchResult()
        if not messages:
            return self._result
        try:
            if self._memory:
                self._publish_in_memory(messages)
            else:
                self._publish_confirmed(messages)
        except Exception as exc:  # noqa: BLE001 - connection trouble: whatever is unconfirmed failed
            self._reset()
            reason = f"{type(exc).__name__}: {exc}"
            done = set(self._result.confirmed) | set(self._result.unroutable)
            for message in messages:
                if message.message_id not in done:
                    self._result.failed[message.message_id] = reason
        return self._result

    # -- RabbitMQ -------------------------------------------------------------------------

    def _open(self):
        if self._channel is None:
            self._connection.ensure_connection(max_retries=1)
            channel = self._connection.channel()
            channel.confirm_select()
            channel.events["basic_ack"].add(self._on_ack)
            channel.events["basic_nack"].add(self._on_nack)
            channel.events["basic_return"].add(self._on_return)
            self._channel, self._next_tag, self._outstanding = channel, 0, {}
        return self._channel

    def _publish_confirmed(self, messages: list[Outgoing]) -> None:
        channel = self._open()
        for message in messages:
            channel.basic_publish(
                amqp.Message(
                    message.body.encode(),
                    content_type=message.content_type,
                    content_encoding="utf-8",
                    delivery_mode=2,
                    message_id=message.message_id,
                ),
                exchange=message.exchange,
                routing_key=message.routing_key,
                mandatory=True,
            )
            self._next_tag += 1
            self._outstanding[self._next_tag] = message.message_id
        deadline = time.monotonic() + self._confirm_timeout
        while self._outstanding:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{len(self._outstanding)} message(s) not confirmed within {self._confirm_timeout}s")
            try:
                self._connection.drain_events(timeout=min(remaining, 1.0))
            except socket.timeout:
                continue

    def _settle(self, delivery_tag: int, multiple: bool) -> list[str]:
        tags = [t for t in self._outstanding if t <= delivery_tag] if multiple else [delivery_tag]
        return [self._outstanding.pop(t) for t in tags if t in self._outstanding]

    def _on_ack(self, delivery_tag: int, multiple: bool) -> None:
        for message_id in self._settle(delivery_tag, multiple):
            # A returned message is also acked; it stays reported as unroutable.
            if message_id not in self._result.unroutable:
                self._result.confirmed.append(message_id)

    def _on_nack(self, delivery_tag: int, multiple: bool) -> None:
        for message_id in self._settle(delivery_tag, multiple):
            self._result.failed[message_id] = "nacked by the broker"

    def _on_return(self, exc, exchange, routing_key, message) -> None:
        message_id = message.properties.get("message_id", "")
        log.warning("message returned as unroutable", extra={"exchange": exchange, "routing_key": routing_key})
        self._result.unroutable[message_id] = f"no queue is bound for {routing_key} on {exchange}"

    def _reset(self) -> None:
        self._channel = None
        self._outstanding = {}
        try:
            self._connection.collect()  # drop the socket without talking to it
        except Exception:  # noqa: BLE001 - it is broken already
            pass

    # -- kombu's memory transport (embedded mode): no confirms to wait for ------------------

    def _publish_in_memory(self, messages: list[Outgoing]) -> None:
        producer = Producer(self._connection)
        for message in messages:
            producer.publish(
                message.body.encode(),
                exchange=message.exchange,
                routing_key=message.routing_key,
                message_id=message.message_id,
                content_type=message.content_type,
                content_encoding="utf-8",
                delivery_mode=2,
            )
            self._result.confirmed.append(message.message_id)

    def close(self) -> None:
        self._reset()
