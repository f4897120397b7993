"""The weekly digest: a member who chose weekly gets one e-mail that bundles the week.
The worker's digest job runs on a clock the test controls."""

from __future__ import annotations

from datetime import timedelta

from services.notifications.models import BUNDLED, HELD, QUEUED, SENT, WEEKLY, Contact
from services.notifications.worker import build_worker
from shared.contracts.envelope import utcnow
from tests.integration.notifications.support import classified, links_in, new_id, published, text_of


class Clock:
    def __init__(self):
        self.now = utcnow()

    def __call__(self):
        return self.now


def _weekly(harness, member_id):
    with harness.uow() as uow:
        contact = uow.session.get(Contact, member_id)
        contact.agenda = contact.circle_news = contact.introductions = WEEKLY
        uow.commit()


def _digest_job(harness, clock):
    worker = build_worker(harness.runtime, clock=clock)
    return next(job for job in worker.jobs if job.name == "digest")


def test_a_weekly_digest_bundles_the_week_in_one_email(harness, smtp_sink):
    clock = Clock()
    job = _digest_job(harness, clock)
    ann, bob = new_id(), new_id()
    harness.join(ann, "ann@example.org", "Ann Weekly")
    harness.join(bob, "bob@example.org", "Bob Direct", themes=["jeugd-jongeren"])
    _weekly(harness, ann)
    harness.deliver("matching.submission.classified.v1", classified(ann, ["jeugd-jongeren", "overlast"]))
    harness.deliver("agenda.agenda.published.v1", published(5, {"jeugd-jongeren": 1, "overlast": 3}, appeared=["overlast"]))
    harness.deliver("agenda.agenda.published.v1", published(6, {"overlast": 1, "jeugd-jongeren": 2}, rose=["overlast"], fell=["jeugd-jongeren"]))
    harness.send()
    # Bob chose nothing: he gets each message at once. Ann's wait.
    assert [e.state for e in harness.emails(member_id=ann) if e.template != "confirmation"] == [HELD, HELD, HELD]
    assert len(smtp_sink.to("bob@example.org")) == 4
    assert len(smtp_sink.to("ann@example.org")) == 1  # only her confirmation

    clock.now += timedelta(days=3)
    assert job.run() == 0  # not a week yet
    clock.now += timedelta(days=5)
    assert job.run() == 1
    assert job.run() == 0  # never twice
    harness.send()

    digests = [m for m in smtp_sink.to("ann@example.org") if m["Subject"].startswith("Uw weekoverzicht")]
    assert len(digests) == 1
    digest = digests[0]
    assert "(3 berichten)" in digest["Subject"]
    text = text_of(digest)
    assert "Welkom in het lerend netwerk" in text and "versie 5" in text and "versie 6" in text
    assert text.count("Beste Ann Weekly") == 1  # one greeting, not one per bundled message
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert any("/preferences/" in link for link in links_in(text))
    rows = harness.emails(member_id=ann)
    assert sorted(e.state for e in rows) == [BUNDLED, BUNDLED, BUNDLED, SENT, SENT]
    assert {e.digest_email_id for e in rows if e.state == BUNDLED} == {next(e.id for e in rows if e.template == "digest")}

    # The week after starts afresh.
    harness.deliver("agenda.agenda.published.v1", published(7, {"overlast": 1}))
    clock.now = utcnow() + timedelta(days=6)
    assert job.run() == 0
    clock.now = utcnow() + timedelta(days=7, seconds=1)
    assert job.run() == 1


def test_unsubscribing_from_the_digest_cancels_what_it_held(harness, smtp_sink):
    ann = new_id()
    harness.join(ann, "ann@example.org")
    _weekly(harness, ann)
    harness.deliver("matching.submission.classified.v1", classified(ann, ["overlast"]))
    held = harness.emails(member_id=ann, template="welcome")[0]
    unsubscribe = held.list_unsubscribe.split(">")[0].strip("<")
    assert harness.client.post(harness.path(unsubscribe)).status_code == 200
    assert harness.emails(member_id=ann, template="welcome")[0].state == "cancelled"
    assert _digest_job(harness, lambda: utcnow() + timedelta(days=8)).run() == 0
    assert not [e for e in harness.emails(member_id=ann) if e.state == QUEUED and e.template != "confirmation"]
