"""Preferences and RFC 8058 one-click unsubscribe: no session, no cookie, effective at once."""

from __future__ import annotations

from services.notifications.models import CANCELLED, HELD, NEVER, QUEUED, SENT, WEEKLY
from tests.integration.notifications.support import classified, links_in, new_id, published, text_of


def _preferences_url(harness, smtp_sink, address):
    harness.send()
    message = smtp_sink.to(address)[-1]
    return next(link for link in links_in(text_of(message)) if "/preferences/" in link)


def test_one_click_post_without_cookies_unsubscribes_at_once_and_cancels_what_waits(harness, smtp_sink):
    ann = new_id()
    harness.join(ann, "ann@example.org", themes=["jeugd-jongeren"])
    harness.send()
    welcome = next(m for m in smtp_sink.to("ann@example.org") if m["List-Unsubscribe"])
    url = welcome["List-Unsubscribe"].strip("<>")
    # An agenda e-mail is queued but not yet sent when the member unsubscribes from circle news...
    harness.deliver("agenda.agenda.published.v1", published(2, {"jeugd-jongeren": 1}))
    # ...and a GET (a link checker, a preview) changes nothing.
    assert harness.client.get(harness.path(url)).status_code == 200
    assert harness.contact(ann).circle_news != NEVER

    client = harness.app.test_client(use_cookies=False)
    response = client.post(
        harness.path(url), data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert "afgemeld" in response.text
    assert harness.contact(ann).circle_news == NEVER
    assert harness.contact(ann).agenda != NEVER  # only the category of that e-mail

    # Circle news no longer comes; agenda news still does.
    harness.deliver("matching.submission.classified.v1", classified(ann, ["jeugd-jongeren", "overlast"]))
    assert not harness.emails(member_id=ann, template="welcome", state=QUEUED)
    assert [e.state for e in harness.emails(member_id=ann, template="agenda_published")] == [QUEUED]
    # Posting again is harmless.
    assert client.post(harness.path(url), data="List-Unsubscribe=One-Click").status_code == 200


def test_unsubscribing_from_a_category_cancels_its_queued_messages(harness, smtp_sink):
    ann = new_id()
    harness.join(ann, "ann@example.org", themes=["jeugd-jongeren"])
    harness.send()
    harness.deliver("agenda.agenda.published.v1", published(2, {"jeugd-jongeren": 1}))
    queued = harness.emails(member_id=ann, template="agenda_published")
    unsubscribe = queued[0].list_unsubscribe.split(">")[0].strip("<")
    assert harness.client.post(harness.path(unsubscribe)).status_code == 200
    assert [e.state for e in harness.emails(member_id=ann, template="agenda_published")] == [CANCELLED]
    before = len(smtp_sink.messages)
    harness.send()
    assert len(smtp_sink.messages) == before


def test_preferences_page_changes_frequency_and_language(harness, smtp_sink):
    ann = new_id()
    harness.join(ann, "ann@example.org", language="nl")
    url = _preferences_url(harness, smtp_sink, "ann@example.org")
    page = harness.client.get(harness.path(url))
    assert page.status_code == 200
    # Accessible form: every group has a legend, every choice a label.
    assert page.text.count("<legend>") == 4 and 'type="radio"' in page.text and "<label>" in page.text
    assert "Kies welke e-mails u krijgt" in page.text

    answer = harness.client.post(
        harness.path(url), data={"introductions": NEVER, "agenda": WEEKLY, "circle_news": "immediately", "language": "en"}
    )
    assert answer.status_code == 200 and "Your choices have been saved" in answer.text
    contact = harness.contact(ann)
    assert (contact.introductions, contact.agenda, contact.circle_news, contact.language) == (NEVER, WEEKLY, "immediately", "en")
    assert contact.language_chosen

    # A later submission in Dutch does not overwrite the chosen language.
    harness.join(ann, "ann@example.org", language="nl", themes=["jeugd-jongeren"])
    assert harness.contact(ann).language == "en"
    # Weekly agenda news waits for the digest; welcome (circle news) comes now, in English.
    harness.deliver("agenda.agenda.published.v1", published(2, {"jeugd-jongeren": 1}))
    assert [e.state for e in harness.emails(member_id=ann, template="agenda_published")] == [HELD]
    harness.send()
    welcome = [m for m in smtp_sink.to("ann@example.org") if m["Subject"].startswith("Welcome")]
    assert len(welcome) == 1 and welcome[0]["Content-Language"] == "en"


def test_bad_preferences_change_nothing_and_say_what_is_wrong(harness, smtp_sink):
    ann = new_id()
    harness.join(ann, "ann@example.org")
    url = _preferences_url(harness, smtp_sink, "ann@example.org")
    before = harness.contact(ann)
    answer = harness.client.post(harness.path(url), data={"introductions": "hourly", "agenda": WEEKLY, "language": "fr"})
    assert answer.status_code == 400
    assert 'role="alert"' in answer.text and 'id="error-introductions"' in answer.text and 'id="error-language"' in answer.text
    after = harness.contact(ann)
    assert (after.introductions, after.agenda, after.language) == (before.introductions, before.agenda, before.language)


def test_tampered_and_unknown_links_are_refused(harness, smtp_sink):
    ann = new_id()
    harness.join(ann, "ann@example.org")
    url = _preferences_url(harness, smtp_sink, "ann@example.org")
    assert harness.client.get(harness.path(url) + "x").status_code == 404
    assert harness.client.post("/unsubscribe/not-a-token").status_code == 404
    assert harness.client.get("/introductions/not-a-token").status_code == 404
    # Signed correctly but for a member the service does not know (or no longer knows).
    stranger = harness.composer.links.preferences(new_id())
    assert harness.client.get(harness.path(stranger)).status_code == 404


def test_without_consent_only_transactional_mail_is_sent(harness, smtp_sink):
    ann = new_id()
    harness.join(ann, "ann@example.org", themes=["jeugd-jongeren"], contact=False, peers=False)
    harness.deliver("agenda.agenda.published.v1", published(2, {"jeugd-jongeren": 1}))
    harness.send()
    assert [e.template for e in harness.emails(member_id=ann)] == ["confirmation"]
    assert [e.state for e in harness.emails(member_id=ann)] == [SENT]
