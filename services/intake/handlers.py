"""Intake's submission use cases: plain functions over a unit of work (no Flask, no kombu)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError

from services.intake import store
from services.intake.models import IdempotencyRecord, Member, Submission
from services.intake.store import StoredMember, StoredSubmission
from services.intake.tokens import Tokens
from shared import reference
from shared.contracts.envelope import isoformat, utcnow
from shared.db.uow import UnitOfWork, UnitOfWorkProvider

PENDING = "pending"
CONFIRMED = "confirmed"
RECEIVED_EVENT = "intake.submission.received.v1"
CONFIRMED_EVENT = "intake.submission.confirmed.v1"

log = logging.getLogger(__name__)
T = TypeVar("T")


class SubmissionNotFound(LookupError):
    pass


class IdempotencyKeyReused(ValueError):
    """The key was used before for a different request body."""


class AlreadyConfirmed(ValueError):
    pass


class ResendRefused(ValueError):
    def __init__(self, retry_after: timedelta | None):
        super().__init__("too soon" if retry_after else "limit reached")
        self.retry_after = retry_after  # None: no more resends for this submission


@dataclass(frozen=True)
class IdempotencyKey:
    value: str
    request_hash: str
    ttl: timedelta


@dataclass(frozen=True)
class Accepted:
    submission_id: str
    status_code: int
    body: dict[str, Any]
    replayed: bool


@dataclass(frozen=True)
class Confirmation:
    submission_id: str
    already_confirmed: bool


def retry_on_conflict(uow_factory: UnitOfWorkProvider, work: Callable[[UnitOfWork], T], attempts: int = 5) -> T:
    """Run work in a fresh unit of work, again when a concurrent transaction took the same unique value.

    Two submissions with one new e-mail address, or two retries with one Idempotency-Key,
    may race: the loser's insert fails on the unique constraint, and on the next attempt
    it finds the winner's row and joins it.
    """
    for attempt in range(1, attempts + 1):
        with uow_factory() as uow:
            try:
                return work(uow)
            except IntegrityError:
                if attempt == attempts:
                    raise
                log.info("unique conflict, retrying the transaction", extra={"attempt": attempt})
    raise AssertionError("unreachable")


def submit(
    uow: UnitOfWork, answers: dict[str, Any], tokens: Tokens, key: IdempotencyKey | None = None, now: datetime | None = None
) -> Accepted:
    """Store a validated submission as pending and ask notifications to send the confirmation."""
    now = now or utcnow()
    if key is not None:
        earlier = _earlier_answer(uow, key, now)
        if earlier is not None:
            return earlier
    # Straight on the session's connection: Core statements need none of the ORM's execution machinery.
    connection = uow.session.connection()
    member, submission = store.add_submission(connection, answers, PENDING, now)
    body = {"id": submission.id, "status": PENDING, "status_token": tokens.status.sign(submission.id)}
    if key is not None:
        store.add_idempotency_key(connection, key.value, key.request_hash, submission.id, body, now, now + key.ttl)
    uow.publish(RECEIVED_EVENT, subject=submission.id, data=received_event_data(submission, member, tokens, resend=False))
    uow.commit()
    return Accepted(submission.id, 201, body, replayed=False)


def _earlier_answer(uow: UnitOfWork, key: IdempotencyKey, now: datetime) -> Accepted | None:
    record = uow.session.get(IdempotencyRecord, key.value)
    if record is None:
        return None
    if record.expires_at <= now:
        uow.session.delete(record)  # an expired key is free again
        uow.session.flush()
        return None
    if record.request_hash != key.request_hash:
        raise IdempotencyKeyReused(key.value)
    return Accepted(record.submission_id, record.status_code, dict(record.response), replayed=True)


def received_event_data(
    submission: Submission | StoredSubmission, member: Member | StoredMember, tokens: Tokens, resend: bool
) -> dict[str, Any]:
    return {
        "submission_id": submission.id,
        "member_id": member.id,
        "email": member.email,
        "name": member.name,
        "language": submission.language,
        "confirmation_token": tokens.confirm.sign(submission.id),
        "submitted_at": isoformat(submission.created_at),
        "resend": resend,
        "erasure_token": tokens.erase.sign(member.id),
    }


def resend_confirmation(
    uow: UnitOfWork, submission_id: str, tokens: Tokens, interval: timedelta, max_resends: int, now: datetime | None = None
) -> None:
    """Send the confirmation e-mail again: not sooner than interval after the last one, at most max_resends times."""
    now = now or utcnow()
    submission = uow.session.get(Submission, submission_id, with_for_update=True)
    if submission is None:
        raise SubmissionNotFound(submission_id)
    if submission.status == CONFIRMED:
        raise AlreadyConfirmed(submission_id)
    if submission.resend_count >= max_resends:
        raise ResendRefused(None)
    if submission.last_sent_at is not None and now < submission.last_sent_at + interval:
        raise ResendRefused(submission.last_sent_at + interval - now)
    member = uow.session.get(Member, submission.member_id)
    submission.resend_count += 1
    submission.last_sent_at = now
    uow.publish(RECEIVED_EVENT, subject=submission.id, data=received_event_data(submission, member, tokens, resend=True))
    uow.commit()


def confirm(uow: UnitOfWork, submission_id: str, tokens: Tokens) -> Confirmation:
    """Mark a pending submission confirmed and pass its content on. Confirming twice is harmless."""
    submission = uow.session.get(Submission, submission_id, with_for_update=True)
    if submission is None:
        raise SubmissionNotFound(submission_id)
    if submission.status == CONFIRMED:
        return Confirmation(submission.id, already_confirmed=True)
    member = uow.session.get(Member, submission.member_id)
    submission.status = CONFIRMED
    submission.confirmed_at = utcnow()
    uow.publish(CONFIRMED_EVENT, subject=submission.id, data=confirmed_event_data(submission, member, tokens))
    uow.commit()
    return Confirmation(submission.id, already_confirmed=False)


def confirmed_event_data(submission: Submission, member: Member, tokens: Tokens) -> dict[str, Any]:
    answers = submission.answers
    municipality = reference.municipalities()[answers["municipality"]]
    urgent = answers["urgent_issues"]
    expertise = answers.get("expertise")
    return {
        "submission_id": submission.id,
        "member_id": member.id,
        "submitted_at": isoformat(submission.created_at),
        "confirmed_at": isoformat(submission.confirmed_at),
        "language": submission.language,
        "email": member.email,
        "name": member.name,
        "role": answers["role"],
        "role_other": answers.get("role_other"),
        "organisation": answers.get("organisation"),
        "municipality_code": municipality.code,
        "municipality_name": municipality.name,
        "province_code": municipality.province_code,
        "province": municipality.province,
        "neighbourhood": answers.get("neighbourhood"),
        "urgent_issues": {"text_id": f"{submission.id}/urgent", "text": urgent["text"], "themes": urgent.get("themes", [])},
        "knowledge_sources": answers["knowledge_sources"],
        "learning_questions": [
            {"text_id": f"{submission.id}/q{i}", "text": text} for i, text in enumerate(answers["learning_questions"], 1)
        ],
        "needs": answers["needs"],
        "expertise": (
            {"text_id": f"{submission.id}/expertise", "text": expertise["text"], "themes": expertise.get("themes", [])}
            if expertise and expertise.get("text")
            else None
        ),
        "practice_example": answers.get("practice_example"),
        "consents": answers["consents"],
        "erasure_token": tokens.erase.sign(member.id),
    }


def status(uow: UnitOfWork, submission_id: str) -> Submission:
    submission = uow.session.get(Submission, submission_id)
    if submission is None:
        raise SubmissionNotFound(submission_id)
    return submission
