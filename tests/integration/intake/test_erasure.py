"""Erasure: a confirmation page (POST, never GET), everything with the name or address gone, the event, the status."""

from __future__ import annotations

import json

from sqlalchemy import inspect, select, update

from services.intake import erasure
from services.intake.models import TABLES, ErasureReport, ErasureRequest
from shared.contracts.envelope import Event, utcnow
from shared.contracts.samples import sample
from tests.integration.intake.conftest import full_submission
from tests.support.flow import confirmation_link, minimal_submission
from tests.support.infrastructure import wait_until

URL = "/api/v1/submissions"


def _member_with_history(intake, email="erase@example.org"):
    """Two submissions (one confirmed), with an Idempotency-Key, and every outbox row marked published."""
    first = intake.client.post(URL, json=full_submission(email), headers={"Idempotency-Key": "erase-key"}).get_json()
    intake.client.post(URL, json=minimal_submission(email))
    [received, *_] = intake.events("intake.submission.received.v1")
    intake.client.get(f"/confirm/{received['data']['confirmation_token']}")
    with intake.uow() as uow:
        uow.session.execute(update(TABLES.outbox).values(published_at=utcnow()))
        uow.commit()
    return first, received["data"]["erasure_token"], received["data"]["member_id"]


def test_following_the_link_only_asks(intake):
    _, token, _ = _member_with_history(intake)
    page = intake.client.get(f"/erase/{token}")

    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'method="post"' in html and "Ja, wis mijn gegevens" in html
    assert intake.counts()["members"] == 1  # a GET (a mail scanner following links) erases nothing


def test_erasing_removes_every_trace_and_publishes_the_event(intake):
    _, token, member_id = _member_with_history(intake)
    client = intake.client
    csrf = intake.form_page(client)["csrf_token"]
    response = client.post(f"/erase/{token}", data={"csrf_token": csrf})

    assert response.status_code == 303 and "/erasures/" in response.headers["Location"]
    assert intake.counts() == {"members": 0, "submissions": 0, "idempotency": 0, "outbox": 1}
    [erased] = intake.events()
    assert erased["type"] == "intake.member.erased.v1" and erased["data"]["member_id"] == member_id
    everything = json.dumps(intake.events())
    assert "erase@example.org" not in everything and "Sanne" not in everything
    with intake.uow() as uow:
        [request] = uow.session.scalars(select(ErasureRequest)).all()
        assert request.id == erased["data"]["erasure_id"] and request.via == "link"
    # The erasure request holds no personal data: no column for an address, a name or the member.
    assert {c["name"] for c in inspect(intake.runtime.engine).get_columns("erasure_requests")} == {"id", "via", "erased_at"}

    status = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Uw gegevens worden gewist" in status and status.count("Bezig") == 3


def test_erasing_needs_the_csrf_token_and_a_genuine_link(intake):
    _, token, _ = _member_with_history(intake)
    assert intake.client.post(f"/erase/{token}").status_code == 400
    csrf = intake.form_page(intake.client)["csrf_token"]
    assert intake.client.post(f"/erase/{token[:-4]}abcd", data={"csrf_token": csrf}).status_code == 400
    assert intake.counts()["members"] == 1


def test_erasing_twice_says_it_is_done_already(intake):
    _, token, _ = _member_with_history(intake)
    client = intake.client
    csrf = intake.form_page(client)["csrf_token"]
    client.post(f"/erase/{token}", data={"csrf_token": csrf})
    again = client.post(f"/erase/{token}", data={"csrf_token": csrf})
    assert again.status_code == 404 and "al gewist" in again.get_data(as_text=True)
    assert len(intake.events("intake.member.erased.v1")) == 1


def test_an_operator_erases_by_email(intake):
    _, _, member_id = _member_with_history(intake, email="Operator@Example.org")
    with intake.uow() as uow:
        erasure_id = erasure.erase_member_by_email(uow, " operator@example.org ")
    assert intake.counts()["members"] == 0
    [event] = intake.events("intake.member.erased.v1")
    assert event["data"] == {**event["data"], "member_id": member_id, "erasure_id": erasure_id}
    with intake.uow() as uow:
        assert uow.session.get(ErasureRequest, erasure_id).via == "operator"
        try:
            erasure.erase_member_by_email(uow, "nobody@example.org")
        except erasure.MemberNotFound:
            pass
        else:
            raise AssertionError("an unknown address must be reported, not ignored")


def test_reports_from_the_other_services_fill_the_status_page(intake):
    _, token, member_id = _member_with_history(intake)
    client = intake.client
    csrf = intake.form_page(client)["csrf_token"]
    status_url = client.post(f"/erase/{token}", data={"csrf_token": csrf}, query_string={"lang": "en"}).headers["Location"]
    [erased] = intake.events("intake.member.erased.v1")
    for service in ("matching", "notifications", "agenda"):
        data = {**sample(f"{service}.erasure.completed.v1"), "member_id": member_id, "erasure_id": erased["data"]["erasure_id"]}
        event = Event(type=f"{service}.erasure.completed.v1", source=f"/{service}", subject=member_id, data={**data, "completed_at": utcnow()})
        with intake.uow() as uow:
            erasure.record_report(uow, event)
        with intake.uow() as uow:  # a redelivered report changes nothing
            erasure.record_report(uow, event)

    page = client.get(status_url).get_data(as_text=True)
    assert "Your data has been deleted" in page and "Busy" not in page
    with intake.uow() as uow:
        assert len(uow.session.scalars(select(ErasureReport)).all()) == 3


def test_the_whole_platform_reports_back(make_platform, smtp_sink):
    """Real broker: intake publishes the erasure, matching removes the member and reports, intake records it."""
    platform = make_platform(env=smtp_sink.env())
    intake = platform["intake"]
    response = intake.client.post(URL, json=minimal_submission("platform@example.org"))
    assert response.status_code == 201
    wait_until(lambda: smtp_sink.to("platform@example.org"), timeout=30, message="the confirmation e-mail")
    link = confirmation_link(smtp_sink.to("platform@example.org")[0])
    assert intake.client.get(link.split("/intake", 1)[1]).status_code == 200
    with intake.uow() as uow:
        erasure_id = erasure.erase_member_by_email(uow, "platform@example.org")

    def matching_reported():
        with intake.uow() as uow:
            return uow.session.get(ErasureReport, (erasure_id, "matching"))

    wait_until(matching_reported, timeout=30, message="matching's erasure report")


def test_the_operator_command_erases_and_gives_the_status_page(intake):
    from services.intake.operator import erase_by_email

    _, _, member_id = _member_with_history(intake, email="cli@example.org")
    done = erase_by_email("CLI@example.org", intake.runtime.settings)

    assert done is not None and done.status_url.startswith("http://buurt.test/intake/erasures/")
    assert intake.counts()["members"] == 0
    assert intake.client.get(done.status_url.removeprefix("http://buurt.test/intake")).status_code == 200
    assert erase_by_email("cli@example.org", intake.runtime.settings) is None
