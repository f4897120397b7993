"""Signed links and the rules that decide whether and how often a message goes out."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from services.notifications.links import InvalidLink, LinkSigner
from services.notifications.models import IMMEDIATELY, NEVER, WEEKLY, Contact
from services.notifications.preferences import AGENDA, CIRCLE_NEWS, DIGEST, INTRODUCTIONS, TRANSACTIONAL, frequency

SECRET = "unit-test-secret-" + "x" * 32


def signer(secret: str = SECRET) -> LinkSigner:
    return LinkSigner(secret, preferences_max_age=timedelta(days=365), introduction_max_age=timedelta(days=14))


def test_each_link_round_trips_and_only_for_its_own_purpose():
    s = signer()
    assert s.preferences_member(s.preferences("m-1")) == "m-1"
    assert s.unsubscribe_request(s.unsubscribe("m-1", AGENDA)) == ("m-1", AGENDA)
    answer = s.introduction_answer(s.introduction("intro-1", "offering"))
    assert (answer.introduction_id, answer.side) == ("intro-1", "offering")
    with pytest.raises(InvalidLink):
        s.preferences_member(s.unsubscribe("m-1", AGENDA))  # a token of another purpose
    with pytest.raises(InvalidLink):
        signer("another-secret-" + "y" * 32).preferences_member(s.preferences("m-1"))


def test_tampered_links_are_invalid_not_expired():
    s = signer()
    token = s.preferences("m-1")
    with pytest.raises(InvalidLink) as raised:
        s.preferences_member(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    assert not raised.value.expired


def test_introduction_links_expire_but_unsubscribe_links_do_not(monkeypatch):
    s = signer()
    real = time.time()
    monkeypatch.setattr(time, "time", lambda: real - 15 * 86400)  # signed fifteen days ago
    answer, unsubscribe = s.introduction("intro-1", "asking"), s.unsubscribe("m-1", AGENDA)
    monkeypatch.setattr(time, "time", lambda: real)
    with pytest.raises(InvalidLink) as raised:
        s.introduction_answer(answer)
    assert raised.value.expired
    assert s.unsubscribe_request(unsubscribe) == ("m-1", AGENDA)


def contact(**values) -> Contact:
    defaults = {"confirmed": True, "consent_contact": True, "consent_peer_introductions": True,
                "introductions": IMMEDIATELY, "agenda": IMMEDIATELY, "circle_news": IMMEDIATELY}
    return Contact(member_id="m-1", email="a@example.org", name="A", language="nl", **{**defaults, **values})


def test_transactional_mail_always_goes_the_rest_needs_consent_and_respects_the_choice():
    assert frequency(contact(confirmed=False, consent_contact=False), TRANSACTIONAL) == IMMEDIATELY
    assert frequency(contact(confirmed=False), AGENDA) == NEVER  # not confirmed yet
    assert frequency(contact(consent_contact=False), CIRCLE_NEWS) == NEVER
    assert frequency(contact(consent_contact=False), INTRODUCTIONS) == IMMEDIATELY  # its own consent
    assert frequency(contact(consent_peer_introductions=False), INTRODUCTIONS) == NEVER
    assert frequency(contact(agenda=WEEKLY), AGENDA) == WEEKLY
    assert frequency(contact(circle_news=NEVER), CIRCLE_NEWS) == NEVER
    assert frequency(contact(), DIGEST) == IMMEDIATELY


def test_list_unsubscribe_offers_the_https_url_first_and_a_mailto_only_when_configured():
    from services.notifications.composer import Links

    plain = Links("https://b.test/intake", "https://b.test/agenda", "https://b.test/notifications", signer())
    url = plain.unsubscribe("m-1", AGENDA)
    assert plain.list_unsubscribe(url) == f"<{url}>"
    with_mailto = Links("https://b.test/intake", "https://b.test/agenda", "https://b.test/notifications", signer(), "uit@b.test")
    assert with_mailto.list_unsubscribe(url) == f"<{url}>, <mailto:uit@b.test?subject=unsubscribe>"
    assert plain.erase("tok-123") == "https://b.test/intake/erase/tok-123"
