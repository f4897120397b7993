"""Turns a decision to write to someone into an e-mail row: rendered in their language,
with their links, a deterministic Message-ID, and a state that respects their preferences."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from services.notifications.links import LinkSigner
from services.notifications.models import HELD, NEVER, QUEUED, SUPPRESSED, WEEKLY, Contact, Email, Suppression
from services.notifications.preferences import TRANSACTIONAL, frequency
from services.notifications.rendering import Renderer
from shared.contracts.envelope import utcnow
from shared.db.uow import UnitOfWork

# Message ids for e-mails that no single incoming event caused (digests, reveals) are
# derived from what they are about, so making them twice yields the same id.
_SYNTHETIC = uuid.UUID("5a0f3c1e-6a1b-4c2f-9a57-b0e7d3c2f1a4")


def synthetic_event_id(*parts: str) -> str:
    return str(uuid.uuid5(_SYNTHETIC, "|".join(parts)))


def address_hash(address: str) -> str:
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()


def message_id(event_id: str, recipient: str, template: str, domain: str) -> str:
    """The same event, recipient and template always give the same Message-ID, so mail
    systems can drop a repeat sent after a crash between sending and marking sent."""
    digest = hashlib.sha256(f"{event_id}|{recipient.lower()}|{template}".encode()).hexdigest()[:40]
    return f"<{digest}@{domain}>"


def is_suppressed(uow: UnitOfWork, address: str) -> bool:
    return uow.session.get(Suppression, address_hash(address)) is not None


def suppressed_among(uow: UnitOfWork, addresses: list[str]) -> set[str]:
    """The addresses of these that are on the suppression list, in one query."""
    by_hash = {address_hash(a): a for a in addresses}
    if not by_hash:
        return set()
    found = uow.session.scalars(select(Suppression.address_hash).where(Suppression.address_hash.in_(list(by_hash))))
    return {by_hash[h] for h in found}


@dataclass(frozen=True)
class Links:
    intake: str
    agenda: str
    notifications: str
    signer: LinkSigner
    unsubscribe_mailto: str | None = None

    def preferences(self, member_id: str) -> str:
        return f"{self.notifications}/preferences/{self.signer.preferences(member_id)}"

    def unsubscribe(self, member_id: str, category: str) -> str:
        return f"{self.notifications}/unsubscribe/{self.signer.unsubscribe(member_id, category)}"

    def erase(self, erasure_token: str | None) -> str:
        # Without a token (an intake that does not send one yet) the page asks for the address.
        return f"{self.intake}/erase/{erasure_token}" if erasure_token else f"{self.intake}/erase"

    def introduction(self, introduction_id: str, side: str) -> str:
        return f"{self.notifications}/introductions/{self.signer.introduction(introduction_id, side)}"

    def list_unsubscribe(self, unsubscribe_url: str) -> str:
        """The List-Unsubscribe header value (RFC 2369), one-click URL first (RFC 8058)."""
        value = f"<{unsubscribe_url}>"
        if self.unsubscribe_mailto:
            value += f", <mailto:{self.unsubscribe_mailto}?subject=unsubscribe>"
        return value


class Composer:
    def __init__(self, renderer: Renderer, links: Links, message_id_domain: str, confirm_valid_days: int):
        self.renderer = renderer
        self.links = links
        self.domain = message_id_domain
        self.confirm_valid_days = confirm_valid_days

    def common_context(self, contact: Contact, language: str, category: str) -> dict[str, Any]:
        return {
            "name": contact.name,
            "language": language,
            "preferences_url": self.links.preferences(contact.member_id),
            "erase_url": self.links.erase(contact.erasure_token),
            "agenda_url": self.links.agenda + "/",
            # Signed once: the link in the body and in the List-Unsubscribe header are the same.
            "unsubscribe_url": None if category == TRANSACTIONAL else self.links.unsubscribe(contact.member_id, category),
            "category": category,
            "fragment": False,
        }

    def queue(
        self,
        uow: UnitOfWork,
        *,
        event_id: str,
        template: str,
        contact: Contact,
        category: str,
        context: dict[str, Any],
        recipient: str | None = None,
        language: str | None = None,
        fresh: bool = False,
        suppressed: bool | None = None,
    ) -> Email | None:
        """Add the e-mail unless this event already produced it for this recipient, or the
        member does not want this category. Weekly categories wait for the digest (held).

        A handler that writes to many members at once may pass ``fresh`` (this event has
        produced nothing yet: the inbox saw it for the first time) and ``suppressed`` (looked
        up for all recipients in one query), which saves two queries per e-mail."""
        recipient = recipient or contact.email
        language = language or contact.language
        how_often = frequency(contact, category)
        if how_often == NEVER:
            return None
        if not fresh:
            existing = uow.session.scalars(
                select(Email).where(Email.event_id == event_id, Email.recipient == recipient, Email.template == template)
            ).first()
            if existing is not None:
                return None
        if suppressed is None:
            suppressed = is_suppressed(uow, recipient)
        held = how_often == WEEKLY
        full_context = {**self.common_context(contact, language, category), **context, "fragment": held}
        rendered = self.renderer.render(template, language, full_context)
        email = Email(
            id=str(uuid.uuid4()),
            event_id=event_id,
            recipient=recipient,
            member_id=contact.member_id,
            template=template,
            category=category,
            language=language,
            message_id=message_id(event_id, recipient, template, self.domain),
            subject=rendered.subject,
            body_text=rendered.text,
            body_html=rendered.html,
            list_unsubscribe=self.links.list_unsubscribe(full_context["unsubscribe_url"]) if full_context["unsubscribe_url"] else None,
            state=SUPPRESSED if suppressed else HELD if held else QUEUED,
            attempts=0,
            created_at=utcnow(),
        )
        uow.session.add(email)
        return email
