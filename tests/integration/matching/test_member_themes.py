"""A member's circles come from all their confirmed submissions, weighted by kind of text;
a curator's add or remove wins and survives new submissions."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from services.matching import member_themes, peers
from services.matching.models import MemberText, MemberTheme, PeerOffer, Profile, ThemeAssignment
from services.matching.settings import MatchingSettings
from shared.contracts.envelope import Event
from shared.contracts.registry import validate_incoming
from shared.db.inbox import first_delivery
from tests.integration.matching.support import AUTH, confirmed, new_id

YOUTH = "Hoe krijgen we meer jongeren naar het jongerenwerk in de wijk?"
TRAFFIC = "Veel parkeeroverlast en te hard rijden in onze straat, de verkeersveiligheid is slecht."
ENERGY = "Ik help buren met hun energierekening en isolatie van hun huis."


def scores_of(harness, member_id: str) -> dict[tuple[str, str], float]:
    with harness.uow() as uow:
        rows = uow.session.execute(
            select(MemberText.kind, ThemeAssignment.slug, ThemeAssignment.score)
            .join(ThemeAssignment, ThemeAssignment.text_id == MemberText.text_id)
            .where(MemberText.member_id == member_id)
        )
        return {(kind, slug): score for kind, slug, score in rows}


def test_questions_and_urgent_issues_count_fully_expertise_half(harness):
    member = new_id()
    harness.deliver("intake.submission.confirmed.v1", confirmed(member, urgent=TRAFFIC, questions=(YOUTH,), expertise=ENERGY))
    view = harness.client.get(f"/api/v1/curator/members/{member}/themes", headers=AUTH).get_json()
    scores = scores_of(harness, member)
    expected: dict[str, float] = {}
    for (kind, slug), score in scores.items():
        expected[slug] = expected.get(slug, 0.0) + (0.5 if kind == "expertise" else 1.0) * score
    assert view["evidence"] == {slug: round(w, 4) for slug, w in sorted(expected.items())}
    assert scores[("expertise", "duurzaamheid-klimaat")] > 0
    assert view["evidence"]["duurzaamheid-klimaat"] == round(0.5 * scores[("expertise", "duurzaamheid-klimaat")], 4)
    circles = {t["slug"] for t in view["themes"]}
    assert {"verkeer-mobiliteit", "jeugd-jongeren"} <= circles
    assert all(t["source"] == "auto" for t in view["themes"])

    # a second submission adds to the same member's evidence
    harness.deliver(
        "intake.submission.confirmed.v1",
        confirmed(member, urgent=TRAFFIC, questions=("Hoe maak je de buurt groener met geveltuinen en bomen?",)),
    )
    later = harness.client.get(f"/api/v1/curator/members/{member}/themes", headers=AUTH).get_json()
    assert later["evidence"]["verkeer-mobiliteit"] > view["evidence"]["verkeer-mobiliteit"]
    assert "groen-natuur" in {t["slug"] for t in later["themes"]}
    [_, second] = harness.outbox("matching.submission.classified.v1")
    assert {"verkeer-mobiliteit", "jeugd-jongeren", "groen-natuur"} <= set(second["member_themes"])


def test_curator_overrides_win_and_survive_new_submissions(harness):
    member = new_id()
    harness.deliver("intake.submission.confirmed.v1", confirmed(member, urgent=TRAFFIC, questions=(YOUTH,)))
    base = f"/api/v1/curator/members/{member}/themes"

    removed = harness.client.put(f"{base}/verkeer-mobiliteit", json={"action": "remove"}, headers=AUTH)
    assert removed.status_code == 200
    added = harness.client.put(f"{base}/armoede-bestaanszekerheid", json={"action": "add"}, headers=AUTH).get_json()
    circles = {t["slug"]: t["source"] for t in added["themes"]}
    assert "verkeer-mobiliteit" not in circles
    assert circles["armoede-bestaanszekerheid"] == "curator"
    assert {"slug": "verkeer-mobiliteit", "action": "remove"} in added["overrides"]

    # the member writes about traffic again: the curator's decision still stands
    harness.deliver("intake.submission.confirmed.v1", confirmed(member, urgent=TRAFFIC, questions=(TRAFFIC,)))
    [_, event] = harness.outbox("matching.submission.classified.v1")
    assert "verkeer-mobiliteit" not in event["member_themes"]
    assert "armoede-bestaanszekerheid" in event["member_themes"]

    # dropping the override hands the theme back to the submissions
    back = harness.client.delete(f"{base}/verkeer-mobiliteit", headers=AUTH).get_json()
    assert "verkeer-mobiliteit" in {t["slug"] for t in back["themes"]}


def test_override_input_errors_are_problems_and_change_nothing(harness):
    member = new_id()
    harness.deliver("intake.submission.confirmed.v1", confirmed(member))
    base = f"/api/v1/curator/members/{member}/themes"
    before = harness.client.get(base, headers=AUTH).get_json()
    unknown = harness.client.put(f"{base}/geen-thema", json={"action": "add"}, headers=AUTH)
    assert unknown.status_code == 422 and unknown.mimetype == "application/problem+json"
    bad_action = harness.client.put(f"{base}/overlast", json={"action": "maybe"}, headers=AUTH)
    assert bad_action.status_code == 422 and "action" in bad_action.get_json()["errors"]
    missing = harness.client.put(f"/api/v1/curator/members/{new_id()}/themes/overlast", json={"action": "add"}, headers=AUTH)
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    assert harness.client.get(base, headers=AUTH).get_json() == before


def test_two_submissions_of_a_member_in_one_batch_count_like_one_after_the_other(make_harness):
    """The consumer applies waiting events in one transaction: the second submission of a member
    must see what the first one stored."""
    one_by_one, batched = make_harness(), make_harness()
    member = new_id()
    submissions = [
        confirmed(member, urgent=TRAFFIC, questions=(YOUTH,), expertise=ENERGY),
        confirmed(member, urgent=TRAFFIC, questions=("Hoe maak je de buurt groener met geveltuinen en bomen?",)),
    ]
    for data in submissions:
        one_by_one.deliver("intake.submission.confirmed.v1", data)
    handler = batched.handlers["intake.submission.confirmed.v1"]
    with batched.uow() as uow:
        with uow.holding_commits():
            for data in submissions:
                event = Event(type="intake.submission.confirmed.v1", source="/intake", subject=data["submission_id"], data=data)
                event = replace(event, data=validate_incoming(event.type, event.data))
                assert first_delivery(uow, "matching", event)
                handler(uow, event)
        uow.commit()

    def view(harness):
        return harness.client.get(f"/api/v1/curator/members/{member}/themes", headers=AUTH).get_json()

    assert view(batched) == view(one_by_one)
    assert [e["member_themes"] for e in batched.outbox("matching.submission.classified.v1")] == [
        e["member_themes"] for e in one_by_one.outbox("matching.submission.classified.v1")
    ]


def test_a_first_submission_stores_what_a_full_recompute_would(harness):
    """A member's first submission is stored without reading anything back; recomputing their
    circles and offers from the database afterwards changes nothing."""
    member = new_id()
    harness.deliver(
        "intake.submission.confirmed.v1",
        confirmed(member, urgent=TRAFFIC, questions=(YOUTH, TRAFFIC), expertise=ENERGY, expertise_themes=("wonen",)),
    )

    def stored():
        with harness.uow() as uow:
            themes = uow.session.execute(
                select(MemberTheme.slug, MemberTheme.weight, MemberTheme.source).where(MemberTheme.member_id == member)
            ).all()
            offers = uow.session.execute(
                select(PeerOffer.text_id, PeerOffer.themes, PeerOffer.terms).where(PeerOffer.member_id == member)
            ).all()
            return sorted(themes), sorted(offers, key=lambda o: o.text_id)

    first = stored()
    assert first[0] and len(first[1]) == 1 and "wonen" in first[1][0].themes
    with harness.uow() as uow:
        member_themes.recompute(uow, member, MatchingSettings.from_settings(harness.settings).member_theme_min_weight)
        peers.refresh_offers(uow, uow.session.get(Profile, member))
        uow.commit()
    assert stored() == first
