"""Notifications' use cases: plain functions over a unit of work (no Flask, no kombu)."""

from __future__ import annotations

from services.notifications.composer import Composer
from services.notifications.models import Contact
from shared.contracts.envelope import Event, utcnow
from shared.db.uow import UnitOfWork


def remember_contact(uow: UnitOfWork, member_id: str, email: str, name: str, language: str) -> Contact:
    contact = uow.session.get(Contact, member_id)
    if contact is None:
        contact = Contact(member_id=member_id, email=email, name=name, language=language, updated_at=utcnow())
        uow.session.add(contact)
    else:
        contact.email, contact.name, contact.language, contact.updated_at = email, name, language, utcnow()
    uow.session.flush()
    return contact


def on_submission_received(uow: UnitOfWork, event: Event, composer: Composer) -> None:
    """Double opt-in: send the signed confirmation link to the address that was entered."""
    data = event.data
    remember_contact(uow, data["member_id"], data["email"], data["name"], data["language"])
    composer.queue(
        uow,
        event,
        template="confirmation",
        recipient=data["email"],
        member_id=data["member_id"],
        language=data["language"],
        context={
            "name": data["name"],
            "confirm_url": f"{composer.links.intake}/confirm/{data['confirmation_token']}",
            "valid_days": composer.confirm_valid_days,
        },
    )
    uow.commit()
