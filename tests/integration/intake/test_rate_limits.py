"""Rate limits per client address: 429 with Retry-After, one budget for form and API, proxies, Redis."""

from __future__ import annotations

import os
import uuid

from tests.integration.intake.test_form import filled_form, post_form
from tests.support.flow import minimal_submission

URL = "/api/v1/submissions"


def test_the_api_answers_429_problem_json_with_retry_after(make_intake):
    intake = make_intake(BUURT_INTAKE_SUBMIT_RATE_LIMIT="2 per minute")
    client = intake.client
    statuses = [client.post(URL, json=minimal_submission(f"r{i}@example.org")).status_code for i in range(3)]
    refused = client.post(URL, json=minimal_submission("r9@example.org"), headers={"Accept-Language": "en"})

    assert statuses == [201, 201, 429]
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.get_json()["title"] == "Too many requests"
    assert intake.counts()["submissions"] == 2


def test_form_and_api_share_one_budget_and_the_form_gets_a_friendly_page(make_intake):
    intake = make_intake(BUURT_INTAKE_SUBMIT_RATE_LIMIT="2 per minute")
    client = intake.client
    assert client.post(URL, json=minimal_submission("api@example.org")).status_code == 201
    assert post_form(intake, client, filled_form()).status_code == 303
    refused = post_form(intake, client, filled_form(email="third@example.org"))

    assert refused.status_code == 429 and refused.mimetype == "text/html"
    assert "Even wachten" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 0
    assert client.get("/").status_code == 200  # reading the form is never limited


def test_forwarded_addresses_count_only_behind_trusted_proxies(make_intake):
    untrusted = make_intake(BUURT_INTAKE_SUBMIT_RATE_LIMIT="1 per minute")
    trusted = make_intake(BUURT_INTAKE_SUBMIT_RATE_LIMIT="1 per minute", BUURT_INTAKE_TRUSTED_PROXIES="1")

    def post(intake, address, email):
        return intake.client.post(URL, json=minimal_submission(email), headers={"X-Forwarded-For": address}).status_code

    # Without a trusted proxy a client cannot buy a fresh budget by inventing X-Forwarded-For.
    assert [post(untrusted, "203.0.113.1", "a@x.org"), post(untrusted, "203.0.113.2", "b@x.org")] == [201, 429]
    # Behind one trusted proxy, the address it forwards is the client's.
    assert [post(trusted, "203.0.113.1", "a@x.org"), post(trusted, "203.0.113.2", "b@x.org")] == [201, 201]
    assert post(trusted, "203.0.113.1", "c@x.org") == 429


def test_redis_storage_shares_the_budget_between_processes(make_intake):
    # Two apps stand in for two gunicorn workers; only Redis can make them agree.
    env = {
        "BUURT_INTAKE_SUBMIT_RATE_LIMIT": "2 per minute",
        "BUURT_INTAKE_RATE_LIMIT_STORAGE_URI": os.environ.get("BUURT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
        "BUURT_INTAKE_RATE_LIMIT_KEY_PREFIX": f"buurt-test-{uuid.uuid4().hex}",
    }
    first, second = make_intake(**env), make_intake(**env)
    assert first.client.post(URL, json=minimal_submission("one@example.org")).status_code == 201
    assert second.client.post(URL, json=minimal_submission("two@example.org")).status_code == 201
    assert first.client.post(URL, json=minimal_submission("three@example.org")).status_code == 429


def test_rate_limiting_can_be_switched_off(make_intake):
    intake = make_intake(BUURT_INTAKE_SUBMIT_RATE_LIMIT="1 per minute", BUURT_INTAKE_RATE_LIMIT_ENABLED="false")
    assert [intake.client.post(URL, json=minimal_submission(f"o{i}@example.org")).status_code for i in range(3)] == [201] * 3
