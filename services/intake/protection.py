"""Abuse and browser protection: security headers, proxies, CSRF and rate limits."""

from __future__ import annotations

import math
import time

from flask import Flask, Response, current_app, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect
from itsdangerous import URLSafeTimedSerializer
from werkzeug.middleware.proxy_fix import ProxyFix

from services.intake.settings import IntakeSettings
from shared.web.problems import error_response

# No inline script or style anywhere: everything comes from /static.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)


def security_headers(production: bool) -> tuple[tuple[str, str], ...]:
    headers = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        # Links carry tokens in their path: never hand them to another site. Our own site still
        # gets the Referer, which CSRF protection checks on HTTPS.
        ("Referrer-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]
    if production:
        headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    return tuple(headers)


def install_security_headers(app: Flask, production: bool) -> None:
    always = security_headers(production)

    @app.after_request
    def _headers(response: Response) -> Response:
        # One pass over what the response has already (werkzeug's per-name lookups are slow).
        present = {name.lower() for name in response.headers.keys()}
        response.headers.extend([(name, value) for name, value in always if name.lower() not in present])
        if "cache-control" not in present and request.endpoint and not request.endpoint.endswith("static"):
            # Pages hold personal answers and one-off tokens: keep them out of shared caches.
            response.headers["Cache-Control"] = "no-store"
        return response


def trust_proxies(app: Flask, count: int) -> None:
    """Take the client address from X-Forwarded-For only when we know how many proxies set it."""
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_prefix=count)


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed session cookie (it holds the form's CSRF token), with its signing serializer
    made once per secret key: Flask makes a new one for every request, API calls without a cookie too."""

    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            if serializer is not None:
                self._serializers[keys] = serializer
        return serializer


def install_csrf(app: Flask, production: bool) -> CSRFProtect:
    app.config.update(
        WTF_CSRF_TIME_LIMIT=24 * 3600,  # a long questionnaire may take a while
        WTF_CSRF_SSL_STRICT=production,
        SESSION_COOKIE_NAME="buurt_intake_session",
    )
    app.session_interface = SessionCookies()
    return CSRFProtect(app)


def make_limiter(app: Flask, own: IntakeSettings) -> Limiter:
    app.config.update(
        RATELIMIT_ENABLED=own.rate_limit_enabled,
        RATELIMIT_STORAGE_URI=own.rate_limit_storage_uri,
        RATELIMIT_HEADERS_ENABLED=True,
        RATELIMIT_KEY_PREFIX=own.rate_limit_key_prefix,
        # A broken Redis must not stop people from filling in the form.
        RATELIMIT_SWALLOW_ERRORS=True,
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
    )
    return Limiter(get_remote_address, app=app)


def retry_after_seconds() -> int:
    limiter: Limiter = current_app.extensions["intake"].limiter
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.reset_at - time.time()))


def too_many_requests_problem(retry_after: int) -> Response:
    return error_response(
        429,
        _("Too many requests"),
        _("You sent too many requests in a short time. Please wait %(seconds)s seconds and try again.", seconds=retry_after),
        headers={"Retry-After": str(retry_after)},
    )
