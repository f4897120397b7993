"""intake.member.erased.v1: the member's words leave every agenda table; a version quoting them is re-issued."""

from __future__ import annotations

from sqlalchemy import select

from services.agenda.models import Base
from services.agenda.representatives import refresh_representatives
from shared.contracts.envelope import Event
from shared.contracts.registry import validate_incoming
from tests.integration.agenda.conftest import curator_publish
from tests.integration.agenda.feeding import UTRECHT, erased, submission

SECRET_QUESTION = "Welke subsidie bestaat er voor groene schoolpleinen in Overvecht?"


def _every_value(agenda) -> str:
    """Every row of every agenda table (the messaging tables included), as one text."""
    with agenda.uow() as uow:
        tables = list(Base.metadata.sorted_tables)
        return "\n".join(str(tuple(row)) for table in tables for row in uow.session.execute(select(table)))


def _outbox(agenda, event_type: str) -> list[Event]:
    with agenda.uow() as uow:
        outbox = uow.tables.outbox
        rows = uow.session.execute(select(outbox.c.envelope).where(outbox.c.event_type == event_type).order_by(outbox.c.seq))
        return [Event.from_json(r[0]) for r in rows]


def test_erasure_removes_every_trace_and_reissues_the_version_that_quoted_them(agenda, feed):
    feed.members(5, questions=[("Hoe leg je samen een buurttuin aan?", ["groen-natuur"])], place=UTRECHT, role="bewoner")
    confirmed, classified = submission(member_id="leaving", questions=[(SECRET_QUESTION, ["groen-natuur"])], urgent=["groen-natuur"])
    feed(confirmed, classified)
    _, auth = agenda.register_partner()
    agenda.subscribe(auth, "https://partner.example/hook")
    with agenda.uow() as uow:
        assert refresh_representatives(uow, feed.settings) == 2  # the worker's job kept their question too
    first = curator_publish(agenda, {"notes": {"groen-natuur": "Groen staat hoog."}})
    quoted = [q["text"] for q in first["themes"][0]["representative_questions"]]
    assert SECRET_QUESTION in quoted
    assert SECRET_QUESTION in _every_value(agenda)  # the test can see it before

    feed(erased("leaving"))

    assert SECRET_QUESTION not in _every_value(agenda)
    assert "Overvecht" not in _every_value(agenda)
    versions = agenda.client.get("/api/v1/versions").get_json()["versions"]
    assert [(v["version"], v["reissue_of"]) for v in versions] == [(2, 1), (1, None)]
    reissue = agenda.client.get("/api/v1/versions/2").get_json()
    original = agenda.client.get("/api/v1/versions/1").get_json()
    assert original["redacted"] and not reissue["redacted"]
    for version in (reissue, original):
        (green,) = version["themes"]
        assert [q["text"] for q in green["representative_questions"]] == ["Hoe leg je samen een buurttuin aan?"]
        assert green["note"] == "Groen staat hoog." and green["members"] == 6  # the ranking and counts as published
    assert reissue["changelog"] == {"rose": [], "fell": [], "appeared": [], "disappeared": []}
    assert "Heruitgave van versie 1" in agenda.client.get("/versions/2").get_data(as_text=True)

    published = _outbox(agenda, "agenda.agenda.published.v1")
    assert [validate_incoming(e.type, e.data)["reissue_of"] for e in published] == [None, 1]
    (completed,) = _outbox(agenda, "agenda.erasure.completed.v1")
    assert completed.data["member_id"] == "leaving" and completed.data["service"] == "agenda"

    # The live agenda no longer counts them.
    live = agenda.client.get("/api/v1/agenda").get_json()["themes"]
    assert next(t for t in live if t["slug"] == "groen-natuur")["members"] == 5
    # A new draft has nothing of theirs to quote.
    draft = agenda.client.post("/api/v1/curator/drafts", headers={"Authorization": f"Bearer {agenda.settings.curator_token}"}).get_json()
    assert SECRET_QUESTION not in str(draft)


def test_erasure_of_someone_never_quoted_publishes_no_new_version(agenda, feed):
    feed.members(5, questions=[("Hoe leg je samen een buurttuin aan?", ["groen-natuur"])])
    confirmed, classified = submission(member_id="quiet", questions=[(SECRET_QUESTION, ["groen-natuur"])])
    feed(confirmed, classified)
    curator_publish(agenda, {"hide_questions": [f"{confirmed.data['submission_id']}/q1"]})  # the curator hid it
    feed(erased("quiet"))
    assert [v["version"] for v in agenda.client.get("/api/v1/versions").get_json()["versions"]] == [1]
    assert len(_outbox(agenda, "agenda.erasure.completed.v1")) == 1
