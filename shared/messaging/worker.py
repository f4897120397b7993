"""A service's worker process: its inbox consumer, its outbox relay and its periodic jobs.

Production runs one per container (``buurt worker SERVICE``); embedded mode runs the four
services' workers as threads of the one process.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from shared.config import Settings
from shared.contracts.registry import consumed_by
from shared.db.inbox import purge_inbox
from shared.db.uow import UnitOfWorkFactory
from shared.logs import configure_logging
from shared.messaging.backoff import Backoff
from shared.messaging.connection import connection_for
from shared.messaging.consumer import Handler, InboxConsumer, Outcome
from shared.messaging.batch_publisher import BatchPublisher
from shared.messaging.relay import OutboxRelay
from shared.messaging.topology import Topology

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    interval_seconds: float
    run: Callable[[], object]
    wake: threading.Event | None = None  # set it to run the job now instead of at the next interval


def topology_for(settings: Settings, handled_types: list[str] | tuple[str, ...]) -> Topology:
    delays = settings.value("RETRY_DELAYS", "1,5,30,120,600")
    return Topology(
        service=settings.service,
        consumes=tuple(sorted(handled_types)),
        retry_delays=tuple(float(d) for d in delays.split(",") if d.strip()),
        delivery_limit=settings.integer("DELIVERY_LIMIT", 5),
        broker_features=not settings.uses_memory_broker,
    )


class Worker:
    def __init__(
        self,
        settings: Settings,
        uow_factory: UnitOfWorkFactory,
        handlers: dict[str, Handler],
        jobs: list[PeriodicJob] | tuple[PeriodicJob, ...] = (),
        on_outcome: Callable[[str, Outcome], None] | None = None,
    ):
        unexpected = set(handlers) - set(consumed_by(settings.service))
        if unexpected:
            raise ValueError(f"{settings.service} handles {sorted(unexpected)}, which the contract registry does not list for it")
        self.settings = settings
        self.uow_factory = uow_factory
        self.handlers = handlers
        self.topology = topology_for(settings, list(handlers))
        self.stop_event = threading.Event()
        self.relay = OutboxRelay(
            settings.service,
            uow_factory.engine,
            uow_factory.tables,
            BatchPublisher(connection_for(settings, confirm_publish=False)),
            uow_factory.signal,
            batch_size=settings.integer("RELAY_BATCH_SIZE", 200),
        )
        self.consumer = (
            InboxConsumer(
                connection_for(settings),
                self.topology,
                handlers,
                uow_factory,
                prefetch_count=settings.integer("PREFETCH", 20),
                batch_size=settings.integer("CONSUMER_BATCH", 20),
                on_outcome=on_outcome,
            )
            if handlers
            else None
        )
        self.jobs = [*jobs, *self._housekeeping()]
        self._threads: list[threading.Thread] = []

    def _housekeeping(self) -> list[PeriodicJob]:
        inbox_days = self.settings.number("INBOX_RETENTION_DAYS", 7)
        outbox_days = self.settings.number("OUTBOX_RETENTION_DAYS", 7)

        def purge_old_inbox() -> int:
            with self.uow_factory() as uow:
                return purge_inbox(uow, timedelta(days=inbox_days))

        return [
            PeriodicJob("purge-inbox", 3600, purge_old_inbox),
            PeriodicJob("purge-outbox", 3600, lambda: self.relay.purge_published(timedelta(days=outbox_days))),
        ]

    def declare_topology(self) -> None:
        """Declare exchanges and queues, waiting for the broker if it is not up yet."""
        backoff = Backoff(0.5, 10.0)
        while not self.stop_event.is_set():
            try:
                with connection_for(self.settings) as connection:
                    self.topology.declare(connection)
                return
            except Exception as exc:  # noqa: BLE001 - any broker trouble means: wait and try again
                delay = backoff.next_delay()
                log.warning("cannot declare topology yet", extra={"error": str(exc), "delay": round(delay, 2)})
                self.stop_event.wait(delay)

    def start(self) -> None:
        self.declare_topology()
        self._spawn("relay", self.relay.run, self.stop_event)
        if self.consumer is not None:
            self._spawn("consumer", self.consumer.run)
        for job in self.jobs:
            self._spawn(job.name, self._repeat, job)
        log.info("worker started", extra={"consumes": list(self.topology.consumes)})

    def _spawn(self, name: str, target: Callable, *args) -> None:
        thread = threading.Thread(target=target, args=args, name=f"{self.settings.service}-{name}", daemon=True)
        thread.start()
        self._threads.append(thread)

    def _repeat(self, job: PeriodicJob) -> None:
        while not self.stop_event.is_set():
            if job.wake is not None:
                job.wake.wait(job.interval_seconds)
                job.wake.clear()
            else:
                self.stop_event.wait(job.interval_seconds)
            if self.stop_event.is_set():
                return
            try:
                job.run()
            except Exception:  # noqa: BLE001 - a failing job must not end the worker; it runs again later
                log.exception("periodic job failed", extra={"job": job.name})

    def stop(self) -> None:
        self.stop_event.set()
        # Wake every waiting loop so it notices the stop now rather than at its next tick.
        self.uow_factory.signal.notify()
        for job in self.jobs:
            if job.wake is not None:
                job.wake.set()
        if self.consumer is not None:
            self.consumer.stop()

    def join(self, timeout: float = 10.0) -> None:
        for thread in self._threads:
            thread.join(timeout)
        if self.consumer is not None:
            self.consumer.close()

    def run_forever(self) -> None:
        """Run until SIGTERM or SIGINT, then finish the message in hand and stop."""
        configure_logging(self.settings.service, self.settings.value("LOG_LEVEL", "INFO"))
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: self.stop())
        self.start()
        while not self.stop_event.wait(1.0):
            pass
        self.join()
