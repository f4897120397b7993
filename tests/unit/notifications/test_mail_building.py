"""The message as it leaves: headers, parts, back-off; and the templates that exist."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from services.notifications.mailer import backoff
from services.notifications.mime import build_message
from services.notifications.models import Email
from services.notifications.settings import NotificationsSettings
from shared.config import ConfigurationError, Settings
from shared.contracts.envelope import utcnow

TEMPLATES = Path(__file__).resolve().parents[3] / "services" / "notifications" / "templates" / "email"
MESSAGES = ("confirmation", "welcome", "introduction_request", "introduction_reveal", "agenda_published", "digest")


def email(**values) -> Email:
    defaults = {"recipient": "a@example.org", "subject": "Onderwerp", "message_id": "<abc@buurt.test>", "language": "nl",
                "body_text": "Tekst", "body_html": "<p>Tekst</p>", "created_at": utcnow(), "list_unsubscribe": None}
    return Email(**{**defaults, **values})


def test_a_transactional_message_has_no_unsubscribe_headers():
    message = build_message(email(), "Buurtplatform <noreply@buurt.test>")
    assert message["List-Unsubscribe"] is None and message["List-Unsubscribe-Post"] is None
    assert message["Content-Language"] == "nl" and message["Message-ID"] == "<abc@buurt.test>"
    assert [part.get_content_type() for part in message.get_payload()] == ["text/plain", "text/html"]


def test_non_ascii_subjects_are_encoded_and_survive_the_trip():
    subject = "Één bericht over ‘Jeugd en jongeren’ – met een lange onderwerpregel die gevouwen moet worden"
    raw = build_message(email(subject=subject), "Buurtplatform <noreply@buurt.test>").as_bytes()
    assert raw.isascii()
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"] == subject
    assert all(len(line) <= 998 for line in raw.split(b"\n"))


def test_other_messages_offer_one_click_unsubscribe():
    header = "<https://buurt.test/notifications/unsubscribe/t>, <mailto:afmelden@buurt.test?subject=unsubscribe>"
    message = build_message(email(list_unsubscribe=header), "Buurtplatform <noreply@buurt.test>")
    assert message["List-Unsubscribe"] == header
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_back_off_grows_exponentially_with_jitter_and_a_ceiling():
    delay = backoff(30, 1800)
    for attempts, ceiling in ((1, 30), (2, 60), (3, 120), (6, 960), (7, 1800), (20, 1800)):
        for _ in range(20):
            assert timedelta(seconds=ceiling / 2) <= delay(attempts) <= timedelta(seconds=ceiling)


@pytest.mark.parametrize("name", MESSAGES)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_message_has_both_parts_in_both_languages_on_the_shared_layout(name, language):
    html = (TEMPLATES / f"{name}.{language}.html").read_text()
    text = (TEMPLATES / f"{name}.{language}.txt").read_text()
    assert '{% extends "email/layout.html" %}' in html and "{% set subject" in html
    assert '{% extends "email/layout.txt" %}' in text


def settings(**env) -> NotificationsSettings:
    return NotificationsSettings.from_settings(Settings.from_env("notifications", {"BUURT_SECRET_KEY": "k" * 40, **env}))


def test_settings_refuse_what_cannot_work():
    with pytest.raises(ConfigurationError):
        settings(BUURT_SMTP_HOST="mail", BUURT_SMTP_SECURITY="ssl3")
    with pytest.raises(ConfigurationError):
        settings(BUURT_SEND_RATE="0")
    with pytest.raises(ConfigurationError):
        settings(BUURT_ENV="production", BUURT_DATABASE_URL="postgresql://x/y", BUURT_AMQP_URL="amqp://x")
    starttls = settings(BUURT_SMTP_HOST="mail", BUURT_SMTP_SECURITY="starttls", BUURT_SMTP_CA_FILE="/etc/ca.pem")
    assert starttls.smtp.port == 587 and starttls.smtp.ca_file == "/etc/ca.pem"
    assert settings(BUURT_SMTP_HOST="mail", BUURT_SMTP_SECURITY="tls").smtp.port == 465
