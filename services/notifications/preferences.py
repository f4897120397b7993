"""What a member wants to receive: per category a frequency, and a language.

Transactional messages (the confirmation, the reveal of an accepted introduction) are
always sent. The rest need the member's consent from the questionnaire and respect the
frequency chosen on the preferences page; an unsubscribe takes effect at once, also for
messages that are queued or held for the digest but not yet sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update

from services.notifications.models import (
    CANCELLED,
    HELD,
    IMMEDIATELY,
    NEVER,
    QUEUED,
    WEEKLY,
    Contact,
    Email,
)
from shared.contracts.envelope import utcnow
from shared.contracts.fields import LANGUAGES
from shared.db.uow import UnitOfWork

TRANSACTIONAL = "transactional"
INTRODUCTIONS = "introductions"
AGENDA = "agenda"
CIRCLE_NEWS = "circle_news"
DIGEST = "digest"  # the weekly bundle; unsubscribing from it switches every category off
CATEGORIES = (INTRODUCTIONS, AGENDA, CIRCLE_NEWS)
FREQUENCIES = (IMMEDIATELY, WEEKLY, NEVER)
ALL = "all"


class UnknownMember(LookupError):
    pass


class InvalidPreferences(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def frequency(contact: Contact, category: str) -> str:
    """How often this member gets messages of this category, consent included."""
    if category == TRANSACTIONAL:
        return IMMEDIATELY
    if category == DIGEST:
        return IMMEDIATELY  # a digest exists only because the member chose weekly
    consented = contact.consent_peer_introductions if category == INTRODUCTIONS else contact.consent_contact
    if not (contact.confirmed and consented):
        return NEVER
    return getattr(contact, category)


@dataclass(frozen=True)
class Preferences:
    introductions: str
    agenda: str
    circle_news: str
    language: str


def current(contact: Contact) -> Preferences:
    return Preferences(contact.introductions, contact.agenda, contact.circle_news, contact.language)


def of_member(uow: UnitOfWork, member_id: str) -> Preferences:
    contact = uow.session.get(Contact, member_id)
    if contact is None:
        raise UnknownMember(member_id)
    return current(contact)


def erasure_token(uow: UnitOfWork, member_id: str) -> str | None:
    contact = uow.session.get(Contact, member_id)
    return contact.erasure_token if contact else None


def _cancel_unsent(uow: UnitOfWork, member_id: str, categories: list[str]) -> int:
    if not categories:
        return 0
    result = uow.session.execute(
        update(Email)
        .where(Email.member_id == member_id, Email.category.in_(categories), Email.state.in_((QUEUED, HELD)))
        .values(state=CANCELLED, last_error="the member switched this category off", next_attempt_at=None)
    )
    return result.rowcount or 0


def change(uow: UnitOfWork, member_id: str, wanted: dict[str, str]) -> Preferences:
    """Store the member's choices; a category switched to never cancels what is still waiting."""
    contact = uow.session.get(Contact, member_id, with_for_update=True)
    if contact is None:
        raise UnknownMember(member_id)
    errors = {c: "choose immediately, weekly or never" for c in CATEGORIES if wanted.get(c) not in FREQUENCIES}
    if wanted.get("language") not in LANGUAGES:
        errors["language"] = "choose nl or en"
    if errors:
        raise InvalidPreferences(errors)
    for category in CATEGORIES:
        setattr(contact, category, wanted[category])
    if wanted["language"] != contact.language:
        contact.language, contact.language_chosen = wanted["language"], True
    contact.updated_at = utcnow()
    _cancel_unsent(uow, member_id, [c for c in CATEGORIES if wanted[c] == NEVER])
    uow.commit()
    return current(contact)


def unsubscribe(uow: UnitOfWork, member_id: str, category: str) -> Contact:
    """One-click unsubscribe: the category (or, from a digest or 'all', every category) to never."""
    contact = uow.session.get(Contact, member_id, with_for_update=True)
    if contact is None:
        raise UnknownMember(member_id)
    categories = list(CATEGORIES) if category in (ALL, DIGEST) else [category] if category in CATEGORIES else []
    if not categories:
        raise InvalidPreferences({"category": f"unknown category {category!r}"})
    for name in categories:
        setattr(contact, name, NEVER)
    contact.updated_at = utcnow()
    _cancel_unsent(uow, member_id, categories + ([DIGEST] if category in (ALL, DIGEST) else []))
    uow.commit()
    return contact
