"""Steps of the main flow that several tests take: submit, read the e-mail, follow the link."""

from __future__ import annotations

import re
from email.message import EmailMessage

CONFIRM_LINK = re.compile(r"https?://\S+/confirm/[\w.\-]+")


def minimal_submission(email: str, question: str = "Hoe pak je zwerfvuil en hangjongeren bij ons op het plein aan?") -> dict:
    """The smallest valid body for POST /intake/api/v1/submissions: only the required answers."""
    return {
        "name": "Test Buurtmaker",
        "email": email,
        "role": "buurtmaker",
        "municipality": "GM0363",
        "urgent_issues": {"text": "Zwerfvuil op straat en overlast op het plein.", "themes": []},
        "knowledge_sources": {"choices": ["collega"]},
        "learning_questions": [question],
        "needs": {"choices": ["praktijkvoorbeelden"]},
        "consents": {"contact": True},
    }


def text_part(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def confirmation_link(message: EmailMessage) -> str:
    text = text_part(message)
    match = CONFIRM_LINK.search(text)
    assert match, f"the e-mail has no confirmation link: {message['Subject']!r}\n{text}"
    return match.group(0)


def theme_row(agenda: dict, slug: str) -> dict | None:
    return next((t for t in agenda["themes"] if t["slug"] == slug), None)
