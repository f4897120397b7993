"""Notifications' HTTP entrypoint: create_app() for gunicorn and the embedded runner."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from services.notifications.composer import Composer
from services.notifications.composition import make_composer
from services.notifications.member_pages import member_pages
from services.notifications.models import TABLES
from services.notifications.pages import pages
from services.notifications.settings import NotificationsSettings
from shared.config import Settings
from shared.runtime import Runtime
from shared.web.app import make_service_app


@dataclass(frozen=True)
class NotificationsContext:
    runtime: Runtime
    settings: NotificationsSettings
    composer: Composer  # answering an introduction may queue the reveal e-mails


def build_runtime(settings: Settings | None = None) -> Runtime:
    return Runtime.create(settings or Settings.from_env("notifications"), TABLES)


def create_app(runtime: Runtime | None = None) -> Flask:
    runtime = runtime or build_runtime()
    app, _api = make_service_app(__name__, runtime, title="Buurtplatform notifications")
    own = NotificationsSettings.from_settings(runtime.settings)
    app.extensions["notifications"] = NotificationsContext(runtime, own, make_composer(runtime.settings, own))
    app.register_blueprint(pages)
    app.register_blueprint(member_pages)
    return app
