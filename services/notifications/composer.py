"""Turns an event into a rendered e-mail row: recipient, template, links, deterministic Message-ID."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from services.notifications.models import QUEUED, Email
from services.notifications.rendering import Renderer
from shared.contracts.envelope import Event, utcnow
from shared.db.uow import UnitOfWork


@dataclass(frozen=True)
class Links:
    intake: str
    agenda: str
    notifications: str


def message_id(event_id: str, recipient: str, template: str, domain: str) -> str:
    """The same event, recipient and template always give the same Message-ID, so mail
    systems can drop a repeat sent after a crash between sending and marking sent."""
    digest = hashlib.sha256(f"{event_id}|{recipient.lower()}|{template}".encode()).hexdigest()[:40]
    return f"<{digest}@{domain}>"


class Composer:
    def __init__(self, renderer: Renderer, links: Links, message_id_domain: str, confirm_valid_days: int):
        self.renderer = renderer
        self.links = links
        self.domain = message_id_domain
        self.confirm_valid_days = confirm_valid_days

    def queue(
        self,
        uow: UnitOfWork,
        event: Event,
        *,
        template: str,
        recipient: str,
        member_id: str | None,
        language: str,
        context: dict[str, Any],
    ) -> Email | None:
        """Add the e-mail unless this event already produced it for this recipient."""
        existing = uow.session.scalars(
            select(Email).where(Email.event_id == event.id, Email.recipient == recipient, Email.template == template)
        ).first()
        if existing is not None:
            return None
        rendered = self.renderer.render(template, language, {**context, "language": language})
        email = Email(
            id=str(uuid.uuid4()),
            event_id=event.id,
            recipient=recipient,
            member_id=member_id,
            template=template,
            language=language,
            message_id=message_id(event.id, recipient, template, self.domain),
            subject=rendered.subject,
            body_text=rendered.text,
            body_html=rendered.html,
            state=QUEUED,
            attempts=0,
            created_at=utcnow(),
        )
        uow.session.add(email)
        return email
