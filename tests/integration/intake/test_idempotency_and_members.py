"""Retries never make a second submission; one e-mail address is one member, also under races."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import select

from services.intake import housekeeping
from services.intake.models import IdempotencyRecord, Member, Submission
from shared.contracts.envelope import utcnow
from tests.support.flow import minimal_submission

URL = "/api/v1/submissions"


def _post(intake, body, key=None, client=None):
    headers = {"Idempotency-Key": key} if key else {}
    return (client or intake.client).post(URL, json=body, headers=headers)


def test_a_retry_with_the_same_key_and_body_gets_the_first_answer(intake):
    body = minimal_submission("retry@example.org")
    first = _post(intake, body, "key-1")
    again = _post(intake, body, "key-1")

    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert intake.counts() == {"members": 1, "submissions": 1, "idempotency": 1, "outbox": 1}


def test_the_same_key_with_another_body_is_refused(intake):
    _post(intake, minimal_submission("first@example.org"), "key-2")
    response = _post(intake, minimal_submission("second@example.org"), "key-2")

    assert response.status_code == 422
    assert response.get_json()["type"] == "urn:buurtplatform:problem:idempotency-key-reused"
    assert intake.counts()["submissions"] == 1


def test_key_order_in_the_body_does_not_matter(intake):
    body = minimal_submission("order@example.org")
    reordered = dict(reversed(list(body.items())))
    assert _post(intake, body, "key-3").get_json() == _post(intake, reordered, "key-3").get_json()


def test_a_malformed_key_is_a_bad_request(intake):
    response = _post(intake, minimal_submission("k@example.org"), "with space")
    assert response.status_code == 400 and "Idempotency-Key" in response.get_json()["errors"]
    assert intake.counts()["submissions"] == 0


def test_concurrent_retries_with_one_key_make_one_submission(intake):
    body = minimal_submission("storm@example.org")
    start = threading.Barrier(8)

    def attempt(_):
        client = intake.app.test_client()
        start.wait()
        return _post(intake, body, "storm-key", client)

    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(attempt, range(8)))

    assert {r.status_code for r in responses} == {201}
    assert len({r.get_json()["id"] for r in responses}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 7
    assert intake.counts() == {"members": 1, "submissions": 1, "idempotency": 1, "outbox": 1}


def test_an_expired_key_may_be_used_again(make_intake):
    intake = make_intake(BUURT_INTAKE_IDEMPOTENCY_TTL_HOURS=str(0.5 / 3600))  # half a second
    body = minimal_submission("later@example.org")
    first = _post(intake, body, "key-4").get_json()
    time.sleep(0.7)
    second = _post(intake, body, "key-4").get_json()

    assert first["id"] != second["id"]
    assert intake.counts()["submissions"] == 2


def test_the_worker_job_deletes_expired_keys(intake):
    _post(intake, minimal_submission("a@example.org"), "old-key")
    _post(intake, minimal_submission("b@example.org"), "new-key")
    later = utcnow() + timedelta(hours=24, seconds=1)
    with intake.uow() as uow:
        uow.session.get(IdempotencyRecord, "new-key").expires_at = later + timedelta(hours=1)
        uow.commit()

    assert housekeeping.purge_idempotency_keys(intake.runtime.uow_factory, now=later) == 1
    with intake.uow() as uow:
        assert list(uow.session.scalars(select(IdempotencyRecord.key))) == ["new-key"]


def test_a_second_submission_with_the_same_address_joins_the_member(intake):
    first = _post(intake, minimal_submission("Same@Example.org")).get_json()
    second = _post(intake, {**minimal_submission("same@example.org"), "name": "New Name", "language": "en"}).get_json()

    with intake.uow() as uow:
        [member] = uow.session.scalars(select(Member)).all()
        owners = {uow.session.get(Submission, s["id"]).member_id for s in (first, second)}
        assert owners == {member.id}
        assert (member.name, member.language) == ("New Name", "en")


def test_simultaneous_submissions_with_one_new_address_make_one_member(intake):
    start = threading.Barrier(8)

    def attempt(i):
        client = intake.app.test_client()
        start.wait()
        return _post(intake, minimal_submission("race@example.org", question=f"Vraag nummer {i}?"), client=client)

    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(attempt, range(8)))

    assert [r.status_code for r in responses] == [201] * 8, [r.get_data(as_text=True) for r in responses]
    counts = intake.counts()
    assert (counts["members"], counts["submissions"], counts["outbox"]) == (1, 8, 8)
    assert len({e["data"]["member_id"] for e in intake.events("intake.submission.received.v1")}) == 1
