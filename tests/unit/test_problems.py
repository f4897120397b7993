"""The kit's problem+json answers: what API clients (and the fuzz tests) rely on in every error."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from shared.web.problems import PROBLEM_JSON, ProblemApi, ProblemSchema, install_error_handlers


class Place(Schema):
    code = fields.String(required=True, validate=validate.Length(equal=6))


class Body(Schema):
    name = fields.String(required=True)
    tags = fields.List(fields.String(validate=validate.OneOf(["a", "b"])))
    place = fields.Nested(Place)
    places = fields.List(fields.Nested(Place))


@pytest.fixture
def client():
    app = Flask(__name__)
    app.config.update(API_TITLE="t", API_VERSION="v1", OPENAPI_VERSION="3.1.0")
    install_error_handlers(app)
    api = ProblemApi(app)
    blp = Blueprint("things", __name__, url_prefix="/api/v1")

    @blp.route("/things")
    class Things(MethodView):
        @blp.arguments(Body)
        def post(self, data):
            return data

    api.register_blueprint(blp)
    return app.test_client()


def test_a_405_keeps_its_allow_header(client):
    response = client.delete("/api/v1/things")
    assert response.status_code == 405
    assert response.mimetype == PROBLEM_JSON
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"POST", "OPTIONS"}
    assert response.get_json()["status"] == 405


def test_nested_validation_errors_come_as_one_list_of_messages_per_dotted_path(client):
    body = {"tags": ["a", "zz"], "place": {"code": "1"}, "places": [{"code": "123456"}, {}]}
    response = client.post("/api/v1/things", json=body)
    assert response.status_code == 422
    problem = response.get_json()
    assert set(problem["errors"]) == {"name", "tags.1", "place.code", "places.1.code"}
    assert ProblemSchema().validate(problem) == {}
    assert all(isinstance(m, str) for messages in problem["errors"].values() for m in messages)
