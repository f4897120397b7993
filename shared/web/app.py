"""The base every service's create_app() builds on."""

from __future__ import annotations

import uuid
from pathlib import Path

from flask import Flask, g, request

from shared.contracts.fields import theme_enum
from shared.logs import bind_service, configure_logging, correlation
from shared.runtime import Runtime
from shared.web.health import health
from shared.web.metrics import install_metrics
from shared.web.nul_guard import install_nul_guard
from shared.web.problems import ProblemApi, install_error_handlers
from shared.web.theme_converter import install_theme_converter

CORRELATION_HEADER = "X-Correlation-ID"


def make_service_app(import_name: str, runtime: Runtime, *, title: str, description: str = "") -> tuple[Flask, ProblemApi]:
    settings = runtime.settings
    configure_logging(settings.service, settings.value("LOG_LEVEL", "INFO"))
    app = Flask(import_name)
    # The shared error page lives beside this module; each service adds its own templates.
    app.jinja_loader.searchpath.append(str(Path(__file__).parent / "templates"))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.integer("MAX_BODY_BYTES", 64 * 1024),
        API_TITLE=title,
        API_VERSION="v1",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={"info": {"description": description}} if description else {},
        SESSION_COOKIE_SECURE=not settings.embedded,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        JSON_SORT_KEYS=False,
    )
    app.extensions["buurt"] = runtime
    app.extensions["buurt_metrics"] = install_metrics(app, settings.service)
    install_error_handlers(app)
    app.register_blueprint(health)

    @app.before_request
    def _bind_correlation_id() -> None:
        bind_service(settings.service)
        incoming = request.headers.get(CORRELATION_HEADER, "")
        g.correlation_id = incoming if 0 < len(incoming) <= 100 else str(uuid.uuid4())
        g.correlation_scope = correlation(g.correlation_id)
        g.correlation_scope.__enter__()

    install_nul_guard(app)  # after the correlation id is bound, so a refusal is logged and echoed with it

    @app.teardown_request
    def _unbind_correlation_id(_exc) -> None:
        scope = g.pop("correlation_scope", None)
        if scope is not None:
            scope.__exit__(None, None, None)

    @app.after_request
    def _echo_correlation_id(response):
        if "correlation_id" in g:
            response.headers[CORRELATION_HEADER] = g.correlation_id
        return response

    api = ProblemApi(app)
    api.ma_plugin.converter.add_attribute_function(theme_enum)
    install_theme_converter(app, api)
    return app, api
