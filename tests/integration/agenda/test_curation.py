"""Curated versions through the curator API: drafts, edits, publishing, changelog, bad input."""

from __future__ import annotations

from sqlalchemy import func, select

from services.agenda.models import Draft, Version
from services.agenda.partners.models import Delivery
from shared.contracts.envelope import Event
from shared.contracts.registry import validate_incoming
from tests.integration.agenda.conftest import CURATOR, curator_publish
from tests.integration.agenda.feeding import UTRECHT


def _outbox(agenda, event_type: str) -> list[Event]:
    with agenda.uow() as uow:
        outbox = uow.tables.outbox
        rows = uow.session.execute(select(outbox.c.envelope).where(outbox.c.event_type == event_type).order_by(outbox.c.seq))
        return [Event.from_json(r[0]) for r in rows]


def _seed(feed, youth: int = 6, housing: int = 5, green: int = 0):
    feed.members(youth, questions=[("Hoe betrek je jongeren bij plannen voor het plein?", ["jeugd-jongeren"])], urgent=["jeugd-jongeren"])
    feed.members(housing, questions=[("Hoe vind je betaalbare woningen voor starters?", ["wonen"])], place=UTRECHT)
    if green:
        feed.members(green, questions=[("Hoe leg je samen een buurttuin aan?", ["groen-natuur"])], urgent=["groen-natuur"])


def test_a_curator_reorders_annotates_hides_and_publishes_version_1(agenda, feed):
    _seed(feed)
    draft = agenda.client.post("/api/v1/curator/drafts", headers=CURATOR).get_json()
    assert [t["slug"] for t in draft["themes"]] == ["jeugd-jongeren", "wonen"]  # by score
    hidden = draft["themes"][1]["representative_questions"][0]["id"]
    edited = agenda.client.patch(
        f"/api/v1/curator/drafts/{draft['id']}",
        json={"order": ["wonen"], "notes": {"wonen": "Woningnood raakt elke buurt."}, "hide_questions": [hidden]},
        headers=CURATOR,
    )
    assert edited.status_code == 200, edited.get_json()
    published = agenda.client.post(f"/api/v1/curator/drafts/{draft['id']}/publish", headers=CURATOR)
    assert published.status_code == 201
    version = published.get_json()
    assert version["version"] == 1 and version["reissue_of"] is None
    housing, youth = version["themes"]
    assert (housing["slug"], housing["rank"], housing["score_rank"], housing["note"]) == ("wonen", 1, 2, "Woningnood raakt elke buurt.")
    assert housing["representative_questions"] == []
    assert youth["representative_questions"] == [{"text": "Hoe betrek je jongeren bij plannen voor het plein?", "similar_count": 6}]
    assert version["changelog"] == {"rose": [], "fell": [], "appeared": ["wonen", "jeugd-jongeren"], "disappeared": []}

    (event,) = _outbox(agenda, "agenda.agenda.published.v1")
    data = validate_incoming(event.type, event.data)
    assert data["version"] == 1 and [t["slug"] for t in data["themes"]] == ["wonen", "jeugd-jongeren"]
    assert data["links"]["json"] == "http://buurt.test/agenda/api/v1/versions/1"
    # Published again: the draft is spent.
    again = agenda.client.post(f"/api/v1/curator/drafts/{draft['id']}/publish", headers=CURATOR)
    assert again.status_code == 409 and again.mimetype == "application/problem+json"


def test_the_changelog_tells_what_rose_fell_appeared_and_disappeared(agenda, feed):
    _seed(feed)
    curator_publish(agenda)
    feed.members(9, questions=[("Hoe leg je samen een buurttuin aan?", ["groen-natuur"])], urgent=["groen-natuur"])
    second = curator_publish(agenda, {"order": ["groen-natuur", "wonen", "jeugd-jongeren"]})
    assert [t["slug"] for t in second["themes"]] == ["groen-natuur", "wonen", "jeugd-jongeren"]
    assert second["changelog"] == {"rose": [], "fell": ["jeugd-jongeren"], "appeared": ["groen-natuur"], "disappeared": []}
    third = curator_publish(agenda, {"order": ["jeugd-jongeren", "groen-natuur"]})
    assert third["changelog"]["rose"] == ["jeugd-jongeren"] and third["changelog"]["fell"] == ["groen-natuur", "wonen"]
    # Versions are immutable: version 1 still reads as it was published.
    first = agenda.client.get("/api/v1/versions/1").get_json()
    assert [t["slug"] for t in first["themes"]] == ["jeugd-jongeren", "wonen"]
    listing = agenda.client.get("/api/v1/versions").get_json()
    assert [v["version"] for v in listing["versions"]] == [3, 2, 1] and listing["total"] == 3


def _state(agenda) -> tuple:
    with agenda.uow() as uow:
        drafts = [(d.id, d.status, d.order, d.notes, d.hidden_questions) for d in uow.session.scalars(select(Draft))]
        versions = uow.session.scalar(select(func.count()).select_from(Version))
        outbox = uow.session.scalar(select(func.count()).select_from(uow.tables.outbox))
    return drafts, versions, outbox


def test_bad_curator_input_gets_problem_json_and_changes_nothing(agenda, feed):
    _seed(feed)
    draft = agenda.client.post("/api/v1/curator/drafts", headers=CURATOR).get_json()
    agenda.client.patch(f"/api/v1/curator/drafts/{draft['id']}", json={"notes": {"wonen": "Eerste notitie"}}, headers=CURATOR)
    before = _state(agenda)
    bad_edits = [
        {"order": ["wonen", "not-a-theme"]},
        {"order": ["groen-natuur"]},  # a real theme, but not in this draft
        {"order": ["wonen", "wonen"]},
        {"notes": {"groen-natuur": "Geen thema van deze versie"}, "order": ["wonen"]},
        {"notes": {"wonen": "x" * 2001}},
        {"hide_questions": ["no-such-question"], "notes": {"wonen": "Anders"}},
        {"order": "wonen"},
        {"unknown_field": True},
    ]
    for edit in bad_edits:
        response = agenda.client.patch(f"/api/v1/curator/drafts/{draft['id']}", json=edit, headers=CURATOR)
        assert response.status_code == 422, (edit, response.status_code)
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["errors"], edit
    for path, method in ((f"/api/v1/curator/drafts/{draft['id']}", "patch"), ("/api/v1/curator/drafts/nope/publish", "post")):
        response = getattr(agenda.client, method)(path, data="not json", headers={**CURATOR, "Content-Type": "application/json"})
        assert response.status_code in (400, 404, 422) and response.mimetype == "application/problem+json"
    assert agenda.client.post("/api/v1/curator/drafts", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert agenda.client.post("/api/v1/curator/drafts/nope/publish", headers=CURATOR).status_code == 404
    assert _state(agenda) == before


def test_publishing_queues_webhook_deliveries_for_matching_subscriptions(agenda, feed):
    _seed(feed)
    _, auth = agenda.register_partner()
    everything = agenda.subscribe(auth, "https://a.example/all")
    housing = agenda.subscribe(auth, "https://a.example/wonen", themes=["wonen"])
    agenda.subscribe(auth, "https://a.example/armoede", themes=["armoede-bestaanszekerheid"])
    version = curator_publish(agenda)
    (event,) = _outbox(agenda, "agenda.agenda.published.v1")
    with agenda.uow() as uow:
        deliveries = uow.session.scalars(select(Delivery)).all()
        assert {d.subscription_id for d in deliveries} == {everything["id"], housing["id"]}
        assert all(d.event_id == event.id and Event.from_json(d.body).data["version"] == version["version"] for d in deliveries)
