"""Looking at and re-queueing a service's dead letters (`buurt dlq list|requeue SERVICE`)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kombu import Connection

from shared.messaging.consumer import REASON_HEADER, RETRIES_HEADER
from shared.messaging.publisher import Publisher
from shared.messaging.topology import DEFAULT_EXCHANGE

_OUR_HEADERS = (REASON_HEADER, RETRIES_HEADER, "x-buurt-last-error", "x-buurt-dead-lettered-at", "x-buurt-consumer", "x-buurt-original-routing-key")


@dataclass(frozen=True)
class DeadLetter:
    message_id: str
    event_type: str
    reason: str
    dead_lettered_at: str
    body: bytes


def _reason(headers: dict[str, Any]) -> str:
    if REASON_HEADER in headers:
        return str(headers[REASON_HEADER])
    # Dead-lettered by RabbitMQ itself, e.g. after the quorum queue's delivery limit.
    deaths = headers.get("x-death") or []
    if deaths:
        return f"broker: {deaths[0].get('reason')} from {deaths[0].get('queue')}"
    return "unknown"


def _event_type(body: bytes, headers: dict[str, Any]) -> str:
    try:
        return str(json.loads(body).get("type", "?"))
    except (ValueError, AttributeError, UnicodeDecodeError):
        return str(headers.get("x-buurt-original-routing-key", "?"))


def _take_all(channel, queue: str, limit: int) -> list:
    """Fetch without acknowledging; closing the channel puts every message back."""
    messages = []
    while len(messages) < limit and (message := channel.basic_get(queue, no_ack=False)) is not None:
        messages.append(message)
    return messages


def _as_bytes(body: bytes | str) -> bytes:
    return body.encode() if isinstance(body, str) else body


def list_dead_letters(connection: Connection, service: str, limit: int = 1000) -> list[DeadLetter]:
    channel = connection.channel()
    try:
        letters = []
        for message in _take_all(channel, f"{service}.dlq", limit):
            headers = message.headers or {}
            body = _as_bytes(message.body)
            letters.append(
                DeadLetter(
                    message_id=message.properties.get("message_id", ""),
                    event_type=_event_type(body, headers),
                    reason=_reason(headers),
                    dead_lettered_at=str(headers.get("x-buurt-dead-lettered-at", "")),
                    body=body,
                )
            )
        return letters
    finally:
        channel.close()


def requeue_dead_letters(connection: Connection, service: str, message_ids: Iterable[str] | None = None, limit: int = 1000) -> int:
    """Send dead letters back to the service's inbox with a fresh retry budget.

    With ``message_ids`` only those; otherwise all. Each is acknowledged on the dead-letter
    queue only after the broker confirmed the copy in the inbox.
    """
    wanted = set(message_ids) if message_ids is not None else None
    publisher = Publisher(connection, owns_connection=False)
    channel = connection.channel()
    moved = 0
    try:
        for message in _take_all(channel, f"{service}.dlq", limit):
            message_id = message.properties.get("message_id", "")
            if wanted is not None and message_id not in wanted:
                continue
            headers = {k: v for k, v in (message.headers or {}).items() if k not in _OUR_HEADERS and k != "x-death"}
            publisher.publish(
                _as_bytes(message.body),
                exchange=DEFAULT_EXCHANGE,
                routing_key=f"{service}.inbox",
                message_id=message_id,
                content_type=message.properties.get("content_type", "application/cloudevents+json"),
                content_encoding=message.properties.get("content_encoding", "utf-8"),
                headers=headers,
            )
            channel.basic_ack(message.delivery_tag)
            moved += 1
        return moved
    finally:
        channel.close()
