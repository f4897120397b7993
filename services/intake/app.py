"""Intake's HTTP entrypoint: create_app() for gunicorn and the embedded runner."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from services.intake.api import api as submissions_api
from services.intake.models import TABLES
from services.intake.pages import pages
from services.intake.settings import IntakeSettings
from services.intake.tokens import TokenSigner
from shared.config import Settings
from shared.runtime import Runtime
from shared.web.app import make_service_app


@dataclass(frozen=True)
class IntakeContext:
    runtime: Runtime
    settings: IntakeSettings
    confirm_tokens: TokenSigner


def build_runtime(settings: Settings | None = None) -> Runtime:
    return Runtime.create(settings or Settings.from_env("intake"), TABLES)


def create_app(runtime: Runtime | None = None) -> Flask:
    runtime = runtime or build_runtime()
    own = IntakeSettings.from_settings(runtime.settings)
    app, api = make_service_app(
        __name__, runtime, title="Buurtplatform intake", description="Submissions from neighbourhood makers"
    )
    app.extensions["intake"] = IntakeContext(
        runtime=runtime,
        settings=own,
        confirm_tokens=TokenSigner(runtime.settings.secret_key, "confirm", own.confirm_max_age),
    )
    api.register_blueprint(submissions_api)
    app.register_blueprint(pages)
    return app
