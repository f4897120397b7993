"""JSON logs that carry the correlation id of the request or event being handled."""

from __future__ import annotations

import contextlib
import contextvars
import logging
import sys
from collections.abc import Iterator

from pythonjsonlogger.json import JsonFormatter

_SERVICES = ("intake", "matching", "notifications", "agenda")
_correlation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("correlation_id", default=None)


def current_correlation_id() -> str | None:
    return _correlation_id.get()


@contextlib.contextmanager
def correlation(correlation_id: str | None) -> Iterator[None]:
    """Within this block every log record (and every event published) carries this id."""
    token = _correlation_id.set(correlation_id)
    try:
        yield
    finally:
        _correlation_id.reset(token)


_service: contextvars.ContextVar[str | None] = contextvars.ContextVar("service", default=None)


def bind_service(service: str) -> None:
    """Name the service this request's or thread's log records belong to (embedded mode runs four)."""
    _service.set(service)


class _CorrelationFilter(logging.Filter):
    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.correlationid = _correlation_id.get()
        if not hasattr(record, "service"):
            # Worker threads are named "<service>-<part>"; requests bind the service explicitly.
            from_thread = record.threadName.split("-", 1)[0]
            record.service = _service.get() or (from_thread if from_thread in _SERVICES else self.service)
        return True


def configure_logging(service: str, level: str = "INFO") -> None:
    """Send JSON lines to stderr. Safe to call more than once (embedded mode calls it per service)."""
    root = logging.getLogger()
    for handler in root.handlers:
        if getattr(handler, "_buurt", False):
            return
    handler = logging.StreamHandler(sys.stderr)
    handler._buurt = True  # type: ignore[attr-defined]
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(service)s %(correlationid)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    handler.addFilter(_CorrelationFilter(service))
    root.addHandler(handler)
    root.setLevel(level.upper())
    # kombu and amqp are chatty at INFO about every reconnect attempt; warnings are enough.
    for noisy in ("amqp", "kombu"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
