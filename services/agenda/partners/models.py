"""Partners, their webhook subscriptions, and every delivery with its attempts.

These tables share agenda's metadata (``services.agenda.models.Base``) and so its migration
history; ``services/agenda/models.py`` imports this module so Alembic always sees them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.agenda.models import Base
from shared.db.types import UTCDateTime

# Subscription states
ACTIVE = "active"
DISABLED = "disabled"

# Delivery states
PENDING = "pending"  # waiting for its next attempt (next_attempt_at)
SENDING = "sending"  # claimed by a worker until next_attempt_at (the lease)
DELIVERED = "delivered"  # the endpoint answered 2xx; never sent again unless the partner replays it
FAILED = "failed"  # gave up: 410 Gone, or failing for longer than the retry window


class Partner(Base):
    __tablename__ = "partners"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(320))  # an organisation's address, not a member's
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the API token; the token itself is never stored
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    subscriptions: Mapped[list["Subscription"]] = relationship(
        back_populates="partner", cascade="all, delete-orphan", passive_deletes=True, order_by="Subscription.created_at"
    )


class Subscription(Base):
    """One webhook endpoint of a partner, with the event types and themes it wants."""

    __tablename__ = "partner_subscriptions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    event_types: Mapped[list[str]] = mapped_column(JSON)
    themes: Mapped[list[str]] = mapped_column(JSON)  # empty: every theme
    description: Mapped[str | None] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(100))  # whsec_..., needed in clear to sign
    previous_secret: Mapped[str | None] = mapped_column(String(100))  # still signs until previous_secret_until
    previous_secret_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20), default=ACTIVE)
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime())  # first failure since the last success
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    partner: Mapped[Partner] = relationship(back_populates="subscriptions")


class Delivery(Base):
    """One event for one endpoint; attempts are logged in DeliveryAttempt."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "event_id", name="uq_webhook_deliveries_subscription_event"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    subscription_id: Mapped[str] = mapped_column(ForeignKey("partner_subscriptions.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[str] = mapped_column(String(36))  # also the webhook-id header
    event_type: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)  # the CloudEvents envelope, sent byte for byte on every attempt
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime())  # retries stop a retry window after this
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    replays: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    attempt_log: Mapped[list["DeliveryAttempt"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="DeliveryAttempt.id"
    )


class DeliveryAttempt(Base):
    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int] = mapped_column(Integer)
    retry_after_seconds: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(20))  # delivered, retry, gave_up, gone

