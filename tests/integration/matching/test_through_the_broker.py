"""Matching in the running platform: over RabbitMQ, from intake's confirmation to an
introduction that notifications asks both sides about."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from services.notifications.models import Introduction
from tests.integration.matching.support import AUTH, TOKEN
from tests.support.flow import confirmation_link, minimal_submission
from tests.support.infrastructure import wait_until

YOUTH_WORKER = "Als jongerenwerker laat ik jongeren zelf hun hangplek op het plein ontwerpen."
QUESTION = "Hoe betrek je jongeren bij plannen voor een hangplek op het plein?"


@pytest.mark.slow
def test_a_question_meets_expertise_and_notifications_asks_both_sides(make_platform, smtp_sink):
    platform = make_platform(env={**smtp_sink.env(), "BUURT_MATCHING_CURATOR_TOKEN": TOKEN})
    intake, matching = platform["intake"].client, platform["matching"].client

    offering = minimal_submission("jongerenwerker@example.org", question="Hoe vinden we vrijwilligers voor de speeltuin?")
    offering.update(role="wijkprofessional", expertise={"text": YOUTH_WORKER, "themes": ["jeugd-jongeren"]})
    offering["consents"] = {"contact": True, "peer_introductions": True}
    asking = minimal_submission("bewoner@example.org", question=QUESTION)
    asking.update(role="bewoner")
    asking["consents"] = {"contact": True, "peer_introductions": True}

    ids = []
    for body in (offering, asking):  # the expertise must be known before the question comes in
        response = intake.post("/api/v1/submissions", json=body)
        assert response.status_code == 201, response.get_json()
        ids.append(response.get_json()["id"])
        [message] = wait_until(lambda: smtp_sink.to(body["email"]), timeout=20, message="the confirmation e-mail")
        assert intake.get(urlsplit(confirmation_link(message)).path.removeprefix("/intake")).status_code == 200
        wait_until(
            lambda: matching.get(f"/api/v1/curator/texts/{ids[-1]}/q1", headers=AUTH).status_code == 200,
            timeout=30,
            message="matching to classify the submission",
        )

    def suggested():
        found = matching.get("/api/v1/curator/suggestions", query_string={"submission_id": ids[1]}, headers=AUTH)
        return found.get_json()["suggestions"]

    [suggestion] = wait_until(suggested, timeout=20, message="a peer suggestion")
    assert suggestion["question_id"] == f"{ids[1]}/q1"
    assert suggestion["themes"] == ["jeugd-jongeren"] and suggestion["reasons"]

    def introduction():
        with platform["notifications"].uow() as uow:
            intro = uow.session.scalar(select(Introduction).where(Introduction.id == suggestion["suggestion_id"]))
            uow.session.expunge_all()  # readable after the unit of work ends
            return intro

    intro = wait_until(introduction, timeout=20, message="notifications to take up the introduction")
    assert (intro.asking_member_id, intro.offering_member_id) == (
        suggestion["asking_member_id"],
        suggestion["offering_member_id"],
    )
    assert intro.question_text == QUESTION and intro.expertise_text == YOUTH_WORKER
