"""The broker topology of one service, declared idempotently when its worker starts.

- ``<producer>.events``: one durable topic exchange per producing service.
- ``<service>.inbox``: a quorum queue bound to exactly the event types the service handles;
  after ``delivery_limit`` failed deliveries (crashes, rejections) RabbitMQ dead-letters.
- ``<service>.retry.<delay>``: quorum queues that hold a message for their TTL and then
  dead-letter it back into the inbox; one per back-off step.
- ``<service>.dlq``: dead letters, with the reason in their headers.
- ``<service>.audit``: a bounded queue for events this service produces that no service
  consumes (so they are routable and can feed audit and metrics).

Under kombu's memory transport the same queues exist without the broker-only arguments,
and the consumer does the delayed retry itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kombu import Connection, Exchange, Queue, binding

from shared.contracts.registry import CONTRACTS, produced_by

DEFAULT_EXCHANGE = Exchange("")
AUDIT_MAX_LENGTH = 100_000


def events_exchange(producer: str) -> Exchange:
    return Exchange(f"{producer}.events", type="topic", durable=True)


def producer_of(event_type: str) -> str:
    return event_type.split(".", 1)[0]


@dataclass(frozen=True)
class Topology:
    service: str
    consumes: tuple[str, ...]
    retry_delays: tuple[float, ...] = (1.0, 5.0, 30.0, 120.0, 600.0)
    delivery_limit: int = 5
    broker_features: bool = True  # False under the memory transport

    @property
    def inbox_name(self) -> str:
        return f"{self.service}.inbox"

    @property
    def dlq_name(self) -> str:
        return f"{self.service}.dlq"

    @property
    def audit_name(self) -> str:
        return f"{self.service}.audit"

    def retry_name(self, attempt: int) -> str:
        """The retry queue for the n-th retry (0-based); the last step repeats."""
        delay = self.retry_delays[min(attempt, len(self.retry_delays) - 1)]
        return f"{self.service}.retry.{int(delay * 1000)}ms"

    def retry_delay(self, attempt: int) -> float:
        return self.retry_delays[min(attempt, len(self.retry_delays) - 1)]

    @property
    def max_retries(self) -> int:
        return len(self.retry_delays)

    def _quorum(self, **extra) -> dict:
        if not self.broker_features:
            return {}
        return {"x-queue-type": "quorum", **extra}

    def inbox(self) -> Queue:
        bindings = [binding(events_exchange(producer_of(t)), routing_key=t) for t in sorted(self.consumes)]
        return Queue(
            self.inbox_name,
            bindings=bindings,
            durable=True,
            queue_arguments=self._quorum(
                **{
                    "x-delivery-limit": self.delivery_limit,
                    "x-dead-letter-exchange": "",
                    "x-dead-letter-routing-key": self.dlq_name,
                    "x-dead-letter-strategy": "at-least-once",
                    "x-overflow": "reject-publish",
                }
            ),
        )

    def retry_queues(self) -> list[Queue]:
        queues = {}
        for attempt, delay in enumerate(self.retry_delays):
            name = self.retry_name(attempt)
            queues[name] = Queue(
                name,
                exchange=DEFAULT_EXCHANGE,
                routing_key=name,
                durable=True,
                queue_arguments=self._quorum(
                    **{
                        "x-message-ttl": int(delay * 1000),
                        "x-dead-letter-exchange": "",
                        "x-dead-letter-routing-key": self.inbox_name,
                        "x-dead-letter-strategy": "at-least-once",
                        "x-overflow": "reject-publish",
                    }
                ),
            )
        return list(queues.values())

    def dlq(self) -> Queue:
        return Queue(
            self.dlq_name, exchange=DEFAULT_EXCHANGE, routing_key=self.dlq_name, durable=True, queue_arguments=self._quorum()
        )

    def audit(self) -> Queue | None:
        unconsumed = [t for t in produced_by(self.service) if not CONTRACTS[t].consumers]
        if not unconsumed:
            return None
        arguments = self._quorum(**{"x-max-length": AUDIT_MAX_LENGTH, "x-overflow": "drop-head"})
        return Queue(
            self.audit_name,
            bindings=[binding(events_exchange(self.service), routing_key=t) for t in unconsumed],
            durable=True,
            queue_arguments=arguments,
        )

    def queues(self) -> list[Queue]:
        queues = [self.inbox(), *self.retry_queues(), self.dlq()] if self.consumes else []
        audit = self.audit()
        return queues + ([audit] if audit else [])

    def exchanges(self) -> Iterable[Exchange]:
        producers = {producer_of(t) for t in self.consumes}
        if produced_by(self.service):
            producers.add(self.service)
        return [events_exchange(p) for p in sorted(producers)]

    def declare(self, connection: Connection) -> None:
        """Create what is missing; an existing, identical object is left alone."""
        channel = connection.default_channel
        for exchange in self.exchanges():
            exchange(channel).declare()
        for queue in self.queues():
            bound = queue(channel)
            bound.declare()
