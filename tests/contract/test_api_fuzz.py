"""Schema fuzzing of every service's HTTP API (schemathesis) against a real PostgreSQL database.

For every documented operation, valid and invalid requests (positive and negative modes, the
examples and coverage phases and random fuzzing) must never get a 5xx, every answer must match
the documented status codes, content types, headers and schemas, every error must be
problem+json, and a refused request (any 4xx) must leave every row of the service's database
as it was.

The schemas are the committed documents, loaded when pytest collects (one test per operation);
tests/contract/test_openapi.py keeps them equal to the code, and each test here checks that its
app serves exactly that document.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import update

from services.intake.api import EXAMPLE_SUBMISSION
from services.intake.models import Submission
from shared.config import SERVICES
from shared.web.openapi import committed_path
from shared.web.problems import PROBLEM_JSON
from tests.support.fuzzing import (
    OPENAPI_PATH,
    StateProbe,
    build_target,
    errors_are_problem_json,
    load_schema,
    services_with_operations,
)

WRITES = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def make_target(make_database, tmp_path):
    """make_target(service) -> the service's app on a fresh database; one per test, shared by its cases."""
    made = {}

    def make(service: str):
        if service not in made:
            target = build_target(service, make_database(service), str(tmp_path / "data"))
            served = target.app.test_client().get(OPENAPI_PATH)
            assert served.status_code == 200
            assert served.get_json() == json.loads(committed_path(service).read_text(encoding="utf-8")), (
                f"{service} serves another document than the committed one: run `buurt openapi {service} --write`"
            )
            made[service] = target
        return made[service]

    yield make
    for target in made.values():
        target.runtime.engine.dispose()


@pytest.fixture
def bound_target(request, make_target):
    """The running test's service, its schema bound to it (the app to call, the tokens to send).

    Afterwards: an operation that writes must have been sent requests it refused, so the
    "refusals change nothing" check really ran for it.
    """
    test = request.node.obj
    target = make_target(test.fuzz_service)
    test.fuzz_schema.bind(target)
    target.statuses.clear()
    yield target
    methods = {method for method, _ in target.statuses}
    if methods & WRITES and not any(400 <= status < 500 for _, status in target.statuses):
        pytest.fail(f"no request was refused, so no refusal was checked: {dict(target.statuses)}")


def _fuzz_test(service: str):
    fuzz_schema = load_schema(service)

    # The fixture outlives the generated cases on purpose: one database per operation, not per case.
    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
    @fuzz_schema.schema.parametrize()
    def test(case, bound_target):
        probe = bound_target.probe
        before = probe.snapshot()
        response = case.call_and_validate(additional_checks=[errors_are_problem_json])
        if case.method.upper() == case.operation.method.upper():  # not schemathesis's other-method probes
            bound_target.statuses[(case.method.upper(), response.status_code)] += 1
        if 400 <= response.status_code < 500:
            changed = StateProbe.changed(before, probe.snapshot())
            assert not changed, f"{case.operation.label} answered {response.status_code} but changed {changed}"

    test.fuzz_schema = fuzz_schema
    test.fuzz_service = service
    return test


# One test per service that documents operations; matching and notifications document none yet
# and are picked up here once they do.
for _service in services_with_operations():
    globals()[f"test_{_service}_api_fuzz"] = _fuzz_test(_service)


def test_the_state_probe_sees_new_rows_and_changed_ones(make_target):
    """The "refusals change nothing" check above can fail: a stored submission and an edited one both show."""
    intake = make_target("intake")  # seeded with one submission
    probe = StateProbe(intake.runtime.engine)
    seeded = probe.snapshot()
    response = intake.app.test_client().post("/api/v1/submissions", json={**EXAMPLE_SUBMISSION, "email": "kees@example.org"})
    assert response.status_code == 201, response.get_json()
    stored = probe.snapshot()
    assert StateProbe.changed(seeded, stored)["submissions"] == "1 -> 2 rows"
    with intake.runtime.uow_factory() as uow:
        uow.session.execute(update(Submission).values(resend_count=1))
        uow.commit()
    assert StateProbe.changed(stored, probe.snapshot()) == {"submissions": "2 -> 2 rows (contents changed)"}


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_serves_its_document_and_answers_unknown_api_paths_with_problem_json(make_target, service):
    """Also the services that document no operations yet (matching, notifications): their API
    root answers as the document and the problem+json rule say."""
    target = make_target(service)  # checks the served document against the committed one
    client = target.app.test_client()
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing.mimetype == PROBLEM_JSON
    assert missing.get_json()["status"] == 404 and missing.get_json()["title"]
    wrong_method = client.delete(OPENAPI_PATH)
    assert wrong_method.status_code == 405 and wrong_method.mimetype == PROBLEM_JSON
    assert "GET" in wrong_method.headers["Allow"]
