"""Every rule of the questionnaire holds for the JSON API: 422 problem+json per field, nothing stored."""

from __future__ import annotations

import copy

import pytest

from services.intake.api import EXAMPLE_SUBMISSION
from tests.integration.intake.conftest import full_submission
from tests.support.flow import minimal_submission

NOTHING = {"members": 0, "submissions": 0, "idempotency": 0, "outbox": 0}


def _with(change) -> dict:
    body = copy.deepcopy(full_submission())
    change(body)
    return body


def _set(path: str, value):
    def change(body):
        *parents, last = path.split(".")
        target = body
        for part in parents:
            target = target[part]
        if value is _DELETE:
            del target[last]
        else:
            target[last] = value

    return change


_DELETE = object()

# (what is wrong, how to break the full submission, the field path that must carry an error)
BROKEN = [
    ("missing name", _set("name", _DELETE), "name"),
    ("blank name", _set("name", "   "), "name"),
    ("name too long", _set("name", "x" * 201), "name"),
    ("name not text", _set("name", 42), "name"),
    ("missing e-mail", _set("email", _DELETE), "email"),
    ("bad e-mail", _set("email", "sanne@"), "email"),
    ("e-mail with spaces inside", _set("email", "san ne@example.org"), "email"),
    ("unknown language", _set("language", "de"), "language"),
    ("missing role", _set("role", _DELETE), "role"),
    ("unknown role", _set("role", "koning"), "role"),
    ("role other without text", _set("role_other", ""), "role_other"),
    ("organisation too long", _set("organisation", "x" * 201), "organisation"),
    ("missing municipality", _set("municipality", _DELETE), "municipality"),
    ("blank municipality", _set("municipality", "  "), "municipality"),
    ("invalid municipality code", _set("municipality", "GM9999"), "municipality"),
    ("unknown municipality name", _set("municipality", "Atlantis"), "municipality"),
    ("neighbourhood too long", _set("neighbourhood", "x" * 201), "neighbourhood"),
    ("missing urgent issues", _set("urgent_issues", _DELETE), "urgent_issues"),
    ("urgent issues not an object", _set("urgent_issues", "te veel afval"), "urgent_issues"),
    ("urgent text missing", _set("urgent_issues.text", _DELETE), "urgent_issues.text"),
    ("urgent text too long", _set("urgent_issues.text", "x" * 2001), "urgent_issues.text"),
    ("four urgent themes", _set("urgent_issues.themes", ["overlast", "jeugd-jongeren", "sociale-samenhang", "wonen"]), "urgent_issues.themes"),
    ("unknown urgent theme", _set("urgent_issues.themes", ["overlast", "ruimtevaart"]), "urgent_issues.themes.1"),
    ("same theme twice", _set("urgent_issues.themes", ["overlast", "overlast"]), "urgent_issues.themes"),
    ("no knowledge source", _set("knowledge_sources.choices", []), "knowledge_sources.choices"),
    ("unknown knowledge source", _set("knowledge_sources.choices", ["orakel"]), "knowledge_sources.choices.0"),
    ("knowledge other without text", _set("knowledge_sources.other", None), "knowledge_sources.other"),
    ("knowledge other too long", _set("knowledge_sources.other", "x" * 501), "knowledge_sources.other"),
    ("no learning questions", _set("learning_questions", []), "learning_questions"),
    ("six learning questions", _set("learning_questions", ["Vraag?"] * 6), "learning_questions"),
    ("learning question too long", _set("learning_questions", ["Vraag?", "x" * 501]), "learning_questions.1"),
    ("blank learning question", _set("learning_questions", ["Vraag?", "  "]), "learning_questions.1"),
    ("learning questions not a list", _set("learning_questions", "Vraag?"), "learning_questions"),
    ("learning question not text", _set("learning_questions", [{"text": "Vraag?"}]), "learning_questions.0"),
    ("no needs", _set("needs.choices", []), "needs.choices"),
    ("unknown need", _set("needs.choices", ["geld"]), "needs.choices.0"),
    ("expertise themes without text", _set("expertise.text", ""), "expertise.text"),
    ("expertise too long", _set("expertise.text", "x" * 2001), "expertise.text"),
    ("example without title", _set("practice_example.title", _DELETE), "practice_example.title"),
    ("example with bad link", _set("practice_example.url", "javascript:alert(1)"), "practice_example.url"),
    ("example link too long", _set("practice_example.url", "https://example.org/" + "x" * 500), "practice_example.url"),
    ("publish without example", _set("practice_example", None), "consents.publish_example"),
    ("no consent to contact", _set("consents.contact", False), "consents.contact"),
    ("consent not a boolean", _set("consents.contact", "misschien"), "consents.contact"),
    # Found by the schema fuzzer: marshmallow's Boolean also takes 0, 1 and "yes"; the document says boolean.
    ("consent as a number", _set("consents.publish_example", 0), "consents.publish_example"),
    ("consent as a word", _set("consents.peer_introductions", "yes"), "consents.peer_introductions"),
    ("contact consent as 1", _set("consents.contact", 1), "consents.contact"),
    ("missing consents", _set("consents", _DELETE), "consents"),
    ("unknown top-level field", _set("favourite_colour", "blauw"), "favourite_colour"),
    ("unknown nested field", _set("urgent_issues.priority", 1), "urgent_issues.priority"),
]


@pytest.mark.parametrize(("case", "change", "path"), BROKEN, ids=[b[0] for b in BROKEN])
def test_every_rule_answers_422_per_field_and_stores_nothing(quiet_intake, case, change, path):
    intake = quiet_intake
    response = intake.client.post("/api/v1/submissions", json=_with(change), headers={"Accept-Language": "en"})

    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == 422 and problem["type"] == "urn:buurtplatform:problem:validation"
    assert path in problem["errors"], problem["errors"]
    assert all(isinstance(m, str) and m for m in problem["errors"][path])
    assert intake.counts() == NOTHING


def test_messages_follow_accept_language(quiet_intake):
    intake = quiet_intake
    body = _with(_set("learning_questions", ["x" * 501]))
    dutch = intake.client.post("/api/v1/submissions", json=body, headers={"Accept-Language": "nl-NL,nl;q=0.9"}).get_json()
    english = intake.client.post("/api/v1/submissions", json=body, headers={"Accept-Language": "en-GB"}).get_json()
    default = intake.client.post("/api/v1/submissions", json=body).get_json()

    assert dutch["errors"]["learning_questions.0"] == ["Gebruik hoogstens 500 tekens."]
    assert english["errors"]["learning_questions.0"] == ["Please use at most 500 characters."]
    assert default["errors"] == dutch["errors"]  # Dutch unless the client asks otherwise


def test_a_misspelt_municipality_gets_suggestions(quiet_intake):
    intake = quiet_intake
    body = _with(_set("municipality", "Rotterdm"))
    errors = intake.client.post("/api/v1/submissions", json=body, headers={"Accept-Language": "en"}).get_json()["errors"]
    assert errors["municipality"][0].startswith("We cannot find this municipality")


def test_every_error_at_once(quiet_intake):
    intake = quiet_intake
    response = intake.client.post("/api/v1/submissions", json={"name": "", "surprise": True})
    errors = response.get_json()["errors"]
    assert {"name", "email", "role", "municipality", "urgent_issues", "knowledge_sources", "learning_questions", "needs", "consents", "surprise"} <= set(errors)


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        ("{not json", "application/json", 400),
        ("[1, 2]", "application/json", 422),
        ("name=Sanne", "application/x-www-form-urlencoded", 415),
    ],
)
def test_bodies_that_are_not_a_json_object(quiet_intake, data, content_type, status):
    intake = quiet_intake
    response = intake.client.post("/api/v1/submissions", data=data, headers={"Content-Type": content_type})
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert intake.counts() == NOTHING


def test_a_body_over_the_size_limit_gets_413_problem_json(make_intake):
    intake = make_intake(BUURT_MAX_BODY_BYTES="4096")
    body = _with(_set("urgent_issues.text", "x" * 5000))
    response = intake.client.post("/api/v1/submissions", json=body, headers={"Accept-Language": "en"})

    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["title"] == "Request too large"
    assert intake.counts() == NOTHING


def test_a_valid_submission_is_stored_pending_with_its_received_event(intake):
    response = intake.client.post("/api/v1/submissions", json=_with(_set("email", "  Sanne@Example.ORG ")))

    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["status"] == "pending"
    assert response.headers["Location"] == f"/api/v1/submissions/{created['id']}"
    [event] = intake.events("intake.submission.received.v1")
    data = event["data"]
    assert data["submission_id"] == created["id"] and data["email"] == "sanne@example.org"
    assert data["resend"] is False
    assert intake.ctx.tokens.erase.verify(data["erasure_token"]) == data["member_id"]
    assert intake.ctx.tokens.confirm.verify(data["confirmation_token"]) == created["id"]
    with intake.uow() as uow:
        from services.intake.models import Submission

        stored = uow.session.get(Submission, created["id"])
        assert stored.answers["municipality"] == "GM0518"  # "Den Haag" became its CBS code
        assert "email" not in stored.answers and "name" not in stored.answers


def test_the_minimal_submission_of_the_test_kit_is_valid(intake):
    assert intake.client.post("/api/v1/submissions", json=minimal_submission("kit@example.org")).status_code == 201


def test_the_documented_example_submission_is_accepted(intake):
    """The example in the OpenAPI document is what clients copy (and what the schema fuzzer sends first)."""
    document = intake.client.get("/api/openapi.json").get_json()
    example = document["paths"]["/api/v1/submissions"]["post"]["requestBody"]["content"]["application/json"]["example"]
    assert example == EXAMPLE_SUBMISSION
    response = intake.client.post("/api/v1/submissions", json=example)
    assert response.status_code == 201, response.get_json()
    assert intake.counts()["submissions"] == 1


@pytest.mark.parametrize(
    ("change", "path"),
    [(_set("name", "Sanne\x00"), "name"), (_set("learning_questions", ["Hoe\x00?"]), "learning_questions.0")],
)
def test_a_nul_character_is_refused_and_stores_nothing(quiet_intake, change, path):
    """Found by the schema fuzzer: a NUL in the name reached PostgreSQL and came back as a 500."""
    response = quiet_intake.client.post("/api/v1/submissions", json=_with(change))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert path in response.get_json()["errors"]
    assert quiet_intake.counts() == NOTHING
