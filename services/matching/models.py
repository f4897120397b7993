"""Matching's tables: member profiles, texts with their theme assignments, member themes and
curator overrides, peer offers and suggestions, classifier versions and curator feedback."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Text
from sqlalchemy import text as sql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db.messaging_tables import define_messaging_tables
from shared.db.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Profile(Base):
    """What matching knows of a member: enough to match, nothing to contact them with."""

    __tablename__ = "profiles"

    member_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    role: Mapped[str] = mapped_column(String(30))
    municipality_code: Mapped[str] = mapped_column(String(6))
    province_code: Mapped[str] = mapped_column(String(4))
    peer_introductions: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MemberText(Base):
    __tablename__ = "texts"

    text_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    submission_id: Mapped[str] = mapped_column(String(36), index=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("profiles.member_id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    classifier_version: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    scores: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # every theme's probability
    explanations: Mapped[list | None] = mapped_column(JSON, nullable=True)  # per chosen theme
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    stated_themes: Mapped[list | None] = mapped_column(JSON, nullable=True)  # what the member ticked
    terms: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # TF-IDF terms for text similarity
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (
        Index("ix_texts_review_queue", "created_at", postgresql_where=sql("needs_review"), sqlite_where=sql("needs_review")),
    )


class ThemeAssignment(Base):
    __tablename__ = "theme_assignments"

    text_id: Mapped[str] = mapped_column(ForeignKey("texts.text_id", ondelete="CASCADE"), primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(20))  # "auto" or "curator"

    __table_args__ = (Index("ix_theme_assignments_slug", "slug"),)


class MemberTheme(Base):
    __tablename__ = "member_themes"

    member_id: Mapped[str] = mapped_column(ForeignKey("profiles.member_id", ondelete="CASCADE"), primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), primary_key=True)
    weight: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(20), default="auto", server_default="auto")  # or "curator"


class ThemeOverride(Base):
    """A curator's decision about a member's circle: it wins over the computed themes."""

    __tablename__ = "theme_overrides"

    member_id: Mapped[str] = mapped_column(ForeignKey("profiles.member_id", ondelete="CASCADE"), primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), primary_key=True)
    action: Mapped[str] = mapped_column(String(10))  # "add" or "remove"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PeerOffer(Base):
    """An expertise text of a member who consented to introductions: what the peer index holds."""

    __tablename__ = "peer_offers"

    text_id: Mapped[str] = mapped_column(ForeignKey("texts.text_id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("profiles.member_id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(30))
    municipality_code: Mapped[str] = mapped_column(String(6))
    province_code: Mapped[str] = mapped_column(String(4))
    themes: Mapped[list] = mapped_column(JSON)
    terms: Mapped[dict] = mapped_column(JSON)


class PeerIndexChange(Base):
    """Which offers changed, in order: workers keep the peer index in memory and catch up from here.
    A row without text_id tells them to reload everything (after an erasure)."""

    __tablename__ = "peer_index_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    text_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PeerExposure(Base):
    """How often a member was suggested in a calendar month (the fairness cap)."""

    __tablename__ = "peer_exposure"

    member_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # "2026-11"
    count: Mapped[int] = mapped_column(Integer)


class PeerSuggestion(Base):
    __tablename__ = "peer_suggestions"

    suggestion_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    submission_id: Mapped[str] = mapped_column(String(36), index=True)
    question_id: Mapped[str] = mapped_column(String(100), index=True)
    asking_member_id: Mapped[str] = mapped_column(String(36), index=True)
    offering_member_id: Mapped[str] = mapped_column(String(36), index=True)
    offer_text_id: Mapped[str] = mapped_column(String(100))
    themes: Mapped[list] = mapped_column(JSON)
    reasons: Mapped[list] = mapped_column(JSON)
    score: Mapped[float] = mapped_column(Float)
    suggested_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ModelVersion(Base):
    """A trained classifier: its bytes, its figures; exactly one is active."""

    __tablename__ = "model_versions"

    version: Mapped[str] = mapped_column(String(100), primary_key=True)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    train_texts: Mapped[int] = mapped_column(Integer)
    corrections: Mapped[int] = mapped_column(Integer)
    feedback_members: Mapped[list] = mapped_column(JSON)  # whose corrected texts it learned from (erasure)
    metrics: Mapped[dict] = mapped_column(JSON)
    blob: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (
        Index("uq_model_versions_active", "active", unique=True, postgresql_where=sql("active"), sqlite_where=sql("active")),
    )


class LabelFeedback(Base):
    """A curator's correction of a text's themes: learned from at the next training."""

    __tablename__ = "label_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    text_id: Mapped[str] = mapped_column(ForeignKey("texts.text_id", ondelete="CASCADE"), index=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("profiles.member_id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    labels: Mapped[list] = mapped_column(JSON)
    previous: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


TABLES = define_messaging_tables(Base.metadata)
