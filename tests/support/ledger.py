"""Counting what each store holds, for fault tests that check nothing was lost or doubled."""

from __future__ import annotations

import collections
import concurrent.futures
import itertools
import threading
import time
from dataclasses import dataclass, field

import requests
from sqlalchemy import create_engine, text

from shared.db.engine import normalise_url
from tests.support.flow import minimal_submission


def scalar(database_url: str, sql: str, **params) -> int:
    engine = create_engine(normalise_url(database_url))
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql), params).scalar_one()
    finally:
        engine.dispose()


def unpublished_outbox(database_url: str) -> int:
    return scalar(database_url, "SELECT count(*) FROM outbox WHERE published_at IS NULL")


def inbox_count(database_url: str, event_type: str) -> int:
    return scalar(database_url, "SELECT count(*) FROM inbox WHERE event_type = :t", t=event_type)


@dataclass
class Burst:
    """Posts submissions from several threads and remembers every answer."""

    intake_url: str
    prefix: str
    statuses: collections.Counter = field(default_factory=collections.Counter)
    accepted: dict[str, str] = field(default_factory=dict)  # e-mail -> submission id
    lock: threading.Lock = field(default_factory=threading.Lock)

    def post(self, index: int) -> None:
        address = f"{self.prefix}{index}@example.org"
        try:
            response = requests.post(f"{self.intake_url}/api/v1/submissions", json=minimal_submission(address), timeout=30)
            status, body = response.status_code, response
        except requests.RequestException as exc:
            status, body = type(exc).__name__, None
        with self.lock:
            self.statuses[status] += 1
            if status == 201:
                self.accepted[address] = body.json()["id"]
            elif isinstance(status, int) and status >= 500:
                assert body.headers["Content-Type"].startswith("application/problem+json"), body.text[:300]

    def run(self, count: int, concurrency: int = 8) -> None:
        with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(self.post, range(count)))

    def start(self, count: int, concurrency: int = 8) -> threading.Thread:
        thread = threading.Thread(target=self.run, args=(count, concurrency), daemon=True)
        thread.start()
        return thread

    def start_until(self, stop: threading.Event, concurrency: int = 4, pause: float = 0.01) -> list[threading.Thread]:
        """Keeps posting from `concurrency` threads until stop is set (a load of a given length,
        however fast the answers come)."""
        numbers = itertools.count()

        def post_until_stopped() -> None:
            while not stop.is_set():
                self.post(next(numbers))
                time.sleep(pause)

        threads = [threading.Thread(target=post_until_stopped, daemon=True) for _ in range(concurrency)]
        for thread in threads:
            thread.start()
        return threads


def mailbox_report(messages, expected_addresses) -> dict[str, int]:
    """lost / duplicated as a mailbox that de-duplicates by Message-ID would count them."""
    per_address = collections.Counter((m["To"] or "").lower() for m in messages)
    message_ids = collections.Counter(m["Message-ID"] for m in messages)
    return {
        "expected": len(expected_addresses),
        "received": len(messages),
        "lost": sum(1 for a in expected_addresses if per_address[a.lower()] == 0),
        "duplicated_deliveries": sum(n - 1 for n in per_address.values() if n > 1),
        "duplicated_message_ids": sum(n - 1 for n in message_ids.values() if n > 1),
    }


def queue_depths(amqp_url: str, services) -> dict[str, int]:
    """Ready messages in each service's inbox and dead-letter queue (a passive declare)."""
    from kombu import Connection

    depths = {}
    with Connection(amqp_url) as connection:
        for service in services:
            for queue in (f"{service}.inbox", f"{service}.dlq"):
                try:
                    depths[queue] = connection.channel().queue_declare(queue, passive=True).message_count
                except Exception:  # noqa: BLE001 - a service without an inbox has no such queue
                    continue
    return depths


def platform_ledger(database_urls: dict[str, str], amqp_url: str | None = None) -> dict[str, dict]:
    """Inbox counts per event type and unpublished outbox rows of every service (and the
    depth of their queues): the first thing to read when a fault test times out."""
    ledger = {}
    for service, url in database_urls.items():
        engine = create_engine(normalise_url(url))
        try:
            with engine.connect() as connection:
                inbox = dict(connection.execute(text("SELECT event_type, count(*) FROM inbox GROUP BY event_type")).all())
                waiting = connection.execute(text("SELECT count(*) FROM outbox WHERE published_at IS NULL")).scalar_one()
        finally:
            engine.dispose()
        ledger[service] = {"inbox": inbox, "unpublished": waiting}
    if amqp_url:
        ledger["queues"] = queue_depths(amqp_url, database_urls)
    return ledger
