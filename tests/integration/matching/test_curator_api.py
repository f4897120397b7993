"""The curator API: token guard, review queue, corrections stored as feedback and applied at once,
and learned from by the next training."""

from __future__ import annotations

from sqlalchemy import select

from services.matching import versions
from services.matching.models import LabelFeedback, ThemeAssignment
from tests.integration.matching.support import AUTH, confirmed, new_id

VAGUE = "Het is hier gewoon niet meer zoals vroeger, vind ik."


def test_without_a_token_configured_the_api_answers_503_problem(make_harness):
    harness = make_harness({"BUURT_MATCHING_CURATOR_TOKEN": "", "BUURT_CURATOR_TOKEN": ""})
    response = harness.client.get("/api/v1/curator/review-queue", headers=AUTH)
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert "BUURT_MATCHING_CURATOR_TOKEN" in response.get_json()["detail"]


def test_a_wrong_or_missing_token_is_refused(harness):
    for headers in ({}, {"Authorization": "Bearer not-the-token"}, {"Authorization": "Basic abc"}):
        response = harness.client.get("/api/v1/curator/review-queue", headers=headers)
        assert response.status_code == 401 and response.mimetype == "application/problem+json"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_correcting_a_text_applies_it_empties_the_queue_and_feeds_the_next_training(make_harness):
    harness = make_harness({"BUURT_MATCHING_REVIEW_THRESHOLD": "0.95"})
    member = new_id()
    data = confirmed(member, urgent=VAGUE, questions=("Hoe krijgen we meer jongeren naar het jongerenwerk?",))
    harness.deliver("intake.submission.confirmed.v1", data)
    text_id = data["urgent_issues"]["text_id"]
    queue = harness.client.get("/api/v1/curator/review-queue", headers=AUTH).get_json()
    assert text_id in {t["text_id"] for t in queue["texts"]}

    unknown = harness.client.put(f"/api/v1/curator/labels/{text_id}", json={"labels": ["geen-thema"]}, headers=AUTH)
    assert unknown.status_code == 422 and "labels.0" in unknown.get_json()["errors"]
    missing = harness.client.put(f"/api/v1/curator/labels/{new_id()}/urgent", json={"labels": ["wonen"]}, headers=AUTH)
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"

    corrected = harness.client.put(
        f"/api/v1/curator/labels/{text_id}", json={"labels": ["sociale-samenhang", "openbare-ruimte"]}, headers=AUTH
    )
    assert corrected.status_code == 200, corrected.get_json()
    body = corrected.get_json()["text"]
    assert {(t["slug"], t["source"]) for t in body["themes"]} == {
        ("sociale-samenhang", "curator"),
        ("openbare-ruimte", "curator"),
    }
    assert body["reviewed_at"] is not None
    queue = harness.client.get("/api/v1/curator/review-queue", headers=AUTH).get_json()
    assert text_id not in {t["text_id"] for t in queue["texts"]}
    themes = harness.client.get(f"/api/v1/curator/members/{member}/themes", headers=AUTH).get_json()
    assert {"sociale-samenhang", "openbare-ruimte"} <= {t["slug"] for t in themes["themes"]}

    with harness.uow() as uow:
        [feedback] = uow.session.scalars(select(LabelFeedback)).all()
        assert (feedback.text, feedback.labels) == (VAGUE, ["openbare-ruimte", "sociale-samenhang"])
        stored = set(uow.session.scalars(select(ThemeAssignment.slug).where(ThemeAssignment.text_id == text_id)))
        assert stored == {"sociale-samenhang", "openbare-ruimte"}
        trained = versions.train(uow, cross_validation_folds=0)
    assert trained.metrics["corrections"] == 1
    assert trained.feedback_members == (member,)
    assert set(trained.model.predict([VAGUE])[0]) & {"sociale-samenhang", "openbare-ruimte"}


def test_correcting_an_untrusted_question_leads_to_peer_suggestions(make_harness):
    harness = make_harness({"BUURT_MATCHING_REVIEW_THRESHOLD": "0.95"})
    peer = new_id()
    harness.deliver(
        "intake.submission.confirmed.v1",
        confirmed(peer, questions=(VAGUE,), expertise="Ik ben jongerenwerker.", expertise_themes=("jeugd-jongeren",),
                  role="wijkprofessional"),
    )
    asker = new_id()
    data = confirmed(asker, questions=("Wat doen we met de jeugd die rondhangt?",))
    harness.deliver("intake.submission.confirmed.v1", data)
    question = data["learning_questions"][0]["text_id"]
    assert not [s for s in harness.outbox("matching.peers.suggested.v1") if s["asking_member_id"] == asker]

    response = harness.client.put(f"/api/v1/curator/labels/{question}", json={"labels": ["jeugd-jongeren"]}, headers=AUTH)
    assert response.get_json()["suggestions"] == 1
    [made] = [s for s in harness.outbox("matching.peers.suggested.v1") if s["asking_member_id"] == asker]
    assert made["offering_member_id"] == peer and made["question_id"] == question
    listed = harness.client.get("/api/v1/curator/suggestions", query_string={"question_id": question}, headers=AUTH)
    assert [s["suggestion_id"] for s in listed.get_json()["suggestions"]] == [made["suggestion_id"]]
    assert harness.client.get("/api/v1/curator/suggestions", headers=AUTH).status_code == 422
