"""Intake's HTTP entrypoint: create_app() for gunicorn and the embedded runner (the composition root)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, request
from flask_babel import Babel, get_locale
from flask_limiter import Limiter
from prometheus_client import Counter

from services.intake.api import api as submissions_api
from services.intake.bot_traps import RenderClock
from services.intake.erasure_pages import erasure_pages
from services.intake.errors import install_intake_errors
from services.intake.models import TABLES
from services.intake.pages import pages
from services.intake.protection import install_csrf, install_security_headers, make_limiter, trust_proxies
from services.intake.settings import IntakeSettings
from services.intake.tokens import Tokens
from shared.config import Settings
from shared.contracts.fields import LANGUAGES
from shared.runtime import Runtime
from shared.web.app import make_service_app


@dataclass(frozen=True)
class IntakeContext:
    runtime: Runtime
    settings: IntakeSettings
    tokens: Tokens
    render_clock: RenderClock
    limiter: Limiter
    bot_counter: Counter


def build_runtime(settings: Settings | None = None) -> Runtime:
    return Runtime.create(settings or Settings.from_env("intake"), TABLES)


def select_locale() -> str:
    """The language switch (?lang=) first, then the browser's or client's Accept-Language, then Dutch."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "nl"


def create_app(runtime: Runtime | None = None) -> Flask:
    runtime = runtime or build_runtime()
    own = IntakeSettings.from_settings(runtime.settings)
    production = not runtime.settings.embedded
    app, api = make_service_app(
        __name__, runtime, title="Buurtplatform intake", description="Submissions from neighbourhood makers"
    )
    # Every error is documented per operation as problem+json, not flask-smorest's own error format.
    api.DEFAULT_ERROR_RESPONSE_NAME = None
    app.config.update(BABEL_DEFAULT_LOCALE="nl", SESSION_COOKIE_SECURE=production)
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals.update(current_language=lambda: str(get_locale() or "nl"))
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    trust_proxies(app, own.trusted_proxies)
    csrf = install_csrf(app, production)
    limiter = make_limiter(app, own)
    install_security_headers(app, production)

    secret = runtime.settings.secret_key
    app.extensions["intake"] = IntakeContext(
        runtime=runtime,
        settings=own,
        tokens=Tokens.create(secret, own.confirm_max_age, own.unconfirmed_retention, own.erasure_link_max_age),
        render_clock=RenderClock(secret, own.min_fill_seconds),
        limiter=limiter,
        bot_counter=app.extensions["buurt_metrics"].counter(
            "buurt_intake_bot_posts_total", "Form posts caught by a bot trap (answered as success, not stored)", ("trap",)
        ),
    )
    # One budget per client address for every way of submitting (form and API), one for resends, one for erasure.
    submissions = limiter.shared_limit(own.submit_rate_limit, scope="submit", methods=["POST"])
    resends = limiter.shared_limit(own.resend_rate_limit, scope="resend", methods=["POST"])
    erasures = limiter.limit(own.erase_rate_limit, methods=["POST"])
    csrf.exempt(submissions_api)  # the JSON API uses no cookies, so there is nothing to forge
    api.register_blueprint(submissions_api)
    app.register_blueprint(pages)
    app.register_blueprint(erasure_pages)
    if own.rate_limit_enabled:  # switched off, the limits would still be looked up on every request
        _limit_endpoints(app, submissions, ("submissions.Submissions", "pages.submit"))
        _limit_endpoints(app, resends, ("submissions.Resend", "pages.resend"))
        _limit_endpoints(app, erasures, ("erasure.erase",))
    install_intake_errors(app)
    # flask-smorest's own error and pagination schemas describe nothing this API sends.
    for unused in ("Error", "PaginationMetadata"):
        api.spec.components.schemas.pop(unused, None)
    return app


def _limit_endpoints(app: Flask, limit, endpoints: tuple[str, ...]) -> None:
    for endpoint in endpoints:
        app.view_functions[endpoint] = limit(app.view_functions[endpoint])
