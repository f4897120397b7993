"""Notifications' tables: contacts and their preferences learned from events, theme circles,
peer introductions, events waiting for a contact, the suppression list, and every e-mail
as a row first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, MetaData, String, Text, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db.messaging_tables import define_messaging_tables
from shared.db.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# E-mail states. ``held`` waits for the member's weekly digest and becomes ``bundled`` when
# the digest is made; ``cancelled`` was never sent (unsubscribed or erased before sending).
QUEUED, SENDING, SENT, FAILED, SUPPRESSED = "queued", "sending", "sent", "failed", "suppressed"
HELD, BUNDLED, CANCELLED = "held", "bundled", "cancelled"

# Frequencies a member can choose per category.
IMMEDIATELY, WEEKLY, NEVER = "immediately", "weekly", "never"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Contact(Base):
    """What notifications knows of a member: where to write, in which language, what they allow."""

    __tablename__ = "contacts"

    member_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set by intake.submission.confirmed.v1; until then only transactional mail is sent.
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    consent_contact: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    consent_peer_introductions: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    erasure_token: Mapped[str | None] = mapped_column(String(1000))
    # Preferences, the member's own choice from the preferences page.
    language_chosen: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    introductions: Mapped[str] = mapped_column(String(20), default=IMMEDIATELY, server_default=IMMEDIATELY)
    agenda: Mapped[str] = mapped_column(String(20), default=IMMEDIATELY, server_default=IMMEDIATELY)
    circle_news: Mapped[str] = mapped_column(String(20), default=IMMEDIATELY, server_default=IMMEDIATELY)
    welcomed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Circle(Base):
    """A member's theme circle, from matching; kept apart from contacts because it may come first."""

    __tablename__ = "circles"

    member_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    theme: Mapped[str] = mapped_column(String(60), primary_key=True)


class DeferredEvent(Base):
    """An event that needs a contact notifications does not know yet; replayed when it arrives."""

    __tablename__ = "deferred_events"

    event_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(36), index=True)
    envelope: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Introduction(Base):
    """A suggested peer introduction: both sides are asked; only two yeses reveal anything."""

    __tablename__ = "introductions"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)  # the suggestion id
    event_id: Mapped[str] = mapped_column(String(100))
    asking_member_id: Mapped[str] = mapped_column(String(36), index=True)
    offering_member_id: Mapped[str] = mapped_column(String(36), index=True)
    question_text: Mapped[str | None] = mapped_column(Text)
    expertise_text: Mapped[str | None] = mapped_column(Text)
    themes: Mapped[list[str]] = mapped_column(JSON)
    asking_answer: Mapped[str | None] = mapped_column(String(20))  # None, "accepted" or "declined"
    offering_answer: Mapped[str | None] = mapped_column(String(20))
    asking_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    offering_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Suppression(Base):
    """An address that bounced permanently. Stored as a hash: it stays useful after erasure
    without keeping the address itself."""

    __tablename__ = "suppressions"

    address_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ErasedMember(Base):
    """Members intake erased: a late event about them must not bring their data back."""

    __tablename__ = "erased_members"

    member_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Email(Base):
    """One message to one recipient for one event: the unique key makes duplicates impossible."""

    __tablename__ = "emails"
    __table_args__ = (
        UniqueConstraint("event_id", "recipient", "template", name="uq_emails_event_recipient_template"),
        Index("ix_emails_held_member", "member_id", "state"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(100))
    recipient: Mapped[str | None] = mapped_column(String(320))  # cleared on erasure
    member_id: Mapped[str | None] = mapped_column(ForeignKey("contacts.member_id", ondelete="SET NULL"), index=True)
    template: Mapped[str] = mapped_column(String(60))
    category: Mapped[str] = mapped_column(String(30), default="transactional", server_default="transactional")
    language: Mapped[str] = mapped_column(String(2))
    message_id: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str | None] = mapped_column(String(300))
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    list_unsubscribe: Mapped[str | None] = mapped_column(String(2000))  # the header value; None: transactional
    digest_email_id: Mapped[str | None] = mapped_column(String(36))  # the digest that bundled this held row
    state: Mapped[str] = mapped_column(String(20), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


TABLES = define_messaging_tables(Base.metadata)
