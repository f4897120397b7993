"""Erasure: forget a member, keep only counts.

The contact, their circles, preferences and waiting events are deleted; their e-mails keep
template, state and dates but lose address, subject and body, and unsent ones are
cancelled. Introductions they were part of lose both texts; a reveal already sent to the
other side loses its body too (it named them). A tombstone keeps late events out.
"""

from __future__ import annotations

from sqlalchemy import delete, or_, select, update

from services.notifications.composer import synthetic_event_id
from services.notifications.models import (
    CANCELLED,
    HELD,
    QUEUED,
    Circle,
    Contact,
    DeferredEvent,
    Email,
    ErasedMember,
    Introduction,
)
from shared.contracts.envelope import utcnow
from shared.db.uow import UnitOfWork

_SCRUBBED = {"recipient": None, "subject": None, "body_text": None, "body_html": None, "list_unsubscribe": None}


def is_erased(uow: UnitOfWork, member_id: str) -> bool:
    return uow.session.get(ErasedMember, member_id) is not None


def erase_member(uow: UnitOfWork, member_id: str) -> None:
    if not is_erased(uow, member_id):
        uow.session.add(ErasedMember(member_id=member_id, erased_at=utcnow()))
    uow.session.execute(
        update(Email)
        .where(Email.member_id == member_id, Email.state.in_((QUEUED, HELD)))
        .values(state=CANCELLED, next_attempt_at=None, last_error="the member was erased")
    )
    uow.session.execute(update(Email).where(Email.member_id == member_id).values(member_id=None, **_SCRUBBED))
    intros = uow.session.scalars(
        select(Introduction).where(
            or_(Introduction.asking_member_id == member_id, Introduction.offering_member_id == member_id)
        )
    ).all()
    for intro in intros:
        if intro.revealed_at is not None:
            reveal = synthetic_event_id("introduction-reveal", intro.id)
            uow.session.execute(
                update(Email).where(Email.event_id == reveal).values(subject=None, body_text=None, body_html=None)
            )
        intro.question_text = intro.expertise_text = None
        intro.cancelled = True
    uow.session.execute(delete(Circle).where(Circle.member_id == member_id))
    uow.session.execute(delete(DeferredEvent).where(DeferredEvent.member_id == member_id))
    uow.session.execute(delete(Contact).where(Contact.member_id == member_id))
    uow.session.flush()
