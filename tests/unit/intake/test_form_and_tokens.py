"""Pure parts of intake: form fields to the JSON body, error placement, tokens, traps and option labels."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from werkzeug.datastructures import MultiDict

from services.intake.bot_traps import RenderClock
from services.intake.form import FormState, body_from_form, errors_for_form
from services.intake.questionnaire import KNOWLEDGE_LABELS, LANGUAGE_LABELS, NEED_LABELS, ROLE_LABELS
from services.intake.tokens import InvalidToken, Tokens
from services.intake.validation import flatten, validate_submission
from shared.contracts.fields import LANGUAGES, ROLES
from shared.contracts.intake import KNOWLEDGE_SOURCES, NEEDS


def test_every_option_of_the_contract_has_a_label():
    assert tuple(ROLE_LABELS) == ROLES
    assert tuple(KNOWLEDGE_LABELS) == KNOWLEDGE_SOURCES
    assert tuple(NEED_LABELS) == NEEDS
    assert tuple(LANGUAGE_LABELS) == LANGUAGES


def test_empty_optional_parts_of_the_form_are_left_out():
    body, _ = body_from_form(MultiDict({"name": " Sanne ", "practice_example.title": "", "expertise.text": " "}))
    assert body["name"] == "Sanne"
    assert "practice_example" not in body and "expertise" not in body and "role" not in body


def test_question_errors_land_on_the_field_they_came_from():
    form = MultiDict({"learning_questions.1": "Eerste", "learning_questions.3": "x" * 501})
    body, fields = body_from_form(form)
    assert body["learning_questions"] == ["Eerste", "x" * 501] and fields == [1, 3]
    _, errors = validate_submission(body)
    placed = errors_for_form(errors, fields)
    assert "learning_questions.3" in placed and "learning_questions.1" not in placed


def test_no_questions_at_all_is_an_error_on_the_first_field():
    body, fields = body_from_form(MultiDict())
    _, errors = validate_submission(body)
    assert "learning_questions.0" in errors_for_form(errors, fields)


def test_errors_on_one_checkbox_belong_to_the_group_and_the_summary_links_its_first_option():
    placed = errors_for_form({"urgent_issues.themes.1": ["bad"], "hacked": ["unknown"]}, [])
    assert set(placed) == {"urgent_issues.themes", "_form"}
    anchors = [anchor for anchor, _label, _message in FormState(errors=placed).summary()]
    assert "f-urgent-issues-themes-0" in anchors


def test_flatten_gives_dotted_paths():
    assert flatten({"a": {"b": ["x"], 2: ["y"]}, "c": ["z"], "_schema": ["s"]}) == {"a.b": ["x"], "a.2": ["y"], "c": ["z"], "_body": ["s"]}


def test_a_token_for_one_purpose_is_refused_for_another():
    tokens = Tokens.create("k" * 40, timedelta(days=1), timedelta(days=1), timedelta(days=1))
    confirm = tokens.confirm.sign("sub-1")
    assert tokens.confirm.verify(confirm) == "sub-1"
    for other in (tokens.status, tokens.erase, tokens.erasure_status):
        with pytest.raises(InvalidToken):
            other.verify(confirm)


def test_the_render_clock_spots_fast_and_forged_posts():
    clock = RenderClock("k" * 40, min_seconds=1)
    stamp = clock.stamp()
    assert clock.trap({"rendered": stamp}) == "time_trap"
    assert clock.trap({"rendered": stamp + "x"}) == "time_trap"
    assert clock.trap({"rendered": stamp, "website": "http://spam"}) == "honeypot"
    time.sleep(2.05)
    assert clock.trap({"rendered": stamp}) is None
    assert clock.valid_stamp(stamp) == stamp and clock.valid_stamp("nonsense") is None


def test_the_summary_follows_the_order_of_the_form():
    errors = {"consents.contact": ["c"], "learning_questions.0": ["q"], "needs.choices": ["n"], "name": ["a"]}
    assert [message for _anchor, _label, message in FormState(errors=errors).summary()] == ["a", "q", "n", "c"]


def test_the_committed_openapi_document_matches_the_code():
    from services.intake import openapi

    assert openapi.main(["--check"]) == 0, "run: python -m services.intake.openapi"
    assert openapi.render(openapi.document()) == openapi.render(openapi.document())  # deterministic
