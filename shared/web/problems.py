"""RFC 7807 problem details for every error an API returns; a plain page for browsers."""

from __future__ import annotations

import logging
from typing import Any

import http

from flask import Flask, Response, json, render_template, request
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from marshmallow import Schema, fields
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from shared.db.availability import database_unavailable

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)


def problem(
    status: int,
    title: str,
    detail: str | None = None,
    *,
    errors: dict[str, Any] | None = None,
    type_: str = "about:blank",
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> Response:
    body: dict[str, Any] = {"type": type_, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body["instance"] = request.path
    if errors:
        body["errors"] = errors
    body.update(extensions)
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def wants_json() -> bool:
    """API paths and clients that prefer JSON get problem+json; browsers get a page."""
    if "/api/" in request.path or request.path.endswith((".json", "/api")):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json", PROBLEM_JSON])
    return best in ("application/json", PROBLEM_JSON)


def error_response(status: int, title: str, detail: str | None = None, **kwargs: Any) -> Response:
    if wants_json():
        return problem(status, title, detail, **kwargs)
    html = render_template("buurt_error.html", status=status, title=title, detail=detail)
    response = Response(html, status=status, mimetype="text/html")
    for name, value in (kwargs.get("headers") or {}).items():
        response.headers[name] = value
    return response


def _flatten_validation(messages: Any) -> dict[str, list[str]]:
    """webargs nests errors by location ({"json": {...}}) and marshmallow by field, list index and
    nested schema; clients get one list of messages per dotted field path ('event_types.0')."""
    if isinstance(messages, dict) and set(messages) <= {"json", "query", "headers", "form", "files", "path", "cookies"}:
        flat: dict[str, list[str]] = {}
        for location_errors in messages.values():
            flat.update(_flatten_validation(location_errors))
        return flat
    flat = {}
    _flatten_into(flat, "", messages)
    return flat


def _flatten_into(flat: dict[str, list[str]], path: str, messages: Any) -> None:
    if isinstance(messages, dict):
        for key, value in messages.items():
            _flatten_into(flat, f"{path}.{key}" if path else str(key), value)
    elif isinstance(messages, (list, tuple)):
        for message in messages:
            if isinstance(message, (dict, list, tuple)):
                _flatten_into(flat, path, message)
            else:
                flat.setdefault(path or "_schema", []).append(str(message))
    else:
        flat.setdefault(path or "_schema", []).append(str(messages))


def http_exception_response(error: HTTPException) -> Response:
    data = getattr(error, "data", None) or {}
    # The exception's own headers (Allow on a 405, Retry-After on a 429, WWW-Authenticate), except its
    # Content-Type: the body here is ours.
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    headers.update(data.get("headers") or {})
    errors = data.get("errors") or data.get("messages")
    detail = data.get("message") or error.description
    return error_response(
        error.code or 500,
        error.name,
        detail,
        errors=_flatten_validation(errors) if errors else None,
        headers=headers,
    )


class ProblemSchema(Schema):
    """RFC 7807 problem details (application/problem+json), as every API error is answered."""

    type = fields.String(required=True, metadata={"description": "A URI naming the kind of problem, or about:blank."})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(metadata={"description": "Explanation for people, in Dutch or English by Accept-Language."})
    instance = fields.String()
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Per field path (e.g. 'urgent_issues.text', 'learning_questions.2'), the messages to show beside it."},
    )


class ProblemApi(Api):
    """flask-smorest's Api, answering and documenting errors as problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: HTTPException):
        return http_exception_response(error)

    def _register_responses(self):
        # Same components as flask-smorest registers, but documented as application/problem+json.
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", default, lazy=True)


def _database_unavailable(error: Exception) -> Response:
    if not database_unavailable(error):
        return _unexpected(error)
    log.warning("database unavailable", extra={"error": str(error)[:300]})
    return error_response(
        503,
        "Service Unavailable",
        "The database cannot be reached right now. Nothing was changed; please try again shortly.",
        headers={"Retry-After": "5"},
    )


def _unexpected(error: Exception) -> Response:
    log.exception("unhandled error", exc_info=error)
    return error_response(500, "Internal Server Error", "Something went wrong on our side. Nothing was changed.")


def install_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, http_exception_response)
    app.register_error_handler(DBAPIError, _database_unavailable)
    app.register_error_handler(Exception, _unexpected)
