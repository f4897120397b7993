"""kombu connections with the platform's settings: confirms, heartbeats, bounded retries."""

from __future__ import annotations

from kombu import Connection

from shared.config import Settings

HEARTBEAT_SECONDS = 20
CONNECT_TIMEOUT_SECONDS = 5
# kombu's memory transport polls; a short interval keeps embedded mode snappy.
MEMORY_POLLING_INTERVAL = 0.01


def is_memory_url(url: str) -> bool:
    return url.startswith("memory://")


def make_connection(amqp_url: str, heartbeat: float = HEARTBEAT_SECONDS, confirm_publish: bool = True) -> Connection:
    """A connection; with ``confirm_publish`` every publish waits for its own confirm (the
    batch publisher turns that off and collects confirms for a whole batch itself)."""
    if is_memory_url(amqp_url):
        return Connection(amqp_url, transport_options={"polling_interval": MEMORY_POLLING_INTERVAL})
    return Connection(
        amqp_url,
        heartbeat=heartbeat,
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        # Bounded reconnects: a caller that cannot reach the broker gets an error and backs off
        # itself, instead of blocking forever inside kombu.
        transport_options={
            "confirm_publish": confirm_publish,
            "max_retries": 2,
            "interval_start": 0.2,
            "interval_step": 0.5,
            "interval_max": 1.0,
        },
    )


def connection_for(settings: Settings, confirm_publish: bool = True) -> Connection:
    return make_connection(
        settings.amqp_url, heartbeat=settings.number("AMQP_HEARTBEAT", HEARTBEAT_SECONDS), confirm_publish=confirm_publish
    )
