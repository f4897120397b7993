"""Double opt-in: the confirmed event carries everything, resend is limited, status for the owner, expiry and purge."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import select, update

from services.intake import housekeeping
from services.intake.models import ErasureRequest, IdempotencyRecord, Member, Submission
from shared.contracts.envelope import utcnow
from shared.contracts.registry import validate_incoming
from tests.integration.intake.conftest import full_submission
from tests.support.flow import minimal_submission

URL = "/api/v1/submissions"


def _submit(intake, body, key=None):
    response = intake.client.post(URL, json=body, headers={"Idempotency-Key": key} if key else {})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _confirm_token(intake, submission_id):
    [event] = [e for e in intake.events("intake.submission.received.v1") if e["data"]["submission_id"] == submission_id][:1]
    return event["data"]["confirmation_token"]


def test_confirming_publishes_the_whole_questionnaire(intake):
    created = _submit(intake, full_submission())
    page = intake.client.get(f"/confirm/{_confirm_token(intake, created['id'])}")

    assert page.status_code == 200 and "bevestigd" in page.get_data(as_text=True)
    [event] = intake.events("intake.submission.confirmed.v1")
    data = validate_incoming(event["type"], event["data"])
    assert data["urgent_issues"] == {
        "text_id": f"{created['id']}/urgent",
        "text": "Jongeren hangen 's avonds op het plein.",
        "themes": ["overlast", "jeugd-jongeren"],
    }
    assert (data["municipality_code"], data["municipality_name"], data["province"]) == ("GM0518", "'s-Gravenhage", "Zuid-Holland")
    assert (data["role"], data["role_other"], data["organisation"], data["neighbourhood"]) == (
        "anders", "Opbouwwerker", "Bewonersgroep Het Plein", "Transvaal",
    )
    assert data["knowledge_sources"] == {"choices": ["collega", "anders"], "other": "Podcasts over buurtwerk"}
    assert [q["text"] for q in data["learning_questions"]] == full_submission()["learning_questions"]
    assert [q["text_id"] for q in data["learning_questions"]] == [f"{created['id']}/q1", f"{created['id']}/q2"]
    assert data["needs"] == {"choices": ["intervisie", "praktijkvoorbeelden"], "other": None}
    assert data["expertise"]["text"] == "Ik organiseer al jaren buurtfeesten." and data["expertise"]["themes"] == ["sociale-samenhang"]
    assert data["practice_example"] == {"title": "Plein van iedereen", "description": "Jongeren ontwierpen zelf hun plein.", "url": "https://example.org/plein"}
    assert data["consents"] == {"contact": True, "peer_introductions": True, "publish_example": True}
    assert intake.ctx.tokens.erase.verify(data["erasure_token"]) == data["member_id"]


def test_confirming_twice_publishes_once(intake):
    token = _confirm_token(intake, _submit(intake, minimal_submission("twice@example.org"))["id"])
    intake.client.get(f"/confirm/{token}")
    again = intake.client.get(f"/confirm/{token}")
    assert again.status_code == 200 and "al bevestigd" in again.get_data(as_text=True)
    assert len(intake.events("intake.submission.confirmed.v1")) == 1


def test_an_expired_or_forged_link_confirms_nothing(make_intake):
    intake = make_intake(BUURT_INTAKE_CONFIRM_MAX_AGE_DAYS=str(1 / 86400))  # one second
    token = _confirm_token(intake, _submit(intake, minimal_submission("slow@example.org"))["id"])
    forged = intake.client.get(f"/confirm/{token[:-3]}abc")
    time.sleep(2.1)
    expired = intake.client.get(f"/confirm/{token}")

    assert forged.status_code == 400 and "werkt niet" in forged.get_data(as_text=True)
    assert expired.status_code == 400 and "verlopen" in expired.get_data(as_text=True)
    assert intake.events("intake.submission.confirmed.v1") == []


def test_the_owner_sees_the_status_with_either_token(intake):
    created = _submit(intake, minimal_submission("owner@example.org"))
    path = f"{URL}/{created['id']}"

    assert intake.client.get(path, query_string={"token": created["status_token"]}).get_json()["status"] == "pending"
    intake.client.get(f"/confirm/{_confirm_token(intake, created['id'])}")
    status = intake.client.get(path, query_string={"token": _confirm_token(intake, created["id"])}).get_json()
    assert status["status"] == "confirmed" and status["confirmed_at"]

    other = _submit(intake, minimal_submission("other@example.org"))
    refused = intake.client.get(path, query_string={"token": other["status_token"]})
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    assert intake.client.get(path).status_code == 422  # no token at all


def test_resend_waits_between_sends_and_stops_after_the_maximum(make_intake):
    intake = make_intake(BUURT_INTAKE_RESEND_INTERVAL_SECONDS="0.5", BUURT_INTAKE_RESEND_MAX="2")
    created = _submit(intake, minimal_submission("again@example.org"))
    resend = f"{URL}/{created['id']}/resend?token={created['status_token']}"

    too_soon = intake.client.post(resend)
    assert too_soon.status_code == 429 and int(too_soon.headers["Retry-After"]) >= 1
    statuses = []
    for _ in range(3):
        time.sleep(0.6)
        statuses.append(intake.client.post(resend).status_code)
    assert statuses == [202, 202, 429]

    events = intake.events("intake.submission.received.v1")
    assert [e["data"]["resend"] for e in events] == [False, True, True]
    assert {e["data"]["submission_id"] for e in events} == {created["id"]}


def test_resend_of_a_confirmed_submission_is_a_conflict(make_intake):
    intake = make_intake(BUURT_INTAKE_RESEND_INTERVAL_SECONDS="0")
    created = _submit(intake, minimal_submission("done@example.org"))
    intake.client.get(f"/confirm/{_confirm_token(intake, created['id'])}")
    response = intake.client.post(f"{URL}/{created['id']}/resend?token={created['status_token']}")
    assert response.status_code == 409


def test_the_check_page_button_sends_again(make_intake):
    intake = make_intake(BUURT_INTAKE_RESEND_INTERVAL_SECONDS="0")
    client = intake.client
    created = _submit(intake, minimal_submission("button@example.org"))
    csrf = intake.form_page(client)["csrf_token"]
    response = client.post(f"/check/{created['status_token']}/resend", data={"csrf_token": csrf})

    assert response.status_code == 303
    assert "opnieuw gestuurd" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert [e["data"]["resend"] for e in intake.events("intake.submission.received.v1")] == [False, True]
    assert client.post(f"/check/{created['status_token']}/resend").status_code == 400  # no CSRF token


def test_purge_deletes_old_unconfirmed_submissions_and_members_left_without_any(intake):
    lonely = _submit(intake, minimal_submission("lonely@example.org"), key="lonely-key")
    kept_member_old = _submit(intake, minimal_submission("mixed@example.org"))
    kept_member_new = _submit(intake, minimal_submission("mixed@example.org", question="Nog een vraag?"))
    confirmed_old = _submit(intake, minimal_submission("confirmed@example.org"))
    intake.client.get(f"/confirm/{_confirm_token(intake, confirmed_old['id'])}")
    old = utcnow() - timedelta(days=31)
    with intake.uow() as uow:
        uow.session.execute(
            update(Submission).where(Submission.id.in_([lonely["id"], kept_member_old["id"], confirmed_old["id"]])).values(created_at=old)
        )
        uow.commit()

    purged = housekeeping.purge_unconfirmed(intake.runtime.uow_factory, timedelta(days=30))

    assert purged == 2
    with intake.uow() as uow:
        remaining = set(uow.session.scalars(select(Submission.id)))
        emails = set(uow.session.scalars(select(Member.email)))
        assert uow.session.scalars(select(IdempotencyRecord)).all() == []
        assert [r.via for r in uow.session.scalars(select(ErasureRequest))] == ["purge"]
    assert remaining == {kept_member_new["id"], confirmed_old["id"]}
    assert emails == {"mixed@example.org", "confirmed@example.org"}
    received = {e["data"]["submission_id"] for e in intake.events("intake.submission.received.v1")}
    assert lonely["id"] not in received and kept_member_old["id"] not in received  # their e-mail addresses are gone
    [erased] = intake.events("intake.member.erased.v1")
    assert "lonely@example.org" not in str(intake.events())
    assert erased["data"]["erasure_id"]


def test_the_worker_runs_the_purge_job(make_intake):
    from services.intake.worker import build_worker

    intake = make_intake(BUURT_INTAKE_PURGE_INTERVAL_SECONDS="0.2", BUURT_INTAKE_UNCONFIRMED_RETENTION_DAYS="0")
    _submit(intake, minimal_submission("gone@example.org"))
    worker = build_worker(intake.runtime)
    worker.start()
    try:
        deadline = time.monotonic() + 10
        while intake.counts()["submissions"] and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        worker.stop()
        worker.join()
    assert intake.counts()["submissions"] == 0 and intake.counts()["members"] == 0
