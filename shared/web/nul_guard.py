"""Refuses requests that carry a NUL character, before any service code sees them.

PostgreSQL text cannot hold NUL (0x00): a NUL in a path segment, query parameter, form field or
JSON string used to reach the database and come back as a 500. No field of any service has a use
for it, so it is refused at the edge with a 422 naming where it was (problem+json for APIs), and
nothing is changed.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request

from shared.web.problems import error_response

MESSAGE = "Contains a NUL character (\\u0000), which no field accepts."
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def install_nul_guard(app: Flask) -> None:
    @app.before_request
    def _refuse_nul():
        places = nul_places()
        if places:
            errors = {place: [MESSAGE] for place in places}
            return error_response(
                422, "Unprocessable Content", "The request contains a NUL character. Nothing was changed.", errors=errors
            )
        return None


def nul_places() -> list[str]:
    """Where the current request carries a NUL: 'path', query or form field names, dotted JSON paths."""
    places = ["path"] if "\x00" in request.path else []
    sources = [request.args] + ([request.form] if request.mimetype in _FORM_TYPES else [])
    for multi in sources:
        places += [key for key, value in multi.items(multi=True) if "\x00" in key or "\x00" in value]
    if request.is_json and _may_hold_nul(request.get_data()):
        _collect(request.get_json(silent=True), "", places)
    return places


def _may_hold_nul(body: bytes) -> bool:
    # Parsed JSON holds a NUL only from the escape \u0000 (a raw NUL is not valid JSON), or from a
    # UTF-16 or UTF-32 body, whose bytes hold NULs anyway: without either there is nothing to walk.
    return b"\x00" in body or b"\\u0000" in body


def _collect(value: Any, path: str, places: list[str]) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            places.append(path or "_body")
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                places.append(child)
            else:
                _collect(item, child, places)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _collect(item, f"{path}.{index}" if path else str(index), places)
