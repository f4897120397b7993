"""Every template in Dutch and English, sent to a real SMTP server: headers, parts and links."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.notifications.digest import send_due_digests
from services.notifications.models import Contact
from shared.contracts.envelope import utcnow
from tests.integration.notifications.support import (
    INTAKE,
    NOTIFICATIONS,
    PUBLIC,
    classified,
    html_of,
    links_in,
    new_id,
    published,
    suggested,
    text_of,
)
from tests.support.infrastructure import wait_until

SUBJECTS = {
    "nl": {
        "confirmation": "Bevestig uw antwoorden",
        "welcome": "Welkom in het lerend netwerk",
        "introduction_request": "Wilt u kennismaken",
        "introduction_reveal": "U hebt allebei ja gezegd",
        "agenda_published": "Nieuwe leeragenda (versie 4)",
        "digest": "Uw weekoverzicht",
    },
    "en": {
        "confirmation": "Please confirm your answers",
        "welcome": "Welcome to the learning network",
        "introduction_request": "Would you like to meet",
        "introduction_reveal": "You both said yes",
        "agenda_published": "New learning agenda (version 4)",
        "digest": "Your weekly overview",
    },
}
THEME_LABEL = {"nl": "Jeugd en jongeren", "en": "Children and youth"}
TRANSACTIONAL = {"confirmation", "introduction_reveal"}


def _every_message(harness, language: str, smtp_sink) -> dict[str, list]:
    """Walk one member pair through everything the service sends; returns messages by template."""
    ann, bob = new_id(), new_id()
    harness.join(ann, f"ann-{language}@example.org", "Ann Asker", language, themes=["jeugd-jongeren", "overlast"])
    harness.join(bob, f"bob-{language}@example.org", "Bob Offerer", language, themes=["jeugd-jongeren"])
    harness.deliver("agenda.agenda.published.v1", published(4, {"jeugd-jongeren": 1, "overlast": 2}, rose=["jeugd-jongeren"]))
    harness.deliver("matching.peers.suggested.v1", suggested(ann, bob))
    harness.send()
    # Both say yes through the links in their e-mails: the reveal follows.
    for address in (f"ann-{language}@example.org", f"bob-{language}@example.org"):
        request = next(m for m in smtp_sink.to(address) if m["Subject"].startswith(SUBJECTS[language]["introduction_request"]))
        accept = next(link for link in links_in(text_of(request)) if link.endswith("?answer=accept"))
        assert harness.client.post(harness.path(accept.split("?")[0]), data={"answer": "accept"}).status_code == 200
    # A third member who chose the weekly digest gets one.
    cas = new_id()
    harness.join(cas, f"cas-{language}@example.org", "Cas Weekly", language)
    with harness.uow() as uow:
        uow.session.get(Contact, cas).circle_news = "weekly"
        uow.commit()
    harness.deliver("matching.submission.classified.v1", classified(cas, ["overlast"]))
    assert send_due_digests(harness.runtime.uow_factory, harness.composer, utcnow() + timedelta(days=8), timedelta(days=7)) == 1
    harness.send()
    wait_until(lambda: len(smtp_sink.messages) >= 11, timeout=10, message="all messages")
    by_template: dict[str, list] = {}
    for message in smtp_sink.messages:
        template = next(t for t, s in SUBJECTS[language].items() if message["Subject"].startswith(s))
        by_template.setdefault(template, []).append(message)
    return by_template


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_template_has_the_right_headers_parts_and_working_links(harness, smtp_sink, language):
    by_template = _every_message(harness, language, smtp_sink)
    assert {t: len(m) for t, m in by_template.items()} == {
        "confirmation": 3,
        "welcome": 2,
        "agenda_published": 2,
        "introduction_request": 2,
        "introduction_reveal": 2,
        "digest": 1,
    }
    message_ids = [m["Message-ID"] for m in smtp_sink.messages]
    assert len(set(message_ids)) == len(message_ids)

    for template, messages in by_template.items():
        for message in messages:
            assert message["From"] == "Buurtplatform <noreply@buurtplatform.localhost>"
            assert message["Content-Language"] == language
            assert message["Message-ID"].endswith("@buurtplatform.localhost>")
            assert message.is_multipart() and message.get_content_type() == "multipart/alternative"
            text, html = text_of(message), html_of(message)
            assert f'<html lang="{language}">' in html
            # Every message carries the preferences link and the erasure link, in both parts.
            links = links_in(text)
            preferences = [link for link in links if link.startswith(f"{NOTIFICATIONS}/preferences/")]
            erase = [link for link in links if link.startswith(f"{INTAKE}/erase/erase-")]
            assert len(preferences) == 1 and len(erase) == 1, (template, links)
            assert preferences[0] in html and erase[0] in html
            page = harness.client.get(harness.path(preferences[0]))
            assert page.status_code == 200 and f'lang="{language}"' in page.text
            if template in TRANSACTIONAL:
                assert message["List-Unsubscribe"] is None and message["List-Unsubscribe-Post"] is None
            else:
                assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
                url = message["List-Unsubscribe"].strip("<>")
                assert url.startswith(f"{NOTIFICATIONS}/unsubscribe/") and url in text
                assert harness.client.get(harness.path(url)).status_code == 200  # a GET only asks

    confirmation = by_template["confirmation"][0]
    assert f"{INTAKE}/confirm/confirm-" in text_of(confirmation)
    for message in by_template["welcome"]:
        assert THEME_LABEL[language] in text_of(message) and THEME_LABEL[language] in html_of(message)
        assert f"{PUBLIC}/agenda/" in links_in(text_of(message))
    agenda = by_template["agenda_published"][0]
    assert f"{PUBLIC}/agenda/versions/4" in links_in(text_of(agenda))
    assert THEME_LABEL[language] in text_of(agenda)
    digest = by_template["digest"][0]
    assert "Overlast" in text_of(digest) or "Nuisance" in text_of(digest)
