"""Peer introductions by mutual opt-in.

Matching suggests that someone's expertise fits someone else's question. Each side gets
an e-mail with their own text, the themes and a yes and a no link (signed, expiring).
Only when both say yes does each receive the other's name, e-mail address and text, as a
transactional message. A no, or no answer before the links expire, reveals nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, select

from services.notifications.composer import Composer, synthetic_event_id
from services.notifications.erasure import is_erased
from services.notifications.links import IntroductionAnswer
from services.notifications.models import Contact, Introduction
from services.notifications.preferences import INTRODUCTIONS, TRANSACTIONAL
from shared.contracts.envelope import Event, utcnow
from shared.db.uow import UnitOfWork

ACCEPTED, DECLINED = "accepted", "declined"
SIDES = ("asking", "offering")


def _member(intro: Introduction, side: str) -> str:
    return intro.asking_member_id if side == "asking" else intro.offering_member_id


def _text(intro: Introduction, side: str) -> str:
    return (intro.question_text if side == "asking" else intro.expertise_text) or ""


def _other(side: str) -> str:
    return "offering" if side == "asking" else "asking"


def _date(moment, language: str) -> str:
    months = {
        "nl": "januari februari maart april mei juni juli augustus september oktober november december",
        "en": "January February March April May June July August September October November December",
    }[language].split()
    return f"{moment.day} {months[moment.month - 1]} {moment.year}"


def on_peers_suggested(uow: UnitOfWork, event: Event, composer: Composer, valid_days: int) -> None:
    data = event.data
    if is_erased(uow, data["asking_member_id"]) or is_erased(uow, data["offering_member_id"]):
        return
    if data["asking_member_id"] == data["offering_member_id"] or uow.session.get(Introduction, data["suggestion_id"]):
        return
    now = utcnow()
    intro = Introduction(
        id=data["suggestion_id"],
        event_id=event.id,
        asking_member_id=data["asking_member_id"],
        offering_member_id=data["offering_member_id"],
        question_text=data["question_text"],
        expertise_text=data["expertise_text"],
        themes=list(data["themes"]),
        created_at=now,
        expires_at=now + timedelta(days=valid_days),
    )
    uow.session.add(intro)
    uow.session.flush()
    for side in SIDES:
        _ask(uow, composer, intro, side)
    uow.commit()


def ask_waiting(uow: UnitOfWork, composer: Composer, member_id: str) -> None:
    """A member was just confirmed: ask them about introductions suggested before that."""
    waiting = uow.session.scalars(
        select(Introduction).where(
            or_(Introduction.asking_member_id == member_id, Introduction.offering_member_id == member_id),
            Introduction.cancelled.is_(False),
            Introduction.revealed_at.is_(None),
        )
    ).all()
    for intro in waiting:
        for side in SIDES:
            if _member(intro, side) == member_id:
                _ask(uow, composer, intro, side)


def _ask(uow: UnitOfWork, composer: Composer, intro: Introduction, side: str) -> None:
    asked_at = "asking_asked_at" if side == "asking" else "offering_asked_at"
    if getattr(intro, asked_at) is not None or utcnow() >= intro.expires_at:
        return
    contact = uow.session.get(Contact, _member(intro, side))
    if contact is None or not contact.confirmed:
        return  # asked when their confirmation arrives
    link = composer.links.introduction(intro.id, side)
    email = composer.queue(
        uow,
        event_id=intro.event_id,
        template="introduction_request",
        contact=contact,
        category=INTRODUCTIONS,
        context={
            "side": side,
            "own_text": _text(intro, side),
            "themes": intro.themes,
            "accept_url": f"{link}?answer=accept",
            "decline_url": f"{link}?answer=decline",
            "valid_until": _date(intro.expires_at, contact.language),
        },
    )
    if email is not None:
        setattr(intro, asked_at, utcnow())


@dataclass(frozen=True)
class AnswerResult:
    status: str  # "open", "waiting", "declined", "revealed", "expired" or "gone"
    language: str = "nl"


def view(uow: UnitOfWork, answer: IntroductionAnswer) -> AnswerResult:
    """What the answer page should say before anything is chosen."""
    intro = uow.session.get(Introduction, answer.introduction_id)
    contact = uow.session.get(Contact, _member(intro, answer.side)) if intro else None
    language = contact.language if contact else "nl"
    if intro is None or intro.cancelled or contact is None:
        return AnswerResult("gone", language)
    if intro.revealed_at is not None:
        return AnswerResult("revealed", language)
    if utcnow() >= intro.expires_at:
        return AnswerResult("expired", language)
    return AnswerResult("open", language)  # a member may change their mind until both said yes


def record_answer(uow: UnitOfWork, composer: Composer, answer: IntroductionAnswer, accepted: bool) -> AnswerResult:
    """Store one side's yes or no; the second yes reveals both sides to each other."""
    intro = uow.session.get(Introduction, answer.introduction_id, with_for_update=True)
    contact = uow.session.get(Contact, _member(intro, answer.side)) if intro else None
    language = contact.language if contact else "nl"
    if intro is None or intro.cancelled or contact is None:
        return AnswerResult("gone", language)
    if intro.revealed_at is not None:
        return AnswerResult("revealed", language)
    if utcnow() >= intro.expires_at:
        return AnswerResult("expired", language)
    setattr(intro, f"{answer.side}_answer", ACCEPTED if accepted else DECLINED)
    if intro.asking_answer == ACCEPTED and intro.offering_answer == ACCEPTED:
        _reveal(uow, composer, intro)
        uow.commit()
        return AnswerResult("revealed", language)
    uow.commit()
    return AnswerResult("waiting" if accepted else "declined", language)


def _reveal(uow: UnitOfWork, composer: Composer, intro: Introduction) -> None:
    contacts = {side: uow.session.get(Contact, _member(intro, side)) for side in SIDES}
    if any(c is None for c in contacts.values()):
        intro.cancelled = True  # one of them was erased in the meantime
        return
    event_id = synthetic_event_id("introduction-reveal", intro.id)
    for side in SIDES:
        other = contacts[_other(side)]
        composer.queue(
            uow,
            event_id=event_id,
            template="introduction_reveal",
            contact=contacts[side],
            category=TRANSACTIONAL,
            context={
                "side": side,
                "other_name": other.name,
                "other_email": other.email,
                "other_text": _text(intro, _other(side)),
                "own_text": _text(intro, side),
            },
        )
    intro.revealed_at = utcnow()
