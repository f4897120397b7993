"""Matching's HTTP entrypoint: create_app() for gunicorn and the embedded runner."""

from __future__ import annotations

from flask import Flask

from services.matching.curator_api import register_curator_api
from services.matching.models import TABLES
from shared.config import Settings
from shared.runtime import Runtime
from shared.web.app import make_service_app


def build_runtime(settings: Settings | None = None) -> Runtime:
    return Runtime.create(settings or Settings.from_env("matching"), TABLES)


def create_app(runtime: Runtime | None = None) -> Flask:
    runtime = runtime or build_runtime()
    app, api = make_service_app(
        __name__, runtime, title="Buurtplatform matching", description="Curator API: review, correct, explain"
    )
    register_curator_api(app, api)
    return app
