"""Telling "the database is away" apart from every other error, and waiting it out.

An unreachable or restarting database is nobody's fault and passes by itself: a consumer
should not spend an event's retries on it, the web answers 503, and work already done
elsewhere (an e-mail handed to the mail server) should be recorded once it is back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError

log = logging.getLogger(__name__)
T = TypeVar("T")


def database_unavailable(error: BaseException) -> bool:
    return isinstance(error, OperationalError) or (isinstance(error, DBAPIError) and error.connection_invalidated)


def retry_while_unavailable(
    action: Callable[[], T],
    *,
    patience: float,
    first_wait: float = 0.5,
    longest_wait: float = 5.0,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run action; while the database is unavailable, try again with back-off for up to
    `patience` seconds, then let the last error through."""
    deadline = time.monotonic() + patience
    wait = first_wait
    while True:
        try:
            return action()
        except Exception as exc:
            if not database_unavailable(exc) or time.monotonic() + wait > deadline:
                raise
            log.warning("database unavailable; trying again", extra={"wait_seconds": wait, "error": str(exc)[:200]})
            sleep(wait)
            wait = min(wait * 2, longest_wait)
