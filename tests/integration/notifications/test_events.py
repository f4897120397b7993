"""What each consumed event leads to: welcome and new circles, agenda news per member, erasure."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from services.notifications.models import CANCELLED, Circle, Contact, DeferredEvent, Email, Introduction
from tests.integration.notifications.support import (
    classified,
    erased,
    new_id,
    published,
    received,
    suggested,
    text_of,
)


def test_welcome_once_then_only_new_circles(harness, smtp_sink):
    ann = new_id()
    harness.join(ann, "ann@example.org", themes=["jeugd-jongeren"])
    harness.deliver("matching.submission.classified.v1", classified(ann, ["jeugd-jongeren"]))  # nothing new
    harness.deliver("matching.submission.classified.v1", classified(ann, ["jeugd-jongeren", "overlast"]))
    harness.send()
    welcome = [m for m in smtp_sink.to("ann@example.org") if m["Subject"] != "Bevestig uw antwoorden voor het lerend netwerk"]
    assert [m["Subject"] for m in welcome] == [
        "Welkom in het lerend netwerk: uw themakringen",
        "U doet mee in nieuwe themakringen",
    ]
    assert "Jeugd en jongeren" in text_of(welcome[0])
    assert "Overlast" in text_of(welcome[1]) and "Jeugd en jongeren" not in text_of(welcome[1])


def test_agenda_news_goes_to_members_whose_themes_are_in_it_and_says_what_changed(harness, smtp_sink):
    ann, bob, cas = new_id(), new_id(), new_id()
    harness.join(ann, "ann@example.org", themes=["jeugd-jongeren", "armoede-bestaanszekerheid"])
    harness.join(bob, "bob@example.org", themes=["overlast"])
    harness.join(cas, "cas@example.org", language="en", themes=["jeugd-jongeren"])
    harness.send()
    smtp_sink.messages.clear()
    harness.deliver(
        "agenda.agenda.published.v1",
        published(8, {"jeugd-jongeren": 2, "wonen": 1}, fell=["jeugd-jongeren"], disappeared=["armoede-bestaanszekerheid"]),
    )
    harness.send()
    assert not smtp_sink.to("bob@example.org")  # none of his themes is in this version
    ann_text = text_of(smtp_sink.to("ann@example.org")[0])
    assert "Jeugd en jongeren: plaats 2, staat lager dan eerst." in ann_text
    assert "staat niet meer op de agenda" in ann_text
    assert "Wonen" not in ann_text  # not her theme
    cas_text = text_of(smtp_sink.to("cas@example.org")[0])
    assert "Children and youth: place 2, is lower than before." in cas_text


def test_erasure_removes_contact_and_bodies_keeps_counts_and_reports(harness, smtp_sink):
    ann, bob = new_id(), new_id()
    harness.join(ann, "ann@example.org", "Ann Asker", themes=["jeugd-jongeren"])
    harness.join(bob, "bob@example.org", "Bob Offerer", themes=["jeugd-jongeren"])
    intro = suggested(ann, bob)
    harness.deliver("matching.peers.suggested.v1", intro)
    harness.send()
    harness.deliver("agenda.agenda.published.v1", published(2, {"jeugd-jongeren": 1}))  # queued, not sent
    harness.deliver("matching.submission.classified.v1", classified(ann, ["jeugd-jongeren", "overlast"]))
    with harness.uow() as uow:
        count_before = uow.session.scalar(select(func.count()).select_from(Email))
        intros_before = uow.session.scalar(select(func.count()).select_from(Introduction))

    erasure = erased(ann)
    harness.deliver("intake.member.erased.v1", erasure)

    with harness.uow() as uow:
        assert uow.session.get(Contact, ann) is None
        assert not uow.session.scalars(select(Circle).where(Circle.member_id == ann)).all()
        assert uow.session.scalar(select(func.count()).select_from(Email)) == count_before
        assert uow.session.scalar(select(func.count()).select_from(Introduction)) == intros_before
        stored = uow.session.scalars(select(Email)).all()
        everything = json.dumps([[e.recipient, e.subject, e.body_text, e.body_html, e.list_unsubscribe] for e in stored])
        assert "ann@example.org" not in everything and "Ann Asker" not in everything
        scrubbed = uow.session.get(Introduction, intro["suggestion_id"])
        assert scrubbed.cancelled and scrubbed.question_text is None and scrubbed.expertise_text is None
        assert CANCELLED in {e.state for e in stored if e.template == "agenda_published" and e.recipient is None}
        outbox = uow.tables.outbox
        completed = [
            json.loads(row.envelope)
            for row in uow.session.execute(select(outbox.c.envelope).where(outbox.c.event_type == "notifications.erasure.completed.v1"))
        ]
    assert len(completed) == 1
    assert completed[0]["data"]["member_id"] == ann and completed[0]["data"]["erasure_id"] == erasure["erasure_id"]

    # Sending now sends nothing to the erased member; late events about her are ignored.
    before = len(smtp_sink.to("ann@example.org"))
    harness.send()
    harness.deliver("matching.submission.classified.v1", classified(ann, ["wonen"]))
    harness.deliver("intake.submission.received.v1", received(ann, "ann@example.org", "Ann Asker"))
    harness.send()
    assert len(smtp_sink.to("ann@example.org")) == before
    with harness.uow() as uow:
        assert uow.session.get(Contact, ann) is None
        assert not uow.session.scalars(select(DeferredEvent)).all()
    # Bob's answer link now leads nowhere: nothing about Ann can be revealed.
    assert not harness.emails(template="introduction_reveal")
