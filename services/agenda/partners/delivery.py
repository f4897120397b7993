"""Sends due webhook deliveries: claim, sign, POST, record the attempt and what follows.

A delivery is claimed (state ``sending`` with a lease in ``next_attempt_at``) in its own
short transaction, sent outside any transaction, and its outcome recorded in another. A
delivery that was answered 2xx is never claimed again. If a worker dies between sending
and recording, the lease runs out and the delivery is sent again with the same
``webhook-id``, which receivers use to de-duplicate (see README.md).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select

from services.agenda.partners.models import (
    ACTIVE,
    DELIVERED,
    DISABLED,
    FAILED,
    PENDING,
    SENDING,
    Delivery,
    DeliveryAttempt,
    Partner,
    Subscription,
)
from services.agenda.partners.settings import PartnerSettings
from services.agenda.partners.signing import signing_secrets, webhook_headers
from services.agenda.partners.transport import SendResult, WebhookSender
from shared.contracts.envelope import CONTENT_TYPE, utcnow
from shared.db.uow import UnitOfWork

log = logging.getLogger(__name__)

USER_AGENT = "Buurtplatform-Webhooks/1"


def retry_delay(attempts: int, initial: float, maximum: float, rng: random.Random) -> float:
    """Exponential back-off with jitter: about initial, 2x, 4x ... up to maximum seconds."""
    ceiling = min(maximum, initial * 2 ** max(0, attempts - 1))
    return rng.uniform(ceiling / 2, ceiling)


@dataclass(frozen=True)
class Claim:
    delivery_id: str
    subscription_id: str
    url: str
    event_id: str
    body: str
    attempts: int
    secrets: list[str]


@dataclass
class DeliveryReport:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    disabled_subscriptions: list[str] = field(default_factory=list)
    next_due: datetime | None = None  # when the earliest waiting delivery is due, for the job's sleep


class Deliverer:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        sender: WebhookSender,
        settings: PartnerSettings,
        clock: Callable[[], datetime] = utcnow,
        rng: random.Random | None = None,
    ):
        self.uow_factory = uow_factory
        self.sender = sender
        self.settings = settings
        self.clock = clock
        self.rng = rng or random.Random()

    def deliver_due(self) -> DeliveryReport:
        report = DeliveryReport()
        while True:
            claims = self._claim()
            for claim in claims:
                self._deliver(claim, report)
            if len(claims) < self.settings.batch_size:
                report.next_due = self._next_due()
                return report

    def _next_due(self) -> datetime | None:
        with self.uow_factory() as uow:
            return uow.session.scalar(
                select(func.min(Delivery.next_attempt_at))
                .join(Subscription, Subscription.id == Delivery.subscription_id)
                .join(Partner, Partner.id == Delivery.partner_id)
                .where(
                    Subscription.status == ACTIVE,
                    Partner.active.is_(True),
                    Delivery.status.in_((PENDING, SENDING)),
                )
            )

    def _claim(self) -> list[Claim]:
        now = self.clock()
        with self.uow_factory() as uow:
            rows = uow.session.execute(
                select(Delivery, Subscription)
                .join(Subscription, Subscription.id == Delivery.subscription_id)
                .join(Partner, Partner.id == Delivery.partner_id)
                .where(
                    Subscription.status == ACTIVE,
                    Partner.active.is_(True),
                    # SENDING and due: a lease that ran out, its worker died before recording.
                    or_(Delivery.status == PENDING, Delivery.status == SENDING),
                    and_(Delivery.next_attempt_at.is_not(None), Delivery.next_attempt_at <= now),
                )
                .order_by(Delivery.next_attempt_at, Delivery.created_at)
                .limit(self.settings.batch_size)
                .with_for_update(skip_locked=True, of=Delivery)
            ).all()
            claims = []
            for delivery, subscription in rows:
                delivery.status = SENDING
                delivery.attempts += 1
                delivery.next_attempt_at = now + self.settings.lease
                claims.append(
                    Claim(
                        delivery_id=delivery.id,
                        subscription_id=subscription.id,
                        url=subscription.url,
                        event_id=delivery.event_id,
                        body=delivery.body,
                        attempts=delivery.attempts,
                        secrets=signing_secrets(subscription, now),
                    )
                )
            uow.commit()
        return claims

    def _deliver(self, claim: Claim, report: DeliveryReport) -> None:
        # The signed timestamp is the moment of sending, by the wall clock receivers compare it with.
        headers = webhook_headers(claim.event_id, claim.body, claim.secrets, utcnow())
        headers.update({"Content-Type": f"{CONTENT_TYPE}; charset=utf-8", "User-Agent": USER_AGENT})
        result = self.sender.send(claim.url, claim.body, headers)
        self._record(claim, result, report)

    def _record(self, claim: Claim, result: SendResult, report: DeliveryReport) -> None:
        now = self.clock()
        with self.uow_factory() as uow:
            delivery = uow.session.get(Delivery, claim.delivery_id, with_for_update=True)
            if delivery is None:  # the partner deleted the subscription meanwhile
                return
            subscription = uow.session.get(Subscription, claim.subscription_id, with_for_update=True)
            outcome = self._outcome(delivery, subscription, claim, result, now, report)
            uow.session.add(
                DeliveryAttempt(
                    delivery_id=delivery.id,
                    attempted_at=now,
                    status_code=result.status_code,
                    error=result.error[:2000] if result.error else None,
                    duration_ms=result.duration_ms,
                    retry_after_seconds=int(result.retry_after_seconds) if result.retry_after_seconds is not None else None,
                    outcome=outcome,
                )
            )
            uow.commit()

    def _outcome(
        self,
        delivery: Delivery,
        subscription: Subscription,
        claim: Claim,
        result: SendResult,
        now: datetime,
        report: DeliveryReport,
    ) -> str:
        if delivery.status != SENDING or delivery.attempts != claim.attempts:
            # Another worker took over after our lease ran out; it decides the state.
            return "superseded"
        delivery.last_status_code = result.status_code
        delivery.last_error = result.error[:2000] if result.error else None
        if result.delivered:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = DELIVERED, now, None
            subscription.failing_since = None
            report.delivered += 1
            return "delivered"
        if result.status_code == 410:
            delivery.status, delivery.next_attempt_at = FAILED, None
            self._disable(subscription, "The endpoint answered 410 Gone.", now, report)
            report.failed += 1
            return "gone"
        subscription.failing_since = subscription.failing_since or now
        window = self.settings.retry_window
        if now - subscription.failing_since >= window:
            since = subscription.failing_since.isoformat(timespec="seconds")
            self._disable(subscription, f"The endpoint has been failing since {since}, longer than {_hours(window)}.", now, report)
        if now - delivery.window_started_at >= window:
            delivery.status, delivery.next_attempt_at = FAILED, None
            report.failed += 1
            return "gave_up"
        delivery.status = PENDING
        delivery.next_attempt_at = now + timedelta(seconds=self._delay(delivery.attempts, result))
        report.retrying += 1
        return "retry"

    def _delay(self, attempts: int, result: SendResult) -> float:
        if result.retry_after_seconds is not None:
            # The receiver said when; we still retry within the window rather than park forever.
            return min(result.retry_after_seconds, self.settings.retry_window.total_seconds())
        return retry_delay(attempts, self.settings.backoff_initial_seconds, self.settings.backoff_max_seconds, self.rng)

    def _disable(self, subscription: Subscription, reason: str, now: datetime, report: DeliveryReport) -> None:
        if subscription.status != ACTIVE:
            return
        subscription.status, subscription.disabled_reason, subscription.disabled_at = DISABLED, reason, now
        subscription.updated_at = now
        report.disabled_subscriptions.append(subscription.id)
        log.warning(
            "webhook endpoint disabled",
            extra={"partner_id": subscription.partner_id, "subscription_id": subscription.id, "reason": reason},
        )


def _hours(window: timedelta) -> str:
    hours = window.total_seconds() / 3600
    return f"{hours:g} hours"
