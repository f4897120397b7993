"""Agenda's HTTP entrypoint: create_app() for gunicorn and the embedded runner."""

from __future__ import annotations

from flask import Flask

from services.agenda.api import api as agenda_api
from services.agenda.curator_api import blp as curator_api
from services.agenda.models import TABLES
from services.agenda.pages import pages
from services.agenda.partners.web import register_partner_apis
from services.agenda.settings import AgendaSettings
from services.agenda.web import EXTENSION, AgendaWeb
from shared.config import Settings
from shared.runtime import Runtime
from shared.web.app import make_service_app


def build_runtime(settings: Settings | None = None) -> Runtime:
    return Runtime.create(settings or Settings.from_env("agenda"), TABLES)


def create_app(runtime: Runtime | None = None) -> Flask:
    runtime = runtime or build_runtime()
    app, api = make_service_app(__name__, runtime, title="Buurtplatform agenda", description="The learning agenda")
    app.extensions[EXTENSION] = AgendaWeb(runtime, AgendaSettings.from_settings(runtime.settings))
    api.register_blueprint(agenda_api)
    register_partner_apis(app, api)  # also declares the curator token scheme
    api.register_blueprint(curator_api)
    app.register_blueprint(pages)
    return app
