"""Intake's use cases: plain functions over a unit of work (no Flask, no kombu)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from services.intake.models import Member, Submission
from services.intake.tokens import TokenSigner
from shared import reference
from shared.contracts.envelope import isoformat, utcnow
from shared.db.uow import UnitOfWork

PENDING = "pending"
CONFIRMED = "confirmed"


class SubmissionNotFound(LookupError):
    pass


@dataclass(frozen=True)
class Accepted:
    submission_id: str
    member_id: str
    status: str


@dataclass(frozen=True)
class Confirmation:
    submission_id: str
    already_confirmed: bool


def submit(uow: UnitOfWork, answers: dict[str, Any], confirm_tokens: TokenSigner) -> Accepted:
    """Store a validated submission as pending and ask notifications to send the confirmation."""
    now = utcnow()
    email = answers["email"].strip().lower()
    member = uow.session.scalars(select(Member).where(Member.email == email)).one_or_none()
    if member is None:
        member = Member(id=str(uuid.uuid4()), email=email, name=answers["name"], language=answers["language"], created_at=now)
        uow.session.add(member)
    else:
        # The latest submission's name and language are what the person wants to be called and written in.
        member.name, member.language = answers["name"], answers["language"]
    submission = Submission(
        id=str(uuid.uuid4()),
        member_id=member.id,
        status=PENDING,
        answers={k: v for k, v in answers.items() if k not in ("email", "name")},
        language=answers["language"],
        created_at=now,
    )
    uow.session.add(submission)
    uow.session.flush()
    uow.publish(
        "intake.submission.received.v1",
        subject=submission.id,
        data={
            "submission_id": submission.id,
            "member_id": member.id,
            "email": member.email,
            "name": member.name,
            "language": submission.language,
            "confirmation_token": confirm_tokens.sign(submission.id),
            "submitted_at": isoformat(now),
        },
    )
    uow.commit()
    return Accepted(submission.id, member.id, PENDING)


def confirm(uow: UnitOfWork, submission_id: str) -> Confirmation:
    """Mark a pending submission confirmed and pass its content on. Confirming twice is harmless."""
    submission = uow.session.get(Submission, submission_id, with_for_update=True)
    if submission is None:
        raise SubmissionNotFound(submission_id)
    if submission.status == CONFIRMED:
        return Confirmation(submission.id, already_confirmed=True)
    member = uow.session.get(Member, submission.member_id)
    submission.status = CONFIRMED
    submission.confirmed_at = utcnow()
    uow.publish(
        "intake.submission.confirmed.v1",
        subject=submission.id,
        data=confirmed_event_data(submission, member),
    )
    uow.commit()
    return Confirmation(submission.id, already_confirmed=False)


def confirmed_event_data(submission: Submission, member: Member) -> dict[str, Any]:
    answers = submission.answers
    municipality = reference.municipalities()[answers["municipality_code"].upper()]
    questions = [
        {"text_id": f"{submission.id}/q{i}", "text": text} for i, text in enumerate(answers["learning_questions"], 1)
    ]
    return {
        "submission_id": submission.id,
        "member_id": member.id,
        "submitted_at": isoformat(submission.created_at),
        "confirmed_at": isoformat(submission.confirmed_at),
        "language": submission.language,
        "email": member.email,
        "name": member.name,
        "role": answers["role"],
        "municipality_code": municipality.code,
        "municipality_name": municipality.name,
        "province_code": municipality.province_code,
        "province": municipality.province,
        "learning_questions": questions,
        "consents": {
            "contact": bool(answers.get("consent_contact")),
            "peer_introductions": bool(answers.get("consent_peer_introductions", False)),
            "publish_example": bool(answers.get("consent_publish_example", False)),
        },
    }


def status(uow: UnitOfWork, submission_id: str) -> Submission:
    submission = uow.session.get(Submission, submission_id)
    if submission is None:
        raise SubmissionNotFound(submission_id)
    return submission
