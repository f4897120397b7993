"""Delivers queued e-mail rows: claim, send over one connection, mark, announce.

A row is claimed (state ``sending``, with a lease) before it is sent, so two workers
never send the same row. If a worker dies between sending and marking, the lease runs
out and the row is sent again with the same Message-ID, which mail systems de-duplicate.

One run of ``deliver_due`` keeps its SMTP connection (or the few configured to work side
by side, sharing one send rate) open for all the batches it sends. A
refused connection, a timeout or a 4xx answer puts the rows back with exponential
back-off; a 5xx for the recipient puts the address on the suppression list; any other
5xx marks the row failed with the server's reason.
"""

from __future__ import annotations

import contextlib
import logging
import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import and_, or_, select, update

from services.notifications.composer import address_hash
from services.notifications.models import (
    CANCELLED,
    FAILED,
    HELD,
    QUEUED,
    SENDING,
    SENT,
    SUPPRESSED,
    Email,
    Suppression,
)
from services.notifications.mime import build_message
from services.notifications.throttle import RateLimiter
from services.notifications.transports import PermanentSendError, Sender, TransientSendError, Transport
from shared.contracts.envelope import isoformat, utcnow
from shared.db.availability import retry_while_unavailable
from shared.db.uow import UnitOfWork
from shared.failpoints import failpoint

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
GIVE_UP_AFTER = timedelta(days=3)


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    suppressed: int = 0
    deferred: int = 0
    errors: list[str] = field(default_factory=list)

    def merge(self, parts: list["DeliveryReport"]) -> None:
        for part in parts:
            self.sent += part.sent
            self.failed += part.failed
            self.suppressed += part.suppressed
            self.deferred += part.deferred
            self.errors.extend(part.errors)


def backoff(base_seconds: float = 30.0, max_seconds: float = 1800.0) -> Callable[[int], timedelta]:
    """Exponential back-off with jitter: by default 30 s, 1 min, 2 min ... capped at 30 min.
    The jitter spreads the retries of many rows so a recovering server is not flooded."""

    def delay(attempts: int) -> timedelta:
        ceiling = min(max_seconds, base_seconds * 2 ** max(0, attempts - 1))
        return timedelta(seconds=random.uniform(ceiling / 2, ceiling))

    return delay


retry_delay = backoff()


class Mailer:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        transport: Transport,
        mail_from: str,
        batch_size: int = 50,
        rate_per_second: float = 50.0,
        retry_delay: Callable[[int], timedelta] = retry_delay,
        mark_every: int = 20,
        lease: timedelta = LEASE,
        connections: int = 1,
    ):
        self.uow_factory = uow_factory
        self.transport = transport
        self.mail_from = mail_from
        self.batch_size = batch_size
        self.rate = RateLimiter(rate_per_second)
        self.retry_delay = retry_delay
        self.mark_every = max(1, mark_every)
        self.lease = lease
        self.connections = max(1, connections)

    def deliver_due(self) -> DeliveryReport:
        """Send everything that is due, over ``connections`` SMTP connections (1 by default)
        that stay open for the whole run; the send rate is shared between them."""
        report = DeliveryReport()
        with contextlib.ExitStack() as stack:
            senders: list[Sender] = []
            pool = stack.enter_context(ThreadPoolExecutor(self.connections)) if self.connections > 1 else None
            while True:
                claimed = self._claim(report)
                if not claimed:
                    return report
                if not senders:
                    try:
                        senders = self._open(stack)
                    except TransientSendError as exc:
                        self._defer(claimed, str(exc), report)
                        return report
                shares = [claimed[i :: len(senders)] for i in range(len(senders))]
                parts = [DeliveryReport() for _ in senders]
                if pool is None:
                    connected = [self._send_batch(senders[0], shares[0], parts[0])]
                else:
                    connected = list(pool.map(self._send_batch, senders, shares, parts))
                report.merge(parts)
                if not all(connected) or len(claimed) < self.batch_size:
                    return report

    def _open(self, stack: contextlib.ExitStack) -> list[Sender]:
        """The first connection must work; further ones are a bonus (the server may limit them)."""
        senders = [stack.enter_context(self.transport.session())]
        for _ in range(self.connections - 1):
            try:
                senders.append(stack.enter_context(self.transport.session()))
            except TransientSendError as exc:
                log.warning("fewer mail connections than configured", extra={"error": str(exc)[:300]})
                break
        return senders

    def _claim(self, report: DeliveryReport) -> list[Email]:
        now = utcnow()
        with self.uow_factory() as uow:
            rows = uow.session.scalars(
                select(Email)
                .where(
                    or_(
                        and_(Email.state == QUEUED, or_(Email.next_attempt_at.is_(None), Email.next_attempt_at <= now)),
                        # A lease that ran out: its worker died before marking the row.
                        and_(Email.state == SENDING, Email.next_attempt_at <= now),
                    )
                )
                .order_by(Email.created_at)
                .limit(self.batch_size)
                .with_for_update(skip_locked=True)
            ).all()
            hashes = {address_hash(e.recipient) for e in rows if e.recipient}
            suppressed = (
                set(uow.session.scalars(select(Suppression.address_hash).where(Suppression.address_hash.in_(hashes))))
                if hashes
                else set()
            )
            claimed = []
            for email in rows:
                if email.recipient is None:
                    email.state, email.next_attempt_at = CANCELLED, None  # erased after it was queued
                elif address_hash(email.recipient) in suppressed:
                    email.state, email.next_attempt_at = SUPPRESSED, None
                    report.suppressed += 1
                else:
                    email.state = SENDING
                    email.attempts += 1
                    email.next_attempt_at = now + self.lease
                    claimed.append(email)
            uow.commit()
            return claimed

    def _send_batch(self, sender: Sender, claimed: list[Email], report: DeliveryReport) -> bool:
        """Send the claimed rows; False when the connection is gone and the rest must wait.

        Sent rows are marked in groups of ``mark_every`` (one transaction each, not one per
        message): a crash can then re-send at most one group after the lease, with the same
        Message-IDs, and the database is not the bottleneck of a large mailing."""
        sent: list[Email] = []
        try:
            for index, email in enumerate(claimed):
                self.rate.wait()
                try:
                    sender.send(build_message(email, self.mail_from))
                except PermanentSendError as exc:
                    if exc.recipient_refused:
                        self._suppress(email, str(exc))
                        report.suppressed += 1
                    else:
                        self._mark_failed(email, str(exc))
                        report.failed += 1
                except TransientSendError as exc:
                    if exc.connection_lost:
                        self._defer(claimed[index:], str(exc), report)
                        return False
                    self._defer([email], str(exc), report)
                else:
                    failpoint("mailer.after_send")  # handed to the mail server, not yet marked sent
                    sent.append(email)
                    report.sent += 1
                    if len(sent) >= self.mark_every:
                        self._mark_sent(sent)
                        sent = []
            return True
        finally:
            self._mark_sent(sent)

    def _mark_sent(self, emails: list[Email]) -> None:
        """Record what the mail server took; a database that is briefly away is waited for
        (within half the lease), since a row left `sending` is sent again when its lease ends."""
        if emails:
            patience = self.lease.total_seconds() / 2
            retry_while_unavailable(lambda: self._mark_sent_now(emails), patience=patience)

    def _mark_sent_now(self, emails: list[Email]) -> None:
        now = utcnow()
        with self.uow_factory() as uow:
            uow.session.execute(
                update(Email)
                .where(Email.id.in_([e.id for e in emails]))
                .values(state=SENT, sent_at=now, next_attempt_at=None, last_error=None)
            )
            uow.publish_many(
                "notifications.email.sent.v1",
                [
                    (
                        email.id,
                        {
                            "email_id": email.id,
                            "template": email.template,
                            "member_id": email.member_id,
                            "event_id": email.event_id,
                            "sent_at": isoformat(now),
                        },
                    )
                    for email in emails
                ],
            )
            uow.commit()

    def _mark_failed(self, email: Email, error: str) -> None:
        log.warning("e-mail refused permanently", extra={"email_id": email.id, "error": error[:300]})
        with self.uow_factory() as uow:
            uow.session.execute(
                update(Email).where(Email.id == email.id).values(state=FAILED, last_error=error[:1000], next_attempt_at=None)
            )
            uow.commit()

    def _suppress(self, email: Email, error: str) -> None:
        """The address bounced for good: nothing more goes to it, also not what is waiting."""
        log.warning("address refused permanently; suppressing it", extra={"email_id": email.id, "error": error[:300]})
        digest = address_hash(email.recipient)
        with self.uow_factory() as uow:
            if uow.session.get(Suppression, digest) is None:
                uow.session.add(Suppression(address_hash=digest, reason=error[:1000], created_at=utcnow()))
            uow.session.execute(
                update(Email).where(Email.id == email.id).values(state=SUPPRESSED, last_error=error[:1000], next_attempt_at=None)
            )
            uow.session.execute(
                update(Email)
                .where(Email.recipient == email.recipient, Email.state.in_((QUEUED, HELD)))
                .values(state=SUPPRESSED, last_error="the address is on the suppression list", next_attempt_at=None)
            )
            uow.commit()

    def _defer(self, emails: list[Email], error: str, report: DeliveryReport) -> None:
        log.warning("mail server unavailable; deferring", extra={"count": len(emails), "error": error[:300]})
        now = utcnow()
        with self.uow_factory() as uow:
            for email in emails:
                gave_up = now - email.created_at > GIVE_UP_AFTER
                uow.session.execute(
                    update(Email)
                    .where(Email.id == email.id, Email.state == SENDING)
                    .values(
                        state=FAILED if gave_up else QUEUED,
                        last_error=error[:1000],
                        next_attempt_at=None if gave_up else now + self.retry_delay(email.attempts),
                    )
                )
            uow.commit()
        report.deferred += len(emails)
        report.errors.append(error)
