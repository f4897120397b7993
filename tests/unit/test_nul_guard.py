"""A NUL character never reaches a service: PostgreSQL text cannot hold it (it used to be a 500)."""

from __future__ import annotations

import pytest
from flask import Flask, request

from shared.web.nul_guard import install_nul_guard
from shared.web.problems import PROBLEM_JSON, install_error_handlers

reached: list[str] = []


@pytest.fixture
def client():
    app = Flask(__name__)
    install_error_handlers(app)
    install_nul_guard(app)

    @app.route("/api/v1/things/<thing_id>", methods=["GET", "POST"])
    def thing(thing_id):
        reached.append(thing_id)
        return {"id": thing_id, "body": request.get_json(silent=True)}

    reached.clear()
    return app.test_client()


@pytest.mark.parametrize(
    ("send", "place"),
    [
        (lambda c: c.get("/api/v1/things/a%00b"), "path"),
        (lambda c: c.get("/api/v1/things/1?q=a%00b"), "q"),
        (lambda c: c.post("/api/v1/things/1", json={"name": "Sanne\x00", "tags": ["ok", "b\x00d"]}), "name"),
        (lambda c: c.post("/api/v1/things/1", json={"questions": ["ok", "b\x00d"]}), "questions.1"),
        (lambda c: c.post("/api/v1/things/1", json={"nested": {"text": "\x00"}}), "nested.text"),
        (lambda c: c.post("/api/v1/things/1", data={"name": "a\x00"}), "name"),
        # JSON in UTF-16: the body holds NUL bytes anyway, so the parsed answers are checked too.
        (lambda c: c.post("/api/v1/things/1", data='{"name": "a\\u0000"}'.encode("utf-16"), content_type="application/json"), "name"),
    ],
)
def test_a_nul_anywhere_is_refused_with_422_naming_where(client, send, place):
    response = send(client)
    assert response.status_code == 422
    assert response.mimetype == PROBLEM_JSON
    problem = response.get_json()
    assert problem["status"] == 422 and problem["title"]
    assert place in problem["errors"]
    assert reached == []


def test_requests_without_nul_pass(client):
    assert client.post("/api/v1/things/1?q=x", json={"name": "Sanne", "tags": ["a"]}).status_code == 200
    assert client.post("/api/v1/things/1", data=b"{not json", content_type="application/json").status_code == 200
    # A backslash followed by "u0000" is text, not a NUL.
    escaped = client.post("/api/v1/things/1", data=b'{"name": "a\\\\u0000"}', content_type="application/json")
    assert escaped.status_code == 200 and escaped.get_json()["body"] == {"name": "a\\u0000"}
    assert reached == ["1", "1", "1"]
