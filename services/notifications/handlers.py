"""Notifications' message handlers: plain functions over a unit of work (no Flask, no kombu).

Events may arrive in any order. A classification that arrives before the member's
confirmation is kept (``deferred_events``) and handled when the confirmation comes; a
peer suggestion asks each side as soon as that side is confirmed. Events about a member
intake has erased are ignored, so a late event cannot bring their data back.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import delete, select

from services.notifications import introductions
from services.notifications.composer import Composer, suppressed_among
from services.notifications.erasure import erase_member, is_erased
from services.notifications.models import Circle, Contact, DeferredEvent
from services.notifications.preferences import AGENDA, CIRCLE_NEWS, TRANSACTIONAL
from shared.contracts.envelope import Event, utcnow
from shared.contracts.registry import contract, validate_incoming
from shared.db.erasure_report import report_erasure_completed
from shared.db.uow import UnitOfWork

CLASSIFIED = "matching.submission.classified.v1"


def remember_contact(uow: UnitOfWork, data: dict[str, Any]) -> Contact:
    """Create or update the contact from intake's data; a language the member chose on the
    preferences page wins over the language of a later submission."""
    member_id = data["member_id"]
    contact = uow.session.get(Contact, member_id, with_for_update=True)
    if contact is None:
        contact = Contact(member_id=member_id, email=data["email"], name=data["name"], language=data["language"])
        uow.session.add(contact)
    contact.email, contact.name = data["email"], data["name"]
    if not contact.language_chosen:
        contact.language = data["language"]
    if data.get("erasure_token"):
        contact.erasure_token = data["erasure_token"]
    contact.updated_at = utcnow()
    return contact


def on_submission_received(uow: UnitOfWork, event: Event, composer: Composer) -> None:
    """Double opt-in: send the signed confirmation link to the address that was entered.
    A resend is a new event, so it is a new e-mail; a redelivered event is not."""
    data = event.data
    if is_erased(uow, data["member_id"]):
        return
    contact = remember_contact(uow, data)
    composer.queue(
        uow,
        event_id=event.id,
        template="confirmation",
        contact=contact,
        category=TRANSACTIONAL,
        recipient=data["email"],
        language=data["language"],
        context={
            "confirm_url": f"{composer.links.intake}/confirm/{data['confirmation_token']}",
            "valid_days": composer.confirm_valid_days,
        },
    )
    uow.commit()


def on_submission_confirmed(uow: UnitOfWork, event: Event, composer: Composer) -> None:
    """The member is real: remember their consents, then do what waited for them."""
    data = event.data
    if is_erased(uow, data["member_id"]):
        return
    contact = remember_contact(uow, data)
    contact.confirmed = True
    contact.consent_contact = bool(data["consents"]["contact"])
    contact.consent_peer_introductions = bool(data["consents"]["peer_introductions"])
    uow.session.flush()
    _replay_deferred(uow, contact.member_id, composer)
    introductions.ask_waiting(uow, composer, contact.member_id)
    uow.commit()


def _defer(uow: UnitOfWork, event: Event, member_id: str) -> None:
    if uow.session.get(DeferredEvent, event.id) is None:
        # Stored in its JSON form (datetimes as strings); validated again when replayed.
        payload = contract(event.type).schema().dump(event.data)
        envelope = {**event.to_dict(), "data": payload}
        uow.session.add(DeferredEvent(event_id=event.id, member_id=member_id, envelope=envelope, created_at=utcnow()))


def _replay_deferred(uow: UnitOfWork, member_id: str, composer: Composer) -> None:
    waiting = uow.session.scalars(
        select(DeferredEvent).where(DeferredEvent.member_id == member_id).order_by(DeferredEvent.created_at)
    ).all()
    for row in waiting:
        stored = Event.from_dict(row.envelope)
        event = replace(stored, data=validate_incoming(stored.type, stored.data))
        if event.type == CLASSIFIED:
            _apply_classification(uow, event, composer)
        uow.session.delete(row)
    uow.session.flush()


def on_submission_classified(uow: UnitOfWork, event: Event, composer: Composer) -> None:
    """Welcome the member to their theme circles; later classifications announce new circles."""
    member_id = event.data["member_id"]
    if is_erased(uow, member_id):
        return
    contact = uow.session.get(Contact, member_id)
    if contact is None or not contact.confirmed:
        _defer(uow, event, member_id)
    else:
        _apply_classification(uow, event, composer)
    uow.commit()


def _apply_classification(uow: UnitOfWork, event: Event, composer: Composer) -> None:
    member_id = event.data["member_id"]
    contact = uow.session.get(Contact, member_id, with_for_update=True)
    themes = list(dict.fromkeys(event.data["member_themes"]))
    before = set(uow.session.scalars(select(Circle.theme).where(Circle.member_id == member_id)))
    uow.session.execute(delete(Circle).where(Circle.member_id == member_id))
    uow.session.add_all(Circle(member_id=member_id, theme=slug) for slug in themes)
    new = [slug for slug in themes if slug not in before]
    if not new:
        return
    first = not contact.welcomed
    contact.welcomed = True
    composer.queue(
        uow,
        event_id=event.id,
        template="welcome",
        contact=contact,
        category=CIRCLE_NEWS,
        context={"themes": themes if first else new, "first": first},
    )


def on_agenda_published(uow: UnitOfWork, event: Event, composer: Composer) -> None:
    """Tell each member whose themes are in the new version what changed for those themes."""
    data = event.data
    ranks = {theme["slug"]: theme["rank"] for theme in data["themes"]}
    changelog = data["changelog"]
    change_of = {slug: kind for kind in ("appeared", "rose", "fell") for slug in changelog.get(kind, [])}
    gone = set(changelog.get("disappeared", []))
    interesting = set(ranks) | gone
    by_member: dict[str, list[str]] = {}
    for circle in uow.session.scalars(select(Circle).where(Circle.theme.in_(interesting))):
        by_member.setdefault(circle.member_id, []).append(circle.theme)
    contacts = list(uow.session.scalars(select(Contact).where(Contact.member_id.in_(list(by_member))))) if by_member else []
    suppressed = suppressed_among(uow, [c.email for c in contacts])
    for contact in contacts:
        mine = by_member[contact.member_id]
        changes = sorted(
            ({"slug": slug, "rank": ranks[slug], "change": change_of.get(slug)} for slug in mine if slug in ranks),
            key=lambda item: item["rank"],
        )
        composer.queue(
            uow,
            event_id=event.id,
            template="agenda_published",
            contact=contact,
            category=AGENDA,
            context={
                "version": data["version"],
                "changes": changes,
                "gone": sorted(slug for slug in mine if slug in gone and slug not in ranks),
                "version_url": data["links"]["html"],
            },
            fresh=True,  # first delivery of this event (inbox), and one e-mail per contact
            suppressed=contact.email in suppressed,
        )
    uow.commit()


def on_member_erased(uow: UnitOfWork, event: Event) -> None:
    erase_member(uow, event.data["member_id"])
    report_erasure_completed(uow, event)
    uow.commit()
