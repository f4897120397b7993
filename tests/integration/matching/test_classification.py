"""Every text of a confirmed submission is classified by the active model version, with scores,
explanations and a review flag; versions are stored with their metrics, one active."""

from __future__ import annotations

from sqlalchemy import select

from services.matching.models import MemberText, MemberTheme, ModelVersion, PeerOffer, ThemeAssignment
from shared import reference
from tests.integration.matching.support import AUTH, confirmed, new_id


def test_a_fresh_database_gets_one_active_version_with_its_metrics(harness):
    with harness.uow() as uow:
        rows = uow.session.scalars(select(ModelVersion)).all()
        assert len(rows) == 1 and rows[0].active
        assert rows[0].version.startswith("tc1-")
        assert 0 < rows[0].metrics["held_out"]["macro_f1"] <= 1
        assert rows[0].train_texts > 1000 and rows[0].corrections == 0


def test_every_text_is_classified_with_scores_explanations_and_stored(harness):
    member = new_id()
    data = confirmed(
        member,
        urgent="Veel parkeeroverlast en te hard rijden in onze straat, de verkeersveiligheid is slecht.",
        questions=(
            "Hoe krijgen we meer jongeren naar het jongerenwerk in de wijk?",
            "Hoe maak je de buurt groener met geveltuinen en bomen?",
        ),
        expertise="Ik help buren met hun energierekening en isolatie van hun huis.",
    )
    harness.deliver("intake.submission.confirmed.v1", data)

    [event] = harness.outbox("matching.submission.classified.v1")
    with harness.uow() as uow:
        active = uow.session.scalar(select(ModelVersion.version).where(ModelVersion.active.is_(True)))
    assert event["classifier_version"] == active
    kinds = {t["text_id"]: t["kind"] for t in event["texts"]}
    assert kinds == {
        data["urgent_issues"]["text_id"]: "urgent_issue",
        data["learning_questions"][0]["text_id"]: "learning_question",
        data["learning_questions"][1]["text_id"]: "learning_question",
        data["expertise"]["text_id"]: "expertise",
    }
    themes = {t["text_id"]: [th["slug"] for th in t["themes"]] for t in event["texts"]}
    assert "verkeer-mobiliteit" in themes[data["urgent_issues"]["text_id"]]
    assert "jeugd-jongeren" in themes[data["learning_questions"][0]["text_id"]]
    assert "groen-natuur" in themes[data["learning_questions"][1]["text_id"]]

    with harness.uow() as uow:
        text = uow.session.get(MemberText, data["learning_questions"][0]["text_id"])
        assert set(text.scores) == set(reference.theme_slugs())
        assert text.classifier_version == active
        explained = {e["theme"]: e for e in text.explanations}
        assert "jeugd-jongeren" in explained and explained["jeugd-jongeren"]["drivers"]
        stored = uow.session.scalars(select(ThemeAssignment.slug).where(ThemeAssignment.text_id == text.text_id)).all()
        assert "jeugd-jongeren" in stored

    detail = harness.client.get(f"/api/v1/curator/texts/{data['learning_questions'][0]['text_id']}", headers=AUTH)
    assert detail.status_code == 200
    body = detail.get_json()
    assert body["scores"]["jeugd-jongeren"] == max(body["scores"].values())
    assert any(e["theme"] == "jeugd-jongeren" for e in body["explanations"])


def test_texts_below_the_threshold_go_to_the_review_queue_and_are_flagged(make_harness):
    strict = make_harness({"BUURT_MATCHING_REVIEW_THRESHOLD": "0.999"})
    member = new_id()
    data = confirmed(member, questions=("Hoe betrek je jongeren bij plannen voor hun eigen plein?",))
    strict.deliver("intake.submission.confirmed.v1", data)
    [event] = strict.outbox("matching.submission.classified.v1")
    assert all(t["needs_review"] for t in event["texts"])
    queue = strict.client.get("/api/v1/curator/review-queue", headers=AUTH).get_json()
    assert queue["total"] == 2
    assert {t["text_id"] for t in queue["texts"]} == {t["text_id"] for t in event["texts"]}

    lenient = make_harness({"BUURT_MATCHING_REVIEW_THRESHOLD": "0.05"})
    lenient.deliver("intake.submission.confirmed.v1", confirmed(new_id()))
    [event] = lenient.outbox("matching.submission.classified.v1")
    assert not any(t["needs_review"] for t in event["texts"])
    assert lenient.client.get("/api/v1/curator/review-queue", headers=AUTH).get_json()["total"] == 0


def test_the_worker_follows_a_newly_activated_version(harness):
    from services.matching import versions

    member = new_id()
    with harness.uow() as uow:
        model = harness.models.get(uow)
        # another version becomes active, as `buurt matching train` would make it
        clone = model.with_metrics({"train_texts": 1, "corrections": 0})
        clone.version = "tc1-test-other"
        versions.store_and_activate(uow, versions.TrainedVersion(clone, clone.metrics, ()))
        uow.commit()
    harness.deliver("intake.submission.confirmed.v1", confirmed(member))
    [event] = harness.outbox("matching.submission.classified.v1")
    assert event["classifier_version"] == "tc1-test-other"
    with harness.uow() as uow:
        assert uow.session.scalars(select(ModelVersion.version).where(ModelVersion.active.is_(True))).all() == [
            "tc1-test-other"
        ]


def test_a_submission_delivered_again_under_a_new_event_id_replaces_its_texts(harness):
    """Intake confirms a submission once; should the event still come twice (a new event id, so the
    inbox lets it through), matching ends as after the first: the texts replaced, nothing doubled."""
    member = new_id()
    data = confirmed(
        member,
        questions=("Hoe krijgen we meer jongeren naar het jongerenwerk in de wijk?",),
        expertise="Ik help buren met hun energierekening en isolatie van hun huis.",
        expertise_themes=("duurzaamheid-klimaat",),
    )

    def state():
        with harness.uow() as uow:
            texts = uow.session.execute(
                select(MemberText.text_id, MemberText.kind, MemberText.scores, MemberText.terms)
                .where(MemberText.member_id == member)
                .order_by(MemberText.text_id)
            ).all()
            assigned = uow.session.execute(
                select(ThemeAssignment.text_id, ThemeAssignment.slug, ThemeAssignment.score)
                .join(MemberText, MemberText.text_id == ThemeAssignment.text_id)
                .where(MemberText.member_id == member)
                .order_by(ThemeAssignment.text_id, ThemeAssignment.slug)
            ).all()
            themes = uow.session.execute(
                select(MemberTheme.slug, MemberTheme.weight).where(MemberTheme.member_id == member).order_by(MemberTheme.slug)
            ).all()
            offers = uow.session.execute(select(PeerOffer.text_id, PeerOffer.themes).where(PeerOffer.member_id == member)).all()
            return texts, assigned, themes, offers

    harness.deliver("intake.submission.confirmed.v1", data)
    first = state()
    harness.deliver("intake.submission.confirmed.v1", data)
    assert state() == first
    assert len(first[0]) == 3 and first[1] and first[2] and len(first[3]) == 1
    once, again = harness.outbox("matching.submission.classified.v1")
    assert {k: v for k, v in once.items() if k != "classified_at"} == {k: v for k, v in again.items() if k != "classified_at"}
