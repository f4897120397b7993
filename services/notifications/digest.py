"""The weekly digest: one e-mail that bundles what a member chose to get weekly.

Messages for a weekly category are rendered as fragments and held. When the oldest held
message of a member is a period (a week) old, the job makes one digest e-mail of all of
them and marks them bundled, in one transaction, so a digest is never made twice. The
clock is a parameter: tests move it forward instead of waiting a week.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, select

from services.notifications.composer import Composer, synthetic_event_id
from services.notifications.models import BUNDLED, CANCELLED, HELD, Contact, Email
from services.notifications.preferences import DIGEST
from shared.db.uow import UnitOfWork

log = logging.getLogger(__name__)


def send_due_digests(
    uow_factory: Callable[[], UnitOfWork], composer: Composer, now: datetime, period: timedelta
) -> int:
    """Make the digests that are due at ``now``; returns how many were made."""
    with uow_factory() as uow:
        due = uow.session.execute(
            select(Email.member_id)
            .where(Email.state == HELD, Email.member_id.is_not(None))
            .group_by(Email.member_id)
            .having(func.min(Email.created_at) <= now - period)
        ).scalars().all()
    made = 0
    for member_id in due:
        with uow_factory() as uow:
            if _bundle(uow, composer, member_id):
                made += 1
            uow.commit()
    if made:
        log.info("weekly digests made", extra={"count": made})
    return made


def _bundle(uow: UnitOfWork, composer: Composer, member_id: str) -> bool:
    held = uow.session.scalars(
        select(Email)
        .where(Email.member_id == member_id, Email.state == HELD)
        .order_by(Email.created_at, Email.id)
        .with_for_update(skip_locked=True)
    ).all()
    contact = uow.session.get(Contact, member_id)
    if not held or contact is None:
        return False
    digest = composer.queue(
        uow,
        event_id=synthetic_event_id("digest", member_id, held[0].id),
        template="digest",
        contact=contact,
        category=DIGEST,
        context={"items": [{"subject": e.subject, "text": e.body_text, "html": e.body_html} for e in held]},
    )
    for email in held:
        email.state = BUNDLED if digest is not None else CANCELLED
        email.digest_email_id = digest.id if digest is not None else None
    return digest is not None
