"""Liveness and readiness: /healthz says the process answers, /readyz that it can work."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify

from shared.db.engine import ping
from shared.messaging.connection import connection_for
from shared.web.problems import problem

log = logging.getLogger(__name__)
health = Blueprint("health", __name__)


def _check_database() -> str | None:
    try:
        ping(current_app.extensions["buurt"].engine)
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        return f"database: {type(exc).__name__}"
    return None


def _check_broker() -> str | None:
    settings = current_app.extensions["buurt"].settings
    if settings.uses_memory_broker:
        return None
    try:
        with connection_for(settings) as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # noqa: BLE001
        return f"broker: {type(exc).__name__}"
    return None


@health.get("/healthz")
def healthz():
    return jsonify(status="ok")


@health.get("/readyz")
def readyz():
    failures = [f for f in (_check_database(), _check_broker()) if f]
    if failures:
        return problem(503, "Service Unavailable", "; ".join(failures), headers={"Retry-After": "5"})
    return jsonify(status="ready", checks={"database": "ok", "broker": "ok"})
