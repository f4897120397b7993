"""Erasure: the member's texts, profile, themes, overrides, feedback and suggestions (as asker
and as peer) leave every matching table, and matching reports it."""

from __future__ import annotations

from sqlalchemy import select

from services.matching import versions
from services.matching.models import Base, ModelVersion
from tests.integration.matching.support import AUTH, confirmed, erased, new_id

# Made-up words, so a hit can only be this member's text.
QUESTION = "Hoe betrekken we de Zwoelfertjongeren bij het ontwerp van een hangplek op het plein?"
EXPERTISE = "Als jongerenwerker bij Stichting Kwibbeldonk ontwerp ik hangplekken met jongeren."
MARKERS = ("Zwoelfert", "Kwibbeldonk", "zwoelfert", "kwibbeldonk")


def every_row(harness) -> list[tuple[str, str]]:
    """(table, row as text) for every row of every table of matching's database."""
    found = []
    with harness.uow() as uow:
        tables = [*Base.metadata.sorted_tables]
        for table in tables:
            for row in uow.session.execute(select(table)).mappings():
                found.append((table.name, repr(dict(row))))
    return found


def test_erasure_leaves_no_trace_of_the_member_in_any_matching_table(harness):
    member = new_id()
    peer_of_member = new_id()
    asker_of_member = new_id()
    # someone whose expertise the member is suggested
    harness.deliver(
        "intake.submission.confirmed.v1",
        confirmed(peer_of_member, expertise="Ik ben jongerenwerker op pleinen.", expertise_themes=("jeugd-jongeren",),
                  role="wijkprofessional"),
    )
    data = confirmed(member, questions=(QUESTION,), expertise=EXPERTISE, expertise_themes=("jeugd-jongeren",))
    harness.deliver("intake.submission.confirmed.v1", data)
    # someone else asks and gets the member suggested as a peer
    harness.deliver("intake.submission.confirmed.v1", confirmed(asker_of_member, questions=(QUESTION.replace("Zwoelfert", ""),)))
    suggestions = harness.outbox("matching.peers.suggested.v1")
    assert any(s["asking_member_id"] == member for s in suggestions)
    assert any(s["offering_member_id"] == member for s in suggestions)
    # a curator corrected one of the member's texts, steered their circles, and a version learned from it
    harness.client.put(f"/api/v1/curator/labels/{data['urgent_issues']['text_id']}", json={"labels": ["overlast"]}, headers=AUTH)
    harness.client.put(f"/api/v1/curator/members/{member}/themes/wonen", json={"action": "add"}, headers=AUTH)
    with harness.uow() as uow:
        learned = versions.store_and_activate(uow, versions.train(uow, cross_validation_folds=0)).version
        uow.commit()
    assert any(member in text or any(m in text for m in MARKERS) for _, text in every_row(harness))

    harness.deliver("intake.member.erased.v1", erased(member))

    leftovers = [
        (table, text)
        for table, text in every_row(harness)
        if any(m in text for m in MARKERS) or (member in text and "matching.erasure.completed.v1" not in text)
    ]
    assert leftovers == []
    [report] = harness.outbox("matching.erasure.completed.v1")
    assert report["member_id"] == member and report["service"] == "matching"
    with harness.uow() as uow:
        assert uow.session.get(ModelVersion, learned) is None
    # the others are untouched, and classification goes on with a version of the bundled texts
    view = harness.client.get(f"/api/v1/curator/members/{peer_of_member}/themes", headers=AUTH)
    assert view.status_code == 200
    harness.deliver("intake.submission.confirmed.v1", confirmed(new_id()))
    assert harness.outbox("matching.submission.classified.v1")[-1]["classifier_version"] != learned
    assert harness.client.get(f"/api/v1/curator/members/{member}/themes", headers=AUTH).status_code == 404


def test_erasing_an_unknown_member_still_reports_completion(harness):
    member = new_id()
    harness.deliver("intake.member.erased.v1", erased(member))
    [report] = harness.outbox("matching.erasure.completed.v1")
    assert report["member_id"] == member
