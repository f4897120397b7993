"""Runs an outbox relay in its own process, so a test can kill it with SIGKILL mid-batch.

python -m tests.support.relay_process DATABASE_URL AMQP_URL BATCH_SIZE SECONDS_PER_MESSAGE
"""

from __future__ import annotations

import sys
import threading
import time

from shared.messaging.batch_publisher import BatchPublisher, BatchResult
from shared.messaging.connection import make_connection
from shared.messaging.relay import OutboxRelay
from tests.support.kit import kit_factory


class SlowPublisher(BatchPublisher):
    """Publishes like the real one, but one message at a time and slowly, so the kill
    lands inside the relay's batch (and its open transaction)."""

    def __init__(self, connection, delay: float):
        super().__init__(connection)
        self.delay = delay

    def publish(self, messages):
        total = BatchResult()
        for message in messages:
            one = super().publish([message])
            total.confirmed += one.confirmed
            total.unroutable.update(one.unroutable)
            total.failed.update(one.failed)
            time.sleep(self.delay)
        return total


def main() -> None:
    database_url, amqp_url, batch_size, delay = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    factory = kit_factory("intake", database_url)
    relay = OutboxRelay("intake", factory.engine, factory.tables, SlowPublisher(make_connection(amqp_url, confirm_publish=False), delay), factory.signal, batch_size=batch_size)
    print("relay started", flush=True)
    relay.run(threading.Event())


if __name__ == "__main__":
    main()
