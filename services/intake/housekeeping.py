"""The intake worker's periodic jobs: forget unconfirmed submissions and expired idempotency keys."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, select

from services.intake.erasure import remove_member, scrub_outbox
from services.intake.handlers import PENDING
from services.intake.models import IdempotencyRecord, Member, Submission
from shared.contracts.envelope import utcnow
from shared.db.uow import UnitOfWorkProvider

log = logging.getLogger(__name__)


def purge_unconfirmed(uow_factory: UnitOfWorkProvider, older_than: timedelta, now: datetime | None = None, batch: int = 200) -> int:
    """Delete pending submissions older than the retention period, in batches.

    A member left without any submission is erased as a whole (and the other services are
    told), since nobody confirmed wanting to take part.
    """
    cutoff = (now or utcnow()) - older_than
    purged = 0
    while True:
        with uow_factory() as uow:
            rows = uow.session.execute(
                select(Submission.id, Submission.member_id)
                .where(Submission.status == PENDING, Submission.created_at < cutoff)
                .order_by(Submission.created_at)
                .limit(batch)
                .with_for_update(skip_locked=True)
            ).all()
            if not rows:
                return purged
            ids = [r.id for r in rows]
            uow.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.submission_id.in_(ids)))
            uow.session.execute(delete(Submission).where(Submission.id.in_(ids)))
            for member_id in sorted({r.member_id for r in rows}):
                has_more = uow.session.scalar(select(exists().where(Submission.member_id == member_id)))
                if not has_more and uow.session.get(Member, member_id) is not None:
                    remove_member(uow, member_id, via="purge")
            for submission_id in ids:
                # Members who stay (they have other submissions) lose the purged ones' e-mails too.
                scrub_outbox(uow, submission_id)
            uow.commit()
            purged += len(ids)
            log.info("purged unconfirmed submissions", extra={"count": len(ids)})


def purge_idempotency_keys(uow_factory: UnitOfWorkProvider, now: datetime | None = None) -> int:
    with uow_factory() as uow:
        result = uow.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= (now or utcnow())))
        uow.commit()
        return result.rowcount or 0
