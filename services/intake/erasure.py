"""Erasure: a member's data leaves intake, the other services are told, and their reports are kept."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from services.intake.handlers import CONFIRMED_EVENT, RECEIVED_EVENT
from services.intake.models import ErasureReport, ErasureRequest, IdempotencyRecord, Member, Submission
from shared.contracts.envelope import Event, isoformat, utcnow
from shared.db.uow import UnitOfWork

ERASED_EVENT = "intake.member.erased.v1"
# The services that report `<service>.erasure.completed.v1` after an erasure.
REPORTING_SERVICES = ("matching", "notifications", "agenda")

log = logging.getLogger(__name__)


class MemberNotFound(LookupError):
    pass


class ErasureNotFound(LookupError):
    pass


@dataclass(frozen=True)
class ErasureStatus:
    erasure_id: str
    erased_at: datetime
    reported: dict[str, datetime]  # service -> when it completed

    @property
    def waiting_for(self) -> list[str]:
        return [s for s in REPORTING_SERVICES if s not in self.reported]

    @property
    def complete(self) -> bool:
        return not self.waiting_for


def erase_member(uow: UnitOfWork, member_id: str, via: str, now: datetime | None = None) -> str:
    """Delete the member, their submissions and every outbox row with their name or address; tell everyone.

    Returns the erasure id. The caller commits nothing: this commits.
    """
    erasure_id = remove_member(uow, member_id, via, now)
    uow.commit()
    return erasure_id


def erase_member_by_email(uow: UnitOfWork, email: str, via: str = "operator") -> str:
    member = uow.session.scalars(select(Member.id).where(Member.email == email.strip().lower())).one_or_none()
    if member is None:
        raise MemberNotFound(email)
    return erase_member(uow, member, via)


def remove_member(uow: UnitOfWork, member_id: str, via: str, now: datetime | None = None) -> str:
    """The erasure itself, inside the caller's transaction (the purge job erases several at once)."""
    now = now or utcnow()
    member = uow.session.get(Member, member_id, with_for_update=True)
    if member is None:
        raise MemberNotFound(member_id)
    submission_ids = list(uow.session.scalars(select(Submission.id).where(Submission.member_id == member_id)))
    if submission_ids:
        uow.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.submission_id.in_(submission_ids)))
        uow.session.execute(delete(Submission).where(Submission.member_id == member_id))
    scrub_outbox(uow, member_id)
    uow.session.delete(member)
    erasure_id = str(uuid.uuid4())
    uow.session.add(ErasureRequest(id=erasure_id, via=via, erased_at=now))
    uow.session.flush()
    uow.publish(ERASED_EVENT, subject=member_id, data={"member_id": member_id, "erasure_id": erasure_id, "erased_at": isoformat(now)})
    return erasure_id


def scrub_outbox(uow: UnitOfWork, member_or_submission_id: str) -> int:
    """Delete received and confirmed events (published or not) that carry this id: they hold a name and e-mail."""
    outbox = uow.tables.outbox
    # Every such event carries its member id and submission id; a uuid has no LIKE wildcards in it.
    result = uow.session.execute(
        delete(outbox).where(
            outbox.c.event_type.in_((RECEIVED_EVENT, CONFIRMED_EVENT)), outbox.c.envelope.like(f"%{member_or_submission_id}%")
        )
    )
    return result.rowcount or 0


def record_report(uow: UnitOfWork, event: Event) -> None:
    """`<service>.erasure.completed.v1`: note that one more service has finished."""
    data = event.data
    if uow.session.get(ErasureRequest, data["erasure_id"]) is None:
        log.warning("erasure report for an unknown erasure", extra={"erasure_id": data["erasure_id"], "service": data["service"]})
    elif uow.session.get(ErasureReport, (data["erasure_id"], data["service"])) is None:
        uow.session.add(
            ErasureReport(erasure_id=data["erasure_id"], service=data["service"], completed_at=data["completed_at"], reported_at=utcnow())
        )
    uow.commit()


def erasure_status(uow: UnitOfWork, erasure_id: str) -> ErasureStatus:
    request = uow.session.get(ErasureRequest, erasure_id)
    if request is None:
        raise ErasureNotFound(erasure_id)
    reports = uow.session.scalars(select(ErasureReport).where(ErasureReport.erasure_id == erasure_id))
    return ErasureStatus(erasure_id, request.erased_at, {r.service: r.completed_at for r in reports})
