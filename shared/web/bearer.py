"""Bearer-token APIs: reading the token, the shared-secret check of curator APIs, and the
problem+json answers such APIs document."""

from __future__ import annotations

import hmac

from flask import request
from flask_smorest import Blueprint, abort

from shared.web.problems import PROBLEM_JSON, ProblemSchema

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="buurtplatform"'}

DESCRIPTIONS = {
    401: "Missing or wrong bearer token",
    404: "Not found",
    409: "Conflicts with the current state",
    422: "Invalid input; messages per field in `errors`",
    503: "The curator API is not configured",
}


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def token_matches(given: str | None, expected: str | None) -> bool:
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def require_curator_token(expected: str | None, setting: str) -> None:
    """401 unless the request carries the configured token; 503 while none is configured."""
    if not expected:
        abort(503, message=f"The curator API is switched off: set {setting} to use it.")
    if not token_matches(bearer_token(request.headers.get("Authorization")), expected):
        abort(401, message="A valid curator token is needed (Authorization: Bearer ...).", headers=CHALLENGE)


def problem_responses(blp: Blueprint, *codes: int, descriptions: dict[int, str] | None = None):
    """Documents problem+json answers with these status codes on a view."""
    described = {**DESCRIPTIONS, **(descriptions or {})}

    def decorate(view):
        for code in codes:
            view = blp.alt_response(code, schema=ProblemSchema, content_type=PROBLEM_JSON, description=described[code])(view)
        return view

    return decorate
