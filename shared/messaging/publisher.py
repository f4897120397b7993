"""Publishing with publisher confirms, a confirm timeout and mandatory routing.

A message counts as published only when the broker confirmed it and did not return it
as unroutable. Connection failures are retried a bounded number of times; after that the
caller (the outbox relay, or a consumer moving a message to a retry queue) decides.
"""

from __future__ import annotations

import logging
from typing import Any

from kombu import Connection, Exchange, Producer

log = logging.getLogger(__name__)

CONFIRM_TIMEOUT_SECONDS = 10
RETRY_POLICY = {"max_retries": 3, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 2.0}


class PublishError(RuntimeError):
    """The broker did not take the message (unreachable, nacked or timed out)."""


class UnroutableError(PublishError):
    """The broker confirmed the message but no queue was bound to take it."""


class Publisher:
    def __init__(
        self, connection: Connection, confirm_timeout: float = CONFIRM_TIMEOUT_SECONDS, owns_connection: bool = True
    ):
        self._connection = connection
        self._owns_connection = owns_connection
        self._confirm_timeout = confirm_timeout
        self._producer: Producer | None = None
        self._returned: set[str] = set()

    def _on_return(self, exc: Exception, exchange: str, routing_key: str, message: Any) -> None:
        # Called by py-amqp while we wait for the confirm of the same message.
        message_id = message.properties.get("message_id")
        log.warning("message returned as unroutable", extra={"exchange": exchange, "routing_key": routing_key, "message_id": message_id})
        if message_id:
            self._returned.add(message_id)

    def _ensure_producer(self) -> Producer:
        if self._producer is None:
            # A channel of its own: a consumer's channel must not wait for confirms.
            self._producer = Producer(self._connection.channel(), on_return=self._on_return)
        return self._producer

    def publish(
        self,
        body: str | bytes,
        *,
        exchange: Exchange,
        routing_key: str,
        message_id: str,
        content_type: str = "application/cloudevents+json",
        content_encoding: str = "utf-8",
        headers: dict[str, Any] | None = None,
        correlation_id: str | None = None,
    ) -> None:
        kwargs: dict[str, Any] = {
            "exchange": exchange,
            "routing_key": routing_key,
            "message_id": message_id,
            "content_type": content_type,
            "content_encoding": content_encoding,
            "delivery_mode": 2,
            "headers": headers or {},
            "mandatory": True,
            "retry": True,
            "retry_policy": RETRY_POLICY,
        }
        if correlation_id:
            kwargs["correlation_id"] = correlation_id
        if not self._connection.transport.driver_type == "memory":
            kwargs["confirm_timeout"] = self._confirm_timeout
        try:
            producer = self._ensure_producer()
            producer.publish(body.encode() if isinstance(body, str) else body, **kwargs)
        except Exception as exc:  # connection errors, nacks, timeouts: the message may not be there
            self._reset()
            raise PublishError(f"publishing {routing_key} failed: {exc!r}") from exc
        if message_id in self._returned:
            self._returned.discard(message_id)
            raise UnroutableError(f"no queue is bound for {routing_key} on {exchange.name or '(default)'}")

    def _reset(self) -> None:
        """Drop the channel after a failure; the next publish opens a new one."""
        producer, self._producer = self._producer, None
        try:
            if self._owns_connection:
                # Drop the socket without talking to it: the next publish connects afresh.
                self._connection.collect()
            elif producer is not None:
                producer.channel.close()
        except Exception:  # noqa: BLE001 - closing a broken channel may fail again; nothing to do
            pass

    def close(self) -> None:
        self._reset()
